"""The report of ``check``: its JSON form, text, HTML, flat rows and summary.

The JSON shape is the one of ``docs/format.md`` ("Report (JSON form of check)"); the
HTML escapes every string that came from the ledger; the rows of ``to_records``
are flat and share one set of keys; the summary agrees with the lists.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from typing import Any

import pytest

import _story
from assurance_ledger import (
    AccessToProcedure,
    AssuranceGiven,
    AssuranceRequested,
    Breach,
    ClaimantReturned,
    DateSpan,
    Departed,
    Detained,
    DetentionLimit,
    Exposure,
    HumaneTreatment,
    IllTreatment,
    Ledger,
    LedgerError,
    NonRefoulement,
    Notification,
    PendingRequest,
    Record,
    Removed,
    Report,
    Scope,
    Source,
    Summary,
    UnassuredReturn,
    check,
)
from assurance_ledger.countries import COUNTRIES
from assurance_ledger.report import ROW_FIELDS

AS_OF = "2020-06-30"
SCRIPT = "<script>alert(1)</script>"
QUOTES = '"quotes" & ampersands'
NASTY = f"{SCRIPT} {QUOTES}"

BREACH_KEYS = {
    "assurance_id",
    "commitment",
    "claimant_id",
    "certainty",
    "reasons",
    "evidence",
    "explanation",
}
EXPOSURE_KEYS = {"claimant_id", "returned_by", "certainty", "reasons", "evidence", "explanation"}
UNASSURED_KEYS = {"claimant_id", "certainty", "reasons"}
PENDING_KEYS = {"assurance_id", "requested_by", "requested_of", "on", "unassured_in_scope"}
#: The counts of docs/format.md, plus ``breaches``: counts by commitment kind and certainty.
SUMMARY_KEYS = {
    "returns",
    "covered",
    "possibly_covered",
    "unassured",
    "removed_to_country_of_origin",
    "breaches",
}
ROW_KEYS = {
    "as_of",
    "finding",
    "claimant_id",
    "assurance_id",
    "commitment",
    "certainty",
    "reasons",
    "evidence",
    "explanation",
}


# -- helpers ------------------------------------------------------------------------


def _bracket(certainty: str, reasons: tuple[str, ...]) -> str:
    """How the text form of docs/format.md writes a finding's certainty and reasons."""
    if not reasons:
        return f"[{certainty}]"
    return "[" + certainty + ": " + ", ".join(r.replace("_", " ") for r in reasons) + "]"


def ledger_of(*records: Record) -> Ledger:
    """A ledger in memory holding ``records``, recorded by Canada at a fixed time."""
    ledger = Ledger()
    ledger.extend(records, recorded_by="CA", recorded_at="2020-07-01T12:00:00Z")
    return ledger


def returned(claimant_id: str, on: str = "2020-03-22", **fields: Any) -> ClaimantReturned:
    """A claimant returned by Canada to the United States between ports of entry."""
    return _story.returned(claimant_id, on, crossing="between_ports", **fields)


def given(assurance_id: str = "a-1", **fields: Any) -> AssuranceGiven:
    """An assurance given by the United States to Canada on 27 March 2020."""
    fields.setdefault("on", "2020-03-27")
    fields.setdefault(
        "commitments",
        [
            NonRefoulement(),
            DetentionLimit(max_days=14),
            AccessToProcedure(within_days=14),
            Notification(within_days=7),
            HumaneTreatment(),
        ],
    )
    return _story.given(assurance_id, **fields)


def mixed_ledger() -> Ledger:
    """Two covered claimants with several breaches, and two unassured, one removed home."""
    return ledger_of(
        AssuranceRequested(
            assurance_id="r-pending",
            requested_by="CA",
            requested_of="US",
            on="2020-03-20",
            commitments=[NonRefoulement()],
            scope=Scope(nationalities=["CO"]),
        ),
        given("a-2", scope=Scope(nationalities=["HT", "VE"])),
        given("a-1", scope=Scope(nationalities=["HT", "VE"])),
        returned("c-2", nationalities=["VE"]),
        returned("c-1"),
        returned("c-9", nationalities=["CO"]),
        returned("c-8", nationalities=["ER"]),
        Detained(outcome_id="o-1", claimant_id="c-1", on="2020-03-27", by="US"),
        Removed(outcome_id="o-2", claimant_id="c-1", on="2020-04-20", by="US", to="HT"),
        IllTreatment(
            outcome_id="o-3", claimant_id="c-2", on="2020-04", by="US", substantiated=False
        ),
        Removed(outcome_id="o-4", claimant_id="c-9", on="2020-05-02", by="US", to="CO"),
        Departed(outcome_id="o-5", claimant_id="c-8", on="2020-05", to="MX", coerced=False),
    )


def nasty_ledger() -> Ledger:
    """A breach and an exposure whose claimant ids, assurance id and citations hold markup."""
    source = Source(citation=f"Report {NASTY}", url="https://example.org/?a=1&b=2")
    return ledger_of(
        given(f"a {NASTY}", scope=Scope(returns_from="2020-03-21"), source=source),
        returned(f"c {NASTY}", source=source),
        returned(f"u {NASTY}", on="2020-03-01", source=source),
        Removed(
            outcome_id=f"o {NASTY}",
            claimant_id=f"c {NASTY}",
            on="2020-04-02",
            by="US",
            to="HT",
            source=source,
        ),
        Removed(
            outcome_id=f"p {NASTY}",
            claimant_id=f"u {NASTY}",
            on="2020-04-02",
            by="US",
            to="HT",
            source=source,
        ),
    )


def nasty_report() -> Report:
    """A report built by hand with markup in every string a rule or a ledger may supply."""
    return Report(
        as_of=dt.date(2020, 6, 30),
        breaches=(
            Breach(
                assurance_id=f"a {NASTY}",
                commitment=f"my_kind {NASTY}",
                claimant_id=f"c {NASTY}",
                certainty="certain",
                evidence=(1, 2),
                explanation=f"explained {NASTY}",
            ),
        ),
        unassured_returns=(UnassuredReturn(claimant_id=f"u {NASTY}"),),
        exposures=(
            Exposure(
                claimant_id=f"x {NASTY}",
                returned_by="CA",
                evidence=(3,),
                explanation=f"exposed {NASTY}",
            ),
        ),
        summary=Summary(returns=2, covered=1, unassured=1, removed_to_country_of_origin=1),
        pending_requests=(
            PendingRequest(
                assurance_id=f"r {NASTY}",
                requested_by="CA",
                requested_of="US",
                on=DateSpan.month(2020, 3),
                unassured_in_scope=1,
            ),
        ),
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- the JSON form ------------------------------------------------------------------


def test_json_has_exactly_the_keys_and_types_of_the_domain() -> None:
    """Rule: to_json has the keys and value types of the report in docs/format.md, nothing else."""
    data = check(mixed_ledger(), AS_OF).to_json()
    assert set(data) == {
        "as_of",
        "pending_requests",
        "breaches",
        "unassured_returns",
        "exposures",
        "at_risk",
        "summary",
    }
    assert data["at_risk"] == []  # nobody has a removal order (see test_before_removal.py)
    assert data["as_of"] == "2020-06-30"
    assert data["breaches"]
    for breach in data["breaches"]:
        assert set(breach) == BREACH_KEYS
        for key in BREACH_KEYS - {"evidence", "reasons"}:
            assert isinstance(breach[key], str), key
        assert breach["certainty"] in {"certain", "possible"}
        assert breach["reasons"] == sorted(set(breach["reasons"]))
        assert (breach["certainty"] == "certain") == (breach["reasons"] == [])
        assert isinstance(breach["evidence"], list)
        assert breach["evidence"]
        assert all(_is_int(seq) and seq >= 1 for seq in breach["evidence"])
        assert breach["evidence"] == sorted(set(breach["evidence"]))
    assert data["unassured_returns"]
    for unassured in data["unassured_returns"]:
        assert set(unassured) == UNASSURED_KEYS
        assert isinstance(unassured["claimant_id"], str)
        assert (unassured["certainty"] == "certain") == (unassured["reasons"] == [])
    assert data["pending_requests"]
    for pending in data["pending_requests"]:
        assert set(pending) == PENDING_KEYS
        for key in PENDING_KEYS - {"unassured_in_scope", "on"}:
            assert isinstance(pending[key], str), key
        assert DateSpan.from_json(pending["on"]).to_json() == pending["on"]
        assert _is_int(pending["unassured_in_scope"])
        assert pending["unassured_in_scope"] >= 0
    assert data["exposures"]
    for exposure in data["exposures"]:
        assert set(exposure) == EXPOSURE_KEYS
        assert isinstance(exposure["claimant_id"], str)
        assert exposure["returned_by"] == "CA"
        assert (exposure["certainty"] == "certain") == (exposure["reasons"] == [])
        assert isinstance(exposure["explanation"], str)
        assert isinstance(exposure["evidence"], list)
        assert all(_is_int(seq) and seq >= 1 for seq in exposure["evidence"])
    summary = data["summary"]
    assert set(summary) == SUMMARY_KEYS
    for key in SUMMARY_KEYS - {"breaches"}:
        assert _is_int(summary[key]), key
    for kind, counts in summary["breaches"].items():
        assert isinstance(kind, str)
        assert set(counts) == {"certain", "possible"}
        assert all(_is_int(n) for n in counts.values())


def test_json_as_of_is_the_iso_day_whatever_form_it_was_given_in() -> None:
    """Rule: the report states the evaluation date as an ISO day, given as text or a date."""
    ledger = mixed_ledger()
    assert check(ledger, dt.date(2020, 6, 30)).to_json()["as_of"] == "2020-06-30"
    assert check(ledger, "2020-06-30").as_of == dt.date(2020, 6, 30)
    one_day = {"earliest": "2020-06-30", "latest": "2020-06-30"}
    assert check(ledger, one_day).to_json()["as_of"] == "2020-06-30"


def test_json_values_are_the_findings_of_the_mixed_ledger() -> None:
    """Rule: each breach names assurance, commitment, claimant, certainty and entries.

    c-1 (HT) is covered by both a-1 and a-2 (given 27 March): detained from the
    giving to a removal to Haiti on 20 April (24 days > 14, certain), removed to
    a feared country with no final refusal (certain), the removal never notified
    and no admission recorded (missing records: possible). c-2 (VE) has an
    unsubstantiated ill-treatment report and no admission (possible). c-9 (CO)
    and c-8 (ER) are outside both scopes; a request for Colombians is pending;
    c-9's removal to Colombia is an exposure of Canada.
    """
    data = check(mixed_ledger(), AS_OF).to_json()
    found = [
        (b["claimant_id"], b["assurance_id"], b["commitment"], b["certainty"], b["evidence"])
        for b in data["breaches"]
    ]
    assert found == [
        ("c-1", "a-1", "access_to_procedure", "possible", [3, 5]),
        ("c-1", "a-1", "detention_limit", "certain", [3, 5, 8, 9]),
        ("c-1", "a-1", "non_refoulement", "certain", [3, 5, 9]),
        ("c-1", "a-1", "notification", "possible", [3, 5, 9]),
        ("c-1", "a-2", "access_to_procedure", "possible", [2, 5]),
        ("c-1", "a-2", "detention_limit", "certain", [2, 5, 8, 9]),
        ("c-1", "a-2", "non_refoulement", "certain", [2, 5, 9]),
        ("c-1", "a-2", "notification", "possible", [2, 5, 9]),
        ("c-2", "a-1", "access_to_procedure", "possible", [3, 4]),
        ("c-2", "a-1", "humane_treatment", "possible", [3, 4, 10]),
        ("c-2", "a-2", "access_to_procedure", "possible", [2, 4]),
        ("c-2", "a-2", "humane_treatment", "possible", [2, 4, 10]),
    ]
    assert data["unassured_returns"] == [
        {"claimant_id": "c-8", "certainty": "certain", "reasons": []},
        {"claimant_id": "c-9", "certainty": "certain", "reasons": []},
    ]
    assert [(p["assurance_id"], p["unassured_in_scope"]) for p in data["pending_requests"]] == [
        ("r-pending", 1)
    ]
    assert [(e["claimant_id"], e["evidence"]) for e in data["exposures"]] == [("c-9", [6, 11])]


def test_breaches_are_sorted_by_claimant_assurance_commitment() -> None:
    """Rule: breaches are listed by claimant, then assurance, then commitment.

    The ledger records the assurance a-2 before a-1 and the claimant c-2 before
    c-1, so recording order alone would not give this order.
    """
    report = check(mixed_ledger(), AS_OF)
    keys = [(b.claimant_id, b.assurance_id, b.commitment) for b in report.breaches]
    assert keys == sorted(keys)
    assert len({k[0] for k in keys}) == 2
    assert len({k[1] for k in keys}) == 2
    json_keys = [
        (b["claimant_id"], b["assurance_id"], b["commitment"]) for b in report.to_json()["breaches"]
    ]
    assert json_keys == keys


def test_json_dumps_and_loads_back_equal() -> None:
    """Rule: the JSON form is plain JSON: json.dumps accepts it and loads gives it back."""
    for report in (check(mixed_ledger(), AS_OF), check(nasty_ledger(), AS_OF), nasty_report()):
        data = report.to_json()
        text = json.dumps(data, sort_keys=True)
        assert json.loads(text) == data
        assert json.loads(json.dumps(report.to_records())) == report.to_records()


# -- text and HTML ------------------------------------------------------------------


def _without_country_names(text: str) -> str:
    """``text`` with every " (Name)" after a country code taken out again."""
    return re.sub(
        r"\b([A-Z]{2}) \(([^()]+)\)",
        lambda m: m[1] if COUNTRIES.get(m[1]) == m[2] else m[0],
        text,
    )


def test_text_mentions_every_breach_exposure_and_unassured_return() -> None:
    """Rule: to_text has a line for every finding, naming what it is about and why.

    (Countries are named beside their codes there: the explanation is read
    with those names taken out.)
    """
    report = check(mixed_ledger(), AS_OF)
    lines = _without_country_names(report.to_text()).splitlines()
    assert lines[0] == "Report as of 2020-06-30"
    for b in report.breaches:
        assert any(
            f"{_bracket(b.certainty, b.reasons)} {b.claimant_id} / {b.assurance_id} / "
            f"{b.commitment}: {b.explanation}"
            in line
            and ", ".join(map(str, b.evidence)) in line
            for line in lines
        ), b
    for e in report.exposures:
        assert any(
            e.claimant_id in line and e.returned_by in line and e.explanation in line
            for line in lines
        ), e
    for u in report.unassured_returns:
        assert any(
            line.strip() == f"{_bracket(u.certainty, u.reasons)} {u.claimant_id}" for line in lines
        ), u
    for p in report.pending_requests:
        assert any(
            line.strip().startswith(p.assurance_id) and f"{p.unassured_in_scope} unassured" in line
            for line in lines
        ), p
    assert f"Breaches: {len(report.breaches)}" in report.to_text()
    assert str(report) == report.to_text()


def test_html_of_a_checked_ledger_escapes_ids_and_citations() -> None:
    """Rule: _repr_html_ escapes every string from the ledger, so no markup gets through.

    The claimant ids, the assurance id and the citations all hold a script tag,
    double quotes and ampersands; the report has a breach and an exposure for
    them, and the raw script tag must never appear in the HTML.
    """
    report = check(nasty_ledger(), AS_OF)
    assert [(b.claimant_id, b.commitment) for b in report.breaches] == [
        (f"c {NASTY}", "access_to_procedure"),
        (f"c {NASTY}", "non_refoulement"),
        (f"c {NASTY}", "notification"),
    ]
    assert [e.claimant_id for e in report.exposures] == [f"u {NASTY}"]
    html = report._repr_html_()
    assert "<script" not in html.lower()
    assert '"quotes"' not in html
    assert "& ampersands" not in html
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; ampersands"
    assert f"<td>c {escaped}</td>" in html
    assert f"<td>a {escaped}</td>" in html
    assert f"<td>u {escaped}</td>" in html
    assert html.count("<tr>") == 1 + len(report.to_records())


def test_html_escapes_every_field_a_custom_rule_may_fill() -> None:
    """Rule: every string of a report, explanations and kind tags included, is escaped."""
    html = nasty_report()._repr_html_()
    assert "<script" not in html.lower()
    assert '"quotes"' not in html
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; ampersands"
    for prefix in ("a", "my_kind", "c", "explained", "x", "exposed", "u"):
        assert f"<td>{prefix} {escaped}</td>" in html, prefix
    assert "<table>" in html
    assert html.count("<tr>") == 4


# -- flat rows ----------------------------------------------------------------------


@pytest.mark.parametrize("make", [mixed_ledger, nasty_ledger])
def test_records_are_one_flat_row_per_finding_with_the_same_keys(make: Any) -> None:
    """Rule: to_records gives one flat row per finding, all with the same keys (a DataFrame)."""
    report = check(make(), AS_OF)
    rows = report.to_records()
    assert len(rows) == len(report.breaches) + len(report.exposures) + len(report.unassured_returns)
    assert Counter(row["finding"] for row in rows) == Counter(
        {
            "breach": len(report.breaches),
            "exposure": len(report.exposures),
            "unassured_return": len(report.unassured_returns),
        }
    )
    for row in rows:
        assert set(row) == ROW_KEYS
        assert tuple(row) == ROW_FIELDS  # the CSV columns, in order
        assert row["as_of"] == "2020-06-30"
        for key, value in row.items():
            if key == "evidence":
                assert all(_is_int(seq) for seq in value)
            elif key == "reasons":
                assert all(isinstance(reason, str) for reason in value)
                assert (row["certainty"] == "certain") == (value == [])
            else:
                assert value is None or isinstance(value, str), (key, value)
    breach_rows = [row for row in rows if row["finding"] == "breach"]
    assert [
        (r["claimant_id"], r["assurance_id"], r["commitment"], r["certainty"], r["evidence"])
        for r in breach_rows
    ] == [
        (b.claimant_id, b.assurance_id, b.commitment, b.certainty, list(b.evidence))
        for b in report.breaches
    ]
    for row in rows:
        if row["finding"] != "breach":
            assert (row["assurance_id"], row["commitment"]) == (None, None)
            assert row["certainty"] in {"certain", "possible"}


# -- the summary --------------------------------------------------------------------


def test_summary_counts_agree_with_the_lists() -> None:
    """Rule: returns = covered + unassured; breaches are counted by kind and certainty."""
    report = check(mixed_ledger(), AS_OF)
    s = report.summary
    assert (s.returns, s.covered, s.unassured) == (4, 2, 2)
    assert s.returns == s.covered + s.unassured
    assert s.unassured == len(report.unassured_returns)
    # c-1 was removed to Haiti and c-9 to Colombia, their countries of origin; c-8
    # left for Mexico of their own accord and c-2 was not removed.
    assert s.removed_to_country_of_origin == 2
    counted = Counter((b.commitment, b.certainty) for b in report.breaches)
    assert {
        (kind, certainty): n
        for kind, counts in s.breaches.items()
        for certainty, n in counts.items()
        if n
    } == dict(counted)
    assert sum(n for counts in s.breaches.values() for n in counts.values()) == len(report.breaches)
    assert report.count() == len(report.breaches)
    assert report.count("certain") + report.count("possible") == report.count()
    assert report.to_json()["summary"]["breaches"] == {
        "access_to_procedure": {"certain": 0, "possible": 4},
        "detention_limit": {"certain": 2, "possible": 0},
        "humane_treatment": {"certain": 0, "possible": 2},
        "non_refoulement": {"certain": 2, "possible": 0},
        "notification": {"certain": 0, "possible": 2},
    }


# -- edge cases ---------------------------------------------------------------------


def test_empty_ledger_gives_an_empty_report() -> None:
    """Rule: checking a ledger with no entries finds nothing and counts zero."""
    report = check(Ledger(), AS_OF)
    assert report.to_json() == {
        "as_of": "2020-06-30",
        "pending_requests": [],
        "breaches": [],
        "unassured_returns": [],
        "exposures": [],
        "at_risk": [],
        "summary": {
            "returns": 0,
            "covered": 0,
            "possibly_covered": 0,
            "unassured": 0,
            "removed_to_country_of_origin": 0,
            "breaches": {},
        },
    }
    assert report.clean
    assert report.to_records() == []
    assert report.to_text().splitlines() == [
        "Report as of 2020-06-30",
        "  returns: 0, covered: 0, possibly covered: 0, unassured: 0, "
        "removed to country of origin: 0",
        "Pending requests: 0",
        "Breaches: 0 (0 certain, 0 possible)",
        "Exposures: 0",
        "Unassured returns: 0",
        "At risk now: 0",
    ]
    assert "<tbody></tbody>" in report._repr_html_()


@pytest.mark.parametrize(
    "as_of",
    [
        "2020-06",
        "2020",
        {"earliest": "2020-06-29", "latest": "2020-06-30"},
        "30 June 2020",
        "not a date",
        dt.datetime(2020, 6, 30, 12, 0),
    ],
)
def test_as_of_must_be_one_day(as_of: Any) -> None:
    """Rule: the evaluation date is one day; a month, a year or a range is refused."""
    with pytest.raises(LedgerError, match="as_of: expected one day"):
        check(mixed_ledger(), as_of)
