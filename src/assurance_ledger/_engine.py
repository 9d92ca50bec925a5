"""The checking engine: coverage, cases, rule dispatch and each returned claimant's assessment.

Everything the package decides about a returned claimant is decided here, once,
and read by its clients: :func:`~assurance_ledger.checker.check` (one report),
:class:`~assurance_ledger.monitor.Monitor` (a report kept up to date),
:mod:`~assurance_ledger.stats` and :mod:`~assurance_ledger.timeline`. The
names below are the package's, not the library's API: they may change between
versions.

The flow, for one evaluation day (:func:`evaluation_day`):

1. :func:`assess_all` reads the ledger's current view once: the assurances
   into :class:`Assurances` (given ones indexed by what their scopes take, see
   :mod:`~assurance_ledger.coverage`), each claimant's outcomes grouped, and
   every return that is a fact on the day;
2. :func:`assess` judges one returned claimant: the assurances that may cover
   them (:class:`Cover`, found by :func:`~.coverage.covers`), then for each
   commitment of each the rule of its kind (:class:`Step`, from the
   :class:`~assurance_ledger.rules.RuleSpec` table of :func:`rule_table`) on a
   :class:`~assurance_ledger.rules.Case`; an unassured claimant's exposures
   instead. The result is an :class:`Assessment`;
3. :func:`report` makes the :class:`~assurance_ledger.report.Report` of the
   assessments. :func:`checked` does all three, for a whole check or one part
   of it.

Coverage (``docs/format.md``, "Deciding a breach"): an assurance *given* by G to R
covers a claimant returned by R to G when the return date falls in its scope
window and matches every filter of its scope; a withdrawal stops it covering
returns after the withdrawal date. Coverage is three-valued too: a return dated
"March 2020" against a scope from 21 March is *maybe* covered, and every breach
that rests on it is then at most *possible*, for the reason
``coverage_uncertain``. A return that some assurance may cover but none surely
does is also listed as unassured, ``possible``, and so is its exposure to a
feared country: both readings are reported, neither dropped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import attrs

from . import records as r
from ._risk import at_risk
from ._settle import Doubtful, coverage_action, hinges
from .commitments import Commitment
from .coverage import ReturnCounts, ScopeIndex, covers
from .dates import DateSpan, to_span
from .errors import InvalidDate, NotFound
from .ledger import Fact, Ledger
from .moves import MOVES, Removal, removals
from .report import (
    AT_RISK_ORDER,
    BREACH_ORDER,
    EXPOSURE_ORDER,
    UNASSURED_ORDER,
    AtRisk,
    Breach,
    Certainty,
    Exposure,
    PendingRequest,
    Report,
    Summary,
    UnassuredReturn,
)
from .rules import RULE_SPECS, Case, Rule, RuleSpec
from .truth import (
    COVERAGE_UNCERTAIN,
    DATE_IMPRECISE,
    MAYBE,
    UNEXPLAINED,
    YES,
    Reason,
    Truth,
    sorted_reasons,
)

__all__ = [
    "Assessed",
    "Assessment",
    "Assurances",
    "Cover",
    "Earlier",
    "Gate",
    "Gathered",
    "IdRun",
    "Parts",
    "RuleTable",
    "Step",
    "assess",
    "assess_all",
    "assess_returns",
    "checked",
    "date_order",
    "evaluation_day",
    "gather",
    "is_returned",
    "of_claimants",
    "report",
    "rule_table",
]

#: The rule of each commitment kind a check applies: the built-in ones and the caller's.
RuleTable = Mapping[type[Commitment], RuleSpec]


def evaluation_day(value: dt.date | str | DateSpan) -> DateSpan:
    """The evaluation date ``as_of`` of a check: one exact day."""
    span = to_span(value)
    if not isinstance(span, DateSpan) or not span.is_exact:
        raise InvalidDate(("as_of",), "one day written YYYY-MM-DD, like 2020-06-30", repr(value))
    return span


#: RULE_SPECS as a plain dict, never changed: a mapping proxy's get costs more.
_BUILT_IN: RuleTable = dict(RULE_SPECS)


def rule_table(rules: Mapping[type[Commitment], Rule | RuleSpec] | None) -> RuleTable:
    """The built-in rules, with ``rules`` (a caller's, by the kind each decides) over them.

    A bare function becomes a :class:`~.rules.RuleSpec` that reads everything
    (it is always run), unless it is a built-in rule: then it keeps the
    built-in record of what it reads and needs.
    """
    if not rules:
        return _BUILT_IN
    table = dict(_BUILT_IN)
    for kind, given in rules.items():
        table[kind] = given if isinstance(given, RuleSpec) else RuleSpec.of(given)
    return table


def date_order(fact: Fact) -> tuple[dt.date, dt.date, int]:
    """The order the engine reads a claimant's outcomes in: by date, earliest first, then seq."""
    on: DateSpan = fact.record.on  # type: ignore[attr-defined]
    return (on.earliest, on.latest, fact.seq)


def is_returned(fact: Fact, day: DateSpan) -> bool:
    """Whether ``fact`` is a return that is a fact on the evaluation date."""
    record = fact.record
    return isinstance(record, r.ClaimantReturned) and record.on.earliest <= day.latest


# The named tuples a check makes many of (an Assessment a claimant, a Cover a
# covering assurance, a Step a commitment) are made by tuple.__new__ itself:
# their own __new__ is a Python call, which cost about 3% of a small check.
_make = tuple.__new__


def _certainty(truth: Truth) -> Certainty:
    return "certain" if truth.certain else "possible"


#: The reasons of an unassured return that some assurance may cover.
_MAYBE_COVERED: tuple[Reason, ...] = (COVERAGE_UNCERTAIN,)


def _reasons(truth: Truth, found: tuple[Reason, ...], coverage: Truth) -> tuple[Reason, ...]:
    """The reasons of a finding of ``truth`` (its rule's ``found``, and coverage's doubt).

    Empty exactly when the finding is certain: a rule's reasons on a ``YES``
    are dropped, and a ``MAYBE`` with none from its rule (a user's rule that
    names none) is ``unexplained``; sorted, each once, whatever order the
    rule gave them in.
    """
    if truth is YES:
        return ()
    if coverage is MAYBE:
        return sorted_reasons((*found, COVERAGE_UNCERTAIN))
    if type(found) is tuple and len(found) == 1:  # the common case, sorted as it is
        return found
    return sorted_reasons(found) if found else (UNEXPLAINED,)


#: The key of one commitment of one given assurance: the assurance's seq and
#: the commitment's place in it.
StepKey = tuple[int, int]

#: The breaches one rule found for one claimant under one assurance, by the key
#: of the commitment (only those with any).
Parts = dict[StepKey, tuple[Breach, ...]]


class Step(NamedTuple):
    """What the engine runs for one commitment of a given assurance."""

    key: StepKey
    commitment: Commitment
    rule: Rule
    #: The outcome types without which the rule finds nothing (None: always run).
    needs: frozenset[type[r.Outcome]] | None
    #: The outcome types the rule reads (None: it may read any).
    reads: frozenset[type[r.Outcome]] | None


@attrs.define(eq=False)  # one per given assurance and check: equal only to itself
class Gate:
    """A given assurance as the engine holds it, with its steps once looked up."""

    fact: Fact
    # Each commitment's rule, looked up at first use (see steps()).
    _steps: list[Step] | None = None

    def steps(self, table: RuleTable) -> list[Step]:
        """The rule of each commitment of the assurance, looked up once a check."""
        if self._steps is None:
            steps = []
            for place, commitment in enumerate(self.fact.record.commitments):  # type: ignore[attr-defined]
                spec = table.get(type(commitment))
                if spec is None:
                    raise NotFound(
                        f"no rule for the commitment kind {commitment.KIND!r}: pass "
                        f"rules={{{type(commitment).__name__}: your_rule}} to check()"
                    )
                steps.append(
                    _make(
                        Step,
                        ((self.fact.seq, place), commitment, spec.rule, spec.needs, spec.reads),
                    )
                )
            self._steps = steps
        return self._steps


class Cover(NamedTuple):
    """A given assurance that may cover a claimant: how surely, and its withdrawal if any."""

    gate: Gate
    withdrawal: Fact | None
    coverage: Truth


@attrs.define
class Assurances:
    """The assurances known on the evaluation date, grouped for the engine."""

    # By (giver, recipient), indexed by what their scopes take (see coverage.py):
    # a return is tested only against the assurances that may cover it.
    given: dict[tuple[str, str], ScopeIndex[Gate]] = attrs.Factory(lambda: defaultdict(ScopeIndex))
    requested: list[Fact] = attrs.Factory(list)
    closed: dict[str, Fact] = attrs.Factory(dict)  # assurance_id -> given or declined
    withdrawn: dict[str, Fact] = attrs.Factory(dict)

    def add(self, fact: Fact, day: DateSpan) -> None:
        """Take in one fact (any that is not an assurance on the day is passed over)."""
        record = fact.record
        if not isinstance(record, r.AssuranceRecord) or record.on.earliest > day.latest:
            return  # not an assurance, or not yet a fact on the evaluation date
        if isinstance(record, r.AssuranceGiven):
            self.given[record.given_by, record.given_to].add(Gate(fact), record.scope)
            self.closed[record.assurance_id] = fact
        elif isinstance(record, r.AssuranceRequested):
            self.requested.append(fact)
        elif isinstance(record, r.AssuranceDeclined):
            self.closed[record.assurance_id] = fact
        elif isinstance(record, r.AssuranceWithdrawn):
            self.withdrawn[record.assurance_id] = fact

    def covering(self, back: r.ClaimantReturned, day: DateSpan) -> tuple[Cover, ...]:
        """The given assurances that may cover a return, in the order they were given."""
        given = self.given.get((back.returned_to, back.returned_by))
        if given is None:
            return ()
        found = []
        for gate in given.candidates(back):
            promise = gate.fact.record
            assert isinstance(promise, r.AssuranceGiven)  # noqa: S101 -- by construction
            withdrawal = self.withdrawn.get(promise.assurance_id)
            ended = withdrawal.record.on if withdrawal is not None else None  # type: ignore[attr-defined]
            coverage = covers(promise.scope, back, withdrawn=ended) & promise.on.on_or_before(day)
            if coverage.possible:
                found.append(_make(Cover, (gate, withdrawal, coverage)))
        return tuple(found)


class Assessment(NamedTuple):
    """What the engine found for one returned claimant.

    ``covering`` depends only on the return and the assurances, so it is kept
    for when only the claimant's outcomes change (see :class:`Earlier`).
    A named tuple, not an attrs class: one is made for every claimant checked,
    and a tuple is the cheapest immutable value to make.
    """

    back: r.ClaimantReturned
    parts: Parts
    unassured: UnassuredReturn | None
    exposures: tuple[Exposure, ...]
    removed_home: bool
    covering: tuple[Cover, ...] = ()
    #: The claimant's outstanding removal orders with a ground (``docs/format.md``,
    #: "At risk now"): worked out again whenever the claimant is.
    at_risk: tuple[AtRisk, ...] = ()

    @property
    def breaches(self) -> tuple[Breach, ...]:
        """Every breach found for the claimant."""
        return tuple(b for part in self.parts.values() for b in part)


class Earlier(NamedTuple):
    """A claimant's earlier assessment, and the outcome types changed since.

    Nothing else may have changed: not the return, not the assurances. The
    assurances that cover the claimant are taken from it, and so is what their
    removals decide when no removal or departure changed; a rule that reads
    none of the changed types is not run again (see :attr:`~.rules.RuleSpec.reads`).
    """

    assessment: Assessment
    changed: frozenset[type[r.Outcome]]


#: No earlier assessment, and so nothing changed since it.
_NO_EARLIER: tuple[None, frozenset[type[r.Outcome]]] = (None, frozenset())


class Assessed(NamedTuple):
    """The assurances on the evaluation date, and each returned claimant's assessment."""

    assurances: Assurances
    assessments: dict[str, Assessment]  # by claimant_id


class Gathered(NamedTuple):
    """A ledger's current view read once: what :func:`assess_returns` judges claimants against."""

    assurances: Assurances
    #: Every return that is a fact on the evaluation date, in ledger order.
    returns: list[Fact]
    #: Each claimant's outcomes, by claimant_id.
    outcomes: dict[str, list[Fact]]


class IdRun(NamedTuple):
    """The claimant ids from ``low`` on (``""``: from the first), up to ``high`` left out.

    ``high`` None: to the last. Any claimant id falls in exactly one of a
    row of runs each starting where the one before ends.
    """

    low: str
    high: str | None


def gather(
    ledger: Ledger | Iterable[Fact], day: DateSpan, *, within: IdRun | None = None
) -> Gathered:
    """The assurances, the returns and each claimant's outcomes, in one pass over the ledger.

    ``within``: only the returns and outcomes of the claimants of that run
    of ids (every assurance still): a part of a check that reads the ledger
    itself, in a process of its own.
    """
    assurances = Assurances()
    returns: list[Fact] = []
    outcomes: dict[str, list[Fact]] = defaultdict(list)
    facts = ledger.facts() if isinstance(ledger, Ledger) else ledger
    if within is None:
        for fact in facts:
            record = fact.record
            if isinstance(record, r.Outcome):
                outcomes[record.claimant_id].append(fact)
            elif is_returned(fact, day):
                returns.append(fact)
            else:
                assurances.add(fact, day)
        return _make(Gathered, (assurances, returns, outcomes))
    low, high = within
    for fact in facts:
        record = fact.record
        if isinstance(record, r.Outcome):
            claimant_id = record.claimant_id
            if low <= claimant_id and (high is None or claimant_id < high):
                outcomes[claimant_id].append(fact)
        elif is_returned(fact, day):
            claimant_id = record.claimant_id  # type: ignore[attr-defined]
            if low <= claimant_id and (high is None or claimant_id < high):
                returns.append(fact)
        else:
            assurances.add(fact, day)
    return _make(Gathered, (assurances, returns, outcomes))


def of_claimants(returns: list[Fact], wanted: frozenset[str] | None) -> list[Fact]:
    """The returns of the claimants ``wanted`` (None: all of them), in their order."""
    if wanted is None:
        return returns
    return [fact for fact in returns if fact.record.claimant_id in wanted]  # type: ignore[attr-defined]


def assess_returns(
    gathered: Gathered, returns: Iterable[Fact], day: DateSpan, table: RuleTable
) -> dict[str, Assessment]:
    """The assessment of the claimant of each of ``returns`` (some of ``gathered``'s), by id.

    A claimant returned twice is judged on the later return, as the ledger reads.
    """
    assurances = gathered.assurances
    outcomes = gathered.outcomes
    return {
        claimant.record.claimant_id: assess(  # type: ignore[attr-defined]
            assurances,
            claimant,
            outcomes.get(claimant.record.claimant_id, ()),  # type: ignore[attr-defined]
            day,
            table,
        )
        for claimant in returns
    }


def checked(
    ledger: Ledger | Iterable[Fact],
    day: DateSpan,
    table: RuleTable,
    wanted: frozenset[str] | None = None,
    *,
    within: IdRun | None = None,
) -> Report:
    """The report of the claimants returned in ``ledger``: those ``wanted``, of the run ``within``.

    The whole of a check, or of one part of it (see :func:`gather`).
    """
    gathered = gather(ledger, day, within=within)
    assessed = assess_returns(gathered, of_claimants(gathered.returns, wanted), day, table)
    return report(day, gathered.assurances, assessed.values())


def assess_all(ledger: Ledger | Iterable[Fact], day: DateSpan, table: RuleTable) -> Assessed:
    """The assurances, and every returned claimant's assessment by claimant_id, in one pass."""
    gathered = gather(ledger, day)
    return Assessed(gathered.assurances, assess_returns(gathered, gathered.returns, day, table))


def assess(
    assurances: Assurances,
    claimant: Fact,
    outcomes: Iterable[Fact],
    day: DateSpan,
    table: RuleTable,
    *,
    earlier: Earlier | None = None,
) -> Assessment:
    """Judge one returned claimant with their outcomes (in any order).

    ``earlier``: what was found before, when only the claimant's outcomes
    changed since (see :class:`Earlier`).
    """
    back = claimant.record
    assert isinstance(back, r.ClaimantReturned)  # noqa: S101 -- by construction
    mine = sorted(outcomes, key=date_order)
    before, changed = earlier if earlier is not None else _NO_EARLIER
    # Removals read only removals and departures: if none changed, neither did they.
    unmoved = before if before is not None and changed.isdisjoint(MOVES) else None
    if unmoved is None:
        moved = removals(back, mine, day)
        removed_home = any(m.to == back.origin for m in moved)
    else:
        removed_home = unmoved.removed_home
    covering = before.covering if before is not None else assurances.covering(back, day)
    if before is not None and changed.isdisjoint(_RISK_READS):
        risk = before.at_risk  # nothing at_risk reads has changed
    else:
        risk = _at_risk(claimant, mine, covering, day)
    if covering:
        kept = before.parts if before is not None else None
        found = _breaches(covering, claimant, tuple(mine), day, table, kept=kept, changed=changed)
        if any(cover.coverage is YES for cover in covering):
            return _make(Assessment, (back, found, None, (), removed_home, covering, risk))
        # Maybe covered, and maybe not: both readings are reported.
        unassured = UnassuredReturn(
            claimant_id=back.claimant_id, certainty="possible", reasons=_MAYBE_COVERED
        )
        exposures = (
            unmoved.exposures if unmoved is not None else _exposures(claimant, moved, day, MAYBE)
        )
        return _make(Assessment, (back, found, unassured, exposures, removed_home, covering, risk))
    if unmoved is not None:
        # Unassured: what is found depends on the return and removals alone,
        # but for who is at risk, which the orders and measures decide too.
        return unmoved if unmoved.at_risk == risk else unmoved._replace(at_risk=risk)
    unassured = UnassuredReturn(claimant_id=back.claimant_id)
    exposures = _exposures(claimant, moved, day, YES)
    return _make(Assessment, (back, {}, unassured, exposures, removed_home, (), risk))


#: The outcome types that decide who is at risk (with the covering assurances).
_RISK_READS = frozenset(
    {r.RemovalOrdered, r.InterimMeasure, r.InterimMeasureLifted, r.ClaimDecided, *MOVES}
)


def _at_risk(
    claimant: Fact, mine: list[Fact], covering: tuple[Cover, ...], day: DateSpan
) -> tuple[AtRisk, ...]:
    """:func:`~._risk.at_risk` of a claimant, at no cost for one with no removal order."""
    for fact in mine:  # a loop, not any(): most claimants have no order, and this runs for each
        if type(fact.record) is r.RemovalOrdered:
            break
    else:
        return ()
    return at_risk(claimant, mine, [(cover.gate.fact, cover.withdrawal) for cover in covering], day)


def _exposures(
    claimant: Fact, moved: Iterable[Removal], day: DateSpan, unassured: Truth
) -> tuple[Exposure, ...]:
    """The removals to a feared country of a claimant ``unassured`` (``YES`` or ``MAYBE``).

    One for each removal: a coerced departure that may have left either of two
    states is one removal, whichever state it left.
    """
    back = claimant.record
    assert isinstance(back, r.ClaimantReturned)  # noqa: S101 -- by construction
    found: dict[int, Exposure] = {}
    for removal in moved:
        if removal.to not in back.feared or removal.fact.seq in found:
            continue
        by_then = removal.on.on_or_before(day)
        truth = unassured & by_then
        reasons = []
        if unassured is MAYBE:
            reasons.append(COVERAGE_UNCERTAIN)
        if by_then is MAYBE:
            reasons.append(DATE_IMPRECISE)
        assured = "with no assurance" if unassured is YES else "with no assurance surely covering"
        who = f"removed by {removal.by}" if removal.truth is YES else "removed"
        found[removal.fact.seq] = Exposure(
            claimant_id=back.claimant_id,
            returned_by=back.returned_by,
            evidence=tuple(sorted({claimant.seq, removal.fact.seq})),
            explanation=(
                f"returned by {back.returned_by} on {back.on} {assured}; "
                f"{who} to {removal.to}, a feared country, on {removal.on}"
            ),
            certainty=_certainty(truth),
            reasons=tuple(reasons),
        )
    return tuple(found.values())


def _breaches(
    covering: Iterable[Cover],
    claimant: Fact,
    outcomes: tuple[Fact, ...],
    day: DateSpan,
    table: RuleTable,
    *,
    kept: Parts | None,
    changed: frozenset[type[r.Outcome]],
) -> Parts:
    """Every breach for one claimant under the assurances ``covering`` them.

    ``kept``: the parts found before, when only outcomes of the ``changed`` types
    changed since (see :class:`Earlier`).
    """
    back = claimant.record
    assert isinstance(back, r.ClaimantReturned)  # noqa: S101 -- by construction
    found: Parts = {}
    present: set[type[r.Record]] | None = None  # the claimant's outcome types, when needed
    for gate, withdrawal, coverage in covering:
        assurance = gate.fact
        promise = assurance.record
        assert isinstance(promise, r.AssuranceGiven)  # noqa: S101 -- by construction
        case = None  # made when a rule first needs it
        for key, commitment, rule, needs, reads in gate.steps(table):
            if kept is not None and reads is not None and reads.isdisjoint(changed):
                # Nothing this rule reads has changed (and what it needs, it reads).
                part = kept.get(key, ())
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
                                reasons=()
                                if truth is YES
                                else _reasons(truth, finding.reasons, coverage),
                            )
                        )
                part = tuple(breaches)
            if part:
                found[key] = part
    return found


def report(day: DateSpan, assurances: Assurances, assessments: Iterable[Assessment]) -> Report:
    """The report made of every claimant's assessment."""
    breaches: list[Breach] = []
    unassured: list[UnassuredReturn] = []
    unassured_backs: list[r.ClaimantReturned] = []
    exposures: list[Exposure] = []
    doubtful: list[Doubtful] = []
    risks: list[AtRisk] = []
    returns = removed_home = maybe_covered = 0
    for assessment in assessments:
        returns += 1
        risks.extend(assessment.at_risk)
        removed_home += assessment.removed_home
        for part in assessment.parts.values():
            breaches.extend(part)
        exposures.extend(assessment.exposures)
        if assessment.unassured is not None:
            unassured.append(assessment.unassured)
            unassured_backs.append(assessment.back)
            maybe_covered += assessment.unassured.certainty == "possible"
        doubtful.extend(_doubtful(assessment))
    breaches.sort(key=BREACH_ORDER)
    return Report(
        as_of=day.earliest,
        breaches=tuple(breaches),
        unassured_returns=tuple(sorted(unassured, key=UNASSURED_ORDER)),
        exposures=tuple(sorted(exposures, key=EXPOSURE_ORDER)),
        pending_requests=_pending(assurances, unassured_backs),
        summary=Summary(
            returns=returns,
            covered=returns - len(unassured),
            possibly_covered=maybe_covered,
            unassured=len(unassured) - maybe_covered,
            removed_to_country_of_origin=removed_home,
            breaches=_counts(breaches),
        ),
        to_settle=hinges(doubtful),
        at_risk=tuple(sorted(risks, key=AT_RISK_ORDER)),
    )


def _doubtful(assessment: Assessment) -> Iterable[Doubtful]:
    """The claimant's possible findings, as :mod:`~assurance_ledger._settle` reads them."""
    # Loops, not comprehensions: most claimants have nothing possible, and a
    # check reads every claimant here once.
    found: list[tuple[str | None, tuple[Reason, ...]]] = []
    for part in assessment.parts.values():
        for b in part:
            if b.reasons:
                found.append((b.commitment, b.reasons))
    unassured = assessment.unassured
    if unassured is not None:  # exposures only of an unassured claimant
        if unassured.reasons:
            found.append((None, unassured.reasons))
        for e in assessment.exposures:
            if e.reasons:
                found.append((None, e.reasons))
    if not found:
        return ()
    back = assessment.back
    coverage = None
    if any(COVERAGE_UNCERTAIN in reasons for _, reasons in found):
        coverage = coverage_action(
            back,
            (
                cover.gate.fact.record.scope  # type: ignore[attr-defined]
                for cover in assessment.covering
                if cover.coverage is MAYBE
            ),
        )
    return [Doubtful(back.claimant_id, kind, reasons, coverage) for kind, reasons in found]


def _counts(breaches: Iterable[Breach]) -> dict[str, dict[Certainty, int]]:
    counts: dict[str, dict[Certainty, int]] = {}
    for breach in breaches:
        kind = counts.setdefault(breach.commitment, {"certain": 0, "possible": 0})
        kind[breach.certainty] += 1
    return counts


def _pending(
    assurances: Assurances, unassured: Iterable[r.ClaimantReturned]
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
