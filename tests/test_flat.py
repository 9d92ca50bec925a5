"""Flat tables: to_records() and to_pandas() of a ledger, a report, a stats table, bad records."""

from __future__ import annotations

import datetime as dt
import sys
from importlib.resources import files
from typing import Any

import pandas as pd
import pytest

from assurance_ledger import (
    DEFAULT_CODEC,
    ClaimantReturned,
    Correction,
    Detained,
    ExportError,
    InvalidRecords,
    Ledger,
    Released,
    check,
    read_table,
)
from assurance_ledger.flat import cell_text, facts_csv
from assurance_ledger.stats import MEASURES, Suppression, stats

AS_OF = "2020-06-30"


@pytest.fixture
def example() -> Ledger:
    """The bundled example (it holds a correction and a checkpoint)."""
    ledger = Ledger()
    data = files("assurance_ledger").joinpath("data/canada-us-2020.jsonl")
    ledger.extend(
        DEFAULT_CODEC.read_records(data.read_bytes()),
        recorded_by="CA",
        recorded_at="2020-07-01T00:00:00Z",
    )
    return ledger


def _corrected() -> Ledger:
    ledger = Ledger()
    at = "2020-07-01T00:00:00Z"
    ledger.append(
        ClaimantReturned(
            claimant_id="c-1",
            on="2020-03",
            returned_by="CA",
            returned_to="US",
            nationalities=["HT", "CD"],
            minor=True,
        ),
        recorded_by="CA",
        recorded_at=at,
    )
    ledger.append(
        Detained(outcome_id="o-1", claimant_id="c-1", on="2020-03-25", by="US"),
        recorded_by="CA",
        recorded_at=at,
    )
    ledger.append(
        Detained(outcome_id="o-2", claimant_id="c-1", on="2020-04-01", by="US"),
        recorded_by="CA",
        recorded_at=at,
    )
    # o-1 was a release, mistyped; o-2 never happened.
    ledger.append(
        Correction(
            target=2,
            replacement=Released(outcome_id="o-1", claimant_id="c-1", on="2020-03-26", by="US"),
            reason="a release, mistyped as a detention",
        ),
        recorded_by="CA",
        recorded_at="2020-07-02T00:00:00Z",
    )
    ledger.append(
        Correction(target=3, replacement=None, reason="recorded twice"),
        recorded_by="CA",
        recorded_at="2020-07-02T00:00:00Z",
    )
    return ledger


def test_ledger_rows_are_the_current_facts_with_corrections_applied() -> None:
    """Rule: one row per current fact: a corrected record as corrected, a retracted one absent."""
    rows = _corrected().to_records()
    assert [(r["seq"], r["type"], r["corrected_by"]) for r in rows] == [
        (1, "claimant_returned", None),
        (2, "released", 4),
    ]
    returned, released = rows
    assert returned["recorded_at"] == "2020-07-01T00:00:00.000000Z"
    assert returned["recorded_by"] == "CA"
    assert returned["on"] == "2020-03"
    assert (returned["on_earliest"], returned["on_latest"]) == (
        dt.date(2020, 3, 1),
        dt.date(2020, 3, 31),
    )
    assert returned["nationalities"] == ["HT", "CD"]
    assert returned["minor"] is True
    assert released["outcome_id"] == "o-1"
    assert released["on"] == "2020-03-26"
    assert "o-2" not in {r.get("outcome_id") for r in rows}


def test_ledger_rows_flatten_nested_fields_with_dotted_names(example: Ledger) -> None:
    """Rule: nested fields are dotted columns; a checkpoint's own seq is ``record.seq``."""
    rows = example.to_records()
    assert len(rows) == len(example.facts())
    requested = rows[0]
    assert requested["scope.returns_from"] == "2020-03-21"
    assert requested["scope.crossings"] == ["port_of_entry", "between_ports"]
    assert requested["source.credibility"] == 6
    assert requested["commitments"][0] == {"kind": "non_refoulement"}
    checkpoint = next(r for r in rows if r["type"] == "checkpoint")
    entry_seq = example.facts()[rows.index(checkpoint)].seq
    assert checkpoint["seq"] == entry_seq
    assert checkpoint["record.seq"] != entry_seq
    assert checkpoint["on_earliest"] is None


def test_csv_cells_use_the_text_forms_the_csv_reader_reads(example: Ledger) -> None:
    """Rule: lists joined with ``|`` (empty ``[]``), booleans true/false, commitments as JSON."""
    assert cell_text(["HT", "CD"]) == "HT|CD"
    assert cell_text([]) == "[]"
    assert cell_text(False) == "false"
    assert cell_text(None) is None
    assert cell_text(dt.date(2020, 3, 1)) == "2020-03-01"
    assert cell_text([{"kind": "detention_limit", "max_days": 14}]) == (
        '[{"kind": "detention_limit", "max_days": 14}]'
    )
    text = facts_csv(example)
    header = text.splitlines()[0].split(",")
    assert header[:5] == ["seq", "recorded_at", "recorded_by", "corrected_by", "type"]
    assert "scope.returns_from" in header
    assert "source.citation" in header


def test_a_list_item_holding_the_separator_is_refused_not_written() -> None:
    """Rule: an id with ``|`` inside a list cannot be written unambiguously: ExportError."""
    with pytest.raises(ExportError) as caught:
        cell_text(["c-1", "c|2"])
    assert caught.value.value == "c|2"
    assert isinstance(caught.value, ValueError)


def test_stats_rows_give_counts_or_none_beside_a_status() -> None:
    """Rule: a shown count is its int, a rounded one its int and ``rounded``, a hidden one None."""
    ledger = Ledger()
    records = [
        ClaimantReturned(
            claimant_id=f"c-{n}",
            on="2020-03-20",
            returned_by="CA",
            returned_to="US",
            nationalities=["HT" if n < 12 else "CD"],
        )
        for n in range(14)
    ]
    ledger.extend(records, recorded_by="CA", recorded_at="2020-07-01T00:00:00Z")
    table = stats(ledger, ["nationality"], as_of=AS_OF)
    rows = {row["nationality"]: row for row in table.to_records()}
    assert rows["HT"]["returns"] == 10
    assert rows["HT"]["returns_status"] == "rounded"
    assert (rows["HT"]["returns_low"], rows["HT"]["returns_high"]) == (8, 12)
    assert rows["CD"]["returns"] is None
    assert rows["CD"]["returns_status"] == "suppressed"
    # A listed group holds at least one return.
    assert (rows["CD"]["returns_low"], rows["CD"]["returns_high"]) == (1, 4)
    total = rows[None]
    assert total["total"] is True
    raw = stats(ledger, ["nationality"], as_of=AS_OF, suppression=Suppression.NONE)
    shown = {row["nationality"]: row for row in raw.to_records()}
    assert shown["CD"]["returns"] == 2
    assert shown["CD"]["returns_status"] == "shown"


def test_invalid_records_rows_name_line_path_expected_and_got() -> None:
    """Rule: one row per bad value, with its line, path, expected and got."""
    ids = '"claimant_id": "c-1"'
    text = f'{{"type": "detained", "outcome_id": "o-1", {ids}, "on": "2020-13", "by": "US"}}\n'
    text += f'{{"type": "released", "outcome_id": "o-2", {ids}, "on": "2020-04", "by": 3}}\n'
    with pytest.raises(InvalidRecords) as caught:
        DEFAULT_CODEC.read_records(text)
    rows = caught.value.to_records()
    assert [(r["line"], r["path"]) for r in rows] == [(1, "on"), (2, "by")]
    assert rows[1]["got"] == "3"
    assert all(r["expected"] for r in rows)


def test_invalid_table_rows_name_row_column_path_expected_and_got() -> None:
    """Rule: a bad cell of a table is one row with its row (header is row 1) and column."""
    table = "type,claimant_id,on,returned_by,returned_to,nationalities,minor\n"
    table += "claimant_returned,c-1,2020-03-22,CA,US,HT,yes\n"
    table += "claimant_returned,c-2,2020-13-01,CA,US,HT,true\n"
    with pytest.raises(InvalidRecords) as caught:
        read_table(table)
    rows = caught.value.to_records()
    assert [(r["row"], r["column"], r["line"]) for r in rows] == [
        (2, "minor", None),
        (3, "on", None),
    ]
    assert all(r["expected"] and r["got"] for r in rows)


def _bad_records() -> InvalidRecords:
    try:
        DEFAULT_CODEC.read_records('{"type": "detained"}\n{"type": "nope"}\n')
    except InvalidRecords as error:
        return error
    raise AssertionError("the records were read")


def _integer(frame: Any, column: str) -> bool:
    return pd.api.types.is_integer_dtype(frame[column].dtype)


def test_to_pandas_gives_integer_columns_for_counts_and_seqs(example: Ledger) -> None:
    """Rule: the four tables become DataFrames with nullable integer counts and seqs."""
    facts = example.to_pandas()
    assert len(facts) == len(example.facts())
    assert _integer(facts, "seq")
    assert _integer(facts, "corrected_by")
    assert _integer(facts, "source.credibility")
    assert pd.api.types.is_datetime64_any_dtype(facts["on_earliest"])
    assert str(facts["recorded_at"].dt.tz) == "UTC"
    assert facts["minor"].dtype == "boolean"

    report = check(example, AS_OF)
    findings = report.to_pandas()
    assert list(findings["finding"]) == [r["finding"] for r in report.to_records()]
    assert pd.api.types.is_datetime64_any_dtype(findings["as_of"])

    table = stats(example, ["nationality"], as_of=AS_OF).to_pandas()
    for measure in MEASURES:
        assert _integer(table, measure), measure
        assert _integer(table, f"{measure}_low"), measure
    assert table["returns"].isna().any()  # the suppressed counts are <NA>, not text

    bad = _bad_records().to_pandas()
    assert list(bad.columns) == ["line", "row", "column", "seq", "path", "expected", "got"]
    assert _integer(bad, "line")
    assert _integer(bad, "seq")
    assert list(bad["line"]) == [1, 1, 1, 1, 2]


def test_to_pandas_without_pandas_names_the_extra(
    example: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: without pandas, each to_pandas() raises an ImportError naming the pandas extra."""
    monkeypatch.setitem(sys.modules, "pandas", None)
    tables = [
        example,
        check(example, AS_OF),
        stats(example, (), as_of=AS_OF),
        _bad_records(),
    ]
    for table in tables:
        with pytest.raises(ImportError, match=r"pip install 'assurance-ledger\[pandas\]'"):
            table.to_pandas()
