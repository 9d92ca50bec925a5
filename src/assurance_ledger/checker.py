"""Checking a ledger: which returns each assurance covers, and which outcomes breach it.

:func:`check` makes one pass over the ledger's current view, grouping outcomes
by claimant, and for each returned claimant looks only at the assurances given
between the two states of that return: the cost grows with the entries, not
with assurances times outcomes.

Coverage (``DOMAIN.md``, "Deciding a breach"): an assurance *given* by G to R
covers a claimant returned by R to G when the return date falls in its scope
window and matches every filter of its scope; a withdrawal stops it covering
returns after the withdrawal date. Coverage is three-valued too: a return dated
"March 2020" against a scope from 21 March is *maybe* covered, and every breach
that rests on it is then at most *possible*. A crossing recorded as
``unknown`` maybe matches a scope that names crossings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import attrs

from . import moves
from . import records as r
from ._gc import collector_paused
from .commitments import Commitment
from .coverage import ReturnCounts, ScopeIndex, covers
from .dates import DateSpan, to_span
from .errors import InvalidDate, NotFound
from .ledger import Fact, Ledger
from .report import (
    Breach,
    Certainty,
    Exposure,
    PendingRequest,
    Report,
    Summary,
    UnassuredReturn,
)
from .rules import NEEDS, READS, RULES, Case, Rule
from .truth import Truth

__all__ = ["check", "covers"]


def _day(value: dt.date | str | DateSpan) -> DateSpan:
    span = to_span(value)
    if not isinstance(span, DateSpan) or not span.is_exact:
        raise InvalidDate(("as_of",), "one day written YYYY-MM-DD, like 2020-06-30", repr(value))
    return span


def _certainty(truth: Truth) -> Certainty:
    return "certain" if truth.certain else "possible"


@attrs.define(eq=False)  # one per given assurance and check: equal only to itself
class _Gate:
    """A given assurance as the checker holds it (private)."""

    fact: Fact
    # Each commitment's rule, looked up at first use (see _steps).
    steps: list[_Step] | None = None


@attrs.define
class _Assurances:
    """The assurances known on the evaluation date, grouped for the checker (private)."""

    # By (giver, recipient), indexed by what their scopes take (see coverage.py):
    # a return is tested only against the assurances that may cover it.
    given: dict[tuple[str, str], ScopeIndex[_Gate]] = attrs.Factory(lambda: defaultdict(ScopeIndex))
    requested: list[Fact] = attrs.Factory(list)
    closed: dict[str, Fact] = attrs.Factory(dict)  # assurance_id -> given or declined
    withdrawn: dict[str, Fact] = attrs.Factory(dict)

    def add(self, fact: Fact, day: DateSpan) -> None:
        record = fact.record
        if not isinstance(record, r.AssuranceRecord) or record.on.earliest > day.latest:
            return  # not an assurance, or not yet a fact on the evaluation date
        if isinstance(record, r.AssuranceGiven):
            self.given[record.given_by, record.given_to].add(_Gate(fact), record.scope)
            self.closed[record.assurance_id] = fact
        elif isinstance(record, r.AssuranceRequested):
            self.requested.append(fact)
        elif isinstance(record, r.AssuranceDeclined):
            self.closed[record.assurance_id] = fact
        elif isinstance(record, r.AssuranceWithdrawn):
            self.withdrawn[record.assurance_id] = fact


#: The breaches one rule found for one claimant under one assurance, by the
#: assurance's seq and the commitment's place in it (only those with any).
_Parts = dict[tuple[int, int], tuple[Breach, ...]]


#: A given assurance that may cover a claimant: its gate, its withdrawal (if
#: any) and how surely it covers them.
_Cover = tuple[_Gate, Fact | None, Truth]


class _Assessment(NamedTuple):
    """What the checker found for one returned claimant (private).

    ``covering`` depends only on the return and the assurances, so it is kept
    for when only the claimant's outcomes change (see ``reuse`` in :func:`_assess`).
    A named tuple, not an attrs class: one is made for every claimant checked,
    and a tuple is the cheapest immutable value to make.
    """

    back: r.ClaimantReturned
    parts: _Parts
    unassured: UnassuredReturn | None
    exposures: tuple[Exposure, ...]
    removed_home: bool
    covering: tuple[_Cover, ...] = ()

    @property
    def breaches(self) -> tuple[Breach, ...]:
        return tuple(b for part in self.parts.values() for b in part)


def _returned(fact: Fact, day: DateSpan) -> bool:
    """Whether ``fact`` is a return that is a fact on the evaluation date."""
    record = fact.record
    return isinstance(record, r.ClaimantReturned) and record.on.earliest <= day.latest


def _table(rules: Mapping[type[Commitment], Rule] | None) -> Mapping[type[Commitment], Rule]:
    return {**RULES, **(rules or {})}


def check(
    ledger: Ledger | Iterable[Fact],
    as_of: dt.date | str | DateSpan,
    *,
    rules: Mapping[type[Commitment], Rule] | None = None,
) -> Report:
    """Check a ledger's current view as of one day; return the :class:`~.report.Report`.

    ``as_of`` is the evaluation date: facts dated after it are not yet facts,
    and deadlines are measured against it. ``rules`` adds (or replaces) the
    rule of a commitment kind: ``{MyKind: my_rule}`` (see :mod:`.rules`). To
    reproduce a report as it could have been made at an earlier time, check
    ``ledger.as_recorded(time)``. To keep a report up to date while a ledger
    grows, see :class:`~assurance_ledger.monitor.Monitor`.
    """
    day = _day(as_of)
    with collector_paused():
        assurances, assessments = _assess_all(ledger, day, _table(rules))
        return _report(day, assurances, assessments.values())


def _assess_all(
    ledger: Ledger | Iterable[Fact], day: DateSpan, table: Mapping[type[Commitment], Rule]
) -> tuple[_Assurances, dict[str, _Assessment]]:
    """The assurances, and every returned claimant's assessment by claimant_id, in one pass."""
    assurances = _Assurances()
    returns: list[Fact] = []
    outcomes: dict[str, list[Fact]] = defaultdict(list)
    for fact in ledger.facts() if isinstance(ledger, Ledger) else ledger:
        record = fact.record
        if isinstance(record, r.Outcome):
            outcomes[record.claimant_id].append(fact)
        elif _returned(fact, day):
            returns.append(fact)
        else:
            assurances.add(fact, day)
    return assurances, {
        claimant.record.claimant_id: _assess(  # type: ignore[attr-defined]
            assurances,
            claimant,
            outcomes.get(claimant.record.claimant_id, ()),  # type: ignore[attr-defined]
            day,
            table,
        )
        for claimant in returns
    }


def _assess(
    assurances: _Assurances,
    claimant: Fact,
    outcomes: Iterable[Fact],
    day: DateSpan,
    table: Mapping[type[Commitment], Rule],
    *,
    reuse: tuple[_Assessment, frozenset[type[r.Outcome]]] | None = None,
) -> _Assessment:
    """Check one returned claimant with their outcomes (in any order).

    ``reuse``: the claimant's earlier assessment, and the outcome types
    changed since (nothing else changed: not the return, not the assurances).
    The assurances that cover the claimant are taken from it, and so is what
    their removals decide when no removal or departure changed; a built-in
    rule that reads none of those types is not run again (see
    :data:`~.rules.READS`).
    """
    back = claimant.record
    assert isinstance(back, r.ClaimantReturned)  # noqa: S101 -- by construction
    mine = sorted(outcomes, key=_date_order)
    # Removals read only removals and departures: if none changed, neither did they.
    unmoved = reuse[0] if reuse is not None and reuse[1].isdisjoint(moves.MOVES) else None
    if unmoved is None:
        removals = moves.removals(back, mine, day)
        removed_home = any(m.to == back.origin for m in removals)
    else:
        removed_home = unmoved.removed_home
    covering = reuse[0].covering if reuse is not None else _covering(assurances, back, day)
    if covering:
        reused = (reuse[0].parts, reuse[1]) if reuse is not None else None
        found = _breaches(covering, claimant, tuple(mine), day, table, reuse=reused)
        return _Assessment(back, found, None, (), removed_home, covering)
    if unmoved is not None:
        return unmoved  # unassured: what is found depends on the return and removals alone
    unassured = UnassuredReturn(claimant_id=back.claimant_id)
    exposures = tuple(
        Exposure(
            claimant_id=back.claimant_id,
            returned_by=back.returned_by,
            evidence=tuple(sorted({claimant.seq, removal.fact.seq})),
            explanation=(
                f"returned by {back.returned_by} on {back.on} with no assurance; "
                f"removed by {removal.by} to {removal.to}, a feared country, on {removal.on}"
            ),
        )
        for removal in removals
        if removal.to in back.feared
    )
    return _Assessment(back, {}, unassured, exposures, removed_home)


def _report(day: DateSpan, assurances: _Assurances, assessments: Iterable[_Assessment]) -> Report:
    """The report made of every claimant's assessment."""
    breaches: list[Breach] = []
    unassured: list[UnassuredReturn] = []
    unassured_backs: list[r.ClaimantReturned] = []
    exposures: list[Exposure] = []
    returns = removed_home = 0
    for assessment in assessments:
        returns += 1
        removed_home += assessment.removed_home
        for part in assessment.parts.values():
            breaches.extend(part)
        exposures.extend(assessment.exposures)
        if assessment.unassured is not None:
            unassured.append(assessment.unassured)
            unassured_backs.append(assessment.back)
    breaches.sort(key=lambda b: b.sort_key)
    return Report(
        as_of=day.earliest,
        breaches=tuple(breaches),
        unassured_returns=tuple(sorted(unassured, key=lambda u: u.claimant_id)),
        exposures=tuple(sorted(exposures, key=lambda e: (e.claimant_id, e.evidence))),
        pending_requests=_pending(assurances, unassured_backs),
        summary=Summary(
            returns=returns,
            covered=returns - len(unassured),
            unassured=len(unassured),
            removed_to_country_of_origin=removed_home,
            breaches=_counts(breaches),
        ),
    )


def _date_order(fact: Fact) -> tuple[dt.date, dt.date, int]:
    on: DateSpan = fact.record.on  # type: ignore[attr-defined]
    return (on.earliest, on.latest, fact.seq)


#: What the checker runs for one commitment of a given assurance: its key in
#: the parts, the commitment, its rule, and the rule's NEEDS and READS (or None).
_Step = tuple[
    tuple[int, int],
    Commitment,
    Rule,
    frozenset[type[r.Outcome]] | None,
    frozenset[type[r.Outcome]] | None,
]


def _steps(gate: _Gate, table: Mapping[type[Commitment], Rule]) -> list[_Step]:
    """The rule of each commitment of a gate's assurance, looked up once a check."""
    if gate.steps is None:
        steps = []
        for place, commitment in enumerate(gate.fact.record.commitments):  # type: ignore[attr-defined]
            rule = table.get(type(commitment))
            if rule is None:
                raise NotFound(
                    f"no rule for the commitment kind {commitment.KIND!r}: pass "
                    f"rules={{{type(commitment).__name__}: your_rule}} to check()"
                )
            steps.append(
                ((gate.fact.seq, place), commitment, rule, NEEDS.get(rule), READS.get(rule))
            )
        gate.steps = steps
    return gate.steps


def _covering(index: _Assurances, back: r.ClaimantReturned, day: DateSpan) -> tuple[_Cover, ...]:
    """The given assurances that may cover a return, in the order they were given."""
    given = index.given.get((back.returned_to, back.returned_by))
    if given is None:
        return ()
    found = []
    for gate in given.candidates(back):
        promise = gate.fact.record
        assert isinstance(promise, r.AssuranceGiven)  # noqa: S101 -- by construction
        withdrawal = index.withdrawn.get(promise.assurance_id)
        ended = withdrawal.record.on if withdrawal is not None else None  # type: ignore[attr-defined]
        coverage = covers(promise.scope, back, withdrawn=ended) & promise.on.on_or_before(day)
        if coverage.possible:
            found.append((gate, withdrawal, coverage))
    return tuple(found)


def _breaches(
    covering: Iterable[_Cover],
    claimant: Fact,
    outcomes: tuple[Fact, ...],
    day: DateSpan,
    table: Mapping[type[Commitment], Rule],
    *,
    reuse: tuple[_Parts, frozenset[type[r.Outcome]]] | None = None,
) -> _Parts:
    """Every breach for one claimant under the assurances ``covering`` them."""
    back = claimant.record
    assert isinstance(back, r.ClaimantReturned)  # noqa: S101 -- by construction
    found: _Parts = {}
    present: set[type[r.Record]] | None = None  # the claimant's outcome types, when needed
    for gate, withdrawal, coverage in covering:
        assurance = gate.fact
        promise = assurance.record
        assert isinstance(promise, r.AssuranceGiven)  # noqa: S101 -- by construction
        case = None  # made when a rule first needs it
        for key, commitment, rule, needs, reads in _steps(gate, table):
            if reuse is not None and reads is not None and reads.isdisjoint(reuse[1]):
                # Nothing this rule reads has changed (and what it needs, it reads).
                part = reuse[0].get(key, ())
            else:
                if needs is not None:
                    if present is None:
                        present = {type(fact.record) for fact in outcomes}
                    if needs.isdisjoint(present):
                        continue  # it would find nothing
                if case is None:
                    case = Case(
                        claimant=claimant,
                        assurance=assurance,
                        withdrawal=withdrawal,
                        outcomes=outcomes,
                        as_of=day,
                        coverage=coverage,
                    )
                breaches = []
                for finding in rule(case, commitment):
                    truth = finding.truth & coverage
                    if truth.possible:
                        breaches.append(
                            Breach(
                                assurance_id=promise.assurance_id,
                                commitment=commitment.KIND,
                                claimant_id=back.claimant_id,
                                certainty=_certainty(truth),
                                evidence=finding.evidence,
                                explanation=finding.explanation,
                            )
                        )
                part = tuple(breaches)
            if part:
                found[key] = part
    return found


def _counts(breaches: Iterable[Breach]) -> dict[str, dict[Certainty, int]]:
    counts: dict[str, dict[Certainty, int]] = {}
    for breach in breaches:
        kind = counts.setdefault(breach.commitment, {"certain": 0, "possible": 0})
        kind[breach.certainty] += 1
    return counts


def _pending(
    assurances: _Assurances, unassured: Iterable[r.ClaimantReturned]
) -> tuple[PendingRequest, ...]:
    """The requests neither given nor declined, each with the unassured returns in its scope.

    The returns are counted, not listed: a ledger of many requests and many
    returns made the per-return lists of pending requests grow with their product.
    """
    counts: dict[tuple[str, str], ReturnCounts] = {}
    pairs: dict[tuple[str, str], list[r.ClaimantReturned]] = defaultdict(list)
    for back in unassured:
        pairs[back.returned_by, back.returned_to].append(back)
    found = []
    for fact in assurances.requested:
        asked = fact.record
        assert isinstance(asked, r.AssuranceRequested)  # noqa: S101 -- by construction
        if asked.assurance_id in assurances.closed:
            continue
        pair = (asked.requested_by, asked.requested_of)
        if pair not in counts:
            counts[pair] = ReturnCounts(pairs.get(pair, ()))
        found.append(
            PendingRequest(
                assurance_id=asked.assurance_id,
                requested_by=asked.requested_by,
                requested_of=asked.requested_of,
                on=asked.on,
                unassured_in_scope=counts[pair].count(asked.scope),
            )
        )
    return tuple(sorted(found, key=lambda p: p.assurance_id))
