"""The steps before a removal: the records, custody transfers as removals, and their two rules.

Each test builds a small ledger by hand on the shared story (``tests/_story.py``:
the United States gives Canada assurance a-1 on 20 March 2020, Canada returns
Haitian claimant c-1 on 22 March) and asserts what ``docs/format.md`` decides:
the append rules of the new outcomes, that a ``custody_transferred`` counts as
a removal by its ``by`` to its ``to`` in every rule, and the boundaries of
``respect_interim_measures`` and ``access_to_counsel``.
"""

from __future__ import annotations

from typing import Any

import pytest

import _story
from assurance_ledger import (
    AccessToCounsel,
    ClaimDecided,
    CounselDenied,
    CustodyTransferred,
    Departed,
    Detained,
    DetentionLimit,
    InterimMeasure,
    InterimMeasureLifted,
    InvalidRecord,
    NonRefoulement,
    NoRemovalBeforeDecision,
    Notification,
    Notified,
    Outcome,
    RecordRefused,
    RemovalOrdered,
    Removed,
    Report,
    RespectInterimMeasures,
    stats,
)
from assurance_ledger.stats import Suppression

AS_OF = "2020-12-31"
#: The seqs every breach of the story rests on besides its outcomes: the giving, the return.
BASE = (2, 3)

#: One breach as compared: commitment, certainty, reasons, evidence.
Found = tuple[str, str, tuple[str, ...], tuple[int, ...]]


def story(*commitments: Any, give: bool = True, **claimant: Any) -> _story.Story:
    """The request (seq 1), assurance a-1 with ``commitments`` (2), the return of c-1 (3)."""
    s = _story.Story()
    s.request()
    if give:
        s.give(*commitments)
    s.returned(**claimant)
    return s


def found(report: Report) -> list[Found]:
    """The breaches of claimant c-1 under a-1, comparable."""
    return [(b.commitment, b.certainty, b.reasons, b.evidence) for b in report.breaches]


def breach(kind: str, certainty: str, *outcomes: int, reasons: tuple[str, ...] = ()) -> Found:
    """A breach of a-1 by c-1 resting on ``outcomes`` (and the giving and the return)."""
    return (kind, certainty, reasons, tuple(sorted({*BASE, *outcomes})))


# -- the records and their append rules ----------------------------------------------


def test_a_custody_transfer_or_an_order_to_the_ordering_state_itself_is_invalid() -> None:
    """A state does not hand a claimant to itself, nor order them removed to itself."""
    with pytest.raises(InvalidRecord) as caught:
        CustodyTransferred(outcome_id="o-1", claimant_id="c-1", on="2020-04-01", by="US", to="US")
    assert caught.value.field == "to"
    with pytest.raises(InvalidRecord) as caught:
        RemovalOrdered(
            outcome_id="o-1", claimant_id="c-1", on="2020-04-01", by="US", to="US", final=True
        )
    assert caught.value.field == "to"


def test_an_interim_measure_names_its_body_as_free_text() -> None:
    """``interim_measure.by`` is a body: free text, refused with surrounding spaces."""
    ok = InterimMeasure(
        outcome_id="o-1",
        claimant_id="c-1",
        on="2020-04-01",
        by="UN Committee against Torture",
        against="US",
    )
    assert ok.by == "UN Committee against Torture"
    with pytest.raises(InvalidRecord) as caught:
        InterimMeasure(
            outcome_id="o-1", claimant_id="c-1", on="2020-04-01", by=" ECtHR", against="US"
        )
    assert caught.value.field == "by"


def test_a_lifting_must_regard_an_earlier_interim_measure_of_the_same_claimant() -> None:
    """``interim_measure_lifted.regarding`` names an ``interim_measure`` of the same claimant."""
    s = story(RespectInterimMeasures())
    s.returned("c-2")
    s.outcome(Detained, "2020-04-01", by="US", outcome_id="held")
    s.outcome(
        InterimMeasure, "2020-04-01", by="ECtHR", against="US", outcome_id="m-2", claimant_id="c-2"
    )
    for regarding in ("held", "m-2", "nothing"):
        with pytest.raises(RecordRefused) as caught:
            s.outcome(InterimMeasureLifted, "2020-04-05", regarding=regarding)
        assert caught.value.field == "regarding"
    s.outcome(InterimMeasure, "2020-04-02", by="ECtHR", against="US", outcome_id="m-1")
    s.outcome(InterimMeasureLifted, "2020-04-05", regarding="m-1")


def test_a_step_before_a_removal_certainly_dated_before_the_return_is_refused() -> None:
    """Nothing is dated certainly before the claimant's return, the new outcomes included."""
    s = story(RespectInterimMeasures())
    with pytest.raises(RecordRefused) as caught:
        s.outcome(RemovalOrdered, "2020-03-21", by="US", to="HT", final=True)
    assert caught.value.field == "on"
    s.outcome(RemovalOrdered, "2020-03", by="US", to="HT", final=True)  # may be after


# -- a custody transfer counts as a removal, in every rule ---------------------------


def test_a_custody_transfer_to_a_feared_country_breaches_non_refoulement() -> None:
    """non_refoulement: handing the claimant to agents of a feared country is a removal there."""
    s = story(NonRefoulement())
    handed = s.outcome(CustodyTransferred, "2020-04-01", by="US", to="HT")
    assert found(s.check(AS_OF)) == [breach("non_refoulement", "certain", handed)]


def test_a_custody_transfer_to_a_third_state_that_removes_on_is_chain_refoulement() -> None:
    """non_refoulement with indirect: handed to Mexico's agents, then removed by Mexico to Haiti."""
    s = story(NonRefoulement(indirect=True))
    handed = s.outcome(CustodyTransferred, "2020-04-01", by="US", to="MX")
    onward = s.outcome(Removed, "2020-04-10", by="MX", to="HT")
    assert found(s.check(AS_OF)) == [breach("non_refoulement", "certain", handed, onward)]


def test_a_custody_transfer_before_a_final_decision_breaches_no_removal_before_decision() -> None:
    """no_removal_before_decision: a custody transfer by the giver before any final decision."""
    s = story(NoRemovalBeforeDecision())
    handed = s.outcome(CustodyTransferred, "2020-04-01", by="US", to="MX")
    s.outcome(ClaimDecided, "2020-05-01", by="US", decision="refused", final=True)
    assert found(s.check(AS_OF)) == [breach("no_removal_before_decision", "certain", handed)]


@pytest.mark.parametrize(("notified_on", "breached"), [("2020-04-08", False), ("2020-04-09", True)])
def test_a_custody_transfer_must_be_notified_like_a_removal(
    notified_on: str, breached: bool
) -> None:
    """notification: a custody transfer by the giver is notified within N days, or breaches."""
    s = story(Notification(within_days=7))
    handed = s.outcome(CustodyTransferred, "2020-04-01", by="US", to="MX", outcome_id="ct")
    notice = s.outcome(Notified, notified_on, by="US", to="CA", regarding="ct")
    want = [breach("notification", "certain", handed, notice)] if breached else []
    assert found(s.check(AS_OF)) == want


def test_a_custody_transfer_ends_a_detention() -> None:
    """detention_limit: a detention ends at the claimant's first removal after it, a hand-over too.

    Detained 1 April, handed over 11 April: 10 days, within 10; without the
    hand-over it would be open to 31 December.
    """
    s = story(DetentionLimit(max_days=10))
    s.outcome(Detained, "2020-04-01", by="US")
    s.outcome(CustodyTransferred, "2020-04-11", by="US", to="MX")
    assert found(s.check(AS_OF)) == []


def test_a_custody_transfer_of_an_unassured_claimant_to_a_feared_country_is_an_exposure() -> None:
    """An unassured claimant handed to agents of a feared country: an exposure of Canada."""
    s = story(give=False)
    handed = s.outcome(CustodyTransferred, "2020-04-01", by="US", to="HT")
    report = s.check(AS_OF)
    assert [(e.claimant_id, e.certainty, e.evidence) for e in report.exposures] == [
        ("c-1", "certain", (2, handed))  # the request (1), the return (2), the hand-over
    ]


def test_a_custody_transfer_to_the_country_of_origin_is_counted_as_removed_there() -> None:
    """summary.removed_to_country_of_origin and stats count a hand-over to the origin."""
    s = story(NonRefoulement())
    s.outcome(CustodyTransferred, "2020-04-01", by="US", to="HT")
    assert s.check(AS_OF).summary.removed_to_country_of_origin == 1
    table = stats(s.ledger, as_of=AS_OF, suppression=Suppression.NONE)
    assert table.total.returned_to_origin == 1
    assert table.total.removed_to_feared == 1


# -- respect_interim_measures ----------------------------------------------------------


@pytest.mark.parametrize(
    ("indicated", "lifted", "breached"),
    [
        ("2020-04-01", None, True),  # indicated the same day: in force
        ("2020-04-02", None, False),  # indicated the day after the removal
        ("2020-03-25", "2020-03-31", False),  # lifted the day before
        ("2020-03-25", "2020-04-01", True),  # lifted the same day: not before it
        ("2020-03-25", "2020-04-05", True),  # lifted after
    ],
)
def test_an_interim_measure_is_in_force_from_its_day_until_it_is_lifted(
    indicated: str, lifted: str | None, breached: bool
) -> None:
    """respect_interim_measures: a removal by G while a measure against G is in force.

    In force when indicated on or before the removal and not lifted before it.
    """
    s = story(RespectInterimMeasures())
    measure = s.outcome(InterimMeasure, indicated, by="ECtHR", against="US", outcome_id="m")
    if lifted is not None:
        s.outcome(InterimMeasureLifted, lifted, regarding="m")
    removal = s.outcome(Removed, "2020-04-01", by="US", to="MX")
    want = [breach("respect_interim_measures", "certain", measure, removal)] if breached else []
    assert found(s.check(AS_OF)) == want


def test_a_measure_that_may_come_after_the_removal_gives_possible_date_imprecise() -> None:
    """A measure dated "April 2020" and a removal on 10 April: possible, ``date_imprecise``."""
    s = story(RespectInterimMeasures())
    measure = s.outcome(InterimMeasure, "2020-04", by="CAT", against="US")
    removal = s.outcome(Removed, "2020-04-10", by="US", to="MX")
    assert found(s.check(AS_OF)) == [
        breach(
            "respect_interim_measures", "possible", measure, removal, reasons=("date_imprecise",)
        )
    ]


def test_a_lifting_that_may_come_before_the_removal_gives_possible_excuse_uncertain() -> None:
    """A lifting dated "April 2020" and a removal on 10 April: possible, ``excuse_uncertain``.

    The lifting is cited: it is what would settle the finding.
    """
    s = story(RespectInterimMeasures())
    measure = s.outcome(InterimMeasure, "2020-03-25", by="HRC", against="US", outcome_id="m")
    lift = s.outcome(InterimMeasureLifted, "2020-04", regarding="m")
    removal = s.outcome(Removed, "2020-04-10", by="US", to="MX")
    assert found(s.check(AS_OF)) == [
        breach(
            "respect_interim_measures",
            "possible",
            measure,
            lift,
            removal,
            reasons=("excuse_uncertain",),
        )
    ]


def test_a_custody_transfer_while_a_measure_is_in_force_breaches_it() -> None:
    """The giver transferring custody (Agiza) while a measure is in force breaches it too."""
    s = story(RespectInterimMeasures())
    measure = s.outcome(InterimMeasure, "2020-03-25", by="CAT", against="US")
    handed = s.outcome(CustodyTransferred, "2020-04-01", by="US", to="EG")
    assert found(s.check(AS_OF)) == [breach("respect_interim_measures", "certain", measure, handed)]


def test_a_measure_against_another_state_or_a_removal_by_another_state_is_no_breach() -> None:
    """Only a measure against the giver, and only a removal by the giver, count."""
    s = story(RespectInterimMeasures())
    s.outcome(InterimMeasure, "2020-03-25", by="CAT", against="MX")
    s.outcome(Removed, "2020-04-01", by="US", to="MX")
    s.outcome(InterimMeasure, "2020-04-02", by="CAT", against="US")
    s.outcome(Removed, "2020-04-10", by="MX", to="GT")
    assert found(s.check(AS_OF)) == []


def test_two_measures_in_force_give_one_breach_a_removal() -> None:
    """One finding a removal, resting on the most certain measure in force at it."""
    s = story(RespectInterimMeasures())
    s.outcome(InterimMeasure, "2020-04", by="CAT", against="US")
    sure = s.outcome(InterimMeasure, "2020-03-25", by="ECtHR", against="US")
    removal = s.outcome(Removed, "2020-04-10", by="US", to="MX")
    assert found(s.check(AS_OF)) == [breach("respect_interim_measures", "certain", sure, removal)]


# -- access_to_counsel -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "on", "want"),
    [
        ("US", "2020-04-01", "certain"),
        ("MX", "2020-04-01", None),  # not the giver
        ("US", "2020-03", "possible"),  # may be before the giving (20 March), or after
    ],
)
def test_counsel_denied_by_the_giver_breaches_access_to_counsel(
    by: str, on: str, want: str | None
) -> None:
    """access_to_counsel: a ``counsel_denied`` by the giver, on or after the giving."""
    s = story(AccessToCounsel())
    denied = s.outcome(CounselDenied, on, by=by)
    reasons = ("date_imprecise",) if want == "possible" else ()
    expected = [] if want is None else [breach("access_to_counsel", want, denied, reasons=reasons)]
    assert found(s.check(AS_OF)) == expected


def test_counsel_denied_before_the_giving_is_no_breach() -> None:
    """The obligation binds only outcomes on or after the giving date (20 March).

    The scope reaches back: a claimant returned on 5 March is covered, but a
    denial on 19 March came before the promise.
    """
    s = _story.Story()
    s.request()
    s.give(AccessToCounsel())
    s.returned(on="2020-03-05")
    s.outcome(CounselDenied, "2020-03-19", by="US")
    denied = s.outcome(CounselDenied, "2020-03-20", by="US")
    assert found(s.check(AS_OF)) == [breach("access_to_counsel", "certain", denied)]


# -- at risk now -----------------------------------------------------------------------


def at_risk(s: _story.Story, as_of: str = "2020-06-30") -> list[tuple[Any, ...]]:
    """The report's at_risk entries: claimant, order, to, grounds, covered_by, evidence."""
    return [
        (a.claimant_id, a.order, a.to, a.grounds, a.covered_by, a.evidence)
        for a in s.check(as_of).at_risk
    ]


def test_an_order_to_a_feared_country_puts_the_claimant_at_risk() -> None:
    """Ground feared_country: the outstanding order's ``to`` is a country they fear."""
    s = story(NonRefoulement())
    order = s.outcome(RemovalOrdered, "2020-06-01", by="US", to="HT", final=True)
    assert at_risk(s) == [("c-1", order, "HT", ("feared_country",), ("a-1",), (3, order))]


def test_an_order_while_an_interim_measure_is_in_force_puts_the_claimant_at_risk() -> None:
    """Ground interim_measure: a measure against the ordering state, not lifted by as_of."""
    s = story(NonRefoulement())
    order = s.outcome(RemovalOrdered, "2020-06-01", by="US", to="MX", final=True)
    measure = s.outcome(InterimMeasure, "2020-06-05", by="CAT", against="US", outcome_id="m")
    assert at_risk(s) == [("c-1", order, "MX", ("interim_measure",), ("a-1",), (3, order, measure))]
    assert at_risk(s, "2020-06-04") == []  # the measure is not yet indicated
    s.outcome(InterimMeasureLifted, "2020-06-20", regarding="m")
    assert at_risk(s) == []  # lifted by as_of


def test_an_order_before_a_final_decision_under_the_promise_puts_the_claimant_at_risk() -> None:
    """Ground no_final_decision: a covering assurance promises it, and no decision is recorded."""
    s = story(NoRemovalBeforeDecision())
    order = s.outcome(RemovalOrdered, "2020-06-01", by="US", final=False)
    assert at_risk(s) == [("c-1", order, None, ("no_final_decision",), ("a-1",), (2, 3, order))]
    s.outcome(ClaimDecided, "2020-06-10", by="US", decision="refused", final=True)
    assert at_risk(s) == []


def test_all_three_grounds_together_are_listed_sorted() -> None:
    """Grounds sorted; evidence: the return, the order, the measure and the promise."""
    s = story(NoRemovalBeforeDecision())
    order = s.outcome(RemovalOrdered, "2020-06-01", by="US", to="HT", final=False)
    measure = s.outcome(InterimMeasure, "2020-06-02", by="HRC", against="US")
    report = s.check("2020-06-30")
    assert at_risk(s) == [
        (
            "c-1",
            order,
            "HT",
            ("feared_country", "interim_measure", "no_final_decision"),
            ("a-1",),
            (2, 3, order, measure),
        )
    ]
    assert report.to_json()["at_risk"] == [
        {
            "claimant_id": "c-1",
            "order": order,
            "to": "HT",
            "grounds": ["feared_country", "interim_measure", "no_final_decision"],
            "covered_by": ["a-1"],
            "evidence": [2, 3, order, measure],
            "explanation": report.at_risk[0].explanation,
        }
    ]
    assert "HT" in report.at_risk[0].explanation
    (row,) = [row for row in report.to_records() if row["finding"] == "at_risk"]
    assert (row["claimant_id"], row["evidence"]) == ("c-1", [2, 3, order, measure])
    assert "At risk now: 1" in report.to_text()
    assert "at risk now" in report._repr_html_()


def test_an_order_with_no_ground_puts_nobody_at_risk() -> None:
    """An order to a country not feared, no measure, no promise of a decision first: not listed."""
    s = story(NonRefoulement())
    s.outcome(RemovalOrdered, "2020-06-01", by="US", to="MX", final=True)
    assert at_risk(s) == []


@pytest.mark.parametrize(
    ("move", "fields"),
    [
        (Removed, {"by": "US", "to": "HT"}),
        (CustodyTransferred, {"by": "US", "to": "HT"}),
        (Departed, {"to": "DE"}),
    ],
)
def test_a_removal_departure_or_hand_over_on_or_after_the_order_ends_it(
    move: type[Outcome], fields: dict[str, Any]
) -> None:
    """Outstanding: no removal, departure or custody transfer recorded on or after the order.

    A move the same day ends it; one certainly before it does not.
    """
    s = story(NonRefoulement())
    s.outcome(move, "2020-05-01", **fields)
    order = s.outcome(RemovalOrdered, "2020-06-01", by="US", to="HT", final=True)
    assert [a[1] for a in at_risk(s)] == [order]
    s.outcome(move, "2020-06-01", **fields)
    assert at_risk(s) == []


def test_a_move_that_may_have_come_before_the_order_leaves_the_claimant_at_risk() -> None:
    """Read to keep someone on the list: a move ends the order only if certainly on or after it.

    Ordered removed on 10 June; a departure dated only "June 2020" may have
    come before the order (then it is still outstanding) or after it: listed.
    Once a departure is dated on or after the order, it ends it.
    """
    s = story(NonRefoulement())
    order = s.outcome(RemovalOrdered, "2020-06-10", by="US", to="HT", final=True)
    s.outcome(Departed, "2020-06", to="DE")
    assert [a[1] for a in at_risk(s)] == [order]
    s.outcome(Departed, {"earliest": "2020-06-10", "latest": "2020-06-30"}, to="DE")
    assert at_risk(s) == []


def test_an_unassured_claimant_is_at_risk_on_their_own_grounds() -> None:
    """covered_by is empty for a claimant no assurance covers; the other grounds still hold."""
    s = story(give=False)
    order = s.outcome(RemovalOrdered, "2020-06-01", by="US", to="HT", final=True)
    assert at_risk(s) == [("c-1", order, "HT", ("feared_country",), (), (2, order))]


def test_the_list_is_sorted_by_claimant() -> None:
    """at_risk is sorted by claimant, then order."""
    s = story(NonRefoulement())
    s.returned("c-0", on="2020-03-23")
    second = s.outcome(RemovalOrdered, "2020-06-01", by="US", to="HT", final=True)
    first = s.outcome(RemovalOrdered, "2020-06-02", by="US", to="HT", final=True, claimant_id="c-0")
    assert [(a[0], a[1]) for a in at_risk(s)] == [("c-0", first), ("c-1", second)]
