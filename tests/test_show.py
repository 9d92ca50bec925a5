"""`show --claimant`: the timeline with its coverage and breaches, its SVG, and near ids suggested.

Run through the installed command, on the bundled example (the scenario
of docs/format.md: Canada returns claimants to the United States in March 2020 under
the assurance a-ca-us-2020, whose scope takes returns from 21 March).
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from _cli_helpers import run_command

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the example as ledger.jsonl, and one holding claimant ``A``."""
    directory = tmp_path_factory.mktemp("show")
    with as_file(files("assurance_ledger").joinpath("data/canada-us-2020.jsonl")) as example:
        records = example.read_text()
    (directory / "records.jsonl").write_text(records)
    extra = {
        "type": "claimant_returned",
        "claimant_id": "A",
        "on": "2020-03-25",
        "returned_by": "CA",
        "returned_to": "US",
        "nationalities": ["HT"],
    }
    (directory / "extra.jsonl").write_text(json.dumps(extra) + "\n")
    for name in ("records.jsonl", "extra.jsonl"):
        if not (directory / "ledger.jsonl").exists():
            _ok(run_command("init", "ledger.jsonl", cwd=directory))
        _ok(
            run_command(
                "append",
                "ledger.jsonl",
                name,
                "--recorded-by",
                "CA",
                "--recorded-at",
                "2020-07-01T00:00:00Z",
                cwd=directory,
            )
        )
    return directory


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def _refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr.strip()


def test_show_a_claimant_lists_coverage_and_breaches(ledger: Path) -> None:
    """Rule: `show --claimant` adds the covering assurances and each breach (kind, date, certainty).

    c-003 was returned "in March 2020", against a scope from 21 March: only
    maybe covered, so every breach is at most possible. Their onward removal to
    Eritrea, known only to 1-20 May, is a chain refoulement dated to that span.
    """
    out = _ok(
        run_command(
            "show", "ledger.jsonl", "--claimant", "c-003", "--as-of", "2020-06-30", cwd=ledger
        )
    )
    lines = out.splitlines()
    assert [line.split()[1] for line in lines if line.startswith("seq ")] == [
        "4",
        "12",
        "13",
        "14",
        "15",
    ]
    assert "as of 2020-06-30:" in lines
    assert "  maybe covered by assurance a-ca-us-2020 [possible]" in lines
    breaches = [line for line in lines if line.startswith("  breach ")]
    assert breaches
    assert all(line.startswith("  breach [possible: coverage uncertain") for line in breaches)
    assert any(
        line.startswith(
            "  breach [possible: coverage uncertain] non_refoulement on 2020-05-01..2020-05-20 "
        )
        for line in breaches
    )
    assert any(
        line.startswith("  breach [possible: coverage uncertain, record missing] monitoring_access")
        for line in breaches
    )
    # Both readings: maybe unassured too, and then Mexico's removal to Eritrea is an exposure.
    assert (
        "  unassured [possible: coverage uncertain]: no given assurance surely covers the "
        "return" in lines
    )
    (exposure,) = [line for line in lines if line.startswith("  exposure ")]
    assert exposure.startswith("  exposure [possible: coverage uncertain]: ")
    assert "removed by MX to ER, a feared country" in exposure


def test_show_an_unassured_claimant_lists_their_certain_exposure(ledger: Path) -> None:
    """Rule: `show --claimant` of a return no assurance can cover gives its exposure, certain.

    c-004 was returned at an airport, outside the scope's land crossings, and
    their coerced departure to Colombia, a country they fear, is an exposure.
    """
    out = _ok(
        run_command(
            "show", "ledger.jsonl", "--claimant", "c-004", "--as-of", "2020-06-30", cwd=ledger
        )
    )
    lines = out.splitlines()
    assert "  no given assurance covers the return" in lines
    assert not any(line.startswith("  unassured [") for line in lines)
    (exposure,) = [line for line in lines if line.startswith("  exposure ")]
    assert exposure.startswith("  exposure [certain]: returned by CA on 2020-04-02 ")


def test_show_as_of_moves_the_evaluation_day(ledger: Path) -> None:
    """Rule: `--as-of` is the timeline's evaluation day: before the breaches, none is found.

    c-001 is certainly covered (returned 22 March); on 23 March nothing is due
    yet. c-005, returned 6 April, is not yet returned on 23 March: nothing is checked.
    """
    early, late = (
        _ok(run_command("show", "ledger.jsonl", "--claimant", "c-001", "--as-of", day, cwd=ledger))
        for day in ("2020-03-23", "2020-06-30")
    )
    assert "  no breach found" in early.splitlines()
    assert "  covered by assurance a-ca-us-2020 [certain]" in late.splitlines()
    assert "  breach [certain] detention_limit on 2020-04-21 " in late
    assert "as of 2020-06-30:" in late.splitlines()
    before = _ok(
        run_command(
            "show", "ledger.jsonl", "--claimant", "c-005", "--as-of", "2020-03-23", cwd=ledger
        )
    )
    assert before.splitlines()[-2:] == [
        "as of 2020-03-23:",
        "  not yet returned: nothing is checked",
    ]


def test_show_format_svg_writes_the_drawing(ledger: Path) -> None:
    """Rule: `--format svg` writes the claimant's drawing, a whole SVG document, to stdout."""
    out = _ok(
        run_command(
            "show",
            "ledger.jsonl",
            "--claimant",
            "c-002",
            "--as-of",
            "2020-06-30",
            "--format",
            "svg",
            cwd=ledger,
        )
    )
    svg = ET.fromstring(out)  # noqa: S314 -- the package's own output
    assert svg.tag == f"{SVG}svg"
    assert svg.findtext(f"{SVG}title") == "c-002 as of 2020-06-30"
    assert any(e.get("class") == "legend" for e in svg.iter(f"{SVG}g"))


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ("a", "ledger.jsonl: no claimant 'a'; did you mean 'A'?"),
        ("c-01", "ledger.jsonl: no claimant 'c-01'; did you mean 'c-001'?"),
        ("C-005", "ledger.jsonl: no claimant 'C-005'; did you mean 'c-005'?"),
        ("zzz", "ledger.jsonl: no claimant 'zzz'"),
    ],
)
def test_an_unknown_claimant_suggests_the_nearest(ledger: Path, asked: str, message: str) -> None:
    """Rule: an unknown id is refused (exit 2) naming the nearest id, if one is close; else none."""
    assert _refused(run_command("show", "ledger.jsonl", "--claimant", asked, cwd=ledger)) == (
        f"assurance-ledger: {message}"
    )


def test_timeline_options_need_a_claimant(ledger: Path) -> None:
    """Rule: `--as-of` and `--format svg` draw one claimant: refused without `--claimant`."""
    for options in (("--as-of", "2020-06-30"), ("--format", "svg")):
        assert "add --claimant ID" in _refused(
            run_command("show", "ledger.jsonl", *options, cwd=ledger)
        )


def test_an_unknown_record_type_suggests_the_nearest(tmp_path: Path) -> None:
    """Rule: a records file with a misspelt `type` is refused naming the nearest type."""
    (tmp_path / "bad.jsonl").write_text('{"type": "claimant_return", "claimant_id": "c-1"}\n')
    (tmp_path / "far.jsonl").write_text('{"type": "zebra"}\n')
    near = _refused(run_command("summary", "bad.jsonl", cwd=tmp_path))
    assert "(did you mean 'claimant_returned'?), got 'claimant_return'" in near
    assert "did you mean" not in _refused(run_command("summary", "far.jsonl", cwd=tmp_path))
