"""The coverage indexes against the rule they speed up, and the pending requests they count."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from _cli_helpers import run_command
from assurance_ledger import (
    AssuranceGiven,
    AssuranceRequested,
    ClaimantReturned,
    HumaneTreatment,
    Ledger,
    NonRefoulement,
    ReturnCounts,
    Scope,
    ScopeIndex,
    check,
    covers,
)
from assurance_ledger.records import Crossing
from assurance_ledger.strategies import date_spans, records, scopes

# A small world, so that scopes and returns meet often.
_NATIONS = ("HT", "VE", "ER", "CO")
_CLAIMANTS = tuple(f"c-{i}" for i in range(6))
_START, _END = dt.date(2020, 1, 1), dt.date(2020, 6, 30)


@st.composite
def near_scopes(draw: st.DrawFn) -> Scope:
    """A scope of the small world: every filter present or not."""
    start = draw(st.none() | date_spans(_START, _END))
    until = draw(st.none() | date_spans(start.earliest if start else _START, _END))
    included = draw(st.none() | st.lists(st.sampled_from(_NATIONS), min_size=1, unique=True))
    excluded = draw(st.lists(st.sampled_from(_NATIONS), max_size=2, unique=True))
    return Scope(
        returns_from=start,
        returns_until=until,
        crossings=draw(
            st.none() | st.lists(st.sampled_from(get_args(Crossing)), min_size=1, unique=True)
        ),
        nationalities=included,
        exclude_nationalities=[x for x in excluded if x not in (included or ())],
        claimants=draw(st.none() | st.lists(st.sampled_from(_CLAIMANTS), min_size=1, unique=True)),
        minors_only=draw(st.booleans()),
    )


@st.composite
def near_returns(draw: st.DrawFn) -> ClaimantReturned:
    """A return of the small world, by Canada to the United States."""
    return ClaimantReturned(
        claimant_id=draw(st.sampled_from(_CLAIMANTS)),
        on=draw(date_spans(_START, _END)),
        returned_by="CA",
        returned_to="US",
        crossing=draw(st.sampled_from(get_args(Crossing))),
        nationalities=draw(st.lists(st.sampled_from(_NATIONS), max_size=2, unique=True)),
        minor=draw(st.booleans()),
    )


@settings(max_examples=max(300, settings().max_examples))
@given(st.lists(near_scopes(), max_size=80), near_returns())
def test_the_index_finds_every_scope_that_may_cover_a_return_in_order(
    all_scopes: list[Scope], back: ClaimantReturned
) -> None:
    """Rule: ScopeIndex.candidates leaves out no scope covers() may accept, in the order added.

    Up to 80 scopes, so that a group grows past the size read through and is
    searched by its tree of windows.
    """
    index = ScopeIndex(enumerate(all_scopes))
    found = index.candidates(back)
    may = [i for i, scope in enumerate(all_scopes) if covers(scope, back).possible]
    assert set(may) <= set(found)
    assert found == sorted(set(found))
    assert len(index) == len(all_scopes)


@given(scopes(), records(ClaimantReturned))
def test_the_index_finds_a_covering_scope_of_any_shape(
    scope: Scope, back: ClaimantReturned
) -> None:
    """Rule: any valid scope the rule says may cover a return is among the candidates."""
    if covers(scope, back).possible:
        assert ScopeIndex([("it", scope)]).candidates(back) == ["it"]


@settings(max_examples=max(300, settings().max_examples))
@given(st.lists(near_returns(), max_size=40), near_scopes())
def test_return_counts_count_exactly_the_returns_a_scope_may_cover(
    backs: list[ClaimantReturned], scope: Scope
) -> None:
    """Rule: ReturnCounts.count is the number of returns for which covers() is not NO."""
    counts = ReturnCounts(backs)
    expected = sum(covers(scope, back).possible for back in backs)
    assert counts.count(scope) == expected
    assert counts.count(scope) == expected  # a second count, from what the first kept


def _request(index: int, scope: Scope, on: str = "2020-01-01") -> AssuranceRequested:
    return AssuranceRequested(
        assurance_id=f"r-{index}",
        requested_by="CA",
        requested_of="US",
        on=on,
        commitments=[NonRefoulement()],
        scope=scope,
    )


@settings(max_examples=100)
@given(
    st.lists(near_scopes(), min_size=1, max_size=6),
    st.lists(near_scopes(), max_size=4),
    st.lists(near_returns(), max_size=8, unique_by=lambda b: b.claimant_id),
)
def test_pending_requests_count_the_unassured_returns_in_their_scope(
    asked: list[Scope], given_scopes: list[Scope], backs: list[ClaimantReturned]
) -> None:
    """Rule: each pending request counts the unassured returns its scope may cover.

    Unassured: no given assurance certainly covers the return (``certain`` when
    none may cover it, ``possible`` when some may); both are listed and both
    counted, since the request would protect either. Given requests are not
    pending; every request still open is listed once, by id.
    """
    ledger = Ledger()
    at = "2020-07-01T00:00:00Z"
    ledger.extend(
        [_request(i, scope) for i, scope in enumerate(asked)], recorded_by="CA", recorded_at=at
    )
    promises = [
        AssuranceGiven(
            assurance_id=f"r-{i}",
            given_by="US",
            given_to="CA",
            on="2020-01-02",
            form="diplomatic_note",
            commitments=[HumaneTreatment()],
            scope=scope,
        )
        for i, scope in enumerate(given_scopes[: len(asked)])
    ]
    ledger.extend([*promises, *backs], recorded_by="CA", recorded_at=at)
    report = check(ledger, "2020-12-31")
    unassured = [back for back in backs if not any(covers(p.scope, back).certain for p in promises)]
    assert [u.claimant_id for u in report.unassured_returns] == sorted(
        b.claimant_id for b in unassured
    )
    maybe = {
        back.claimant_id
        for back in unassured
        if any(covers(p.scope, back).possible for p in promises)
    }
    assert [u.certainty for u in report.unassured_returns] == [
        "possible" if u.claimant_id in maybe else "certain" for u in report.unassured_returns
    ]
    expected = [
        (f"r-{i}", sum(covers(scope, back).possible for back in unassured))
        for i, scope in enumerate(asked)
        if i >= len(promises)
    ]
    assert [(p.assurance_id, p.unassured_in_scope) for p in report.pending_requests] == sorted(
        expected
    )


def test_pending_requests_need_not_be_made_before_the_returns() -> None:
    """Rule: a request pending on the evaluation date is listed whatever its date; later, not."""
    ledger = Ledger()
    back = ClaimantReturned(
        claimant_id="c-1", on="2020-03-22", returned_by="CA", returned_to="US", nationalities=["HT"]
    )
    ledger.extend(
        [back, _request(1, Scope(), on="2020-04-01"), _request(2, Scope(), on="2020-09-01")],
        recorded_by="CA",
        recorded_at="2020-10-01T00:00:00Z",
    )
    report = check(ledger, "2020-06-30")
    pending: list[Any] = [
        (p.assurance_id, str(p.on), p.unassured_in_scope) for p in report.pending_requests
    ]
    assert pending == [("r-1", "2020-04-01", 1)]


def test_a_report_grows_with_the_requests_and_returns_not_their_product(tmp_path: Path) -> None:
    """Rule: each pending request is listed once, not with every unassured return it covers.

    Through the command, as the team met it: 300 open requests that each cover
    every one of 300 unassured returns made a report listing 90,000 request
    ids; now the JSON report holds each request and each return once.
    """
    records = [
        {
            "type": "assurance_requested",
            "assurance_id": f"req-{i}",
            "requested_by": "CA",
            "requested_of": "US",
            "on": "2020-01-01",
            "commitments": [{"kind": "non_refoulement"}],
        }
        for i in range(300)
    ] + [
        {
            "type": "claimant_returned",
            "claimant_id": f"c-{i}",
            "on": "2020-03-22",
            "returned_by": "CA",
            "returned_to": "US",
            "nationalities": ["HT"],
        }
        for i in range(300)
    ]
    (tmp_path / "records.jsonl").write_text("\n".join(json.dumps(x) for x in records) + "\n")
    for args in (
        ("init", "ledger.jsonl"),
        ("append", "ledger.jsonl", "records.jsonl", "--recorded-by", "CA"),
    ):
        assert run_command(*args, cwd=tmp_path).returncode == 0
    done = run_command(
        "check", "ledger.jsonl", "--as-of", "2020-06-30", "--format", "json", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [p["unassured_in_scope"] for p in report["pending_requests"]] == [300] * 300
    assert len(report["unassured_returns"]) == 300
    assert len(done.stdout) < 200 * len(records)  # each listed once: linear in the entries
