"""Records read from CSV and .xlsx tables, the table templates, and `append FILE.csv`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given

from _cli_helpers import run_command, run_main
from assurance_ledger import (
    DEFAULT_CODEC,
    RECORD_TYPES,
    ClaimantReturned,
    InvalidRecord,
    InvalidRecords,
    Ledger,
    Record,
    check,
    read_table,
    read_table_rows,
    spreadsheets,
    table_template,
)
from assurance_ledger.columns import columns, example, to_cells
from assurance_ledger.strategies import records

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_JSONL = ROOT / "examples" / "canada-us-2020.jsonl"
EXAMPLE_CSV = ROOT / "examples" / "canada-us-2020.csv"
AS_OF = "2020-06-30"
RETURNED = "type,claimant_id,on,returned_by,returned_to,nationalities,grounds,minor\n"


def _csv(header: list[str], rows: list[dict[str, str]], delimiter: str = ",") -> str:
    """A CSV table written by Python's csv module (no neutralising: the exact cells)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue()


def test_a_row_reads_as_the_json_record_it_spells() -> None:
    """Rule: dotted names nest, | joins a list, [] is an empty list, A..B a date range."""
    table = (
        "type,assurance_id,on,given_by,given_to,form,commitments,scope.returns_from,"
        "scope.crossings,scope.minors_only,source.citation,source.credibility\n"
        'assurance_given,a-1,2020-03-20..2020-03-25,US,CA,diplomatic_note,"[{""kind"":'
        '""detention_limit"",""max_days"":14}]",2020-03,port_of_entry|airport,TRUE,A note,2\n'
        "claimant_returned,,2020,,,,,,,,,\n"
    )
    with pytest.raises(InvalidRecords):  # the second row lacks the return's fields
        read_table(table)
    given = read_table(table.splitlines(keepends=True)[0] + table.splitlines(keepends=True)[1])
    assert DEFAULT_CODEC.to_json(given[0]) == {
        "type": "assurance_given",
        "assurance_id": "a-1",
        "on": {"earliest": "2020-03-20", "latest": "2020-03-25"},
        "given_by": "US",
        "given_to": "CA",
        "form": "diplomatic_note",
        "commitments": [{"kind": "detention_limit", "max_days": 14}],
        "scope": {
            "returns_from": "2020-03",
            "crossings": ["port_of_entry", "airport"],
            "minors_only": True,
        },
        "source": {"citation": "A note", "credibility": 2},
    }
    stateless = read_table(RETURNED + "claimant_returned,c-1,2020-03-22,CA,US,[],,\n")
    assert isinstance(stateless[0], ClaimantReturned)
    assert stateless[0].nationalities == ()
    assert stateless[0].grounds == ()  # an empty cell: absent, the default


def test_type_may_be_given_for_every_row() -> None:
    """Rule: without a type column, type= names every row's type; with one, they must agree."""
    table = "claimant_id,on,returned_by,returned_to,nationalities\nc-1,2020-03-22,CA,US,HT\n"
    assert read_table(table, type="claimant_returned")[0].TYPE == "claimant_returned"
    with pytest.raises(InvalidRecord) as info:
        read_table(table)
    assert (info.value.row, info.value.column) == (1, None)
    assert "type column" in str(info.value)
    with pytest.raises(InvalidRecord, match="did you mean 'claimant_returned'"):
        read_table(table, type="claimant_retuned")
    mixed = RETURNED + "detained,c-1,2020-03-22,CA,US,HT,,\n"
    with pytest.raises(InvalidRecord) as info:
        read_table(mixed, type="claimant_returned")
    assert (info.value.row, info.value.column) == (2, "type")


def test_bom_semicolon_and_crlf_read_the_same() -> None:
    """Rule: UTF-8 with or without BOM, comma or semicolon, LF or CRLF: the same records."""
    text = RETURNED + (
        "claimant_returned,c-1,2020-03-22,CA,US,HT|CD,religion,true\n"
        'claimant_returned,c-2,2020-03,CA,US,[],"race|religion",\n'
    )
    plain = read_table(text)
    assert len(plain) == 2
    semicolon = text.replace(",", ";")
    variants = [
        text.encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        semicolon.encode("utf-8"),
        b"\xef\xbb\xbf" + semicolon.replace("\n", "\r\n").encode("utf-8"),
        text.replace("\n", "\r\n"),
    ]
    for data in variants:
        assert read_table(data) == plain, data[:20]


def test_a_cell_is_read_as_its_text_whatever_it_starts_with() -> None:
    """Rule: a formula-looking cell is its text, nothing stripped; the codec's id rules judge."""
    table = RETURNED + 'claimant_returned,"=HYPERLINK(""http://x"",""x"")",2020-03-22,CA,US,HT,,\n'
    record = read_table(table)[0]
    assert record.claimant_id == '=HYPERLINK("http://x","x")'  # type: ignore[attr-defined]
    quoted = read_table(RETURNED + "claimant_returned,'+1-1,2020-03-22,CA,US,HT,,\n")
    assert quoted[0].claimant_id == "'+1-1"  # type: ignore[attr-defined]


def test_every_bad_cell_is_reported_at_once_by_row_and_column() -> None:
    """Rule: each bad cell is one problem naming its row (header = 1) and column."""
    table = RETURNED + (
        "claimant_returned,c-1,2020-02-30,CA,US,HT,,\n"
        "claimant_returned,c-2,2020-03-22,CA,CA,HT,,\n"
        "claimant_returned,c-3,2020-03-22,CA,US,Haiti,,yes\n"
        "\n"
        "claimant_retuned,c-4,2020-03-22,CA,US,HT,,\n"
    )
    with pytest.raises(InvalidRecords) as info:
        read_table(table)
    found = [(e.row, e.column) for e in info.value.errors]
    assert found == [(2, "on"), (3, "returned_to"), (4, "nationalities"), (4, "minor"), (6, "type")]
    message = str(info.value)
    assert "row 4, column minor: expected true or false, got 'yes'" in message
    assert "did you mean 'claimant_returned'" in message


def test_unknown_and_repeated_columns_are_named() -> None:
    """Rule: a column no record has is an error naming it, with the nearest name."""
    with pytest.raises(InvalidRecords) as info:
        read_table("type,claimant,on,on\n")
    errors = info.value.errors
    assert [(e.row, e.column) for e in errors] == [(1, "claimant"), (1, "on")]
    assert errors[0].message == (
        "row 1, column claimant: expected a field's name (did you mean 'claimant_id'?), "
        "got 'claimant'"
    )
    with pytest.raises(InvalidRecord) as info:
        read_table("type," + "x" * 500 + "\n")
    assert info.value.column == "x" * 500
    assert len(info.value.message) < 200


def test_problems_stop_at_the_limit() -> None:
    """Rule: reading stops after ``limit`` problems and says more were left out."""
    table = RETURNED + "claimant_returned,c-1,x,CA,US,HT,,maybe\n" * 5
    with pytest.raises(InvalidRecords) as info:
        read_table(table, limit=3)
    assert len(info.value.errors) == 3
    assert info.value.truncated


def test_error_messages_of_json_lines_are_unchanged() -> None:
    """Rule: an error without a row reads as before; with a row, its column replaces the path."""
    assert str(InvalidRecord(("on",), "a date", "'x'", line=4)) == (
        "line 4: on: expected a date, got 'x'"
    )
    at_cell = InvalidRecord(("scope", "nationalities", 1), "a country", "'XX'")
    assert str(at_cell.at(row=3, column="scope.nationalities")) == (
        "row 3, column scope.nationalities: scope.nationalities[1]: expected a country, got 'XX'"
    )
    assert str(InvalidRecord(("on",), "a date", row=2, column="on")) == (
        "row 2, column on: expected a date"
    )


@pytest.mark.parametrize("type_name", list(RECORD_TYPES))
def test_every_template_reads_back_through_the_table_reader(type_name: str) -> None:
    """Rule: a type's CSV header plus its example record's row is that valid record."""
    header = table_template(type_name).rstrip("\n").split(",")
    assert header == [c.name for c in columns(type_name)]
    assert header[0] == "type"
    required = [c.name for c in columns(type_name) if c.required and "." not in c.name]
    assert header[: len(required)] == required  # required ones first
    line = table_template(type_name, "jsonl")
    record = DEFAULT_CODEC.loads(line)
    assert DEFAULT_CODEC.to_json(record) == example(type_name)
    table = (
        table_template(type_name) + _csv(header, [to_cells(example(type_name))]).split("\n", 1)[1]
    )
    assert read_table(table) == (record,)


@given(records())
def test_any_record_written_as_a_row_reads_back_equal(record: Record) -> None:
    """Rule: every valid record, as a row under its template's columns, reads back equal."""
    header = [c.name for c in columns(record.TYPE)]
    cells = to_cells(DEFAULT_CODEC.to_json(record))
    assert set(cells) <= set(header)
    assert read_table(_csv(header, [cells])) == (record,)


def test_xlsx_round_trip(tmp_path: Path) -> None:
    """Rule: a workbook's first sheet reads as CSV does; numbers and dates become their text."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["type", "claimant_id", "on", "returned_by", "returned_to", "nationalities", "minor"]
    )
    sheet.append(["claimant_returned", "c-1", dt.date(2020, 3, 22), "CA", "US", "HT", True])
    sheet.append(["claimant_returned", '=HYPERLINK("x")', "2020-03", "CA", "US", "[]", None])
    sheet.append(
        ["checkpoint", None, None, None, None, None, None]
    )  # a checkpoint needs its own columns: refused below
    other = book.create_sheet("ignored")
    other.append(["anything"])
    path = tmp_path / "returns.xlsx"
    book.save(path)
    with pytest.raises(InvalidRecords) as info:
        read_table(path.read_bytes(), format="xlsx")
    assert {e.row for e in info.value.errors} == {4}
    sheet.delete_rows(4)
    book.save(path)
    got = read_table(path.read_bytes(), format="xlsx")
    expected = read_table(
        "type,claimant_id,on,returned_by,returned_to,nationalities,minor\n"
        "claimant_returned,c-1,2020-03-22,CA,US,HT,true\n"
        'claimant_returned,"=HYPERLINK(""x"")",2020-03,CA,US,[],\n'
    )
    assert got == expected
    book = openpyxl.Workbook()
    book.active.append(["type", "ledger_of", "seq", "hash"])
    book.active.append(["checkpoint", "US", 12.0, "a" * 64])  # a whole float: the integer
    book.save(path)
    assert read_table(path.read_bytes(), format="xlsx")[0].seq == 12  # type: ignore[attr-defined]


def test_a_workbook_that_unpacks_too_big_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: a workbook unpacking to more than MAX_UNPACKED_BYTES is refused before parsing."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["type", "assurance_id", "on"])
    book.active.append(["assurance_declined", "a-1", "2020-03-01"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert len(read_table(path.read_bytes(), format="xlsx")) == 1
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(InvalidRecord, match="at most 1000 bytes unpacked"):
        read_table(path.read_bytes(), format="xlsx")


def test_xlsx_without_openpyxl_names_the_extra() -> None:
    """Rule: reading .xlsx without openpyxl raises ImportError naming the xlsx extra."""
    code = (
        "import sys; sys.modules['openpyxl'] = None\n"
        "from assurance_ledger import read_table\n"
        "try:\n"
        "    read_table(b'PK', format='xlsx')\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "pip install 'assurance-ledger[xlsx]'" in out


def test_not_a_workbook_is_one_error(tmp_path: Path) -> None:
    """Rule: bytes that are no workbook, or a damaged sheet, are one error, not a traceback."""
    openpyxl = pytest.importorskip("openpyxl")
    with pytest.raises(InvalidRecord, match="an Excel workbook"):
        read_table(b"type\nclaimant_returned\n", format="xlsx")
    book = openpyxl.Workbook()
    book.active.append(["type", "assurance_id", "on"])
    book.active.append(["assurance_declined", "a-1", "2020-03-01"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    damaged = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]  # cut off mid-element
            target.writestr(info, data)
    with pytest.raises(InvalidRecord, match="an Excel workbook") as info:
        read_table(damaged.getvalue(), format="xlsx")
    assert "\n" not in str(info.value)


def test_the_example_as_csv_gives_the_same_report_and_facts() -> None:
    """Rule: examples/ has the example as CSV too; it checks exactly as the JSON Lines do."""
    reports, facts = [], []
    for path in (EXAMPLE_JSONL, EXAMPLE_CSV):
        ledger = Ledger()
        if path.suffix == ".csv":
            records = read_table(path.read_bytes())
        else:
            records = DEFAULT_CODEC.read_records(path.read_bytes())
        ledger.extend(records, recorded_by="CA", recorded_at="2020-06-30T12:00:00Z")
        reports.append(check(ledger, AS_OF).to_json())
        facts.append([(f.seq, f.record) for f in ledger.facts()])
    assert reports[0] == reports[1]
    assert facts[0] == facts[1]
    assert reports[0]["breaches"]  # the example does breach: the comparison says something


def test_append_csv_through_the_command(tmp_path: Path) -> None:
    """Rule: `append LEDGER FILE.csv` appends the table; `check` reports as for the JSON Lines."""
    outputs = []
    for source in (EXAMPLE_JSONL, EXAMPLE_CSV):
        ledger = tmp_path / f"{source.suffix[1:]}.jsonl"
        assert run_command("init", str(ledger), cwd=tmp_path).returncode == 0
        appended = run_command(
            "append",
            str(ledger),
            str(source),
            "--recorded-by",
            "CA",
            "--recorded-at",
            "2020-06-30T12:00:00Z",
            cwd=tmp_path,
        )
        assert appended.returncode == 0, appended.stderr
        assert "appended 33 entries" in appended.stdout
        checked = run_command(
            "check", str(ledger), "--as-of", AS_OF, "--format", "json", cwd=tmp_path
        )
        outputs.append(json.loads(checked.stdout))
    assert outputs[0] == outputs[1]


def test_a_table_with_many_bad_cells_is_refused_whole(tmp_path: Path) -> None:
    """Rule: ten different bad cells: exit 2, each named by row and column, ledger unchanged."""
    ledger = tmp_path / "ledger.jsonl"
    run_command("init", str(ledger), cwd=tmp_path)
    run_command("append", str(ledger), str(EXAMPLE_JSONL), "--recorded-by", "CA", cwd=tmp_path)
    before = ledger.read_bytes()
    header = [
        "type",
        "claimant_id",
        "on",
        "returned_by",
        "returned_to",
        "nationalities",
        "grounds",
        "minor",
        "outcome_id",
        "by",
        "source.citation",
        "source.credibility",
    ]
    rows = [
        {
            "type": "claimant_returned",
            "claimant_id": "c-9",
            "on": "2020-13-01",
            "returned_by": "CA",
            "returned_to": "US",
            "nationalities": "HT",
        },  # 2: on
        {
            "type": "claimant_returned",
            "claimant_id": "c-10",
            "on": "2020-03-01",
            "returned_by": "Canada",
            "returned_to": "US",
            "nationalities": "HT",
        },  # 3: returned_by
        {
            "type": "claimant_returned",
            "claimant_id": "c-11",
            "on": "2020-03-01",
            "returned_by": "CA",
            "returned_to": "US",
            "nationalities": "HT|XX",
        },  # 4: nationalities
        {
            "type": "claimant_returned",
            "claimant_id": "c-12",
            "on": "2020-03-01",
            "returned_by": "CA",
            "returned_to": "US",
            "nationalities": "HT",
            "grounds": "faith",
        },  # 5: grounds
        {
            "type": "claimant_returned",
            "claimant_id": "c-13",
            "on": "2020-03-01",
            "returned_by": "CA",
            "returned_to": "US",
            "nationalities": "HT",
            "minor": "yes",
        },  # 6: minor
        {
            "type": "detained",
            "claimant_id": "c-001",
            "on": "2020-04-01",
            "outcome_id": "o-20",
            "by": "US",
            "source.credibility": "seven",
            "source.citation": "x",
        },  # 7: source.credibility
        {
            "type": "detained",
            "claimant_id": "c-001",
            "on": "2020-04-01",
            "outcome_id": "o-21",
            "by": "US",
            "source.credibility": "2",
        },  # 8: source.citation missing
        {
            "type": "detained",
            "claimant_id": "c-001",
            "on": "2020-04-01",
            "outcome_id": "o-22",
            "by": "US",
            "minor": "true",
        },  # 9: minor is no field of detained
        {
            "type": "detainde",
            "claimant_id": "c-001",
            "on": "2020-04-01",
            "outcome_id": "o-23",
            "by": "US",
        },  # 10: type
        {
            "type": "detained",
            "claimant_id": " c-001",
            "on": "2020-04-01",
            "outcome_id": "o-24",
            "by": "US",
        },  # 11: claimant_id
        {
            "type": "detained",
            "claimant_id": "c-001",
            "on": "2020-04-01..2020-03-01",
            "outcome_id": "o-25",
            "by": "US",
        },  # 12: on, a range backwards
    ]
    table = tmp_path / "bad.csv"
    table.write_text(_csv(header, rows), encoding="utf-8")
    result = run_command("append", str(ledger), str(table), "--recorded-by", "CA", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    expected = [
        (2, "on"),
        (3, "returned_by"),
        (4, "nationalities"),
        (5, "grounds"),
        (6, "minor"),
        (7, "source.credibility"),
        (8, "source.citation"),
        (9, "minor"),
        (10, "type"),
        (11, "claimant_id"),
        (12, "on"),
    ]
    lines = result.stderr.splitlines()
    for row, column in expected:
        assert any(f"row {row}, column {column}:" in line for line in lines), (row, column)
    assert f"{len(expected)} problems found" in result.stderr
    assert ledger.read_bytes() == before


def test_a_refused_row_is_named_by_its_row(tmp_path: Path) -> None:
    """Rule: a valid row the ledger refuses (an unknown claimant) is reported with its row."""
    ledger = tmp_path / "ledger.jsonl"
    run_command("init", str(ledger), cwd=tmp_path)
    table = tmp_path / "outcomes.csv"
    table.write_text("outcome_id,claimant_id,on,by\n\no-1,c-404,2020-04-01,US\n", encoding="utf-8")
    status, _, err = run_main(
        "append", str(ledger), str(table), "--recorded-by", "CA", "--type", "detained"
    )
    assert status == 2
    assert "row 3, column claimant_id: seq 1: expected a claimant" in err
    assert ledger.read_bytes() == b""


def test_type_option_is_for_tables_only(tmp_path: Path) -> None:
    """Rule: --type with a JSON Lines file is a usage error (exit 2)."""
    ledger = tmp_path / "ledger.jsonl"
    run_main("init", str(ledger))
    status, _, err = run_main(
        "append", str(ledger), str(EXAMPLE_JSONL), "--recorded-by", "CA", "--type", "detained"
    )
    assert status == 2
    assert "--type is for a table" in err


def test_template_command(tmp_path: Path) -> None:
    """Rule: `template TYPE` prints the header, `--format jsonl` an example; unknown TYPE: 2."""
    header = run_command("template", "claimant_returned", cwd=tmp_path)
    assert header.returncode == 0
    assert header.stdout == table_template("claimant_returned")
    line = run_command("template", "detained", "--format", "jsonl", cwd=tmp_path)
    assert DEFAULT_CODEC.loads(line.stdout).TYPE == "detained"
    wrong = run_command("template", "claimant_retruned", cwd=tmp_path)
    assert wrong.returncode == 2
    assert "did you mean 'claimant_returned'" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def test_rows_are_numbered_as_a_spreadsheet_numbers_them() -> None:
    """Rule: the header is row 1; blank rows count; a quoted line break does not add a row."""
    table = (
        "type,assurance_id,on,source.citation\n"
        "\n"
        'assurance_declined,"a-1",2020-03-01,"two\nlines"\n'
        ",,,\n"
        "assurance_declined,a-2,2020-03-02,\n"
    )
    numbered = read_table_rows(table)
    assert [n for n, _ in numbered] == [3, 5]
    assert numbered[0][1].source.citation == "two\nlines"  # type: ignore[union-attr]
