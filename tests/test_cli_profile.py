"""``assurance-ledger profile``: one assurance's Othman profile, or a table of every one.

Run through the installed command (see ``_cli_helpers``), on the bundled example.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from _cli_helpers import run_command
from assurance_ledger import FACTORS, Ledger, json_schema, profile

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "canada-us-2020.jsonl"
A = "a-ca-us-2020"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example in a JSON Lines ledger, with a second assurance given by the US to CA."""
    where = tmp_path_factory.mktemp("profile")
    second = where / "second.jsonl"
    second.write_text(
        json.dumps(
            {
                "type": "assurance_given",
                "assurance_id": "a-ca-us-2020-2",
                "given_by": "US",
                "given_to": "CA",
                "on": "2020-04-10",
                "form": "oral",
                "commitments": [{"kind": "humane_treatment"}],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    by = ("--recorded-by", "CA", "--recorded-at", "2020-07-20T00:00:00Z")
    for args in (("init", "ledger.jsonl"), ("append", "ledger.jsonl", str(EXAMPLE), *by)):
        assert run_command(*args, cwd=where).returncode == 0
    assert run_command("append", "ledger.jsonl", "second.jsonl", *by, cwd=where).returncode == 0
    return where


def _profile(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_command("profile", "ledger.jsonl", *args, cwd=where)


def test_profile_text_is_the_profile_to_text(ledger: Path) -> None:
    """Rule: --format text (the default) prints the profile's text form, exit 0."""
    result = _profile(ledger, A, "--as-of", "2020-06-30")
    assert result.returncode == 0, result.stderr
    with Ledger.open(ledger / "ledger.jsonl", readonly=True) as opened:
        expected = profile(opened, A, "2020-06-30").to_text()
    assert result.stdout == expected + "\n"
    assert result.stderr == ""


def test_profile_json_is_valid_under_the_profile_schema(ledger: Path) -> None:
    """Rule: --format json prints one JSON document, valid under `schema profile`."""
    result = _profile(ledger, A, "--as-of", "2020-07-31", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(json_schema("profile")).validate(document)
    assert [f["factor"] for f in document["factors"]] == list(FACTORS)
    terms = document["factors"][0]
    assert (terms["finding"], terms["basis"], terms["evidence"]) == ("for", "assessed", [33])
    schema = run_command("schema", "profile", cwd=ledger)
    assert json.loads(schema.stdout) == json_schema("profile")


def test_profile_html_escapes_and_tabulates(ledger: Path) -> None:
    """Rule: --format html prints the profile's HTML table: a row per factor."""
    result = _profile(ledger, A, "--as-of", "2020-06-30", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("<tr><td>") == len(FACTORS)
    assert "Canadian court" in result.stdout


def test_profile_without_as_of_says_today_on_stderr(ledger: Path) -> None:
    """Rule: with no --as-of the profile is as of today, said on standard error only."""
    result = _profile(ledger, A, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "as of today" in result.stderr
    assert json.loads(result.stdout)["assurance_id"] == A


def test_an_unknown_assurance_exits_2_with_a_suggestion(ledger: Path) -> None:
    """Rule: an id that names no given assurance exits 2, one message, the nearest id named."""
    result = _profile(ledger, "a-ca-us-202", "--as-of", "2020-06-30")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "did you mean 'a-ca-us-2020" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("args", [(), (A, "--all")], ids=["neither", "both"])
def test_one_id_or_all(ledger: Path, args: tuple[str, ...]) -> None:
    """Rule: profile needs exactly one of an ASSURANCE_ID and --all (else exit 2)."""
    result = _profile(ledger, *args, "--as-of", "2020-06-30")
    assert result.returncode == 2
    assert result.stdout == ""


def test_all_is_a_table_of_every_given_assurance(ledger: Path) -> None:
    """Rule: --all prints a row per given assurance, in entry order, a mark per factor."""
    result = _profile(ledger, "--all", "--as-of", "2020-06-30")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    rows = [line.split() for line in lines[2:]]
    assert [row[0] for row in rows] == [A, "a-ca-us-2020-c006", "a-ca-us-2020-2"]
    assert all(len(row) == 1 + len(FACTORS) + 3 for row in rows)
    # the oral assurance (iii) is against; the example's court_examined (xi) was assessed
    # against; its compliance record (vii) is against: the US broke the c-006 assurance
    assert rows[2][3] == "-"
    assert rows[0][11] == "-"
    assert rows[0][7] == "-"
    assert rows[0][-3:] == ["2", "4", "5"]


def test_all_as_json_and_html(ledger: Path) -> None:
    """Rule: --all --format json is a list of profiles; html, a table row per assurance."""
    result = _profile(ledger, "--all", "--as-of", "2020-06-30", "--format", "json")
    assert result.returncode == 0, result.stderr
    documents = json.loads(result.stdout)
    validator = jsonschema.Draft202012Validator(json_schema("profile"))
    for document in documents:
        validator.validate(document)
    assert [d["assurance_id"] for d in documents] == [A, "a-ca-us-2020-c006", "a-ca-us-2020-2"]
    page = _profile(ledger, "--all", "--as-of", "2020-06-30", "--format", "html").stdout
    assert page.count("<tr><td>") == 3
