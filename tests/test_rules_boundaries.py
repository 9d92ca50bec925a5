"""The breach rules at their boundaries, one commitment kind at a time, and coverage.

Each test builds a small ledger by hand (Canada asks the United States for an
assurance on 18 March 2020, the United States gives it on 20 March, Canada
returns a Haitian claimant to the United States on 22 March, then outcomes
follow), runs :func:`check` and asserts the exact breaches: assurance,
commitment, claimant, certainty and the evidence seqs, as ``docs/format.md`` decides
them ("Commitments" and "Deciding a breach").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import _story
from _story import GIVEN, RETURNED
from assurance_ledger import (
    AccessToProcedure,
    AdmittedToProcedure,
    ClaimDecided,
    Commitment,
    Departed,
    Detained,
    DetentionLimit,
    HumaneTreatment,
    IllTreatment,
    MonitoringAccess,
    MonitoringDenied,
    MonitoringVisit,
    NonRefoulement,
    NoRemovalBeforeDecision,
    Notification,
    Notified,
    Outcome,
    Released,
    Removed,
    Report,
    Scope,
)

AS_OF = "2020-12-31"

#: The seqs of the standard story: the request, the giving, the return.
REQUEST_SEQ, GIVEN_SEQ, RETURN_SEQ = 1, 2, 3
#: What every breach of the standard story rests on besides its outcomes.
BASE = (GIVEN_SEQ, RETURN_SEQ)

#: One breach as the tests compare it: assurance, commitment, claimant, certainty, evidence.
Found = tuple[str, str, str, str, tuple[int, ...]]


# -- building ledgers by hand ---------------------------------------------------------


class Story(_story.Story):
    """The shared story's ledger (``tests/_story.py``), checked as of the end of 2020."""

    def check(self, as_of: Any = AS_OF) -> Report:
        """The report as of ``as_of``."""
        return super().check(as_of)

    def found(self, as_of: Any = AS_OF) -> list[Found]:
        """The breaches as of ``as_of``, in the report's order."""
        return found(self.check(as_of))


def story(
    *commitments: Commitment,
    scope: Scope | None = None,
    given_on: Any = GIVEN,
    returned_on: Any = RETURNED,
    **claimant: Any,
) -> Story:
    """The standard story: request (seq 1), assurance a-1 given (2), claimant c-1 returned (3).

    Canada asks; the United States gives Canada ``commitments`` under ``scope``;
    Canada returns claimant ``c-1`` to the United States.
    """
    s = Story()
    s.request()
    s.give(*commitments, on=given_on, scope=scope)
    s.returned(on=returned_on, **claimant)
    return s


def reaching_back(*commitments: Commitment) -> Story:
    """The standard story, but the return (5 March) precedes the giving (20 March).

    The scope reaches back to 1 March; the seqs are those of the standard story.
    """
    return story(*commitments, scope=Scope(returns_from="2020-03-01"), returned_on="2020-03-05")


def found(report: Report) -> list[Found]:
    """The breaches of a report as comparable tuples, in the report's order."""
    return [
        (b.assurance_id, b.commitment, b.claimant_id, b.certainty, b.evidence)
        for b in report.breaches
    ]


def breach(kind: str, certainty: str, *outcomes: int) -> Found:
    """A breach of assurance a-1 by claimant c-1 in the standard story, resting on ``outcomes``."""
    return ("a-1", kind, "c-1", certainty, tuple(sorted({*BASE, *outcomes})))


# -- non_refoulement ------------------------------------------------------------------


def test_removal_by_the_giver_to_a_feared_country_is_a_certain_breach() -> None:
    """non_refoulement is breached when the giver removes the claimant to a feared country.

    An act that breaches unless an excusing record exists is ``certain`` when no
    such record exists.
    """
    s = story(NonRefoulement())
    removal = s.outcome(Removed, "2020-04-01", by="US", to="HT")
    assert s.found() == [breach("non_refoulement", "certain", removal)]


def test_every_feared_country_counts_not_only_the_country_of_origin() -> None:
    """The feared countries are ``feared_countries`` when given (default: the country of origin)."""
    s = story(NonRefoulement(), feared_countries=["HT", "CU"])
    removal = s.outcome(Removed, "2020-04-01", by="US", to="CU")
    assert s.found() == [breach("non_refoulement", "certain", removal)]


def test_removal_to_a_country_not_feared_with_nothing_onward_is_no_breach() -> None:
    """Only a removal to a feared country (directly or by a chain) breaches non_refoulement."""
    s = story(NonRefoulement())
    s.outcome(Removed, "2020-04-01", by="US", to="MX")
    assert s.found() == []


@pytest.mark.parametrize(
    ("absolute", "expected"),
    [(False, "excused"), (True, "certain")],
)
def test_a_final_refusal_first_excuses_only_when_not_absolute(
    absolute: bool, expected: str
) -> None:
    """Breached "unless ``absolute`` is false and a final ``refused`` decision came first".

    Under CAT Art. 3 (``absolute``) there are no exceptions.
    """
    s = story(NonRefoulement(absolute=absolute))
    s.outcome(ClaimDecided, "2020-04-01", by="US", decision="refused", final=True)
    removal = s.outcome(Removed, "2020-04-10", by="US", to="HT")
    want = [] if expected == "excused" else [breach("non_refoulement", "certain", removal)]
    assert s.found() == want


def test_a_refusal_that_is_not_final_does_not_excuse() -> None:
    """Only a *final* refused decision before the removal excuses it (when not absolute)."""
    s = story(NonRefoulement())
    s.outcome(ClaimDecided, "2020-04-01", by="US", decision="refused", final=False)
    removal = s.outcome(Removed, "2020-04-10", by="US", to="HT")
    assert s.found() == [breach("non_refoulement", "certain", removal)]


def test_a_final_refusal_after_the_removal_does_not_excuse() -> None:
    """The final refusal must have "came first": one after the removal excuses nothing."""
    s = story(NonRefoulement())
    removal = s.outcome(Removed, "2020-04-01", by="US", to="HT")
    s.outcome(ClaimDecided, "2020-04-10", by="US", decision="refused", final=True)
    assert s.found() == [breach("non_refoulement", "certain", removal)]


def test_a_removal_dated_by_month_around_the_final_refusal_is_possible() -> None:
    """``possible`` when it hinges on an imprecise date (the spans allow both readings).

    A removal in "April 2020" may have come before or after a final refusal on 10 April.
    """
    s = story(NonRefoulement())
    s.outcome(ClaimDecided, "2020-04-10", by="US", decision="refused", final=True)
    removal = s.outcome(Removed, "2020-04", by="US", to="HT")
    assert s.found() == [breach("non_refoulement", "possible", removal)]


@pytest.mark.parametrize(
    ("coerced", "breached"),
    [(True, True), (False, False)],
)
def test_a_coerced_departure_counts_as_a_removal_a_voluntary_one_does_not(
    coerced: bool, breached: bool
) -> None:
    """``departed``: a coerced departure counts as a removal by the state it left."""
    s = story(NonRefoulement())
    departure = s.outcome(Departed, "2020-04-01", to="HT", coerced=coerced)
    assert s.found() == ([breach("non_refoulement", "certain", departure)] if breached else [])


@pytest.mark.parametrize(
    ("indirect", "breached"),
    [(True, True), (False, False)],
)
def test_chain_refoulement_breaches_only_with_indirect(indirect: bool, breached: bool) -> None:
    """With ``indirect``, also a removal to a third state which then removes them to a feared one.

    The giver's non_refoulement is breached (indirect, chain refoulement): the
    evidence names both removals.
    """
    s = story(NonRefoulement(indirect=indirect))
    first = s.outcome(Removed, "2020-04-01", by="US", to="MX")
    onward = s.outcome(Removed, "2020-04-15", by="MX", to="HT")
    assert s.found() == ([breach("non_refoulement", "certain", first, onward)] if breached else [])


def test_a_chain_whose_first_removal_is_dated_by_month_is_possible() -> None:
    """A chain that hinges on an imprecise date is ``possible`` (the spans allow both readings).

    The removal to Mexico "in April 2020" may have come before or after Mexico's
    removal to Haiti on 20 April, so the chain is only possible.
    """
    s = story(NonRefoulement())
    first = s.outcome(Removed, "2020-04", by="US", to="MX")
    onward = s.outcome(Removed, "2020-04-20", by="MX", to="HT")
    assert s.found() == [breach("non_refoulement", "possible", first, onward)]


def test_a_chain_is_not_dropped_when_the_onward_span_starts_before_the_first_removal() -> None:
    """Never drop a breach the facts could support: the spans allow a chain, so it is possible.

    The United States removes the claimant to Mexico on 10 April; Mexico removes
    them to Haiti "in April 2020" - which may be after the 10th.
    """
    s = story(NonRefoulement())
    first = s.outcome(Removed, "2020-04-10", by="US", to="MX")
    onward = s.outcome(Removed, "2020-04", by="MX", to="HT")
    assert s.found() == [breach("non_refoulement", "possible", first, onward)]


def test_a_coerced_departure_that_may_be_from_a_third_state_is_not_a_certain_removal() -> None:
    """Never report a breach the facts cannot support; imprecise dates give ``possible``.

    The United States removes the claimant to Mexico on 10 April; a coerced
    departure to Haiti "in April 2020" may be from the United States (before the
    10th) or from Mexico (after it). Without ``indirect`` only the first reading
    breaches, so the breach is possible, not certain.
    """
    s = story(NonRefoulement(indirect=False))
    s.outcome(Removed, "2020-04-10", by="US", to="MX")
    departure = s.outcome(Departed, "2020-04", to="HT", coerced=True)
    assert s.found() == [breach("non_refoulement", "possible", departure)]


def test_a_removal_by_a_third_state_is_no_breach_of_the_givers_assurance() -> None:
    """Breaches are by the giver: a removal by another state, not after the giver's, is none."""
    s = story(NonRefoulement(), NoRemovalBeforeDecision(), Notification(within_days=7))
    s.outcome(Removed, "2020-04-01", by="MX", to="HT")
    assert s.found() == []


@pytest.mark.parametrize(
    ("removed_on", "breached"),
    [("2020-03-19", False), ("2020-03-20", True)],
)
def test_non_refoulement_binds_from_the_giving_date(removed_on: str, breached: bool) -> None:
    """A scope may reach back before the giving date; the obligation binds only from it.

    It "binds only outcomes on or after the giving date": a removal the day before
    the giving is no breach; one on the giving date is.
    """
    s = reaching_back(NonRefoulement())
    removal = s.outcome(Removed, removed_on, by="US", to="HT")
    assert s.found() == ([breach("non_refoulement", "certain", removal)] if breached else [])


def test_a_removal_whose_span_straddles_the_giving_date_is_possible() -> None:
    """``possible`` when it hinges on an imprecise date.

    A removal "in March" may precede the giving on 20 March, or follow it.
    """
    s = reaching_back(NonRefoulement())
    removal = s.outcome(Removed, "2020-03", by="US", to="HT")
    assert s.found() == [breach("non_refoulement", "possible", removal)]


# -- no_removal_before_decision -------------------------------------------------------


def test_removal_before_any_final_decision_is_a_certain_breach() -> None:
    """no_removal_before_decision: the giver removes the claimant before a final decision.

    Excuses must be on the record: with no decision recorded, the breach is certain.
    """
    s = story(NoRemovalBeforeDecision())
    removal = s.outcome(Removed, "2020-04-01", by="US", to="MX")
    assert s.found() == [breach("no_removal_before_decision", "certain", removal)]


@pytest.mark.parametrize("decision", ["granted", "refused", "withdrawn", "abandoned"])
def test_removal_after_a_final_decision_is_no_breach(decision: str) -> None:
    """no_removal_before_decision: a removal after a final decision (any result) is no breach."""
    s = story(NoRemovalBeforeDecision())
    s.outcome(ClaimDecided, "2020-04-01", by="US", decision=decision, final=True)
    s.outcome(Removed, "2020-04-10", by="US", to="MX")
    assert s.found() == []


def test_removal_after_a_decision_that_is_not_final_is_a_certain_breach() -> None:
    """Only a *final* decision allows the removal."""
    s = story(NoRemovalBeforeDecision())
    s.outcome(ClaimDecided, "2020-04-01", by="US", decision="refused", final=False)
    removal = s.outcome(Removed, "2020-04-10", by="US", to="MX")
    assert s.found() == [breach("no_removal_before_decision", "certain", removal)]


def test_a_decision_dated_by_month_around_the_removal_gives_possible() -> None:
    """``possible`` when it hinges on an imprecise date.

    The final decision "in April" may come before or after the removal on 10 April.
    """
    s = story(NoRemovalBeforeDecision())
    s.outcome(ClaimDecided, "2020-04", by="US", decision="refused", final=True)
    removal = s.outcome(Removed, "2020-04-10", by="US", to="MX")
    assert s.found() == [breach("no_removal_before_decision", "possible", removal)]


def test_a_coerced_departure_before_a_decision_counts_as_a_removal() -> None:
    """A coerced departure counts as a removal by the state it left (here the giver)."""
    s = story(NoRemovalBeforeDecision())
    departure = s.outcome(Departed, "2020-04-01", to="MX", coerced=True)
    s.outcome(Departed, "2020-04-02", claimant_id="c-1", to="HT")  # voluntary: not a removal
    assert s.found() == [breach("no_removal_before_decision", "certain", departure)]


def test_a_removal_before_the_giving_date_is_no_breach_of_no_removal_before_decision() -> None:
    """The obligation binds only outcomes on or after the giving date."""
    s = reaching_back(NoRemovalBeforeDecision())
    s.outcome(Removed, "2020-03-10", by="US", to="MX")
    assert s.found() == []


# -- access_to_procedure --------------------------------------------------------------


@pytest.mark.parametrize(
    ("admitted_on", "breached"),
    [("2020-04-01", False), ("2020-04-02", True)],
)
def test_admission_on_the_nth_day_is_in_time_the_next_day_is_certain(
    admitted_on: str, breached: bool
) -> None:
    """Within N days allows exactly N; an admission recorded after its deadline is ``certain``.

    Returned 22 March (after the giving), within 10 days: 1 April is the last allowed day.
    """
    s = story(AccessToProcedure(within_days=10))
    admission = s.outcome(AdmittedToProcedure, admitted_on, by="US")
    want = [breach("access_to_procedure", "certain", admission)] if breached else []
    assert s.found() == want


@pytest.mark.parametrize(
    ("admitted_on", "breached"),
    [("2020-03-30", False), ("2020-03-31", True)],
)
def test_access_deadline_runs_from_the_giving_when_the_return_came_first(
    admitted_on: str, breached: bool
) -> None:
    """access_to_procedure: within N days "of the later of return and giving".

    Returned 5 March, assurance given 20 March, within 10 days: 30 March is the last day.
    """
    s = reaching_back(AccessToProcedure(within_days=10))
    admission = s.outcome(AdmittedToProcedure, admitted_on, by="US")
    want = [breach("access_to_procedure", "certain", admission)] if breached else []
    assert s.found() == want


def test_an_admission_dated_by_month_straddling_the_deadline_is_possible() -> None:
    """A span straddling a deadline gives ``possible``: admitted "in April", deadline 1 April."""
    s = story(AccessToProcedure(within_days=10))
    admission = s.outcome(AdmittedToProcedure, "2020-04", by="US")
    assert s.found() == [breach("access_to_procedure", "possible", admission)]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2020-04-01", []), ("2020-04-02", [breach("access_to_procedure", "possible")])],
)
def test_no_admission_recorded_is_possible_only_once_the_deadline_has_passed(
    as_of: str, expected: list[Found]
) -> None:
    """A deadline not yet passed at ``as_of`` is no breach; passed with nothing recorded, possible.

    ``possible`` when it hinges on a missing record (a deadline passed as of the
    evaluation date with nothing recorded).
    """
    s = story(AccessToProcedure(within_days=10))
    assert s.found(as_of) == expected


@pytest.mark.parametrize(
    ("as_of", "certainty"),
    [("2020-04-04", "possible"), ("2020-04-05", "certain")],
)
def test_an_admission_after_as_of_is_not_yet_a_fact(as_of: str, certainty: str) -> None:
    """Facts are judged as they stood on ``as_of``: a later admission is not yet recorded.

    As of 4 April nothing is recorded (possible, a missing record); as of 5
    April the late admission is (certain).
    """
    s = story(AccessToProcedure(within_days=10))
    admission = s.outcome(AdmittedToProcedure, "2020-04-05", by="US")
    evidence = (admission,) if certainty == "certain" else ()
    assert s.found(as_of) == [breach("access_to_procedure", certainty, *evidence)]


def test_an_admission_by_another_state_does_not_meet_access_to_procedure() -> None:
    """access_to_procedure needs an ``admitted_to_procedure`` *by the giver*.

    An admission by Mexico meets nothing: with nothing by the giver, the breach is possible.
    """
    s = story(AccessToProcedure(within_days=10))
    s.outcome(AdmittedToProcedure, "2020-03-25", by="MX")
    assert s.found() == [breach("access_to_procedure", "possible")]


# -- detention_limit ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("released_on", "breached"),
    [("2020-04-15", False), ("2020-04-16", True)],
)
def test_detention_of_exactly_n_days_is_allowed_n_plus_one_is_certain(
    released_on: str, breached: bool
) -> None:
    """More than N days starts at N+1; a duration is the difference of two dates.

    max_days=14: detained 1 April, released 15 April (14 days) is no breach;
    released 16 April (15 days) is a certain breach.
    """
    s = story(DetentionLimit(max_days=14))
    held = s.outcome(Detained, "2020-04-01", by="US")
    freed = s.outcome(Released, released_on, by="US")
    assert s.found() == ([breach("detention_limit", "certain", held, freed)] if breached else [])


def test_a_detention_ends_at_the_first_move_after_it_not_a_later_one() -> None:
    """A detention ends at the claimant's first removal or departure after it, in date order.

    Detained by the US on 1 April, gone to Mexico of their own accord on 4
    April, removed by Mexico on 20 May: held 3 days, no breach of a 10-day
    limit (the later removal by Mexico does not stretch the detention).
    """
    s = story(DetentionLimit(max_days=10))
    s.outcome(Detained, "2020-04-01", by="US")
    s.outcome(Removed, "2020-05-20", by="MX", to="HT")
    s.outcome(Departed, "2020-04-04", to="MX", coerced=False)
    assert s.found() == []


@pytest.mark.parametrize(
    ("released_on", "breached"),
    [("2020-04-03", False), ("2020-04-04", True)],
)
def test_detention_counts_only_the_days_from_the_giving_date(
    released_on: str, breached: bool
) -> None:
    """A detention counts only the days inside the obligation, from the later of start and giving.

    Detained 6 March, assurance given 20 March: released 3 April is 14 days
    inside the obligation (no breach of 14), 4 April is 15 (certain).
    """
    s = reaching_back(DetentionLimit(max_days=14))
    held = s.outcome(Detained, "2020-03-06", by="US")
    freed = s.outcome(Released, released_on, by="US")
    assert s.found() == ([breach("detention_limit", "certain", held, freed)] if breached else [])


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2020-04-15", []), ("2020-04-16", [breach("detention_limit", "possible", 4)])],
)
def test_a_detention_still_open_at_as_of_is_possible_after_n_days(
    as_of: str, expected: list[Found]
) -> None:
    """A detention still open at ``as_of`` counts to ``as_of``; with no release it is ``possible``.

    Detained 1 April, max 14 days, no release recorded: as of 15 April (14 days)
    no breach; as of 16 April (15 days) a possible breach (a missing record).
    """
    s = story(DetentionLimit(max_days=14))
    assert s.outcome(Detained, "2020-04-01", by="US") == 4
    assert s.found(as_of) == expected


def test_a_release_after_as_of_is_not_yet_a_fact() -> None:
    """Facts are judged as they stood on ``as_of``: the detention was still open then."""
    s = story(DetentionLimit(max_days=14))
    held = s.outcome(Detained, "2020-04-01", by="US")
    freed = s.outcome(Released, "2020-04-20", by="US")
    assert s.found("2020-04-16") == [breach("detention_limit", "possible", held)]
    assert s.found("2020-04-20") == [breach("detention_limit", "certain", held, freed)]


def test_a_release_dated_by_month_straddling_the_limit_is_possible() -> None:
    """A span straddling a deadline gives ``possible``: released "in April" after 1 April."""
    s = story(DetentionLimit(max_days=14))
    held = s.outcome(Detained, "2020-04-01", by="US")
    freed = s.outcome(Released, "2020-04", by="US")
    assert s.found() == [breach("detention_limit", "possible", held, freed)]


def test_each_detention_is_judged_on_its_own_length() -> None:
    """detention_limit: *a* detention (detained, then released) lasting more than N days.

    Detained 1-5 April (4 days) and again 1-30 May (29 days), max 14: only the
    second detention breaches, and its evidence is its own detention and release.
    """
    s = story(DetentionLimit(max_days=14))
    s.outcome(Detained, "2020-04-01", by="US")
    s.outcome(Released, "2020-04-05", by="US")
    held = s.outcome(Detained, "2020-05-01", by="US")
    freed = s.outcome(Released, "2020-05-30", by="US")
    assert s.found() == [breach("detention_limit", "certain", held, freed)]


def test_a_detention_by_another_state_is_no_breach() -> None:
    """detention_limit concerns a detention *by the giver*."""
    s = story(DetentionLimit(max_days=14))
    s.outcome(Detained, "2020-04-01", by="MX")
    s.outcome(Released, "2020-06-01", by="MX")
    assert s.found() == []


def test_a_releasing_withdrawal_ends_the_count_of_a_detention() -> None:
    """A detention counts to the earliest of its release, ``as_of`` and a releasing withdrawal.

    Detained 1 April, the assurance withdrawn with ``releases_existing`` on 10
    April, released 30 May: 9 days inside the obligation, no breach of 14.
    """
    s = story(DetentionLimit(max_days=14))
    s.outcome(Detained, "2020-04-01", by="US")
    s.withdraw(on="2020-04-10", releases_existing=True)
    s.outcome(Released, "2020-05-30", by="US")
    assert s.found() == []


# -- notification ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notified_on", "breached"),
    [("2020-04-08", False), ("2020-04-09", True)],
)
def test_notification_on_the_nth_day_is_in_time_the_next_day_is_certain(
    notified_on: str, breached: bool
) -> None:
    """notification: a removal by the giver not notified to the recipient within N days.

    Removed 1 April, within 7 days: notified 8 April is in time, 9 April a
    certain breach (recorded after its deadline).
    """
    s = story(Notification(within_days=7))
    removal = s.outcome(Removed, "2020-04-01", by="US", to="MX", outcome_id="rm")
    notice = s.outcome(Notified, notified_on, by="US", to="CA", regarding="rm")
    want = [breach("notification", "certain", removal, notice)] if breached else []
    assert s.found() == want


@pytest.mark.parametrize(
    ("as_of", "breached"),
    [("2020-04-08", False), ("2020-04-09", True)],
)
def test_an_unnotified_removal_is_possible_once_the_deadline_has_passed(
    as_of: str, breached: bool
) -> None:
    """A deadline not yet passed at ``as_of`` is no breach; passed with nothing recorded, possible.

    ``possible`` when it hinges on a missing record (a deadline passed as of the
    evaluation date with nothing recorded).
    """
    s = story(Notification(within_days=7))
    removal = s.outcome(Removed, "2020-04-01", by="US", to="MX")
    assert s.found(as_of) == ([breach("notification", "possible", removal)] if breached else [])


def test_a_notice_to_another_state_does_not_notify_the_recipient() -> None:
    """The removal must be ``notified`` *to the recipient*: a notice to Mexico does not count."""
    s = story(Notification(within_days=7))
    removal = s.outcome(Removed, "2020-04-01", by="US", to="MX", outcome_id="rm")
    s.outcome(Notified, "2020-04-02", by="US", to="MX", regarding="rm")
    assert s.found() == [breach("notification", "possible", removal)]


def test_a_notice_dated_by_month_straddling_the_deadline_is_possible() -> None:
    """A span straddling a deadline gives ``possible``: notified "in April", deadline 8 April."""
    s = story(Notification(within_days=7))
    removal = s.outcome(Removed, "2020-04-01", by="US", to="MX", outcome_id="rm")
    notice = s.outcome(Notified, "2020-04", by="US", to="CA", regarding="rm")
    assert s.found() == [breach("notification", "possible", removal, notice)]


def test_a_coerced_departure_must_be_notified_like_a_removal() -> None:
    """A coerced departure counts as a removal by the state it left, so it must be notified."""
    s = story(Notification(within_days=7))
    departure = s.outcome(Departed, "2020-04-01", to="MX", coerced=True)
    s.outcome(Departed, "2020-04-20", to="GT")  # voluntary: nothing to notify
    assert s.found() == [breach("notification", "possible", departure)]


def test_an_unnotified_removal_before_the_giving_date_is_no_breach() -> None:
    """The obligation binds only outcomes on or after the giving date."""
    s = reaching_back(Notification(within_days=7))
    s.outcome(Removed, "2020-03-10", by="US", to="MX")
    assert s.found() == []


# -- humane_treatment -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("substantiated", "certainty"),
    [(True, "certain"), (False, "possible")],
)
def test_ill_treatment_substantiated_is_certain_unsubstantiated_possible(
    substantiated: bool, certainty: str
) -> None:
    """humane_treatment: ``ill_treatment`` by the giver; an unsubstantiated report is possible."""
    s = story(HumaneTreatment())
    report = s.outcome(IllTreatment, "2020-04-01", by="US", substantiated=substantiated)
    assert s.found() == [breach("humane_treatment", certainty, report)]


def test_ill_treatment_by_another_state_is_no_breach() -> None:
    """humane_treatment is breached only by ill-treatment *by the giver*."""
    s = story(HumaneTreatment())
    s.outcome(IllTreatment, "2020-04-01", by="MX", substantiated=True)
    assert s.found() == []


@pytest.mark.parametrize(
    ("on", "breached"),
    [("2020-03-19", False), ("2020-03-20", True)],
)
def test_ill_treatment_before_the_giving_date_is_no_breach(on: str, breached: bool) -> None:
    """The obligation binds only outcomes on or after the giving date (on it, it binds)."""
    s = reaching_back(HumaneTreatment())
    report = s.outcome(IllTreatment, on, by="US", substantiated=True)
    assert s.found() == ([breach("humane_treatment", "certain", report)] if breached else [])


# -- monitoring_access ----------------------------------------------------------------


def test_monitoring_denied_by_the_giver_is_certain_by_another_state_none() -> None:
    """monitoring_access: ``monitoring_denied`` by the giver is a breach (certain)."""
    s = story(MonitoringAccess())
    s.outcome(MonitoringDenied, "2020-04-01", by="MX")
    denial = s.outcome(MonitoringDenied, "2020-04-02", by="US")
    assert s.found() == [breach("monitoring_access", "certain", denial)]


@pytest.mark.parametrize(
    ("required", "private", "breached"),
    [(True, False, True), (True, True, False), (False, False, False)],
)
def test_with_private_a_visit_that_was_not_private_is_a_breach(
    required: bool, private: bool, breached: bool
) -> None:
    """With ``private``, a visit that was not private breaches; a private one does not.

    Without ``private`` in the commitment, a visit with officials present is no breach.
    """
    s = story(MonitoringAccess(private=required))
    visit = s.outcome(MonitoringVisit, "2020-04-01", by="UNHCR", private=private)
    assert s.found() == ([breach("monitoring_access", "certain", visit)] if breached else [])


@pytest.mark.parametrize(
    ("visited_on", "breached"),
    [("2020-04-05", False), ("2020-04-06", True)],
)
def test_first_visit_on_the_nth_day_is_in_time_the_next_day_is_certain(
    visited_on: str, breached: bool
) -> None:
    """With ``first_visit_within_days``, no ``monitoring_visit`` within N days is a breach.

    Returned 22 March, within 14 days: a first visit on 5 April is in time; on
    6 April it is recorded after its deadline (certain). In Agiza v Sweden the
    first visit reportedly came about five weeks after the return.
    """
    s = story(MonitoringAccess(first_visit_within_days=14))
    visit = s.outcome(MonitoringVisit, visited_on, by="SE", private=True)
    assert s.found() == ([breach("monitoring_access", "certain", visit)] if breached else [])


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2020-04-05", []), ("2020-04-06", [breach("monitoring_access", "possible")])],
)
def test_no_visit_recorded_is_possible_once_the_first_visit_deadline_has_passed(
    as_of: str, expected: list[Found]
) -> None:
    """A deadline not yet passed at ``as_of`` is no breach; passed with nothing recorded, possible.

    ``possible`` when it hinges on a missing record (a deadline passed as of the
    evaluation date with nothing recorded).
    """
    s = story(MonitoringAccess(first_visit_within_days=14))
    assert s.found(as_of) == expected


def test_a_first_visit_dated_by_month_straddling_the_deadline_is_possible() -> None:
    """A span straddling a deadline gives ``possible``: a visit "in April", deadline 5 April."""
    s = story(MonitoringAccess(first_visit_within_days=14))
    visit = s.outcome(MonitoringVisit, "2020-04", by="SE", private=True)
    assert s.found() == [breach("monitoring_access", "possible", visit)]


def test_monitoring_denied_before_the_giving_date_is_no_breach() -> None:
    """The obligation binds only outcomes on or after the giving date."""
    s = reaching_back(MonitoringAccess())
    s.outcome(MonitoringDenied, "2020-03-10", by="US")
    assert s.found() == []


# -- coverage -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "claimant"),
    [
        pytest.param(Scope(returns_from="2020-03-23"), {}, id="before-returns_from"),
        pytest.param(Scope(returns_until="2020-03-21"), {}, id="after-returns_until"),
        pytest.param(Scope(exclude_nationalities=["HT"]), {}, id="nationality-excluded"),
        pytest.param(Scope(nationalities=["VE"]), {}, id="nationality-not-listed"),
        pytest.param(Scope(nationalities=["HT"]), {"nationalities": []}, id="stateless"),
        pytest.param(Scope(claimants=["c-9"]), {}, id="not-an-assured-claimant"),
        pytest.param(Scope(minors_only=True), {"minor": False}, id="adult-under-minors_only"),
        pytest.param(
            Scope(crossings=["port_of_entry"]),
            {"crossing": "between_ports"},
            id="crossing-not-listed",
        ),
    ],
)
def test_a_return_the_scope_does_not_cover_is_unassured_and_has_no_breach(
    scope: Scope, claimant: dict[str, Any]
) -> None:
    """Coverage: the return date falls in the scope window and matches every scope filter.

    A return that misses one is covered by no given assurance: it is listed as
    unassured, and nothing that happens to the claimant breaches the assurance.
    """
    s = story(HumaneTreatment(), scope=scope, **claimant)
    s.outcome(IllTreatment, "2020-04-01", by="US", substantiated=True)
    report = s.check()
    assert found(report) == []
    assert [u.claimant_id for u in report.unassured_returns] == ["c-1"]
    assert report.pending_requests == ()
    assert (report.summary.covered, report.summary.unassured) == (0, 1)


@pytest.mark.parametrize(
    ("scope", "claimant"),
    [
        pytest.param(Scope(returns_from="2020-03-22"), {}, id="on-returns_from"),
        pytest.param(Scope(returns_until="2020-03-22"), {}, id="on-returns_until"),
        pytest.param(Scope(nationalities=["VE", "HT"]), {}, id="nationality-listed"),
        pytest.param(Scope(claimants=["c-1"]), {}, id="an-assured-claimant"),
        pytest.param(Scope(minors_only=True), {"minor": True}, id="minor-under-minors_only"),
        pytest.param(
            Scope(crossings=["between_ports"]),
            {"crossing": "between_ports"},
            id="crossing-listed",
        ),
    ],
)
def test_a_return_matching_every_filter_is_covered(scope: Scope, claimant: dict[str, Any]) -> None:
    """Coverage: a return in the window (its ends included) matching every filter is covered."""
    s = story(HumaneTreatment(), scope=scope, **claimant)
    report_seq = s.outcome(IllTreatment, "2020-04-01", by="US", substantiated=True)
    report = s.check()
    assert found(report) == [breach("humane_treatment", "certain", report_seq)]
    assert report.unassured_returns == ()


@pytest.mark.parametrize(
    ("where", "scope", "claimant", "settle"),
    [
        (
            "a return straddling the scope's start",
            Scope(returns_from="2020-03-21"),
            {"returned_on": "2020-03"},
            "record the exact return date of",
        ),
        (
            "a crossing unknown against a scope naming crossings",
            Scope(crossings=["port_of_entry"]),
            {"crossing": "unknown"},
            "record the crossing of",
        ),
    ],
)
def test_a_maybe_covered_return_keeps_both_readings(
    where: str, scope: Scope, claimant: dict[str, Any], settle: str
) -> None:
    """When coverage itself is in doubt, every breach is at most ``possible``; both readings stand.

    Returned "in March 2020" under a scope from 21 March, or with a crossing
    recorded as ``unknown`` under a scope that names crossings: covered only
    possibly, so a substantiated ill-treatment and a removal to Haiti (each
    certain by its rule alone) are possible breaches for ``coverage_uncertain``
    alone; the return is also listed as unassured ``possible``, its removal to
    a feared country is a ``possible`` exposure, the summary counts it as
    possibly covered, and the report says which fact would settle it.
    """
    s = story(HumaneTreatment(), NonRefoulement(), scope=scope, **claimant)
    report_seq = s.outcome(IllTreatment, "2020-04-01", by="US", substantiated=True)
    removal = s.outcome(Removed, "2020-04-10", by="US", to="HT")
    report = s.check()
    assert found(report) == [
        breach("humane_treatment", "possible", report_seq),
        breach("non_refoulement", "possible", removal),
    ], where
    assert [b.reasons for b in report.breaches] == [("coverage_uncertain",)] * 2
    assert [(u.claimant_id, u.certainty, u.reasons) for u in report.unassured_returns] == [
        ("c-1", "possible", ("coverage_uncertain",))
    ]
    assert [(e.certainty, e.reasons, e.evidence[-1]) for e in report.exposures] == [
        ("possible", ("coverage_uncertain",), removal)
    ]
    summary = report.summary
    assert (summary.returns, summary.covered, summary.possibly_covered, summary.unassured) == (
        1,
        0,
        1,
        0,
    )
    # Two breaches, the exposure and the unassured return hinge on that one fact.
    assert [(h.action, h.claimant_ids, h.findings) for h in report.to_settle] == [
        (settle, ("c-1",), 4)
    ]


def test_a_known_crossing_outside_a_crossings_filter_is_certainly_unassured() -> None:
    """A crossing that is known and not named by the scope: not covered, unassured ``certain``."""
    s = story(NonRefoulement(), scope=Scope(crossings=["port_of_entry"]), crossing="between_ports")
    removal = s.outcome(Removed, "2020-04-10", by="US", to="HT")
    report = s.check()
    assert report.breaches == ()
    assert [(u.certainty, u.reasons) for u in report.unassured_returns] == [("certain", ())]
    assert [(e.certainty, e.reasons, e.evidence[-1]) for e in report.exposures] == [
        ("certain", (), removal)
    ]
    assert (report.summary.covered, report.summary.possibly_covered) == (0, 0)


def test_one_certain_cover_makes_the_return_covered_beside_a_maybe() -> None:
    """A return certainly covered by one assurance is covered, though another only may cover it."""
    s = story(HumaneTreatment(), scope=Scope(crossings=["port_of_entry"]), crossing="unknown")
    s.give(HumaneTreatment(), assurance_id="a-2")
    s.outcome(IllTreatment, "2020-04-01", by="US", substantiated=True)
    report = s.check()
    assert report.unassured_returns == ()
    assert (report.summary.covered, report.summary.possibly_covered) == (1, 0)
    assert sorted((b.assurance_id, b.certainty, b.reasons) for b in report.breaches) == [
        ("a-1", "possible", ("coverage_uncertain",)),
        ("a-2", "certain", ()),
    ]


def test_an_assurance_between_other_states_does_not_cover_the_return() -> None:
    """An assurance *given* by G to R covers a claimant returned by R to G, and no other."""
    s = Story()
    s.give(HumaneTreatment(), by="US", to="MX")
    s.give(HumaneTreatment(), assurance_id="a-2", by="CA", to="US")
    s.returned()
    s.outcome(IllTreatment, "2020-04-01", by="US", substantiated=True)
    report = s.check()
    assert found(report) == []
    assert [u.claimant_id for u in report.unassured_returns] == ["c-1"]


# -- withdrawal -----------------------------------------------------------------------


def test_after_a_withdrawal_claimants_already_covered_stay_covered() -> None:
    """Without ``releases_existing``, obligations for claimants already covered continue.

    Returned 22 March, assurance withdrawn 1 April: ill-treatment on 1 May still breaches.
    """
    s = story(HumaneTreatment())
    s.withdraw(on="2020-04-01")
    report_seq = s.outcome(IllTreatment, "2020-05-01", by="US", substantiated=True)
    assert s.found() == [breach("humane_treatment", "certain", report_seq)]


@pytest.mark.parametrize(
    ("returned_on", "covered"),
    [("2020-04-01", True), ("2020-04-02", False)],
)
def test_a_withdrawal_stops_covering_returns_after_its_date(
    returned_on: str, covered: bool
) -> None:
    """A withdrawal stops covering returns *after* its date (a return on the date stays covered)."""
    s = Story()
    s.request()
    s.give(HumaneTreatment())
    s.withdraw(on="2020-04-01")
    ret = s.returned(on=returned_on)
    report_seq = s.outcome(IllTreatment, "2020-05-01", by="US", substantiated=True)
    report = s.check()
    want = [("a-1", "humane_treatment", "c-1", "certain", (GIVEN_SEQ, ret, report_seq))]
    assert found(report) == (want if covered else [])
    assert [u.claimant_id for u in report.unassured_returns] == ([] if covered else ["c-1"])


@pytest.mark.parametrize(
    ("on", "breached"),
    [("2020-04-01", True), ("2020-04-02", False)],
)
def test_with_releases_existing_nothing_after_the_withdrawal_date_counts(
    on: str, breached: bool
) -> None:
    """With ``releases_existing``, nothing after the withdrawal date counts.

    On the withdrawal date it still does.
    """
    s = story(HumaneTreatment(), MonitoringAccess())
    s.withdraw(on="2020-04-01", releases_existing=True)
    ill = s.outcome(IllTreatment, on, by="US", substantiated=True)
    denial = s.outcome(MonitoringDenied, on, by="US")
    want = (
        [breach("humane_treatment", "certain", ill), breach("monitoring_access", "certain", denial)]
        if breached
        else []
    )
    assert s.found() == want


@pytest.mark.parametrize(
    ("released_by_withdrawal", "expected"),
    [(False, [breach("access_to_procedure", "possible")]), (True, [])],
)
def test_a_deadline_passing_after_a_releasing_withdrawal_is_no_breach(
    released_by_withdrawal: bool, expected: list[Found]
) -> None:
    """With ``releases_existing``, nothing after the withdrawal date counts.

    Access within 10 days of 22 March runs out after 1 April; the assurance is
    withdrawn on 1 April. Only a releasing withdrawal excuses the missed deadline.
    """
    s = story(AccessToProcedure(within_days=10))
    s.withdraw(on="2020-04-01", releases_existing=released_by_withdrawal)
    assert s.found() == expected


@pytest.mark.parametrize(
    ("withdrawn_on", "expected"),
    [
        ("2020-04-01", []),
        ("2020-04-02", [breach("access_to_procedure", "possible")]),
    ],
)
def test_a_deadline_fails_on_the_day_after_its_last_allowed_day(
    withdrawn_on: str, expected: list[Found]
) -> None:
    """A failure to act within N days happens on the day after the last allowed day (v2).

    It counts only if that day is on or before a releasing withdrawal: access
    within 10 days of 22 March may come up to 1 April and fails on 2 April; a
    releasing withdrawal on 1 April releases it, one on 2 April does not.
    """
    s = story(AccessToProcedure(within_days=10))
    s.withdraw(on=withdrawn_on, releases_existing=True)
    assert s.found() == expected


@pytest.mark.parametrize(
    ("end", "expected_certainty"),
    [(Removed, "certain"), (Departed, "certain"), (None, "possible")],
)
def test_a_detention_a_removal_or_departure_ends_is_closed(
    end: type[Outcome] | None, expected_certainty: str
) -> None:
    """A detention also ends at the claimant's first removal or departure after it (v2).

    Detained 1 April with a 14-day limit and never released: removed or gone on
    20 April, it is closed at 19 days, a certain breach; with nothing on record
    to end it, it is open, and at most possible.
    """
    s = story(DetentionLimit(max_days=14))
    s.outcome(Detained, "2020-04-01", by="US")
    if end is Removed:
        s.outcome(Removed, "2020-04-20", by="US", to="MX")
    elif end is Departed:
        s.outcome(Departed, "2020-04-20", to="MX", coerced=False)
    [(_, kind, _, certainty, _)] = s.found()
    assert (kind, certainty) == ("detention_limit", expected_certainty)


# -- the evaluation date --------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "breached"),
    [("2020-04-30", False), ("2020-05-01", True), (dt.date(2020, 5, 1), True)],
)
def test_an_outcome_after_as_of_is_not_counted(as_of: Any, breached: bool) -> None:
    """Facts are judged as they stood on ``as_of``; the report states it."""
    s = story(NonRefoulement(), HumaneTreatment())
    removal = s.outcome(Removed, "2020-05-01", by="US", to="HT")
    report = s.check(as_of)
    assert report.as_of == dt.date.fromisoformat(str(as_of))
    assert found(report) == ([breach("non_refoulement", "certain", removal)] if breached else [])


def test_a_return_or_assurance_after_as_of_is_not_yet_a_fact() -> None:
    """Facts are judged as they stood on ``as_of``: a later giving covers nothing yet."""
    s = story(HumaneTreatment(), given_on="2020-04-10", returned_on="2020-03-22")
    ill = s.outcome(IllTreatment, "2020-04-20", by="US", substantiated=True)
    before = s.check("2020-04-05")
    assert (found(before), [u.claimant_id for u in before.unassured_returns]) == ([], ["c-1"])
    assert s.found() == [breach("humane_treatment", "certain", ill)]


# -- unassured returns and exposures --------------------------------------------------


def test_pending_requests_are_listed_once_with_the_unassured_returns_they_would_cover() -> None:
    """A return covered by no given assurance is listed; requests still pending are listed once.

    Pending: requests neither declined nor given. Each counts the unassured
    returns by its requesting state to the state it asked whose scope it would
    cover.
    """
    s = Story()
    s.request("a-pending")
    s.request("a-pending-too", scope=Scope(nationalities=["HT"]))
    s.request("a-declined")
    s.decline("a-declined")
    s.request("a-given")
    s.give(HumaneTreatment(), assurance_id="a-given", scope=Scope(nationalities=["VE"]))
    s.request("a-other-scope", scope=Scope(nationalities=["VE"]))
    s.request("a-other-states", by="CA", of="MX")
    s.request("a-reverse", by="US", of="CA")
    s.returned()
    report = s.check()
    assert found(report) == []
    assert [u.claimant_id for u in report.unassured_returns] == ["c-1"]
    assert [(p.assurance_id, p.unassured_in_scope) for p in report.pending_requests] == [
        ("a-other-scope", 0),
        ("a-other-states", 0),
        ("a-pending", 1),
        ("a-pending-too", 1),
        ("a-reverse", 0),
    ]


def test_a_removal_of_an_unassured_claimant_to_a_feared_country_is_an_exposure() -> None:
    """A removal to a feared country of an unassured claimant is an exposure of the returning state.

    Its evidence is the return and the removal; a removal to a country not
    feared is none.
    """
    s = Story()
    s.give(NonRefoulement(), scope=Scope(nationalities=["VE"]))
    ret = s.returned()
    s.outcome(Removed, "2020-04-01", by="US", to="MX")
    onward = s.outcome(Removed, "2020-04-10", by="MX", to="HT")
    report = s.check()
    assert found(report) == []
    assert [(e.claimant_id, e.returned_by, e.evidence) for e in report.exposures] == [
        ("c-1", "CA", (ret, onward))
    ]


def test_a_covered_claimant_removed_to_a_feared_country_is_no_exposure() -> None:
    """Exposures are of unassured claimants; a covered one gives a breach instead."""
    s = story(NonRefoulement())
    removal = s.outcome(Removed, "2020-04-01", by="US", to="HT")
    report = s.check()
    assert (found(report), report.exposures) == (
        [breach("non_refoulement", "certain", removal)],
        (),
    )


# -- order ----------------------------------------------------------------------------


def test_breaches_are_sorted_by_claimant_assurance_commitment() -> None:
    """Breaches are sorted by claimant, assurance, commitment."""
    s = Story()
    a2 = s.give(NonRefoulement(), HumaneTreatment(), assurance_id="a-2")
    a1 = s.give(HumaneTreatment(), DetentionLimit(max_days=1), assurance_id="a-1")
    c2 = s.returned("c-2")
    c1 = s.returned("c-1")
    outcomes = {}
    for claimant in ("c-2", "c-1"):
        outcomes[claimant] = (
            s.outcome(
                IllTreatment, "2020-04-01", claimant_id=claimant, by="US", substantiated=True
            ),
            s.outcome(Detained, "2020-04-02", claimant_id=claimant, by="US"),
            s.outcome(Released, "2020-04-05", claimant_id=claimant, by="US"),
            s.outcome(Removed, "2020-04-06", claimant_id=claimant, by="US", to="HT"),
        )
    rows = []
    for claimant, ret in (("c-1", c1), ("c-2", c2)):
        ill, held, freed, removal = outcomes[claimant]
        rows += [
            ("a-1", "detention_limit", claimant, "certain", (a1, ret, held, freed)),
            ("a-1", "humane_treatment", claimant, "certain", (a1, ret, ill)),
            ("a-2", "humane_treatment", claimant, "certain", (a2, ret, ill)),
            ("a-2", "non_refoulement", claimant, "certain", (a2, ret, removal)),
        ]
    assert s.found() == [(a, k, c, t, tuple(sorted(e))) for a, k, c, t, e in rows]
