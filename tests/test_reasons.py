"""Why a finding is only possible: its ``reasons``, from docs/format.md ("Why only possible").

Every breach, unassured return and exposure carries ``reasons``: empty when it
is certain, otherwise the sorted tags of what keeps it from being certain, each
given only when that doubt decides the outcome. The stories are the Canada-U.S.
story of ``tests/_story.py``: the assurance given on 20 March 2020, claimant
``c-1`` returned on 22 March.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from _story import Story
from assurance_ledger import (
    REASONS,
    AccessToProcedure,
    AdmittedToProcedure,
    ClaimDecided,
    Commitment,
    Departed,
    Detained,
    DetentionLimit,
    Finding,
    HumaneTreatment,
    IllTreatment,
    Ledger,
    NonRefoulement,
    NoRemovalBeforeDecision,
    Released,
    Removed,
    Report,
    Scope,
    check,
)
from assurance_ledger.strategies import ledgers
from assurance_ledger.truth import MAYBE, UNEXPLAINED

AS_OF = "2020-12-31"


def story(*commitments: Commitment, scope: Scope | None = None, **claimant: Any) -> Story:
    """The assurance a-1 with ``commitments`` given on 20 March; c-1 returned on 22 March."""
    s = Story()
    s.give(*commitments, scope=scope)
    s.returned(**claimant)
    return s


def why(report: Report) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each breach as (commitment, certainty, reasons), in the report's order."""
    return [(b.commitment, b.certainty, b.reasons) for b in report.breaches]


# -- the property ---------------------------------------------------------------------


@settings(max_examples=max(200, settings().max_examples))
@given(ledgers(max_size=40))
def test_a_finding_is_certain_exactly_when_it_has_no_reasons(ledger: Ledger) -> None:
    """Rule: every finding's reasons are empty exactly when it is certain.

    Over the strategies' ledgers, for breaches, unassured returns and
    exposures; the reasons are sorted, each once, and each a tag of the
    format; and the summary splits the returns in three: ``returns = covered
    + possibly_covered + unassured``, the unassured returns listed being the
    possible and the certain ones.
    """
    for as_of in ("2020-06-30", "2021-12-31"):
        report = check(ledger, as_of)
        findings = [*report.breaches, *report.unassured_returns, *report.exposures]
        for finding in findings:
            assert (finding.certainty == "certain") == (finding.reasons == ()), finding
            assert list(finding.reasons) == sorted(set(finding.reasons))
            assert set(finding.reasons) <= set(REASONS)
        s = report.summary
        assert s.returns == s.covered + s.possibly_covered + s.unassured
        listed = [u.certainty for u in report.unassured_returns]
        assert (listed.count("possible"), listed.count("certain")) == (
            s.possibly_covered,
            s.unassured,
        )
        assert all(u.reasons in ((), ("coverage_uncertain",)) for u in report.unassured_returns)


# -- a tag only when that doubt decides -----------------------------------------------


def test_a_deadline_that_passed_long_ago_is_not_date_imprecise() -> None:
    """Rule: a deadline known only to a range of days, all long past, gives no ``date_imprecise``.

    Returned "in March 2020" to a scope that takes all of March, so covered
    for sure; access within 14 days runs from 20-31 March to a last day
    between 3 and 14 April, long before 31 December; no admission recorded:
    possible only for the missing record.
    """
    s = story(AccessToProcedure(within_days=14), on="2020-03")
    assert why(s.check(AS_OF)) == [("access_to_procedure", "possible", ("record_missing",))]


def test_a_deadline_that_may_not_have_passed_is_also_date_imprecise() -> None:
    """Rule: a last day that may or may not have passed by ``as_of`` adds ``date_imprecise``.

    Returned "in March 2020"; the last day of 14 is 3 to 14 April; checked on
    10 April, the deadline may have passed (and then nothing is recorded).
    """
    s = story(AccessToProcedure(within_days=14), on="2020-03")
    assert why(s.check("2020-04-10")) == [
        ("access_to_procedure", "possible", ("date_imprecise", "record_missing"))
    ]


def test_a_late_record_straddling_the_deadline_is_date_imprecise() -> None:
    """Rule: an admission whose span straddles the last allowed day is ``date_imprecise`` alone."""
    s = story(AccessToProcedure(within_days=14))
    s.outcome(AdmittedToProcedure, "2020-04", by="US")
    assert why(s.check(AS_OF)) == [("access_to_procedure", "possible", ("date_imprecise",))]


def test_an_open_detention_certainly_too_long_is_record_missing_alone() -> None:
    """Rule: a detention that nothing on record ends is possible for the missing release only."""
    s = story(DetentionLimit(max_days=14))
    s.outcome(Detained, "2020-03-23", by="US")
    assert why(s.check(AS_OF)) == [("detention_limit", "possible", ("record_missing",))]


def test_an_open_detention_maybe_too_long_is_record_missing_and_date_imprecise() -> None:
    """Rule: open, and too long only for some readings of its start: both doubts decide."""
    s = story(DetentionLimit(max_days=14))
    s.outcome(Detained, "2020-04", by="US")
    assert why(s.check("2020-04-20")) == [
        ("detention_limit", "possible", ("date_imprecise", "record_missing"))
    ]


def test_a_release_straddling_the_limit_is_date_imprecise_alone() -> None:
    """Rule: a detention closed by a release whose span straddles the limit: dates alone decide."""
    s = story(DetentionLimit(max_days=14))
    s.outcome(Detained, "2020-03-23", by="US")
    s.outcome(Released, {"earliest": "2020-04-05", "latest": "2020-04-10"}, by="US")
    assert why(s.check(AS_OF)) == [("detention_limit", "possible", ("date_imprecise",))]


def test_an_unsubstantiated_report_is_unsubstantiated() -> None:
    """Rule: ill-treatment reported but not substantiated: ``unsubstantiated``."""
    s = story(HumaneTreatment())
    s.outcome(IllTreatment, "2020-04-01", by="US", substantiated=False)
    assert why(s.check(AS_OF)) == [("humane_treatment", "possible", ("unsubstantiated",))]


def test_a_refusal_that_may_have_come_first_is_excuse_uncertain() -> None:
    """Rule: a removal to a feared country, a final refusal dated across it: ``excuse_uncertain``.

    Non-refoulement that is not absolute is excused by a final refusal that
    came first; refused "in April", removed on 15 April.
    """
    s = story(NonRefoulement(absolute=False), NoRemovalBeforeDecision())
    s.outcome(ClaimDecided, "2020-04", by="US", decision="refused", final=True)
    s.outcome(Removed, "2020-04-15", by="US", to="HT")
    assert why(s.check(AS_OF)) == [
        ("no_removal_before_decision", "possible", ("excuse_uncertain",)),
        ("non_refoulement", "possible", ("excuse_uncertain",)),
    ]


def test_a_coerced_departure_from_an_uncertain_state_is_date_imprecise() -> None:
    """Rule: which state a coerced departure left hinges on dates: ``date_imprecise``.

    Removed by the U.S. to Mexico "in April"; departed, coerced, to Haiti on
    10 April: the departure left the U.S. or Mexico, so it is a removal by the
    U.S. only maybe.
    """
    s = story(NonRefoulement(indirect=False))
    s.outcome(Removed, "2020-04", by="US", to="MX")
    s.outcome(Departed, "2020-04-10", to="HT", coerced=True)
    assert why(s.check(AS_OF)) == [("non_refoulement", "possible", ("date_imprecise",))]


def test_uncertain_coverage_adds_coverage_uncertain_to_the_rules_own_reasons() -> None:
    """Rule: a maybe-covered claimant's breach has the rule's reasons and ``coverage_uncertain``."""
    s = story(
        AccessToProcedure(within_days=14),
        scope=Scope(crossings=["port_of_entry"]),
        crossing="unknown",
    )
    assert why(s.check(AS_OF)) == [
        ("access_to_procedure", "possible", ("coverage_uncertain", "record_missing"))
    ]


def test_a_certain_breach_has_no_reasons() -> None:
    """Rule: a substantiated ill-treatment of a certainly covered claimant: certain, no reasons."""
    s = story(HumaneTreatment())
    s.outcome(IllTreatment, "2020-04-01", by="US", substantiated=True)
    assert why(s.check(AS_OF)) == [("humane_treatment", "certain", ())]


# -- an exposure ----------------------------------------------------------------------


def test_an_exposure_whose_removal_may_come_after_as_of_is_date_imprecise() -> None:
    """Rule: an unassured claimant removed to a feared country on a span reaching past ``as_of``."""
    s = Story()
    s.returned()
    s.outcome(Removed, "2020-04", by="US", to="HT")
    report = s.check("2020-04-15")
    assert [(e.certainty, e.reasons) for e in report.exposures] == [
        ("possible", ("date_imprecise",))
    ]
    assert [(u.certainty, u.reasons) for u in report.unassured_returns] == [("certain", ())]


# -- a rule of one's own ---------------------------------------------------------------


def test_a_users_rule_gives_its_own_reasons_and_unexplained_when_it_gives_none() -> None:
    """Rule: a user's rule returns its own tags; a possible finding with none is ``unexplained``.

    A ``YES`` finding's reasons are dropped: a finding is certain exactly when
    it has none.
    """
    s = story(NonRefoulement())
    s.outcome(Removed, "2020-04-15", by="US", to="MX")

    def own(case: Any, commitment: Any) -> Any:
        yield Finding(MAYBE, case.evidence(), "mine", reasons=("witness_unheard",))
        yield Finding(MAYBE, case.evidence(), "no reason")
        yield Finding(case.binds(case.given.on), case.evidence(), "sure", reasons=("ignored",))

    report = check(s.ledger, AS_OF, rules={NonRefoulement: own})
    assert sorted((b.explanation, b.certainty, b.reasons) for b in report.breaches) == [
        ("mine", "possible", ("witness_unheard",)),
        ("no reason", "possible", (UNEXPLAINED,)),
        ("sure", "certain", ()),
    ]


# -- what would settle it --------------------------------------------------------------


def test_the_report_says_which_fact_would_settle_the_most_findings() -> None:
    """Rule: the text ends with the facts to record, the one most findings hinge on first.

    Two claimants with an unknown crossing under a scope naming crossings:
    each has a possible access breach (coverage and the missing admission) and
    is a possible unassured return; c-3, covered, misses only the admission.
    """
    s = Story()
    s.give(AccessToProcedure(within_days=14), scope=Scope(crossings=["port_of_entry"]))
    for claimant in ("c-1", "c-2"):
        s.returned(claimant, crossing="unknown")
    s.returned("c-3", crossing="port_of_entry")
    report = s.check(AS_OF)
    assert [(h.action, h.claimant_ids, h.findings) for h in report.to_settle] == [
        ("record the crossing of", ("c-1", "c-2"), 4),
        ("record the admissions to a procedure of", ("c-1", "c-2", "c-3"), 3),
    ]
    text = report.to_text().splitlines()
    assert text[-3:] == [
        "What would settle the possible findings:",
        "  record the crossing of c-1 and c-2: 4 findings hinge on it",
        "  record the admissions to a procedure of c-1, c-2 and c-3: 3 findings hinge on it",
    ]
    assert "record the crossing of c-1 and c-2" in report._repr_html_()


def test_a_certain_report_has_nothing_to_settle() -> None:
    """Rule: with no possible finding, nothing is listed to settle, and the text says nothing."""
    s = story(DetentionLimit(max_days=14))
    s.outcome(Detained, "2020-03-23", by="US")
    s.outcome(Released, "2020-05-01", by="US")
    report = s.check(AS_OF)
    assert why(report) == [("detention_limit", "certain", ())]
    assert report.to_settle == ()
    assert "What would settle" not in report.to_text()
