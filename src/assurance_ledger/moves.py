"""Moves as the rules see them: removals, coerced departures, and chains of them.

A claimant leaves the state that took them back by a ``removed`` outcome, a
``custody_transferred`` one (a removal by its ``by`` to its ``to``), or a
``departed`` one; a *coerced* departure counts as a removal by the state the
claimant left (``docs/format.md``, the outcomes). Which state that was depends on
the moves before it, and imprecise dates may not fix their order: the
departure is then a removal by each state it may have left, each only
``MAYBE`` (:func:`removals`). Non-refoulement with ``indirect`` follows
removals on from a third state to a feared country (:class:`Chains`).

Both are worked out in time that grows with a claimant's moves, not with their
square: a hostile ledger may give one claimant thousands.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable

import attrs

from . import records as r
from .dates import DateSpan
from .ledger import Fact
from .truth import MAYBE, YES, Truth

__all__ = ["Removal"]

#: The outcomes by which a claimant leaves the giver: removals, departures, and
#: custody transfers (a hand-over to another state's agents on the giver's own
#: soil counts as a removal by the giver to that state: ``docs/format.md``).
MOVES = (r.Removed, r.Departed, r.CustodyTransferred)


@attrs.frozen
class Removal:
    """A removal as the rules see it: ``removed``, ``custody_transferred``, or a coerced departure.

    ``by`` is the state that removed (for a departure, the state the claimant left);
    ``truth`` is ``MAYBE`` when imprecise dates leave that state in doubt.
    """

    fact: Fact
    on: DateSpan
    by: str
    to: str
    truth: Truth = YES


def removals(
    returned: r.ClaimantReturned, outcomes: Iterable[Fact], as_of: DateSpan
) -> list[Removal]:
    """Removals, and coerced departures as removals by the state the claimant left.

    Which state a departure left depends on the order of the moves before it,
    and imprecise dates may not fix that order: a departure is then a removal
    by each state it may have left, each only ``MAYBE``.
    """
    moves = [
        f for f in outcomes if isinstance(f.record, MOVES) and f.record.on.earliest <= as_of.latest
    ]
    if not moves:
        return []
    places = _whereabouts(returned, moves)
    found = []
    for index, fact in enumerate(moves):
        record = fact.record
        if isinstance(record, r.Removed | r.CustodyTransferred):
            found.append(Removal(fact, record.on, record.by, record.to))
        elif isinstance(record, r.Departed) and record.coerced:
            for left, truth in places[index].items():
                found.append(Removal(fact, record.on, left, record.to, truth))
    return found


def _whereabouts(returned: r.ClaimantReturned, moves: list[Fact]) -> dict[int, dict[str, Truth]]:
    """Where the claimant may have been just before each coerced departure, and how surely.

    By the place in ``moves`` (in date order) of each coerced departure. Read
    the moves in order: one certainly before the departure puts the claimant
    in its country (forgetting what came before); one that may be before adds
    its country as a maybe and makes every place so far a maybe; one that
    cannot be before changes nothing. So the answer is the country of the last
    move certainly before (or the country returned to), alone and certain
    unless a move that may be before comes after it in the list.

    That is found for every departure together, in time that grows with the
    moves and departures (not their product): the last certain move by a sweep
    in order of dates, the maybes by where each country's moves lie in the list.
    """
    departures = [
        i for i, f in enumerate(moves) if isinstance(f.record, r.Departed) and f.record.coerced
    ]
    if not departures:
        return {}
    spans: list[DateSpan] = [f.record.on for f in moves]  # type: ignore[attr-defined]
    earliest = [span.earliest for span in spans]  # in order: moves are in date order
    by_latest = sorted(range(len(moves)), key=lambda i: spans[i].latest)
    where: dict[str, list[int]] = {}  # each country's places in the list
    for i, fact in enumerate(moves):
        where.setdefault(fact.record.to, []).append(i)  # type: ignore[attr-defined]
    places: dict[int, dict[str, Truth]] = {}
    last, swept = -1, 0  # the last move certainly before, over moves swept by date
    for d in sorted(departures, key=lambda i: spans[i].earliest):
        when = spans[d]
        while swept < len(by_latest) and spans[by_latest[swept]].latest < when.earliest:
            last = max(last, by_latest[swept])
            swept += 1
        base = returned.returned_to if last < 0 else moves[last].record.to  # type: ignore[attr-defined]
        end = bisect.bisect_left(earliest, when.latest)  # moves from here on cannot be before
        maybes = []
        for country, spots in where.items():
            k = bisect.bisect_right(spots, last)
            if k < len(spots) and spots[k] == d:
                k += 1
            if k < len(spots) and spots[k] < end:
                maybes.append((spots[k], country))
        if not maybes:
            places[d] = {base: YES}
            continue
        found = {base: MAYBE}
        for _, country in sorted(maybes):
            found[country] = MAYBE
        places[d] = found
    return places


@attrs.frozen
class Chains:
    """Which removals lead on, removal by removal, to a feared country (private).

    A chain is a removal by the state the claimant was last sent to, on or
    after that sending, and so on until one sends them to a feared country.
    Every removal that can start such a chain is found at once, backwards from
    the removals to a feared country, twice: once through steps that are each
    certain (the removal itself, and that it came on or after the one before),
    once through steps that may be. Each removal is looked at a bounded number
    of times, so the cost grows with the removals, not with the chains.
    :meth:`after` then gives, for a removal by the giver to a third state, the
    most certain chain that follows it (the empty list if none does).
    """

    tiers: tuple[_Tier, _Tier]  # certain steps first, then possible ones

    @classmethod
    def of(cls, removals: list[Removal], feared: set[str]) -> Chains:
        """The chains among a claimant's ``removals`` (in date order) to ``feared`` countries."""
        return cls(
            (_Tier.of(removals, feared, certain=True), _Tier.of(removals, feared, certain=False))
        )

    def after(self, first: Removal) -> list[Removal]:
        """The chain after ``first`` (not including it): the most certain, then the first."""
        for tier in self.tiers:
            start = tier.first_after(first)
            if start is not None:
                return _follow(start, tier.steps)
        return []


@attrs.frozen
class _Tier:
    """The removals that lead on to a feared country through steps of one certainty."""

    certain: bool
    steps: dict[int, Removal | None]  # id(removal) -> its next step (None: it ends)
    # For each state, its removals that lead on, in the order given, and the
    # running maximum of the date bound a step after ``first`` checks.
    by: dict[str, tuple[list[Removal], list[dt.date]]]

    @classmethod
    def of(cls, removals: list[Removal], feared: set[str], *, certain: bool) -> _Tier:
        steps = _leading(removals, feared, certain=certain)
        by: dict[str, tuple[list[Removal], list[dt.date]]] = {}
        for removal in removals:
            if id(removal) in steps:
                found, most = by.setdefault(removal.by, ([], []))
                key = removal.on.earliest if certain else removal.on.latest
                found.append(removal)
                most.append(max(most[-1], key) if most else key)
        return cls(certain, steps, by)

    def first_after(self, first: Removal) -> Removal | None:
        """The first removal, in the order given, that may follow ``first`` in a chain."""
        found, most = self.by.get(first.to, ([], []))
        limit = first.on.latest if self.certain else first.on.earliest
        for index in range(bisect.bisect_left(most, limit), len(found)):
            removal = found[index]
            key = removal.on.earliest if self.certain else removal.on.latest
            if key >= limit and removal is not first:
                return removal
        return None


def _follow(start: Removal, steps: dict[int, Removal | None]) -> list[Removal]:
    chain = [start]
    seen = {id(start)}
    while (step := steps[id(chain[-1])]) is not None and id(step) not in seen:
        seen.add(id(step))
        chain.append(step)
    return chain


def _leading(
    removals: list[Removal], feared: set[str], *, certain: bool
) -> dict[int, Removal | None]:
    """Every removal from which steps lead to a feared country, with its next step.

    ``certain``: only through certain steps. Found backwards from the removals
    to a feared country: the removals that may come before a found one are
    those *to* the state that made it, dated early enough; kept in order of
    date, they are a prefix of that state's list, and each list is read once.
    """
    usable = [m for m in removals if m.truth is YES or not certain]

    # For each state, the removals *to* it, by the date bound a step checks:
    # a certain step needs the one before to end by the next one's start.
    def bound(m: Removal) -> dt.date:
        return m.on.latest if certain else m.on.earliest

    into: dict[str, list[Removal]] = {}
    for removal in sorted(usable, key=bound):
        into.setdefault(removal.to, []).append(removal)
    read = dict.fromkeys(into, 0)
    steps: dict[int, Removal | None] = {}
    queue = [m for m in usable if m.to in feared]
    for removal in queue:
        steps[id(removal)] = None
    while queue:
        found = queue.pop()
        limit = found.on.earliest if certain else found.on.latest
        before = into.get(found.by, [])
        start = read.get(found.by, 0)
        end = start
        while end < len(before) and bound(before[end]) <= limit:
            end += 1
        read[found.by] = max(start, end)
        for removal in before[start:end]:
            if id(removal) not in steps and removal is not found:
                steps[id(removal)] = found
                queue.append(removal)
    return steps
