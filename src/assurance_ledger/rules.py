"""The breach rules of ``docs/format.md``: one function per commitment kind, and the table of them.

How the rules reason, once, for all of them:

* A rule looks at one :class:`Case`: one returned claimant under one assurance
  that covers them, with the claimant's outcomes (as corrected) in date order.
  It yields :class:`Finding` values, each with a :class:`~.truth.Truth`: ``YES``
  when the record requires a breach, ``MAYBE`` when it allows one.
* Dates are spans: "before", "after" and "within N days" are three-valued
  (see :mod:`~assurance_ledger.dates`); a span straddling a deadline gives ``MAYBE``.
* The obligation binds only outcomes on or after the giving date
  (:meth:`Case.binds`); after a withdrawal that ``releases_existing``, nothing
  after the withdrawal date counts (on the date still does).
* "Within N days" allows exactly N; a duration is the difference of two dates.
* A deadline that has passed as of the evaluation date with nothing recorded
  is a ``MAYBE`` (a missing record); a late record is a ``YES``.
* An act that breaches unless an excusing record exists (a removal with no
  earlier final decision) is ``YES`` when no such record exists: excuses must be
  on the record. An unsubstantiated report gives ``MAYBE``.
* A ``MAYBE`` says why (:mod:`~assurance_ledger.truth`, "reasons"): each
  part of a finding carries the tag of its doubt (a date comparison
  ``date_imprecise``, a missing record ``record_missing``, an unsubstantiated
  report ``unsubstantiated``, an excuse that may have come first
  ``excuse_uncertain``), and a finding gives the tags of its parts that are
  ``MAYBE``: the ones that decide it.
* The checker then combines each finding with how certainly the assurance
  covers the claimant: ``YES`` and ``YES`` is a *certain* breach, anything with
  a ``MAYBE`` a *possible* one, ``coverage_uncertain`` when coverage is the
  ``MAYBE``.

=========================== ==========================================================
kind                        breached when (for a covered claimant, by the giver G)
=========================== ==========================================================
non_refoulement             G removes the claimant to a feared country, unless not
                            ``absolute`` and a final refusal came first; with
                            ``indirect``, also a removal by G to a third state that
                            then removes them (on) to a feared country
no_removal_before_decision  G removes the claimant before a final decision
access_to_procedure         no ``admitted_to_procedure`` by G within N days of the
                            later of the return and the giving
detention_limit             a detention by G lasts more than N days inside the
                            obligation (to its release, or the claimant's removal or
                            departure, or ``as_of`` if still open)
notification                a removal by G is not ``notified`` to the recipient
                            within N days
humane_treatment            ``ill_treatment`` by G
monitoring_access           ``monitoring_denied`` by G; with a first-visit deadline,
                            no visit within N days of the later of return and giving;
                            with ``private``, a visit that was not private
respect_interim_measures    G removes the claimant (or transfers custody) while an
                            interim measure against G is in force: indicated on or
                            before the removal and not lifted before it
access_to_counsel           ``counsel_denied`` by G
=========================== ==========================================================

A coerced departure counts as a removal by the state the claimant left, and a
custody transfer as a removal by its ``by`` to its ``to``. The two last rows'
rules are in :mod:`~assurance_ledger.rules_before`.

Each row is a :class:`RuleSpec` of :data:`RULE_SPECS` (its ``breached_when``;
a test holds this table to them), which also says what the rule reads and
needs; :data:`RULES`, :data:`READS` and :data:`NEEDS` are read from it.

Adding a rule for a commitment kind of your own: write a function
``rule(case, commitment) -> Iterable[Finding]`` and pass
``rules={MyKind: rule}`` (or ``{MyKind: RuleSpec(rule, reads=...)}``) to
:func:`~assurance_ledger.checker.check`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import attrs

from . import records as r
from ._case import Case, Deadline, Finding, earlier, later
from .commitments import (
    AccessToCounsel,
    AccessToProcedure,
    Commitment,
    DetentionLimit,
    HumaneTreatment,
    MonitoringAccess,
    NonRefoulement,
    NoRemovalBeforeDecision,
    Notification,
    RespectInterimMeasures,
)
from .dates import DateSpan
from .ledger import Fact
from .moves import MOVES, Chains, Removal
from .rules_before import access_to_counsel, respect_interim_measures
from .truth import (
    DATE_IMPRECISE,
    EXCUSE_UNCERTAIN,
    MAYBE,
    NO,
    RECORD_MISSING,
    UNSUBSTANTIATED,
    YES,
    Reason,
    Truth,
    doubts,
)

__all__ = [
    "NEEDS",
    "READS",
    "RULES",
    "RULE_SPECS",
    "Case",
    "Deadline",
    "Finding",
    "Rule",
    "RuleSpec",
]

C = TypeVar("C", bound=Commitment)


def _count(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


#: A rule: ``rule(case, commitment)`` yields the findings for one case.
Rule = Callable[[Case, Any], Iterable[Finding]]


@attrs.frozen
class RuleSpec:
    """A commitment kind's rule, as one record: the function, what it reads and needs, its row.

    ``reads``: the outcome types the rule reads. An outcome of any other type
    cannot change what it finds, so the incremental checker
    (:class:`~assurance_ledger.monitor.Monitor`) does not run it again when only
    such outcomes changed; ``None`` (the default) says it may read any, and it
    always runs. ``needs``: outcome types without which it finds nothing, so it
    is not run for a claimant with none of them; ``None`` (the default) for a
    rule that finds a *missing* record. What it needs, it must read.
    ``breached_when``: the rule in a line or three, as the docs give it.

    >>> from assurance_ledger import IllTreatment
    >>> def my_rule(case, commitment):
    ...     return ()
    >>> RuleSpec(my_rule, reads=frozenset({IllTreatment}), needs=frozenset({IllTreatment}))
    RuleSpec(rule=<function my_rule at ...>, reads=..., needs=..., breached_when='')
    """

    rule: Rule
    reads: frozenset[type[r.Outcome]] | None = None
    needs: frozenset[type[r.Outcome]] | None = None
    breached_when: str = ""

    def __attrs_post_init__(self) -> None:
        """What a rule needs, it reads: a rule not run again must not be skipped for want."""
        if self.needs is not None and (self.reads is None or not self.needs <= self.reads):
            raise ValueError(
                f"a rule must read what it needs: {self.rule!r} needs "
                f"{sorted(t.TYPE for t in self.needs)}, which it does not read"
            )

    @classmethod
    def of(cls, rule: Rule) -> RuleSpec:
        """The record of a bare function: a built-in rule's own, else one that always runs."""
        for spec in RULE_SPECS.values():
            if spec.rule is rule:
                return spec
        return cls(rule)


def _excused(decisions: list[r.ClaimDecided], on: DateSpan) -> Truth:
    """Whether any of ``decisions`` came on or before ``on`` (``NO`` when there are none).

    The "or" over every decision's ``on_or_before`` rests on two bounds: it is
    ``YES`` when the earliest-ending decision ends by ``on`` starts, ``MAYBE``
    when the earliest-starting one starts by ``on`` ends.
    """
    if not decisions:
        return NO
    if min(d.on.latest for d in decisions) <= on.earliest:
        return YES
    if min(d.on.earliest for d in decisions) <= on.latest:
        return MAYBE
    return NO


def non_refoulement(case: Case, commitment: NonRefoulement) -> Iterator[Finding]:
    """Removal to a feared country, directly or (``indirect``) through a third state."""
    feared = set(case.returned.feared)
    refusals = [
        rec
        for _, rec in case.of_type(r.ClaimDecided, by=case.giver)
        if rec.decision == "refused" and rec.final
    ]
    removals = case.removals()
    onward: Chains | None = None  # made when a chain is first followed
    for removal in removals:
        if removal.by != case.giver:
            continue
        parts = _removal_parts(case, removal)
        if not commitment.absolute:
            parts.append((~_excused(refusals, removal.on), EXCUSE_UNCERTAIN))
        truth = _all(parts)
        if not truth.possible:
            continue
        if removal.to in feared:
            yield Finding(
                truth,
                case.evidence(removal.fact),
                f"{case.giver} removed the claimant to {removal.to}, a feared country, "
                f"on {removal.on}",
                doubts(*parts) if truth is MAYBE else (),
            )
        elif commitment.indirect:
            if onward is None:
                onward = Chains.of(removals, feared)
            chain = onward.after(removal)
            if chain:
                yield _chain_finding(case, removal, chain, parts)


def _removal_parts(case: Case, removal: Removal) -> list[tuple[Truth, Reason]]:
    """The parts of a breach by a removal: the obligation binds its date, and it was the giver's.

    Both are in doubt only through dates: the removal's against the giving,
    ``as_of`` or a releasing withdrawal; a coerced departure's against the
    moves that say which state it left.
    """
    return [(case.binds(removal.on), DATE_IMPRECISE), (removal.truth, DATE_IMPRECISE)]


def _all(parts: list[tuple[Truth, Reason]]) -> Truth:
    """The *and* of the parts' truths."""
    truth = YES
    for part, _ in parts:
        truth = truth & part
    return truth


def _chain_finding(
    case: Case, first: Removal, chain: list[Removal], parts: list[tuple[Truth, Reason]]
) -> Finding:
    parts = list(parts)
    for before, after in itertools.pairwise((first, *chain)):
        parts.append((after.truth, DATE_IMPRECISE))
        parts.append((after.on.on_or_after(before.on), DATE_IMPRECISE))
    truth = _all(parts)
    route = " then ".join(f"to {c.to} on {c.on}" for c in (first, *chain))
    return Finding(
        truth,
        case.evidence(*(c.fact for c in (first, *chain))),
        f"{case.giver} removed the claimant to {first.to}, which removed them on "
        f"to {chain[-1].to}, a feared country (chain refoulement: {route})",
        doubts(*parts) if truth is MAYBE else (),
    )


def no_removal_before_decision(case: Case, _: NoRemovalBeforeDecision) -> Iterator[Finding]:
    """A removal by the giver with no final decision on or before it."""
    finals = [rec for _, rec in case.of_type(r.ClaimDecided, by=case.giver) if rec.final]
    for removal in case.removals():
        if removal.by != case.giver:
            continue
        parts = _removal_parts(case, removal)
        parts.append((~_excused(finals, removal.on), EXCUSE_UNCERTAIN))
        truth = _all(parts)
        if truth.possible:
            yield Finding(
                truth,
                case.evidence(removal.fact),
                f"{case.giver} removed the claimant to {removal.to} on {removal.on} "
                "before any final decision on the claim",
                doubts(*parts) if truth is MAYBE else (),
            )


def _first_within(
    case: Case, days: int, done: list[tuple[Fact, Any]], *, late: str, missing: str
) -> Iterator[Finding]:
    """The first of ``done`` must come within ``days`` of the start: late, or missing."""
    start = case.start
    truth, last, after, reasons = case.missed(start, days, done)
    if not truth.possible:
        return
    window = f"{last} ({_count(days)} from {start})"
    if after:
        fact, record = after[0]
        yield Finding(
            truth,
            case.evidence(fact),
            f"{late} {record.on}, after the last allowed day {window}",
            reasons,
        )
    else:
        yield Finding(
            truth,
            case.evidence(),
            f"{missing} recorded by {case.as_of}; the last allowed day was {window}",
            reasons,
        )


def access_to_procedure(case: Case, commitment: AccessToProcedure) -> Iterator[Finding]:
    """No admission to a procedure by the giver within N days."""
    yield from _first_within(
        case,
        commitment.within_days,
        case.of_type(r.AdmittedToProcedure, by=case.giver),
        late="admitted to a procedure on",
        missing=f"no admission to a procedure by {case.giver}",
    )


class _Endings:
    """Outcomes that may end a detention, read in date order, each passed over once (private).

    Detentions are read in date order too, so an outcome that ends before one
    detention starts (or that already ended one) can end no later detention:
    the reading never goes back, and the cost grows with the outcomes, not
    with detentions times outcomes.
    """

    __slots__ = ("_end", "_next", "_once", "_pairs")

    def __init__(self, pairs: list[tuple[Fact, Any]], *, once: bool) -> None:
        self._pairs = pairs
        self._end = len(pairs)
        self._next = 0
        self._once = once  # each ends at most one detention (a release)

    def first(self, held: DateSpan, by: DateSpan | None = None) -> tuple[Fact, Any] | None:
        """The first that may end a detention ``held`` (not dated after ``by``), if any.

        Its span must reach the detention's first day; the list is in order of
        earliest day, so if the first such is dated after ``by``, so is every later one.
        """
        pairs, index, end = self._pairs, self._next, self._end
        while index < end and pairs[index][1].on.latest < held.earliest:
            index += 1
        self._next = index
        if index == end or (by is not None and pairs[index][1].on.earliest > by.latest):
            return None
        if self._once:
            self._next = index + 1
        return pairs[index]


def detention_limit(case: Case, commitment: DetentionLimit) -> Iterator[Finding]:
    """A detention by the giver longer than N days inside the obligation."""
    detentions = case.of_type(r.Detained, by=case.giver)
    if not detentions:
        return
    releases = _Endings(case.of_type(r.Released, by=case.giver), once=True)
    # Removals and departures in date order: a detention ends at the first move after it.
    leaving = _Endings(case.of_type(MOVES), once=False)
    for fact, detained in detentions:
        release = releases.first(detained.on)
        ends = [case.as_of]
        if release is not None:
            ends.append(release[1].on)
        move = leaving.first(detained.on, release[1].on if release is not None else None)
        gone = move[1].on if move is not None else None
        if gone is not None:  # removed or gone: no longer held by the giver
            ends.append(gone)
        if case.release is not None:
            ends.append(case.release)
        end = ends[0]
        for other in ends[1:]:
            end = earlier(end, other)
        start = later(detained.on, case.given.on)
        fewest, most = start.days_until(end)
        if most <= commitment.max_days:
            continue
        # Too long for every reading of the dates, or only for some; and
        # closed by a record, or still open (the release may be unrecorded).
        parts = [
            (YES if fewest > commitment.max_days else MAYBE, DATE_IMPRECISE),
            (MAYBE if release is None and gone is None else YES, RECORD_MISSING),
        ]
        truth = parts[0][0] & parts[1][0]
        span = f"{fewest}" if fewest == most else f"{max(fewest, 0)} to {most}"
        if release is not None:
            until = f"released {release[1].on}"
        elif gone is not None:
            until = f"removed or gone {gone}"
        else:
            until = f"no release recorded by {case.as_of}"
        cited = [fact, *(x[0] for x in (release, move) if x is not None)]
        evidence = case.evidence(*cited)
        yield Finding(
            truth,
            evidence,
            f"detained by {case.giver} on {detained.on}, {until}: {span} days inside the "
            f"obligation (from {start}), more than the {commitment.max_days} allowed",
            doubts(*parts) if truth is MAYBE else (),
        )


def notification(case: Case, commitment: Notification) -> Iterator[Finding]:
    """A removal by the giver not notified to the recipient within N days."""
    notices: dict[str, list[tuple[Fact, r.Notified]]] = {}  # by the outcome they regard
    for fact, rec in case.of_type(r.Notified, by=case.giver):
        if rec.to == case.recipient:
            notices.setdefault(rec.regarding, []).append((fact, rec))
    for removal in case.removals():
        if removal.by != case.giver:
            continue
        mine = notices.get(removal.fact.record.outcome_id, [])  # type: ignore[attr-defined]
        missed, last, late, reasons = case.missed(removal.on, commitment.within_days, mine)
        if missed is NO:
            continue
        parts = _removal_parts(case, removal)
        truth = missed & _all(parts)
        if not truth.possible:
            continue
        if truth is MAYBE:
            reasons = (*reasons, *doubts(*parts))
        if late:
            fact, notice = late[0]
            yield Finding(
                truth,
                case.evidence(removal.fact, fact),
                f"the removal to {removal.to} on {removal.on} was notified to "
                f"{case.recipient} on {notice.on}, after the last allowed day {last}",
                reasons,
            )
        else:
            yield Finding(
                truth,
                case.evidence(removal.fact),
                f"the removal to {removal.to} on {removal.on} was not notified to "
                f"{case.recipient} by {case.as_of} (the last allowed day was {last})",
                reasons,
            )


def humane_treatment(case: Case, _: HumaneTreatment) -> Iterator[Finding]:
    """Ill-treatment by the giver; an unsubstantiated report is only possible."""
    for fact, record in case.of_type(r.IllTreatment, by=case.giver):
        parts = [
            (case.binds(record.on), DATE_IMPRECISE),
            (YES if record.substantiated else MAYBE, UNSUBSTANTIATED),
        ]
        truth = parts[0][0] & parts[1][0]
        if truth.possible:
            status = "substantiated" if record.substantiated else "reported, not substantiated"
            yield Finding(
                truth,
                case.evidence(fact),
                f"ill-treatment by {case.giver} on {record.on} ({status})",
                doubts(*parts) if truth is MAYBE else (),
            )


def monitoring_access(case: Case, commitment: MonitoringAccess) -> Iterator[Finding]:
    """Monitoring denied; no first visit in time; a visit that was not private."""
    for fact, record in case.of_type(r.MonitoringDenied, by=case.giver):
        truth = case.binds(record.on)
        if truth.possible:
            yield Finding(
                truth,
                case.evidence(fact),
                f"{case.giver} denied monitors access on {record.on}",
                (DATE_IMPRECISE,) if truth is MAYBE else (),
            )
    visits = case.of_type(r.MonitoringVisit)
    if commitment.first_visit_within_days is not None:
        yield from _first_within(
            case,
            commitment.first_visit_within_days,
            visits,
            late="the first monitoring visit was on",
            missing="no monitoring visit",
        )
    if commitment.private:
        for fact, visit in visits:
            truth = case.binds(visit.on)
            if not visit.private and truth.possible:
                yield Finding(
                    truth,
                    case.evidence(fact),
                    f"the monitoring visit by {visit.by} on {visit.on} was not private "
                    f"(officials of {case.giver} were present)",
                    (DATE_IMPRECISE,) if truth is MAYBE else (),
                )


#: The record of each built-in commitment kind's rule (read-only): the one
#: table the three below, and the table at the top of this module, are read from.
RULE_SPECS: Mapping[type[Commitment], RuleSpec] = MappingProxyType(
    {
        NonRefoulement: RuleSpec(
            non_refoulement,
            reads=frozenset({r.ClaimDecided, *MOVES}),
            needs=frozenset(MOVES),
            breached_when="G removes the claimant to a feared country, unless not "
            "``absolute`` and a final refusal came first; with ``indirect``, also a "
            "removal by G to a third state that then removes them (on) to a feared country",
        ),
        NoRemovalBeforeDecision: RuleSpec(
            no_removal_before_decision,
            reads=frozenset({r.ClaimDecided, *MOVES}),
            needs=frozenset(MOVES),
            breached_when="G removes the claimant before a final decision",
        ),
        AccessToProcedure: RuleSpec(
            access_to_procedure,
            reads=frozenset({r.AdmittedToProcedure}),
            breached_when="no ``admitted_to_procedure`` by G within N days of the later "
            "of the return and the giving",
        ),
        DetentionLimit: RuleSpec(
            detention_limit,
            reads=frozenset({r.Detained, r.Released, *MOVES}),
            needs=frozenset({r.Detained}),
            breached_when="a detention by G lasts more than N days inside the obligation "
            "(to its release, or the claimant's removal or departure, or ``as_of`` if "
            "still open)",
        ),
        Notification: RuleSpec(
            notification,
            reads=frozenset({r.Notified, *MOVES}),
            needs=frozenset(MOVES),
            breached_when="a removal by G is not ``notified`` to the recipient within N days",
        ),
        HumaneTreatment: RuleSpec(
            humane_treatment,
            reads=frozenset({r.IllTreatment}),
            needs=frozenset({r.IllTreatment}),
            breached_when="``ill_treatment`` by G",
        ),
        MonitoringAccess: RuleSpec(
            monitoring_access,
            reads=frozenset({r.MonitoringDenied, r.MonitoringVisit}),
            breached_when="``monitoring_denied`` by G; with a first-visit deadline, no "
            "visit within N days of the later of return and giving; with ``private``, a "
            "visit that was not private",
        ),
        RespectInterimMeasures: RuleSpec(
            respect_interim_measures,
            reads=frozenset({r.InterimMeasure, r.InterimMeasureLifted, *MOVES}),
            needs=frozenset({r.InterimMeasure}),
            breached_when="G removes the claimant (or transfers custody) while an interim "
            "measure against G is in force: indicated on or before the removal and not "
            "lifted before it",
        ),
        AccessToCounsel: RuleSpec(
            access_to_counsel,
            reads=frozenset({r.CounselDenied}),
            needs=frozenset({r.CounselDenied}),
            breached_when="``counsel_denied`` by G",
        ),
    }
)

#: The rule of each built-in commitment kind (read-only).
RULES: Mapping[type[Commitment], Rule] = MappingProxyType(
    {kind: spec.rule for kind, spec in RULE_SPECS.items()}
)

#: The outcome types each built-in rule reads (read-only): see :attr:`RuleSpec.reads`.
READS: Mapping[Rule, frozenset[type[r.Outcome]]] = MappingProxyType(
    {spec.rule: spec.reads for spec in RULE_SPECS.values() if spec.reads is not None}
)

#: The outcome types without which a built-in rule finds nothing (read-only): see
#: :attr:`RuleSpec.needs`. The rules that find a *missing* record (no admission,
#: no monitoring visit in time) are not listed: they must always run.
NEEDS: Mapping[Rule, frozenset[type[r.Outcome]]] = MappingProxyType(
    {spec.rule: spec.needs for spec in RULE_SPECS.values() if spec.needs is not None}
)
