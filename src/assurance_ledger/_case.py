"""A case, as the breach rules see it: one returned claimant under one covering assurance.

:class:`Case` gives a rule what it reads (the claimant's outcomes by type, the
removals, whether the obligation binds a date, deadlines); :class:`Finding` is
what a rule yields. How the rules reason with them is told once, at the top of
:mod:`~assurance_ledger.rules`, which re-exports both: a rule of a user's own
imports them from there.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, NamedTuple, TypeVar

import attrs

from . import records as r
from .dates import DateSpan
from .ledger import Fact
from .moves import Removal, removals
from .truth import (
    DATE_IMPRECISE,
    MAYBE,
    NO,
    RECORD_MISSING,
    Reason,
    Truth,
)

__all__ = ["Case", "Deadline", "Finding", "earlier", "later"]

#: A case with more outcomes than this reads them by type (see Case.of_type).
_MANY = 32
OutcomeT = TypeVar("OutcomeT", bound=r.Outcome)


# A Deadline is made by tuple.__new__ itself (see _engine): most deadlines a
# check reads are not due or were kept, and a named tuple's own __new__ is a
# Python call.
_make = tuple.__new__
# The reasons of a missed deadline, sorted: a late record's doubt can only be
# its dates; a missing record's, the record and perhaps the dates too.
_DATED = (DATE_IMPRECISE,)
_MISSING = (RECORD_MISSING,)
_MISSING_DATED = (DATE_IMPRECISE, RECORD_MISSING)


@attrs.frozen
class Finding:
    """What a rule found: how certain (``YES`` or ``MAYBE``), the entries, and why.

    ``reasons``: for a ``MAYBE``, the tags of what keeps it from being certain
    (:data:`~assurance_ledger.truth.REASONS`, or a rule's own), in any order;
    the report holds them sorted, each once. A ``YES`` has none (the checker
    drops any it is given).
    """

    truth: Truth
    evidence: tuple[int, ...]
    explanation: str
    reasons: tuple[Reason, ...] = ()


class Deadline(NamedTuple):
    """Whether something was *not* done in time (:meth:`Case.missed`).

    ``truth`` of the failure, the ``last`` allowed day, the ``late`` records
    (empty when it hinges on a missing record), and the ``reasons`` a
    ``MAYBE`` has.
    """

    truth: Truth
    last: DateSpan
    late: list[tuple[Fact, Any]]
    reasons: tuple[Reason, ...]


def later(a: DateSpan, b: DateSpan) -> DateSpan:
    """The later of two dates: each bound the later of the two."""
    if a.earliest >= b.earliest and a.latest >= b.latest:
        return a  # the common case: one is wholly later (no new span to make)
    if b.earliest >= a.earliest and b.latest >= a.latest:
        return b
    return DateSpan.cached(max(a.earliest, b.earliest), max(a.latest, b.latest))


def earlier(a: DateSpan, b: DateSpan) -> DateSpan:
    """The earlier of two dates: each bound the earlier of the two."""
    if a.earliest <= b.earliest and a.latest <= b.latest:
        return a
    if b.earliest <= a.earliest and b.latest <= a.latest:
        return b
    return DateSpan.cached(min(a.earliest, b.earliest), min(a.latest, b.latest))


@attrs.frozen(kw_only=True)
class Case:
    """One returned claimant under one given assurance, as of an evaluation date."""

    claimant: Fact
    assurance: Fact
    withdrawal: Fact | None
    outcomes: tuple[Fact, ...]
    as_of: DateSpan
    coverage: Truth
    _kept: dict[str, Any] | None = attrs.field(
        default=None, init=False, eq=False, repr=False, alias="_kept"
    )

    # The checker builds a case only from a return and a giving; these two are
    # read many times a case, so they do not check that again.

    @property
    def returned(self) -> r.ClaimantReturned:
        """The claimant's return."""
        return self.claimant.record  # type: ignore[return-value]

    @property
    def given(self) -> r.AssuranceGiven:
        """The assurance as given."""
        return self.assurance.record  # type: ignore[return-value]

    @property
    def giver(self) -> str:
        """The state that gave the assurance (and took the claimant back)."""
        return self.assurance.record.given_by  # type: ignore[attr-defined, no-any-return]

    @property
    def recipient(self) -> str:
        """The state the assurance was given to (which returned the claimant)."""
        return self.assurance.record.given_to  # type: ignore[attr-defined, no-any-return]

    @property
    def start(self) -> DateSpan:
        """The later of the return and the giving: deadlines run from here."""
        return later(self.returned.on, self.given.on)

    @property
    def release(self) -> DateSpan | None:
        """The date after which nothing counts (a withdrawal that releases existing claims)."""
        if self.withdrawal is None:
            return None
        record = self.withdrawal.record
        assert isinstance(record, r.AssuranceWithdrawn)  # noqa: S101 -- by construction
        return record.on if record.releases_existing else None

    def binds(self, on: DateSpan) -> Truth:
        """Whether the obligation binds what happened ``on`` (and it happened by ``as_of``)."""
        truth = on.on_or_after(self.given.on) & on.on_or_before(self.as_of)
        release = self.release
        if release is not None:
            truth = truth & on.on_or_before(release)
        return truth

    def evidence(self, *facts: Fact) -> tuple[int, ...]:
        """The seqs a finding rests on: return, assurance, these facts, and their corrections."""
        seqs = {self.claimant.seq, self.assurance.seq}
        for fact in (self.claimant, self.assurance, *facts):
            seqs.add(fact.seq)
            if fact.corrected_by is not None:
                seqs.add(fact.corrected_by)
        return tuple(sorted(seqs))

    def of_type(
        self, cls: type[OutcomeT] | tuple[type[OutcomeT], ...], *, by: str | None = None
    ) -> list[tuple[Fact, OutcomeT]]:
        """The claimant's outcomes of one type, or of any of a tuple of types (by one state).

        Only those known by ``as_of``, in date order, as ``(fact, record)`` pairs.
        """
        found = []
        latest = self.as_of.latest
        outcomes: Sequence[Fact] = self.outcomes
        if len(outcomes) > _MANY:  # read only the outcomes of the types asked for
            outcomes = self._of_types(cls if isinstance(cls, tuple) else (cls,))
        # A loop, not a comprehension: on Python 3.11 a comprehension is a call
        # of its own, dearer than the loop over the few outcomes of a claimant.
        for fact in outcomes:
            record = fact.record
            if (
                isinstance(record, cls)
                and (by is None or getattr(record, "by", None) == by)
                and record.on.earliest <= latest
            ):
                found.append((fact, record))
        return found

    def removals(self) -> list[Removal]:
        """Every removal, and coerced departure, in date order, with who removed."""
        if len(self.outcomes) <= _MANY:
            return removals(self.returned, self.outcomes, self.as_of)
        memo = self._memo()
        if "removals" not in memo:
            memo["removals"] = removals(self.returned, self.outcomes, self.as_of)
        return memo["removals"]  # type: ignore[no-any-return]

    # Three rules read the removals, and each rule reads outcomes of a few
    # types: a claimant with thousands of outcomes (a hostile ledger) must not
    # have them all read again by each. For such a case they are worked out
    # once, when first asked, and kept; a few outcomes are cheaper read again.

    def _memo(self) -> dict[str, Any]:
        if self._kept is None:
            object.__setattr__(self, "_kept", {})  # a cache, not part of the value
        return self._kept  # type: ignore[return-value]

    def _by_type(self) -> dict[type[r.Record], list[int]]:
        """The place of each outcome in ``outcomes``, by its record's type."""
        memo = self._memo()
        places: dict[type[r.Record], list[int]] | None = memo.get("by_type")
        if places is None:
            places = memo["by_type"] = {}
            for index, fact in enumerate(self.outcomes):
                places.setdefault(type(fact.record), []).append(index)
        return places

    def _of_types(self, classes: tuple[type[r.Outcome], ...]) -> list[Fact]:
        """The outcomes that are instances of ``classes``, in their order in ``outcomes``."""
        lists = [places for kind, places in self._by_type().items() if issubclass(kind, classes)]
        if not lists:
            return []
        places = lists[0] if len(lists) == 1 else sorted(itertools.chain(*lists))
        outcomes = self.outcomes
        return [outcomes[index] for index in places]

    def deadline(
        self, start: DateSpan, days: int, done: list[tuple[Fact, Any]]
    ) -> tuple[Truth, DateSpan, list[tuple[Fact, Any]]]:
        """Whether something was *not* done within ``days`` of ``start``.

        Returns the truth of the breach, the last allowed day, and the late
        records (empty when it hinges on a missing record): :meth:`missed`
        without its reasons.
        """
        found = self.missed(start, days, done)
        return found[0], found[1], found[2]

    def missed(self, start: DateSpan, days: int, done: list[tuple[Fact, Any]]) -> Deadline:
        """Whether something was *not* done within ``days`` of ``start``, and why only maybe.

        Nothing recorded is at most ``MAYBE`` (``record_missing``: the act may
        be done and unrecorded); a record whose span straddles the last
        allowed day, a last day that may or may not have passed by ``as_of``,
        and a failure day that a releasing withdrawal may or may not come
        before are ``date_imprecise``. The failure happens on the day after
        the last allowed day (``docs/format.md``, "Deadlines").

        A last day past the end of the calendar saturates at 9999-12-31 (see
        :meth:`~.dates.DateSpan.plus_days`), which reads as "9999-12-31 or
        later". That is sound here: no evaluation date and no record can be
        after 9999-12-31, so such a deadline is never certainly passed (at most
        ``MAYBE``, when its earliest reading is a real day that has passed),
        and one that saturates whole is never passed at all.
        """
        last = start.plus_days(days)
        in_time = NO
        late = []
        for fact, record in done:
            on_time = record.on.on_or_before(last)
            in_time = in_time | on_time
            if not on_time.certain:
                late.append((fact, record))
        if not done:
            # Nothing recorded: a breach only once the deadline has passed, and
            # then only possibly (the record may be missing, not the act).
            passed = self.as_of.after(last)
            if passed is NO:  # the common case: not yet due
                return _make(Deadline, (NO, last, late, ()))
            bound = self.binds(last.plus_days(1))  # the breach is the day after the last
            if bound is NO:
                return _make(Deadline, (NO, last, late, ()))
            dated = passed is MAYBE or bound is MAYBE
            return _make(Deadline, (MAYBE, last, late, _MISSING_DATED if dated else _MISSING))
        missed = ~in_time
        if missed is NO:  # the common case: done in time, whenever the obligation binds
            return _make(Deadline, (NO, last, late, ()))
        truth = missed & self.binds(last.plus_days(1))  # the breach is the day after the last
        return _make(Deadline, (truth, last, late, _DATED if truth is MAYBE else ()))
