"""The intervals a table's JSON states beside its values; tables read with and without them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _cli_helpers import run_main
from assurance_ledger import DEFAULT_CODEC, Ledger
from assurance_ledger.stats import FIELDS, MEASURES, StatsError, StatsTable, Suppression, stats
from assurance_ledger.strategies import ledgers

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "assurance_ledger" / "data" / "canada-us-2020.jsonl"
PRESETS = (Suppression.DEFAULT, Suppression.STRICT, Suppression(threshold=4, base=1))
groupings = st.lists(st.sampled_from(FIELDS), max_size=2, unique=True).map(tuple)


@pytest.fixture(scope="module")
def example() -> Ledger:
    """The bundled example."""
    ledger = Ledger()
    ledger.extend(DEFAULT_CODEC.read_records(EXAMPLE.read_bytes()), recorded_by="CA")
    return ledger


def without_intervals(data: dict[str, Any]) -> dict[str, Any]:
    """A table's JSON as releases were written before they stated intervals."""

    def strip(row: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in row.items() if k != "intervals"}

    return {**data, "rows": [strip(row) for row in data["rows"]], "total": strip(data["total"])}


@settings(max_examples=50)
@given(ledger=ledgers(max_size=40), by=groupings, preset=st.sampled_from(PRESETS))
def test_each_value_states_what_it_stands_for(
    ledger: Ledger, by: tuple[str, ...], preset: Suppression
) -> None:
    """Rule: beside each row's values and the total's, intervals are the values' bounds.

    ``[lowest, highest]`` as ``Suppression.bounds`` gives them (``null``: no
    upper bound), except that a listed group's returns, and the total's when
    a group is listed, are at least 1; each holds the true count; the JSON
    reads back as an equal table, with or without them.
    """
    table = stats(ledger, by, as_of="2030-01-01", suppression=preset)
    raw = stats(ledger, by, as_of="2030-01-01", suppression=Suppression.NONE)
    data = json.loads(json.dumps(table.to_json()))
    rows = [*data["rows"], data["total"]]
    nonempty = [True] * len(data["rows"]) + [bool(data["rows"])]
    for row, raw_row, listed in zip(rows, (*raw.rows, raw.total), nonempty, strict=True):
        for measure, count in zip(MEASURES, raw_row.values, strict=True):
            low, high = row["intervals"][measure]
            bound_low, bound_high = preset.bounds(row[measure])
            if listed and measure == "returns":
                bound_low = max(bound_low, 1)
            assert (low, high) == (bound_low, bound_high)
            assert low <= count  # type: ignore[operator]
            assert high is None or count <= high  # type: ignore[operator]
    assert StatsTable.from_json(data) == table
    assert StatsTable.from_json(without_intervals(data)) == table


def _renamed(intervals: dict[str, Any]) -> dict[str, Any]:
    return {("colour" if k == "returns" else k): v for k, v in intervals.items()}


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("rows[0]", lambda i: {}),
        ("rows[0]", lambda i: None),
        ("rows[0]", lambda i: "[1, 4]"),
        ("rows[0]", lambda i: {**i, "returns": [1, 3]}),
        ("total", lambda i: {**i, "returns": [5, 7.0]}),
        ("total", lambda i: {**i, "covered": [True, 4]}),
        ("total", lambda i: {**i, "covered": [1, 4, 9]}),
        ("total", _renamed),
    ],
    ids=["empty", "null", "text", "narrower", "float", "bool", "three", "renamed"],
)
def test_intervals_that_are_not_what_the_values_stand_for_are_refused(
    example: Ledger, where: str, change: Any
) -> None:
    """Rule: given intervals must be exactly the values' bounds, as JSON, or the table is refused.

    (``true`` is not ``1``, nor ``7.0`` ``7``, though Python's ``==`` says so.)
    """
    data = stats(example, "month", as_of="2020-06-30").to_json()
    row = data["rows"][0] if where == "rows[0]" else data["total"]
    row["intervals"] = change(row["intervals"])
    with pytest.raises(StatsError) as caught:
        StatsTable.from_json(data)
    assert caught.value.field == f"{where}.intervals"


def test_a_release_without_intervals_still_serves_since(example: Ledger, tmp_path: Path) -> None:
    """Rule: a release written before intervals (none in its JSON) is still read by --since."""
    ledger = tmp_path / "ledger.jsonl"
    example.export(ledger)
    status, out, _ = run_main("stats", str(ledger), "--as-of", "2020-06-30", "--format", "json")
    assert status == 0
    previous = tmp_path / "previous.json"
    previous.write_text(json.dumps(without_intervals(json.loads(out))))
    status, again, err = run_main(
        "stats", str(ledger), "--as-of", "2020-06-30", "--format", "json", "--since", str(previous)
    )
    assert (status, err) == (0, "")
    assert json.loads(again) == json.loads(out)
