"""The bundled example ledger, checked as of 30 June 2020: every finding pinned.

``examples/canada-us-2020.jsonl`` is a synthetic ledger modelled on March 2020
Canada-U.S.; its entries, in order, get these seqs (no entry has a seq of its own
in the file):

== ===================== ===================================================
 1 assurance_requested   a-ca-us-2020, CA of US, 20 March
 2 claimant_returned     c-001, 22 March, between ports, HT
 3 claimant_returned     c-002, 24 March, port of entry, VE
 4 claimant_returned     c-003, "2020-03" (month only), between ports, ER
 5 assurance_given       a-ca-us-2020, US to CA, 27 March; returns from
                         21 March at ports of entry or between ports;
                         non_refoulement (indirect), access_to_procedure
                         14 days, detention_limit 14 days, notification
                         7 days, monitoring_access (first visit within 21
                         days, private); no humane_treatment
 6 detained              c-001, 22 March
 7 released              c-001, 20 April (corrected at 21 to 21 April)
 8 admitted_to_procedure c-001, 3 April
 9 detained              c-002, 24 March
10 removed               c-002, April 2020, by US to VE
11 monitoring_visit      c-001, 1 May, by CA, not private
12 detained              c-003, 31 March
13 removed               c-003, 15 April, by US to MX
14 notified              c-003, 18 April, US to CA, about 13
15 removed               c-003, 1-20 May, by MX to ER
16 claimant_returned     c-004, 2 April, airport, CO
17 departed              c-004, May 2020, to CO, coerced
18 claimant_returned     c-005, 6 April, between ports, stateless, PS
19 claim_decided         c-005, 15 May, refused, final
20 ill_treatment         c-005, May 2020, by US, not substantiated
21 correction            of 7: released 21 April
22 checkpoint            of US's ledger
23 claimant_returned     c-006, 8 April, airport, ER
24 assurance_given       a-ca-us-2020-c006, US to CA, 14 April, for c-006
                         and c-007 only: no_removal_before_decision,
                         respect_interim_measures, access_to_counsel
25 counsel_denied        c-006, 20 April, by US
26 removal_ordered       c-006, 1 May, by US to ER, final
27 interim_measure       c-006, 4 May, CAT against US
28 removed               c-006, 12 May, by US to ER
29 claimant_returned     c-007, 2 May, airport, AF
30 removal_ordered       c-007, 10 June, by US to AF, not final
31 interim_measure       c-007, 15 June, HRC against US
32 assessment            a-ca-us-2020, 15 June, court_examined: against
33 assessment            a-ca-us-2020, 15 July, terms_disclosed: for
== ===================== ===================================================
"""

from __future__ import annotations

import pytest

from _example import with_example
from assurance_ledger import Ledger, Report, check

AS_OF = "2020-06-30"
A = "a-ca-us-2020"
A6 = "a-ca-us-2020-c006"


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    """The example records in a new ledger, recorded by Canada at one fixed time."""
    return with_example()


@pytest.fixture(scope="module")
def report(ledger: Ledger) -> Report:
    """The example ledger checked as of 30 June 2020."""
    return check(ledger, AS_OF)


def test_example_loads_as_33_entries_with_one_correction(ledger: Ledger) -> None:
    """Rule: the example is valid, appends whole, and its correction replaces entry 7."""
    assert len(ledger) == 33
    assert ledger.verify().ok
    fact = next(f for f in ledger.facts() if f.seq == 7)
    assert (str(fact.record.on), fact.corrected_by) == ("2020-04-21", 21)  # type: ignore[attr-defined]


def test_example_breaches(report: Report) -> None:
    """Rule: every breach of the rules of docs/format.md in the example, and no other, is reported.

    The assurance (entry 5) was given on 27 March: it binds only what happened
    from then on, and deadlines run from the later of the return and 27 March.

    c-001 (returned 22 March between ports, covered for certain):
      * detention_limit, certain: detained from 22 March, the assurance was given
        on 27 March, released 21 April after a correction: 25 days in the
        obligation > 14. Evidence: return 2, assurance 5, detention 6, release 7
        and its correction 21.
      * monitoring_access, certain, twice: the first visit (1 May) came after the
        last allowed day, 17 April (21 days from 27 March), and a late record is
        a certain breach; and that visit was not private, which the assurance's
        ``private`` forbids.
      * no access_to_procedure breach: admitted on 3 April, within 14 days of
        27 March (last day 10 April).

    c-002 (returned 24 March at a port of entry, covered for certain):
      * non_refoulement, certain: removed by the US to Venezuela, the country of
        origin and so the feared country, in April 2020 (every day of which is
        after the giving), with no final refusal on record to excuse it (excuses
        must be on the record).
      * detention_limit, possible: detained 24 March, never released, removed in
        April: from 27 March that is 5 to 34 days, so more than 14 only if the
        removal came after 10 April, which the month-only date allows.
      * access_to_procedure, possible: no admission recorded, and the last
        allowed day (10 April) had passed by 30 June (a missing record).
      * notification, possible: the April removal was not notified, and the
        last allowed day (8 April to 7 May) had passed by 30 June.
      * monitoring_access, possible: no visit recorded by 17 April (missing).

    c-003 (returned "2020-03", between ports): the scope starts on 21 March, so a
    return in March is only *maybe* covered, and every breach is at most possible.
      * non_refoulement (indirect), possible: the US removed them to Mexico on
        15 April, and Mexico removed them on to Eritrea (feared) in May: chain
        refoulement; possible only because coverage is.
      * detention_limit, possible: detained 31 March, removed 15 April: 15 days
        > 14, certain on its own, possible because coverage is.
      * access_to_procedure and monitoring_access, possible: no admission and no
        visit recorded; deadlines run from 27-31 March (the later of the return
        and the giving).
      * no notification breach: the removal of 15 April was notified on 18 April,
        within 7 days; the onward removal was by Mexico, not the giver.

    c-004 (airport) is outside the scope's crossings: no breach (unassured).

    c-005 (returned 6 April between ports, covered for certain):
      * access_to_procedure and monitoring_access, possible: no admission and no
        visit recorded (deadlines 20 and 27 April).
      * no breach for the unsubstantiated ill-treatment report: the assurance has
        no humane_treatment commitment. No removal, so nothing else.

    c-006 (returned 8 April at an airport: outside a-ca-us-2020's crossings,
    covered for certain by the individual assurance 24, given 14 April):
      * access_to_counsel, certain: the US refused them a lawyer on 20 April,
        after the giving. Evidence: return 23, assurance 24, denial 25.
      * no_removal_before_decision, certain: removed by the US on 12 May with no
        final decision on record. Evidence: 23, 24, the removal 28.
      * respect_interim_measures, certain: the Committee against Torture's
        measure against the US (4 May) was indicated before the removal (12 May)
        and never lifted. Evidence: 23, 24, the measure 27, the removal 28.
      * the removal order (26) is no breach of anything.

    c-007 (returned 2 May at an airport, covered by 24): ordered removed, not
    removed by 30 June: no breach (it is at risk: see the test below).
    """
    found = [
        (b.claimant_id, b.assurance_id, b.commitment, b.certainty, b.evidence)
        for b in report.breaches
    ]
    assert found == [
        ("c-001", A, "detention_limit", "certain", (2, 5, 6, 7, 21)),
        ("c-001", A, "monitoring_access", "certain", (2, 5, 11)),
        ("c-001", A, "monitoring_access", "certain", (2, 5, 11)),
        ("c-002", A, "access_to_procedure", "possible", (3, 5)),
        ("c-002", A, "detention_limit", "possible", (3, 5, 9, 10)),
        ("c-002", A, "monitoring_access", "possible", (3, 5)),
        ("c-002", A, "non_refoulement", "certain", (3, 5, 10)),
        ("c-002", A, "notification", "possible", (3, 5, 10)),
        ("c-003", A, "access_to_procedure", "possible", (4, 5)),
        ("c-003", A, "detention_limit", "possible", (4, 5, 12, 13)),
        ("c-003", A, "monitoring_access", "possible", (4, 5)),
        ("c-003", A, "non_refoulement", "possible", (4, 5, 13, 15)),
        ("c-005", A, "access_to_procedure", "possible", (5, 18)),
        ("c-005", A, "monitoring_access", "possible", (5, 18)),
        ("c-006", A6, "access_to_counsel", "certain", (23, 24, 25)),
        ("c-006", A6, "no_removal_before_decision", "certain", (23, 24, 28)),
        ("c-006", A6, "respect_interim_measures", "certain", (23, 24, 27, 28)),
    ]


def test_example_explanations_state_the_dates(report: Report) -> None:
    """Rule: each breach is explained in one line with the dates it rests on."""
    assert [b.explanation for b in report.breaches] == [
        "detained by US on 2020-03-22, released 2020-04-21: 25 days inside the obligation "
        "(from 2020-03-27), more than the 14 allowed",
        "the first monitoring visit was on 2020-05-01, after the last allowed day 2020-04-17 "
        "(21 days from 2020-03-27)",
        "the monitoring visit by CA on 2020-05-01 was not private (officials of US were present)",
        "no admission to a procedure by US recorded by 2020-06-30; the last allowed day was "
        "2020-04-10 (14 days from 2020-03-27)",
        "detained by US on 2020-03-24, removed or gone 2020-04: 5 to 34 days inside the "
        "obligation (from 2020-03-27), more than the 14 allowed",
        "no monitoring visit recorded by 2020-06-30; the last allowed day was 2020-04-17 "
        "(21 days from 2020-03-27)",
        "US removed the claimant to VE, a feared country, on 2020-04",
        "the removal to VE on 2020-04 was not notified to CA by 2020-06-30 (the last allowed "
        "day was 2020-04-08..2020-05-07)",
        "no admission to a procedure by US recorded by 2020-06-30; the last allowed day was "
        "2020-04-10..2020-04-14 (14 days from 2020-03-27..2020-03-31)",
        "detained by US on 2020-03-31, removed or gone 2020-04-15: 15 days inside the "
        "obligation (from 2020-03-31), more than the 14 allowed",
        "no monitoring visit recorded by 2020-06-30; the last allowed day was "
        "2020-04-17..2020-04-21 (21 days from 2020-03-27..2020-03-31)",
        "US removed the claimant to MX, which removed them on to ER, a feared country "
        "(chain refoulement: to MX on 2020-04-15 then to ER on 2020-05-01..2020-05-20)",
        "no admission to a procedure by US recorded by 2020-06-30; the last allowed day was "
        "2020-04-20 (14 days from 2020-04-06)",
        "no monitoring visit recorded by 2020-06-30; the last allowed day was 2020-04-27 "
        "(21 days from 2020-04-06)",
        "US refused the claimant access to a lawyer on 2020-04-20",
        "US removed the claimant to ER on 2020-05-12 before any final decision on the claim",
        "US removed the claimant to ER on 2020-05-12 while the interim measure of CAT "
        "indicated on 2020-05-04 was in force",
    ]


def test_example_unassured_returns_and_exposures(report: Report) -> None:
    """Rule: a return no given assurance covers is listed; its removal home is an exposure.

    c-004 was returned on 2 April at an airport; the assurance covers only ports
    of entry and crossings between them, and no other assurance was given or
    requested (the one request, a-ca-us-2020, was given), so nothing is pending.
    c-004 left for Colombia, their feared country of origin, in May 2020 under
    coercion: a coerced departure counts as a removal by the US, the state they
    left, so Canada bears that risk itself (evidence: the return 16 and the
    departure 17): certainly unassured, a certain exposure.

    c-003 was returned "in March 2020" and the scope starts on 21 March: maybe
    covered, so also listed as unassured, ``possible`` (``coverage_uncertain``),
    and Mexico's removal of them on to Eritrea, a country they fear, is a
    possible exposure (evidence: the return 4 and that removal 15).
    """
    assert [(u.claimant_id, u.certainty, u.reasons) for u in report.unassured_returns] == [
        ("c-003", "possible", ("coverage_uncertain",)),
        ("c-004", "certain", ()),
    ]
    assert report.pending_requests == ()
    assert [
        (e.claimant_id, e.returned_by, e.evidence, e.certainty, e.reasons) for e in report.exposures
    ] == [
        ("c-003", "CA", (4, 15), "possible", ("coverage_uncertain",)),
        ("c-004", "CA", (16, 17), "certain", ()),
    ]
    assert report.exposures[1].explanation == (
        "returned by CA on 2020-04-02 with no assurance; removed by US to CO, a feared "
        "country, on 2020-05"
    )


#: Why each possible finding of the example is only possible, from docs/format.md:
#: by claimant and commitment, in the report's order.
WHY_POSSIBLE = [
    # No admission recorded; its last day (10 April) long past by 30 June.
    ("c-002", "access_to_procedure", ("record_missing",)),
    # Detained 24 March, removed "April 2020": 5 to 34 days inside the obligation.
    ("c-002", "detention_limit", ("date_imprecise",)),
    # No monitoring visit recorded; its last day (17 April) long past.
    ("c-002", "monitoring_access", ("record_missing",)),
    # The April removal has no notice; its last day (8 April to 7 May) long past.
    ("c-002", "notification", ("record_missing",)),
    # Returned "March 2020" against a scope from 21 March: coverage in doubt.
    ("c-003", "access_to_procedure", ("coverage_uncertain", "record_missing")),
    ("c-003", "detention_limit", ("coverage_uncertain",)),
    ("c-003", "monitoring_access", ("coverage_uncertain", "record_missing")),
    ("c-003", "non_refoulement", ("coverage_uncertain",)),
    # Returned 6 April: no admission and no visit recorded, both long due.
    ("c-005", "access_to_procedure", ("record_missing",)),
    ("c-005", "monitoring_access", ("record_missing",)),
]


def test_every_possible_finding_of_the_example_says_why(report: Report) -> None:
    """Rule: every possible breach carries the reasons that keep it from being certain.

    The ten possible breaches of the example, each with the sources of doubt
    that decide it, in JSON and in the text (``[possible: coverage uncertain,
    record missing]``); the four certain ones have none.
    """
    breaches = report.to_json()["breaches"]
    assert [
        (b["claimant_id"], b["commitment"], tuple(b["reasons"]))
        for b in breaches
        if b["certainty"] == "possible"
    ] == WHY_POSSIBLE
    assert all(b["reasons"] == [] for b in breaches if b["certainty"] == "certain")
    text = report.to_text()
    for claimant, commitment, reasons in WHY_POSSIBLE:
        shown = ", ".join(reason.replace("_", " ") for reason in reasons)
        assert f"[possible: {shown}] {claimant} / a-ca-us-2020 / {commitment}:" in text


def test_the_example_says_what_would_settle_its_possible_findings(report: Report) -> None:
    """Rule: the text ends with the facts that would settle the most possible findings.

    c-003's return date decides six findings (four breaches, the exposure and
    the unassured return); the admissions and the visits of c-002, c-003 and
    c-005 three each.
    """
    text = report.to_text().splitlines()
    settle = text[text.index("What would settle the possible findings:") + 1 :]
    assert settle[:3] == [
        "  record the exact return date of c-003: 6 findings hinge on it",
        "  record the admissions to a procedure of c-002, c-003 and c-005: 3 findings hinge on it",
        "  record the monitoring visits to c-002, c-003 and c-005: 3 findings hinge on it",
    ]


def test_example_summary(report: Report) -> None:
    """Rule: the summary counts returns, coverage, removals home and breaches by kind.

    Seven returns; c-001, c-002, c-005, c-006 and c-007 are covered (the last
    two by their individual assurance), c-003 maybe (its return date, "March
    2020", straddles the scope's start), c-004 is not. Four were removed to
    their country of origin: c-002 to Venezuela by the US, c-003 to Eritrea by
    Mexico (after the US removed them to Mexico), c-004 to Colombia (a coerced
    departure) and c-006 to Eritrea by the US.
    """
    assert report.to_json()["as_of"] == "2020-06-30"
    assert report.to_json()["summary"] == {
        "returns": 7,
        "covered": 5,
        "possibly_covered": 1,
        "unassured": 1,
        "removed_to_country_of_origin": 4,
        "breaches": {
            "access_to_counsel": {"certain": 1, "possible": 0},
            "access_to_procedure": {"certain": 0, "possible": 3},
            "detention_limit": {"certain": 1, "possible": 2},
            "monitoring_access": {"certain": 2, "possible": 3},
            "no_removal_before_decision": {"certain": 1, "possible": 0},
            "non_refoulement": {"certain": 1, "possible": 1},
            "notification": {"certain": 0, "possible": 1},
            "respect_interim_measures": {"certain": 1, "possible": 0},
        },
    }
    assert (report.count("certain"), report.count("possible")) == (7, 10)
    assert not report.clean


def test_the_example_lists_who_is_at_risk_now(report: Report) -> None:
    """Rule: a claimant with an outstanding removal order and a ground is at risk now.

    c-007 was ordered removed to Afghanistan on 10 June (30) and nothing removes
    them by 30 June; every ground holds: Afghanistan is their country of origin
    and so feared; the Human Rights Committee's measure against the US (31) is
    in force, never lifted; their individual assurance (24) promises no removal
    before a final decision, and none is recorded. c-006's order (26) was
    followed by the removal of 12 May (28): no longer outstanding.
    """
    assert report.to_json()["at_risk"] == [
        {
            "claimant_id": "c-007",
            "order": 30,
            "to": "AF",
            "grounds": ["feared_country", "interim_measure", "no_final_decision"],
            "covered_by": [A6],
            "evidence": [24, 29, 30, 31],
            "explanation": "ordered removed by US to AF on 2020-06-10 (not final), and not "
            "removed, gone or handed over since, as of 2020-06-30: AF is a country they "
            "fear; an interim measure against US is in force (HRC on 2020-06-15); "
            "a-ca-us-2020-c006 promises no removal before a final decision, and none is "
            "recorded",
        }
    ]


def test_example_report_is_the_same_from_a_later_recording(ledger: Ledger) -> None:
    """Rule: the report depends on the facts and as_of, not on when they were recorded."""
    again = with_example(recorded_at="2024-01-01T00:00:00Z")
    assert check(again, AS_OF) == check(ledger, AS_OF)
    assert check(ledger.facts(), AS_OF) == check(ledger, AS_OF)
