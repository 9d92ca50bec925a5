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
=========================== ==========================================================

A coerced departure counts as a removal by the state the claimant left.

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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

import attrs

from . import records as r
from .commitments import (
    AccessToProcedure,
    Commitment,
    DetentionLimit,
    HumaneTreatment,
    MonitoringAccess,
    NonRefoulement,
    NoRemovalBeforeDecision,
    Notification,
)
from .dates import DateSpan
from .ledger import Fact
from .moves import MOVES, Chains, Removal, removals
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
# A Deadline is made by tuple.__new__ itself (see _engine): most deadlines a
# check reads are not due or were kept, and a named tuple's own __new__ is a
# Python call.
_make = tuple.__new__
# The reasons of a missed deadline, sorted: a late record's doubt can only be
# its dates; a missing record's, the record and perhaps the dates too.
_DATED = (DATE_IMPRECISE,)
_MISSING = (RECORD_MISSING,)
_MISSING_DATED = (DATE_IMPRECISE, RECORD_MISSING)
#: A case with more outcomes than this reads them by type (see Case.of_type).
_MANY = 32
OutcomeT = TypeVar("OutcomeT", bound=r.Outcome)


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


def _later(a: DateSpan, b: DateSpan) -> DateSpan:
    """The later of two dates: each bound the later of the two."""
    if a.earliest >= b.earliest and a.latest >= b.latest:
        return a  # the common case: one is wholly later (no new span to make)
    if b.earliest >= a.earliest and b.latest >= a.latest:
        return b
    return DateSpan.cached(max(a.earliest, b.earliest), max(a.latest, b.latest))


def _earlier(a: DateSpan, b: DateSpan) -> DateSpan:
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
        return _later(self.returned.on, self.given.on)

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
            end = _earlier(end, other)
        start = _later(detained.on, case.given.on)
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
