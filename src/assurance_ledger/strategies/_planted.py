"""Ledgers with known breaches: planted breaches and the oracle that lists them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs
from hypothesis import strategies as st

from .. import records as r
from ..commitments import (
    AccessToCounsel,
    AccessToProcedure,
    DetentionLimit,
    HumaneTreatment,
    MonitoringAccess,
    NonRefoulement,
    NoRemovalBeforeDecision,
    Notification,
    RespectInterimMeasures,
)
from ..dates import DateSpan
from ..ledger import Ledger
from ..truth import (
    COVERAGE_UNCERTAIN,
    DATE_IMPRECISE,
    EXCUSE_UNCERTAIN,
    RECORD_MISSING,
    UNSUBSTANTIATED,
    Reason,
)

__all__ = [
    "PLANTABLE",
    "Scenario",
    "clean_ledgers",
    "ledgers_with_breaches",
]

# -- ledgers with known breaches ---------------------------------------------------------


@attrs.frozen
class Scenario:
    """A generated ledger, the day to check it on, and exactly the breaches it holds.

    ``breaches`` is the oracle: a set of ``(claimant_id, assurance_id,
    commitment, certainty)`` that :func:`~assurance_ledger.checker.check` must
    find, no more and no fewer. ``reasons`` says why each is only possible:
    ``(claimant_id, assurance_id, commitment, reasons)`` for each of them
    (empty reasons for a certain one).
    """

    ledger: Ledger
    as_of: dt.date
    breaches: frozenset[tuple[str, str, str, str]]
    reasons: frozenset[tuple[str, str, str, tuple[Reason, ...]]] = frozenset()


_BASE = dt.date(2020, 3, 1)
_ASSURANCE = "a-1"
_GIVER, _RECIPIENT = "US", "CA"
#: The kinds a planted breach can be of (every built-in kind).
PLANTABLE = (
    "non_refoulement",
    "no_removal_before_decision",
    "access_to_procedure",
    "detention_limit",
    "notification",
    "humane_treatment",
    "monitoring_access",
    "respect_interim_measures",
    "access_to_counsel",
)


def _on(day: int, until: int | None = None) -> DateSpan:
    first = _BASE + dt.timedelta(days=day)
    return DateSpan(first, _BASE + dt.timedelta(days=until) if until is not None else first)


@attrs.define
class _Claimant:
    """One claimant's clean story, as day numbers, before it is written as records."""

    number: int
    returned: int
    nationality: str
    crossing: r.Crossing = "between_ports"
    admitted: int | list[int] | None = None  # a day, a [first, last] span, or none
    visit: int | list[int] | None = None
    detained: int | None = None
    released: int | list[int] | None = None
    decision: tuple[str, int | list[int]] | None = None
    removal: tuple[str, int | list[int]] | None = None
    notice: int | None = None
    ill_treatment: bool | None = None  # substantiated?
    denied: int | None = None
    measure: int | list[int] | None = None  # an interim measure against the giver
    counsel: int | list[int] | None = None  # access to a lawyer refused by the giver

    @property
    def id(self) -> str:
        return f"c-{self.number}"

    def days(self) -> list[int]:
        found = [self.returned]
        for value in (
            self.admitted,
            self.visit,
            self.detained,
            self.released,
            self.notice,
            self.denied,
            self.measure,
            self.counsel,
        ):
            if isinstance(value, int):
                found.append(value)
            elif isinstance(value, list):
                found.extend(value)
        for pair in (self.decision, self.removal):
            if pair is not None:
                found.extend(pair[1] if isinstance(pair[1], list) else [pair[1]])
        return found


def _span(value: int | list[int]) -> DateSpan:
    return _on(value) if isinstance(value, int) else _on(value[0], value[1])


def _story_records(story: _Claimant, given: int) -> list[r.Record]:
    cid = story.id
    out: list[r.Record] = [
        r.ClaimantReturned(
            claimant_id=cid,
            on=_on(story.returned),
            returned_by=_RECIPIENT,
            returned_to=_GIVER,
            crossing=story.crossing,
            nationalities=(story.nationality,),
        )
    ]

    def outcome(cls: type[Any], on: int | list[int], **fields: Any) -> None:
        out.append(cls(outcome_id=f"o-{cid}-{len(out)}", claimant_id=cid, on=_span(on), **fields))

    if story.detained is not None:
        outcome(r.Detained, story.detained, by=_GIVER)
    if story.released is not None:
        outcome(r.Released, story.released, by=_GIVER)
    if story.admitted is not None:
        outcome(r.AdmittedToProcedure, story.admitted, by=_GIVER)
    if story.visit is not None:
        outcome(r.MonitoringVisit, story.visit, by=_RECIPIENT, private=True)
    if story.denied is not None:
        outcome(r.MonitoringDenied, story.denied, by=_GIVER)
    if story.measure is not None:
        outcome(r.InterimMeasure, story.measure, by="CAT", against=_GIVER)
    if story.counsel is not None:
        outcome(r.CounselDenied, story.counsel, by=_GIVER)
    if story.ill_treatment is not None:
        outcome(
            r.IllTreatment,
            max([*story.days(), given]),  # bound by the assurance, after everything else
            by=_GIVER,
            substantiated=story.ill_treatment,
        )
    if story.decision is not None:
        decision, day = story.decision
        outcome(r.ClaimDecided, day, by=_GIVER, decision=decision, final=True)
    if story.removal is not None:
        to, day = story.removal
        outcome(r.Removed, day, by=_GIVER, to=to)
        removal_id = out[-1].outcome_id  # type: ignore[attr-defined]
        if story.notice is not None:
            outcome(r.Notified, story.notice, by=_GIVER, to=_RECIPIENT, regarding=removal_id)
    return out


@st.composite
def _clean_scenario(
    draw: st.DrawFn, *, min_claimants: int = 1, max_claimants: int = 5
) -> tuple[list[r.Record], list[_Claimant], int, dict[str, Any]]:
    """The records of a breach-free ledger, its claimants' stories, the giving day, the terms."""
    given = draw(st.integers(5, 30))
    terms = {
        "access": draw(st.integers(0, 30)),
        "detention": draw(st.integers(0, 30)),
        "notice": draw(st.integers(0, 14)),
        "visit": draw(st.integers(0, 30)),
        "private": draw(st.booleans()),
        "absolute": draw(st.booleans()),
        "indirect": draw(st.booleans()),
    }
    nationalities = st.sampled_from(("HT", "VE", "ER", "CO", "SY", "AF"))
    stories = []
    for number in range(1, draw(st.integers(min_claimants, max_claimants)) + 1):
        back = draw(st.integers(given - 10, given + 40))
        start = max(back, given)
        story = _Claimant(number, back, draw(nationalities))
        story.admitted = draw(st.integers(back, start + terms["access"]))
        story.visit = draw(st.integers(back, start + terms["visit"]))
        if draw(st.booleans()):
            story.detained = draw(st.integers(back, back + 10))
            held_from = max(story.detained, given)
            story.released = held_from + draw(st.integers(0, terms["detention"]))
        if draw(st.booleans()):
            decided = draw(st.integers(back, back + 60))
            story.decision = (draw(st.sampled_from(("granted", "refused"))), decided)
            if draw(st.booleans()):
                removed = decided + draw(st.integers(0, 30))
                third = draw(st.sampled_from(("MX", "GT", "PA")))
                story.removal = (third, removed)
                story.notice = removed + draw(st.integers(0, terms["notice"]))
        stories.append(story)
    return _assurance_records(given, terms), stories, given, terms


def _assurance_records(given: int, terms: dict[str, Any]) -> list[r.Record]:
    commitments = (
        NonRefoulement(absolute=terms["absolute"], indirect=terms["indirect"]),
        NoRemovalBeforeDecision(),
        AccessToProcedure(within_days=terms["access"]),
        DetentionLimit(max_days=terms["detention"]),
        Notification(within_days=terms["notice"]),
        HumaneTreatment(),
        MonitoringAccess(first_visit_within_days=terms["visit"], private=terms["private"]),
        RespectInterimMeasures(),
        AccessToCounsel(),
    )
    # The scope names the land crossings: a return whose crossing is unknown
    # is only maybe covered (see ledgers_with_breaches).
    scope = r.Scope(crossings=_CROSSINGS)
    return [
        r.AssuranceRequested(
            assurance_id=_ASSURANCE,
            requested_by=_RECIPIENT,
            requested_of=_GIVER,
            on=_on(given - 5),
            commitments=commitments,
            scope=scope,
        ),
        r.AssuranceGiven(
            assurance_id=_ASSURANCE,
            given_by=_GIVER,
            given_to=_RECIPIENT,
            on=_on(given),
            form="diplomatic_note",
            commitments=commitments,
            scope=scope,
        ),
    ]


_CROSSINGS = ("port_of_entry", "between_ports")


def _build(
    assurance: list[r.Record], stories: list[_Claimant], given: int, as_of: int
) -> tuple[Ledger, dt.date]:
    ledger = Ledger()
    time = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)
    ledger.extend(assurance, recorded_by=_RECIPIENT, recorded_at=time)
    for story in stories:
        ledger.extend(_story_records(story, given), recorded_by=_RECIPIENT, recorded_at=time)
    return ledger, _on(as_of).earliest


@st.composite
def clean_ledgers(draw: st.DrawFn, *, max_claimants: int = 5) -> Scenario:
    """A ledger in which every covered claimant's story keeps every commitment.

    One assurance (all nine built-in kinds) given by US to CA; each claimant is
    admitted, visited (privately) and released in time, and any removal is to a
    third state they do not fear, after a final decision, notified in time. The
    scenario's ``breaches`` is empty.
    """
    assurance, stories, given, _ = draw(_clean_scenario(max_claimants=max_claimants))
    last = max([given, *(d for s in stories for d in s.days())])
    ledger, as_of = _build(assurance, stories, given, last + draw(st.integers(0, 60)))
    return Scenario(ledger, as_of, frozenset())


@st.composite
def ledgers_with_breaches(
    draw: st.DrawFn,
    *,
    kinds: tuple[str, ...] = PLANTABLE,
    certainties: tuple[str, ...] = ("certain", "possible"),
    max_claimants: int = 5,
) -> Scenario:
    """A clean ledger with exactly one breach planted, of one of ``kinds`` and ``certainties``.

    The scenario's ``breaches`` names it: the oracle a checker must match. A
    possible breach has exactly one source of doubt, named in ``reasons``:
    either its kind's own (a date straddling the deadline, a missing record,
    an unsubstantiated report, a decision that may have come first), or
    ``coverage_uncertain``: a breach certain by its rule, of a claimant whose
    crossing is ``unknown`` against a scope that names the land crossings.
    """
    assurance, stories, given, terms = draw(_clean_scenario(max_claimants=max_claimants))
    kind = draw(st.sampled_from(kinds))
    certainty = draw(st.sampled_from(certainties))
    story = draw(st.sampled_from(stories))
    uncovered = certainty == "possible" and draw(st.booleans())
    sure = certainty == "certain" or uncovered
    planted = _PLANTERS[kind](_Plant(draw, story, sure, given, terms))
    if uncovered:
        story.crossing = "unknown"
    why: tuple[Reason, ...] = ()
    if certainty == "possible":
        why = (COVERAGE_UNCERTAIN,) if uncovered else (_DOUBT[kind],)
    last = max([given, *(d for s in stories for d in s.days())])
    as_of = last + draw(st.integers(0, 60))
    if planted is not None:  # a missing record needs its deadline passed by as_of
        as_of = max(as_of, planted + 1)
    ledger, day = _build(assurance, stories, given, as_of)
    return Scenario(
        ledger,
        day,
        frozenset({(story.id, _ASSURANCE, kind, certainty)}),
        frozenset({(story.id, _ASSURANCE, kind, why)}),
    )


@attrs.frozen
class _Plant:
    """What planting needs: the claimant, whether certain, the giving day, the terms."""

    draw: st.DrawFn
    story: _Claimant
    sure: bool
    given: int
    terms: dict[str, Any]

    @property
    def start(self) -> int:
        return max(self.story.returned, self.given)

    def later(self) -> int:
        days: int = self.draw(st.integers(0, 5))
        return days

    def removed_after_grant(self) -> int:
        """A final grant, then a removal to a third state notified the same day."""
        story = self.story
        decided = self.start + self.later()
        removed: int = decided + self.draw(st.integers(1, 10))
        story.decision = ("granted", decided)
        story.removal = (self.draw(st.sampled_from(("MX", "GT", "PA"))), removed)
        story.notice = removed
        return removed


def _plant_detention(p: _Plant) -> int | None:
    story = p.story
    story.removal = story.notice = None  # a removal would end the detention
    story.detained = story.detained if story.detained is not None else story.returned
    limit = max(story.detained, p.given) + p.terms["detention"]
    extra = p.later()
    story.released = limit + 1 + extra if p.sure else [limit, limit + 1 + extra]
    return None


def _plant_access(p: _Plant) -> int | None:
    last: int = p.start + p.terms["access"] + 1 + p.later()
    if p.sure:
        p.story.admitted = last  # recorded, too late
        return None
    p.story.admitted = None  # nothing recorded: possible once the deadline has passed
    return last


def _plant_monitoring(p: _Plant) -> int | None:
    if p.sure:
        p.story.denied = p.start + p.later()
        return None
    last = p.start + p.terms["visit"]
    p.story.visit = [last, last + 1 + p.later()]  # a private visit straddling the deadline
    return None


def _plant_humane(p: _Plant) -> int | None:
    p.story.ill_treatment = p.sure  # dated on or after the giving and every other event
    return None


def _plant_notification(p: _Plant) -> int | None:
    removed = p.removed_after_grant()
    if p.sure:
        p.story.notice = removed + p.terms["notice"] + 1 + p.later()
        return None
    p.story.notice = None
    deadline: int = removed + p.terms["notice"] + 1
    return deadline


def _plant_decision(p: _Plant) -> int | None:
    removed = p.removed_after_grant()
    # No decision at all is certain; one whose date straddles the removal is possible.
    p.story.decision = None if p.sure else ("granted", [removed - 1, removed + 1])
    return None


def _plant_refoulement(p: _Plant) -> int | None:
    story = p.story
    removed = p.removed_after_grant()
    story.removal = (story.nationality, removed)  # to the country they fear, after a grant
    if not p.sure:
        # Returned well before the giving and removed on days straddling it: the
        # obligation only maybe binds the removal.
        back = min(story.returned, p.given - 6)
        story.returned = story.admitted = story.visit = back
        story.detained = story.released = None
        story.decision = ("granted", back)
        story.removal = (story.nationality, [p.given - 1, p.given + 1])
        story.notice = p.given - 1
    return None


def _plant_interim_measure(p: _Plant) -> int | None:
    removed = p.removed_after_grant()  # a removal that breaches nothing else
    # Indicated on or before the removal and never lifted is certain; a measure
    # whose date straddles the removal may have come after it: possible.
    if p.sure:  # never before the return: an outcome may not be
        p.story.measure = max(removed - p.draw(st.integers(0, 3)), p.story.returned)
    else:
        p.story.measure = [removed - 1, removed + 1]
    return None


def _plant_counsel(p: _Plant) -> int | None:
    story = p.story
    if p.sure:
        story.counsel = p.start + p.later()
        return None
    # Returned well before the giving, and denied counsel on days straddling it:
    # the obligation only maybe binds the denial.
    back = min(story.returned, p.given - 6)
    story.returned = story.admitted = story.visit = back
    story.counsel = [p.given - 1, p.given + 1]
    return None


#: The one source of doubt of each kind's possible planting (see the planters).
_DOUBT: Mapping[str, Reason] = MappingProxyType(
    {
        "non_refoulement": DATE_IMPRECISE,  # a removal straddling the giving
        "no_removal_before_decision": EXCUSE_UNCERTAIN,  # a decision straddling the removal
        "access_to_procedure": RECORD_MISSING,  # no admission, its deadline long past
        "detention_limit": DATE_IMPRECISE,  # a release straddling the limit
        "notification": RECORD_MISSING,  # no notice, its deadline long past
        "humane_treatment": UNSUBSTANTIATED,  # a report not substantiated
        "monitoring_access": DATE_IMPRECISE,  # a visit straddling the deadline
        "respect_interim_measures": DATE_IMPRECISE,  # a measure straddling the removal
        "access_to_counsel": DATE_IMPRECISE,  # a denial straddling the giving
    }
)

#: How to plant a breach of each kind; each returns a deadline ``as_of`` must pass.
_PLANTERS: Mapping[str, Any] = MappingProxyType(
    {
        "non_refoulement": _plant_refoulement,
        "no_removal_before_decision": _plant_decision,
        "access_to_procedure": _plant_access,
        "detention_limit": _plant_detention,
        "notification": _plant_notification,
        "humane_treatment": _plant_humane,
        "monitoring_access": _plant_monitoring,
        "respect_interim_measures": _plant_interim_measure,
        "access_to_counsel": _plant_counsel,
    }
)
