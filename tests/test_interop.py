"""Flat files out, by the installed command: ``export --format csv|uwazi``, ``--datapackage``."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given

from _cli_helpers import run_command
from assurance_ledger import ExportError, Ledger, check, read_table
from assurance_ledger.csvout import FORMULA_STARTS
from assurance_ledger.flat import facts_csv
from assurance_ledger.stats import MEASURES
from assurance_ledger.strategies import ledgers
from assurance_ledger.uwazi import TEMPLATES, uwazi_files

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "canada-us-2020.jsonl"
AS_OF = "2020-06-30"
HOSTILE_CLAIMANT = '=HYPERLINK("http://x")'
HOSTILE_OUTCOME = "+1-1"
DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


def _ledger(tmp_path: Path, records: Path = EXAMPLE) -> Path:
    path = tmp_path / "ledger.jsonl"
    with Ledger.open(path, create=True) as ledger:
        ledger.append_file(records, recorded_by="CA", recorded_at="2020-07-01T00:00:00Z")
    return path


def _ok(*args: str, cwd: Path) -> str:
    done = run_command(*args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_export_csv_writes_the_fact_table_to_stdout_or_a_new_file(tmp_path: Path) -> None:
    """Rule: ``export --format csv`` prints the facts table, or writes it to a new OUT only."""
    path = _ledger(tmp_path)
    printed = _ok("export", "ledger.jsonl", "--format", "csv", cwd=tmp_path)
    with Ledger.open(path, readonly=True) as ledger:
        assert printed == facts_csv(ledger)
        facts = ledger.facts()
    rows = _rows(printed)
    assert [int(r["seq"]) for r in rows] == [f.seq for f in facts]
    corrected = [r for r in rows if r["corrected_by"]]
    assert corrected, "the example holds a correction"
    assert all(r["on_earliest"] <= r["on_latest"] for r in rows if r["on_earliest"])
    assert rows[0]["scope.crossings"] == "port_of_entry|between_ports"
    assert json.loads(rows[0]["commitments"])[0] == {"kind": "non_refoulement"}
    said = _ok("export", "ledger.jsonl", "--format", "csv", "facts.csv", cwd=tmp_path)
    assert "facts.csv" in said
    assert (tmp_path / "facts.csv").read_text(encoding="utf-8") == printed
    (tmp_path / "facts.csv").write_text("mine", encoding="utf-8")
    again = run_command("export", "ledger.jsonl", "--format", "csv", "facts.csv", cwd=tmp_path)
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert (tmp_path / "facts.csv").read_text(encoding="utf-8") == "mine"


@given(ledgers(max_size=30))
def test_an_exported_fact_table_appends_again_as_the_same_facts(ledger: Ledger) -> None:
    """Rule: the fact table ``export --format csv`` writes reads back as the current facts.

    Its entry columns (seq, recorded_at, recorded_by, corrected_by,
    on_earliest, on_latest) describe the entry, not the record, and are
    passed over; a checkpoint's own ``record.seq`` is its ``seq``. Appended to
    a new ledger, the rows are the ledger's current records (corrections
    applied), in order, and check to the same findings.
    """
    try:
        text = facts_csv(ledger)
    except ExportError:
        return  # a list item holding "|": refused, never written (tested above)
    again = Ledger(codec=ledger.codec)
    records = read_table(text, codec=ledger.codec)
    assert list(records) == [fact.record for fact in ledger.facts()]
    if records:
        again.extend(records, recorded_by="CA", recorded_at="2024-01-01T00:00:00Z")
    # The same findings; their evidence names the new ledger's own seqs, which
    # differ where the old one held corrections or entries that are no facts.
    theirs, ours = check(again, AS_OF), check(ledger, AS_OF)
    assert theirs.summary == ours.summary
    assert sorted(map(_finding, theirs.breaches)) == sorted(map(_finding, ours.breaches))
    assert theirs.unassured_returns == ours.unassured_returns
    assert len(theirs.exposures) == len(ours.exposures)


def _finding(breach: Any) -> tuple[Any, ...]:
    """A breach without the seqs of its evidence."""
    return (
        breach.claimant_id,
        breach.assurance_id,
        breach.commitment,
        breach.certainty,
        breach.reasons,
        breach.explanation,
    )


def test_export_keeps_copying_ledgers_and_refuses_options_of_other_formats(tmp_path: Path) -> None:
    """Rule: ``export LEDGER TARGET`` still copies; --as-of outside uwazi, no TARGET: exit 2."""
    _ledger(tmp_path)
    _ok("export", "ledger.jsonl", "copy.sqlite", cwd=tmp_path)
    assert (tmp_path / "copy.sqlite").exists()
    for args in (
        ("export", "ledger.jsonl"),
        ("export", "ledger.jsonl", "--format", "csv", "--as-of", AS_OF),
        ("export", "ledger.jsonl", "--format", "uwazi", "--as-of", AS_OF),
    ):
        done = run_command(*args, cwd=tmp_path)
        assert done.returncode == 2, args
        assert "Traceback" not in done.stderr


def _readme_types(readme: str) -> dict[str, dict[str, tuple[str, str]]]:
    """Each template's properties from the README: name to (type, linked template)."""
    types: dict[str, dict[str, tuple[str, str]]] = {}
    current = ""
    for line in readme.splitlines():
        if line.startswith("## "):
            current = line[3:]
            types[current] = {}
        elif current and line.startswith("| ") and not line.startswith("| property"):
            name, kind, content = (c.strip() for c in line.strip("|").split("|"))
            types[current][name] = (kind, content)
    return types


def _uwazi(tmp_path: Path) -> tuple[dict[str, list[dict[str, str]]], dict[str, Any]]:
    _ok("export", "ledger.jsonl", "--format", "uwazi", "--as-of", AS_OF, "uwazi", cwd=tmp_path)
    directory = tmp_path / "uwazi"
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        ["README.md", *(f"{t}.csv" for t in TEMPLATES)]
    )
    tables = {t: _rows((directory / f"{t}.csv").read_text(encoding="utf-8")) for t in TEMPLATES}
    return tables, _readme_types((directory / "README.md").read_text(encoding="utf-8"))


def test_uwazi_files_follow_uwazis_csv_import_conventions(tmp_path: Path) -> None:
    """Rule: a ``title`` (the id) per file; dates as Uwazi parses them; links name titles.

    Every column is a property the README lists, named as Uwazi names
    properties (lower case, ``_``); a relationship cell holds titles of the
    linked template, ``|`` between several; a date range is ``EARLIEST:LATEST``;
    a select holding a boolean is ``true`` or ``false``.
    """
    path = _ledger(tmp_path)
    tables, types = _uwazi(tmp_path)
    with Ledger.open(path, readonly=True) as ledger:
        facts = [f.record for f in ledger.facts()]
        report = check(ledger, AS_OF)
    titles = {t: [row["title"] for row in rows] for t, rows in tables.items()}
    assert titles["claimants"] == [r.claimant_id for r in facts if r.TYPE == "claimant_returned"]
    assert titles["outcomes"] == [r.outcome_id for r in facts if hasattr(r, "outcome_id")]
    assurance_ids = [r.assurance_id for r in facts if r.TYPE.startswith("assurance_")]
    assert titles["assurances"] == list(dict.fromkeys(assurance_ids))
    assert len(titles["breaches"]) == len(report.breaches) + len(report.exposures)
    for template, rows in tables.items():
        assert len(set(titles[template])) == len(rows), template
        header = list(rows[0])
        assert header[0] == "title"
        assert set(header[1:]) == set(types[template]) - {"title"}, template
        for column in header:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", column), column
        for row in rows:
            for name, value in row.items():
                kind, linked = types[template].get(name, ("title", ""))
                if not value:
                    continue
                if kind == "relationship":
                    assert set(value.split("|")) <= set(titles[linked]), (template, name)
                elif kind == "daterange":
                    assert re.fullmatch(f"(?:{DAY})?:(?:{DAY})?", value), (name, value)
                    assert value != ":"
                elif kind == "date":
                    assert re.fullmatch(DAY, value), (name, value)
                elif kind == "numeric":
                    assert re.fullmatch("[0-9]+", value), (name, value)
    claimants = {row["title"]: row for row in tables["claimants"]}
    assert claimants["c-003"]["returned_on"] == "2020-03-01:2020-03-31"
    assert claimants["c-005"]["feared_countries"] == "PS|IL"
    assert claimants["c-002"]["torture_risk"] == "true"
    assert types["outcomes"]["claimant"] == ("relationship", "claimants")
    assert types["breaches"]["assurance"] == ("relationship", "assurances")
    assurance = tables["assurances"][0]
    assert assurance["status"] == "given"
    assert assurance["scope_returns"] == "2020-03-21:"
    assert "detention_limit" in assurance["commitments"].split("|")
    breach = tables["breaches"][0]
    assert (breach["claimant"], breach["assurance"]) == ("c-001", "a-ca-us-2020")
    assert breach["evidence_outcomes"] == "o-001|o-002"


def _hostile_records(tmp_path: Path) -> Path:
    records: list[dict[str, Any]] = [
        {
            "type": "assurance_requested",
            "assurance_id": "a-1",
            "requested_by": "CA",
            "requested_of": "US",
            "on": "2020-03-20",
            "commitments": [{"kind": "humane_treatment"}],
            "scope": {"claimants": ["c-2", HOSTILE_CLAIMANT]},
        },
        {
            "type": "assurance_given",
            "assurance_id": "a-1",
            "given_by": "US",
            "given_to": "CA",
            "on": "2020-03-21",
            "form": "diplomatic_note",
            "commitments": [{"kind": "humane_treatment"}],
            "scope": {"claimants": ["c-2", HOSTILE_CLAIMANT]},
        },
        *(
            {
                "type": "claimant_returned",
                "claimant_id": ident,
                "on": "2020-03-22",
                "returned_by": "CA",
                "returned_to": "US",
                "nationalities": ["HT"],
            }
            for ident in (HOSTILE_CLAIMANT, "c-2")
        ),
        {
            "type": "ill_treatment",
            "outcome_id": HOSTILE_OUTCOME,
            "claimant_id": HOSTILE_CLAIMANT,
            "on": "2020-04-01",
            "by": "US",
            "substantiated": True,
        },
        {
            "type": "notified",
            "outcome_id": "o-2",
            "claimant_id": HOSTILE_CLAIMANT,
            "on": "2020-04-02",
            "by": "US",
            "to": "CA",
            "regarding": HOSTILE_OUTCOME,
        },
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _all_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def test_formula_ids_come_out_neutralised_in_every_csv_of_the_exports(tmp_path: Path) -> None:
    """Rule: ``=HYPERLINK(...)`` and ``+1-1`` are written with ``'`` prefixed in every CSV written.

    The fact table, the four Uwazi files (a linked title exactly as its own
    ``title`` cell, also inside a ``|`` list) and the data package's CSV: no
    cell starts with a formula character, but for the stats marks ``--``.
    """
    _ledger(tmp_path, _hostile_records(tmp_path))
    claimant, outcome = "'" + HOSTILE_CLAIMANT, "'" + HOSTILE_OUTCOME
    written = {"facts": _ok("export", "ledger.jsonl", "--format", "csv", cwd=tmp_path)}
    facts = _rows(written["facts"])
    assert {r["claimant_id"] for r in facts if r["claimant_id"]} == {claimant, "c-2"}
    assert {r["outcome_id"] for r in facts if r["outcome_id"]} == {outcome, "o-2"}
    assert facts[-1]["regarding"] == outcome
    tables, _ = _uwazi(tmp_path)
    for template in TEMPLATES:
        written[template] = (tmp_path / "uwazi" / f"{template}.csv").read_text(encoding="utf-8")
    assert [r["title"] for r in tables["claimants"]] == [claimant, "c-2"]
    assert [r["title"] for r in tables["outcomes"]] == [outcome, "o-2"]
    assert {r["claimant"] for r in tables["outcomes"]} == {claimant}
    assert tables["outcomes"][1]["regarding"] == outcome
    assert tables["assurances"][0]["scope_claimants"] == f"c-2|{claimant}"
    (breach,) = tables["breaches"]
    assert breach["title"].startswith(claimant)
    assert breach["claimant"] == claimant
    assert breach["evidence_outcomes"] == outcome
    _ok(
        "stats", "ledger.jsonl", "--by", "nationality", "--as-of", AS_OF, "--format", "csv",
        "--datapackage", "package", "--no-log", cwd=tmp_path,
    )  # fmt: skip
    written["stats"] = (tmp_path / "package" / "stats.csv").read_text(encoding="utf-8")
    for name, text in written.items():
        for cell in _all_cells(text):
            assert cell == "--" or not cell.startswith(FORMULA_STARTS[:-1]), (name, cell)


def _validate(package: dict[str, Any], directory: Path) -> list[list[object]]:
    """The CSV's rows read by the Table Schema: each cell a field's type, or None when missing.

    The rules used: the header names the fields in order; a cell in
    ``missingValues`` is null; an ``integer`` is digits (a whole number) at or
    above its ``minimum``; a ``string`` is any text.
    """
    assert package["profile"] == "tabular-data-package"
    (resource,) = package["resources"]
    assert resource["profile"] == "tabular-data-resource"
    schema = resource["schema"]
    missing = set(schema["missingValues"])
    fields = schema["fields"]
    text = (directory / resource["path"]).read_text(encoding=resource["encoding"])
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    assert header == [f["name"] for f in fields]
    typed: list[list[object]] = []
    for row in rows:
        out: list[object] = []
        for field, cell in zip(fields, row, strict=True):
            if cell in missing:
                out.append(None)
            elif field["type"] == "integer":
                assert re.fullmatch("[0-9]+", cell), (field["name"], cell)
                assert int(cell) >= field.get("constraints", {}).get("minimum", 0)
                out.append(int(cell))
            else:
                assert field["type"] == "string"
                out.append(cell)
        typed.append(out)
    return typed


def test_stats_datapackage_describes_integer_counts_and_the_marks_as_missing(
    tmp_path: Path,
) -> None:
    """Rule: ``--datapackage DIR`` writes the CSV and a Table Schema reading counts as integers.

    ``--`` and ``x`` are missing values, so the schema's own rules read every
    cell, and pandas, told the same missing values, reads nullable integers
    equal to the table's counts.
    """
    _ledger(tmp_path)
    printed = _ok(
        "stats", "ledger.jsonl", "--by", "nationality", "--as-of", AS_OF, "--format", "csv",
        "--datapackage", "package", "--no-log", cwd=tmp_path,
    )  # fmt: skip
    directory = tmp_path / "package"
    assert (directory / "stats.csv").read_text(encoding="utf-8") == printed
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    typed = _validate(package, directory)
    assert typed[-1][0] == "Total"
    assert any(cell is None for row in typed for cell in row[1:])
    schema = package["resources"][0]["schema"]
    frame = pd.read_csv(
        directory / "stats.csv",
        na_values=schema["missingValues"],
        keep_default_na=False,
        dtype={f["name"]: "Int64" for f in schema["fields"] if f["type"] == "integer"},
    )
    for measure in MEASURES:
        assert pd.api.types.is_integer_dtype(frame[measure].dtype), measure
        expected = [row[1 + MEASURES.index(measure)] for row in typed]
        assert [None if pd.isna(v) else int(v) for v in frame[measure]] == expected


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--format", "json", "--datapackage", "package"), "--datapackage is for --format csv"),
        (("--format", "csv", "--datapackage", "ledger.jsonl"), "not a directory"),
    ],
)
def test_a_datapackage_that_cannot_be_written_publishes_nothing(
    tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    """Rule: a bad ``--datapackage`` exits 2 before the table is published: no release logged."""
    _ledger(tmp_path)
    done = run_command("stats", "ledger.jsonl", "--as-of", AS_OF, *args, cwd=tmp_path)
    assert done.returncode == 2
    assert said in done.stderr
    assert not (tmp_path / "ledger.jsonl.releases.jsonl").exists()
    assert not (tmp_path / "package").exists()


@pytest.mark.parametrize("form", ["csv", "uwazi"])
def test_an_id_holding_the_separator_is_refused_and_nothing_is_written(
    tmp_path: Path, form: str
) -> None:
    """Rule: a list item with ``|`` would read back as two: exit 2 naming it, no file written."""
    records = [
        {
            "type": "assurance_requested",
            "assurance_id": "a-1",
            "requested_by": "CA",
            "requested_of": "US",
            "on": "2020-03-20",
            "commitments": [{"kind": "humane_treatment"}],
            "scope": {"claimants": ["c-1", "c|2"]},
        }
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    _ledger(tmp_path, path)
    extra = ["--as-of", AS_OF] if form == "uwazi" else []
    done = run_command("export", "ledger.jsonl", "--format", form, *extra, "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "'c|2'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


@given(ledgers())
def test_every_generated_ledger_exports_to_csv_tables_whose_links_resolve(
    generated: Ledger,
) -> None:
    """Rule: any valid ledger gives a fact table, a row per fact, and Uwazi files with sound links.

    Each file is rectangular CSV; each relationship cell names titles of the
    linked template; unless an id holds ``|``, which is refused (ExportError).
    """
    refused: ExportError | None = None
    try:
        text = facts_csv(generated)
        files = uwazi_files(generated, AS_OF)
    except ExportError as error:
        refused = error
    if refused is not None:
        assert "|" in refused.value
        return
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    assert [int(row[0]) for row in rows] == [f.seq for f in generated.facts()]
    assert all(len(row) == len(header) for row in rows)
    tables = {t: _rows(files[f"{t}.csv"]) for t in TEMPLATES}
    types = _readme_types(files["README.md"])
    titles = {t: {row["title"] for row in rows} for t, rows in tables.items()}
    for template, table in tables.items():
        for row in table:
            for name, value in row.items():
                kind, linked = types[template].get(name, ("title", ""))
                if kind == "relationship" and value:
                    assert set(value.split("|")) <= titles[linked], (template, name, value)
