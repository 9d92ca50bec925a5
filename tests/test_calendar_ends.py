"""Dates at the ends of the calendar: any valid record gives a report (issue 18, defect 1).

Date arithmetic saturates at 0001-01-01 and 9999-12-31 (``datetime.date.min``
and ``max``): a deadline past the end of the calendar reads "9999-12-31 or
later", which no evaluation date and no record can be after. So ``check``,
``stats`` and the timeline of a ledger holding such dates never raise, and a
deadline that saturates is never certainly passed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from _cli_helpers import installed_command
from assurance_ledger import (
    BUILTIN_COMMITMENTS,
    AccessToProcedure,
    AdmittedToProcedure,
    AssuranceGiven,
    AssuranceWithdrawn,
    ClaimantReturned,
    ClaimDecided,
    Commitment,
    DateSpan,
    Departed,
    Detained,
    IllTreatment,
    Ledger,
    MonitoringAccess,
    MonitoringDenied,
    MonitoringVisit,
    Notification,
    Notified,
    Record,
    RecordRefused,
    Released,
    Removed,
    Scope,
    check,
    timeline,
)
from assurance_ledger._validate import MAX_DAYS
from assurance_ledger.monitor import Monitor
from assurance_ledger.stats import stats
from assurance_ledger.strategies import commitments, date_spans, days

FIRST, LAST = dt.date.min, dt.date.max
#: How far from each end the dates are drawn: twice the longest deadline.
REACH = dt.timedelta(days=2 * MAX_DAYS)
TIME = "2020-07-01T00:00:00Z"


def near_an_end() -> st.SearchStrategy[dt.date]:
    """A day within REACH of either end of the calendar, or an end itself."""
    return days(FIRST, FIRST + REACH) | days(LAST - REACH, LAST) | st.sampled_from([FIRST, LAST])


def edge_spans() -> st.SearchStrategy[DateSpan]:
    """Spans near either end, and spans from anywhere to near an end (such as 2020..9999)."""
    pairs = st.lists(near_an_end() | days(), min_size=2, max_size=2).map(sorted)
    return (
        date_spans(FIRST, FIRST + REACH)
        | date_spans(LAST - REACH, LAST)
        | pairs.map(lambda p: DateSpan(p[0], p[1]))
    )


def every_kind(max_days: int = MAX_DAYS) -> st.SearchStrategy[tuple[Commitment, ...]]:
    """One commitment of each built-in kind, day counts from 0 to ``max_days``."""
    return st.tuples(*(commitments(max_days, kind) for kind in sorted(BUILTIN_COMMITMENTS)))


def returned(on: DateSpan | str) -> ClaimantReturned:
    """Claimant c-1, a Syrian returned by Canada to the United States."""
    return ClaimantReturned(
        claimant_id="c-1", on=on, returned_by="CA", returned_to="US", nationalities=["SY"]
    )


def given_(on: DateSpan | str, promises: tuple[Commitment, ...]) -> AssuranceGiven:
    """Assurance a-1, given by the United States to Canada, covering every return."""
    return AssuranceGiven(
        assurance_id="a-1",
        on=on,
        given_by="US",
        given_to="CA",
        form="diplomatic_note",
        commitments=promises,
        scope=Scope(),
    )


def outcomes(on: list[DateSpan], flags: list[bool]) -> list[Record]:
    """One outcome of every type for c-1, on the given days (cycled)."""
    at = [on[i % len(on)] for i in range(10)]
    common: list[dict[str, Any]] = [
        {"outcome_id": f"o-{i}", "claimant_id": "c-1", "on": at[i]} for i in range(10)
    ]
    return [
        Detained(**common[0], by="US"),
        Released(**common[1], by="US"),
        AdmittedToProcedure(**common[2], by="US"),
        ClaimDecided(**common[3], by="US", decision="refused", final=flags[0]),
        Removed(**common[4], by="US", to="SY" if flags[1] else "MX"),
        Notified(**common[5], by="US", to="CA", regarding="o-4"),
        Departed(**common[6], to="SY", coerced=flags[2]),
        IllTreatment(**common[7], by="US", substantiated=flags[3]),
        MonitoringVisit(**common[8], by="UNHCR", private=flags[4]),
        MonitoringDenied(**common[9], by="US"),
    ]


def build(records: list[Record]) -> Ledger:
    """A ledger of those of ``records`` the rules accept (the others are left out)."""
    ledger = Ledger()
    for record in records:
        # Refused: e.g. an outcome certainly before the return (not the point here).
        with contextlib.suppress(RecordRefused):
            ledger.append(record, recorded_by="CA", recorded_at=TIME)
    return ledger


def everything_renders(ledger: Ledger, as_of: dt.date) -> None:
    """Check (whole and incrementally), count and draw the ledger as of ``as_of``: never raises."""
    report = check(ledger, as_of)
    assert Monitor(ledger, as_of).report.breaches == report.breaches
    report.to_text()
    json.dumps(report.to_json())
    report._repr_html_()
    table = stats(ledger, ("nationality", "month", "outcome"), as_of=as_of)
    table.to_text()
    table.to_csv()
    if any(isinstance(f.record, ClaimantReturned) for f in ledger.facts()):
        view = timeline(ledger, "c-1", as_of)
        assert view.to_svg().startswith("<svg")
        assert "<svg" in view._repr_html_()
        view.to_text()


def moved(day: dt.date, days: int) -> dt.date:
    """``day`` moved ``days`` later, held within the calendar (by ordinals: no overflow)."""
    return dt.date.fromordinal(min(max(day.toordinal() + days, 1), LAST.toordinal()))


@given(edge_spans(), st.integers(-MAX_DAYS, MAX_DAYS) | st.integers(-(10**12), 10**12))
def test_plus_days_saturates_each_bound_at_the_ends_of_the_calendar(span: DateSpan, n: int) -> None:
    """Rule: plus_days moves each bound n days, stopping at 0001-01-01 or 9999-12-31.

    It never raises, and where nothing reaches an end it is the plain shift.
    """
    assert span.plus_days(n) == DateSpan(moved(span.earliest, n), moved(span.latest, n))


@st.composite
def edge_records(draw: st.DrawFn) -> list[Record]:
    """An assurance of every kind, a return, perhaps a withdrawal, an outcome of each type.

    Each dated near either end of the calendar, or from an ordinary day to near one.
    """
    records: list[Record] = [
        given_(draw(edge_spans()), draw(every_kind())),
        returned(draw(edge_spans())),
    ]
    if draw(st.booleans()):
        withdrawn = AssuranceWithdrawn(
            assurance_id="a-1", on=draw(edge_spans()), releases_existing=draw(st.booleans())
        )
        records.append(withdrawn)
    on = draw(st.lists(edge_spans(), min_size=1, max_size=10))
    return records + outcomes(on, draw(st.lists(st.booleans(), min_size=5, max_size=5)))


#: The reported case: given some day from 2020-03-21 to 9999-12-31, access within 1 day.
REPORTED: list[Record] = [
    given_(
        DateSpan(dt.date(2020, 3, 21), LAST),
        (
            AccessToProcedure(within_days=1),
            Notification(within_days=MAX_DAYS),
            MonitoringAccess(first_visit_within_days=MAX_DAYS, private=True),
        ),
    ),
    returned(DateSpan.day(2020, 3, 22)),
    *outcomes([DateSpan(LAST, LAST)], [True] * 5),
]


@given(edge_records(), near_an_end() | days())
@example(REPORTED, dt.date(2020, 6, 30))
def test_check_stats_and_timeline_never_raise_near_the_ends_of_the_calendar(
    records: list[Record], as_of: dt.date
) -> None:
    """Rule: any valid records, dated anywhere up to the calendar's ends, can be checked.

    An assurance with every commitment kind (day counts up to MAX_DAYS), a
    return, a withdrawal and one outcome of every type, each dated near either
    end of the calendar (or from an ordinary day to near an end): ``check``,
    ``stats`` and the claimant's timeline (SVG, HTML, text) never raise,
    whatever the evaluation day.
    """
    everything_renders(build(records), as_of)


@given(
    start=near_an_end().filter(lambda d: d > LAST - REACH),
    within=st.integers(0, MAX_DAYS),
    as_of=near_an_end() | days(),
)
def test_a_deadline_past_the_end_of_the_calendar_is_never_passed(
    start: dt.date, within: int, as_of: dt.date
) -> None:
    """Rule: a deadline whose last day would be after 9999-12-31 never gives a breach.

    Access to a procedure within N days of a return on day S, with S + N past
    the end of the calendar and no admission recorded: no evaluation day is
    after such a deadline, so no breach, certain or possible, is found.
    """
    if start.toordinal() + within <= LAST.toordinal():
        start = LAST  # pushed to the end: S + N is past it for any N >= 1
        within = max(within, 1)
    day = DateSpan(start, start)
    ledger = build([given_(day, (AccessToProcedure(within_days=within),)), returned(day)])
    assert check(ledger, as_of).breaches == ()


@given(
    earliest=days(),
    within=st.integers(1, MAX_DAYS),
    as_of=near_an_end() | days(),
)
def test_a_deadline_that_may_pass_the_end_of_the_calendar_is_at_most_possible(
    earliest: dt.date, within: int, as_of: dt.date
) -> None:
    """Rule: a deadline known only to fall on some day up to "after 9999-12-31" is never certain.

    The assurance is given on a span from an ordinary day to 9999-12-31, so
    the deadline's latest reading saturates: a missing admission is then at
    most a possible breach, and only once its earliest reading has passed.
    """
    on = DateSpan(earliest, LAST)
    ledger = build([given_(on, (AccessToProcedure(within_days=within),)), returned(on)])
    breaches = check(ledger, as_of).breaches
    assert all(b.certainty == "possible" for b in breaches)
    passed = as_of.toordinal() > earliest.toordinal() + within
    assert len(breaches) == (1 if passed else 0)


def test_the_timeline_of_dates_at_both_ends_of_the_calendar_renders() -> None:
    """Rule: a timeline whose dates touch 0001-01-01 and 9999-12-31 draws, its axis within them.

    Its margin of two days each side stops at the ends of the calendar (it
    raised OverflowError within two days of either end).
    """
    promises = (AccessToProcedure(within_days=1),)
    for first, last in [
        (FIRST, FIRST),
        (LAST, LAST),
        (FIRST, LAST),
        (FIRST + dt.timedelta(1), LAST),
    ]:
        span = DateSpan(first, last)
        ledger = build(
            [
                given_(span, promises),
                returned(span),
                Detained(outcome_id="o-1", claimant_id="c-1", on=DateSpan(last, last), by="US"),
            ]
        )
        for as_of in (FIRST, LAST, dt.date(2020, 6, 30)):
            view = timeline(ledger, "c-1", as_of)
            svg = view.to_svg()
            assert first.isoformat() in svg or FIRST.isoformat() in svg
            assert "<svg" in view._repr_html_()


def test_the_command_checks_and_counts_a_ledger_given_until_9999(tmp_path: Path) -> None:
    """Rule: a ledger with an assurance dated 2020-03-21..9999-12-31 checks and counts.

    The reported case: ``access_to_procedure`` within 1 day of a return on
    2020-03-22, under an assurance given some day from 2020-03-21 to
    9999-12-31. ``check`` exits 0 or 1 with a report (the missing admission is
    a possible breach, named with its entries) for evaluation days at both
    ends of the calendar and between, and ``stats`` exits 0 with its table.
    """
    records = tmp_path / "records.jsonl"
    lines = [
        {
            "type": "assurance_given",
            "assurance_id": "a-1",
            "on": {"earliest": "2020-03-21", "latest": "9999-12-31"},
            "given_by": "US",
            "given_to": "CA",
            "form": "diplomatic_note",
            "commitments": [{"kind": "access_to_procedure", "within_days": 1}],
        },
        {
            "type": "claimant_returned",
            "claimant_id": "c-1",
            "on": "2020-03-22",
            "returned_by": "CA",
            "returned_to": "US",
            "nationalities": ["HT"],
        },
    ]
    records.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    command = installed_command()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args], cwd=tmp_path, capture_output=True, text=True, check=False
        )

    assert run("init", "ledger.jsonl").returncode == 0
    appended = run(
        "append", "ledger.jsonl", "records.jsonl", "--recorded-by", "CA", "--recorded-at", TIME
    )
    assert appended.returncode == 0, appended.stderr
    for as_of in ("0001-01-01", "2020-03-22", "2020-06-30", "9999-12-31"):
        checked = run("check", "ledger.jsonl", "--as-of", as_of)
        assert checked.returncode in {0, 1}, checked.stderr
        assert checked.stderr == ""
        assert f"Report as of {as_of}" in checked.stdout
        counted = run("stats", "ledger.jsonl", "--as-of", as_of)
        assert counted.returncode == 0, counted.stderr
        assert "returns" in counted.stdout
    checked = run("check", "ledger.jsonl", "--as-of", "2020-06-30")
    # Given some day up to 9999: whether it was given by 30 June is in doubt
    # (coverage), and so is its last allowed day; and no admission is recorded.
    assert (
        "[possible: coverage uncertain, date imprecise, record missing] c-1 / a-1 / "
        "access_to_procedure" in checked.stdout
    )
    assert "(entries 1, 2)" in checked.stdout
