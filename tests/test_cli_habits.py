"""Small habits of the command line, run through the installed command as a user runs it.

Countries named beside their codes in the reports for people; the day a
check is made on said when it defaults to today; a country's name refused
where its code belongs; a records file given as a ledger recognised as one;
and ``--version``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

import assurance_ledger
from _cli_helpers import run_command
from assurance_ledger import Ledger, check
from assurance_ledger.countries import with_country_names

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "canada-us-2020.jsonl"
AS_OF = "2020-06-30"
RECORDED_AT = "2020-07-01T00:00:00Z"

#: The U.S. assures Canada it will not send the claimant to a feared country,
#: then removes a Haitian claimant to Haiti: a certain breach naming HT.
HAITI = [
    {
        "type": "assurance_given",
        "assurance_id": "a-1",
        "given_by": "US",
        "given_to": "CA",
        "on": "2020-03-01",
        "form": "diplomatic_note",
        "authority": "Department of State",
        "disclosure": "public",
        "commitments": [{"kind": "non_refoulement"}],
        "scope": {"returns_from": "2020-03-01"},
    },
    {
        "type": "claimant_returned",
        "claimant_id": "c-1",
        "on": "2020-03-10",
        "returned_by": "CA",
        "returned_to": "US",
        "crossing": "port_of_entry",
        "nationalities": ["HT"],
    },
    {
        "type": "removed",
        "outcome_id": "o-1",
        "claimant_id": "c-1",
        "on": "2020-04-02",
        "by": "US",
        "to": "HT",
    },
]


def _records(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _ledger(tmp_path: Path, records: list[dict[str, object]], name: str = "ledger.jsonl") -> Path:
    """A ledger holding ``records``, made with the command itself."""
    ledger = tmp_path / name
    source = _records(tmp_path / "records.jsonl", records)
    for args in (
        ("init", name),
        ("append", name, source.name, "--recorded-by", "CA", "--recorded-at", RECORDED_AT),
    ):
        done = run_command(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    return ledger


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


# -- country names beside codes ------------------------------------------------------


def test_the_text_report_names_each_country_beside_its_code(tmp_path: Path) -> None:
    """Rule: the text report shows "HT (Haiti)" where a finding names HT; JSON and CSV keep codes.

    The text is for people, so a country is named beside its code; the JSON
    and the CSV are for programs, so they hold the codes alone, as the
    explanation does.
    """
    _ledger(tmp_path, HAITI)
    text = run_command("check", "ledger.jsonl", "--as-of", AS_OF, cwd=tmp_path)
    assert text.returncode == 1, text.stderr
    (line,) = [ln for ln in text.stdout.splitlines() if "non_refoulement" in ln]
    assert line.startswith("  [certain] c-1 / a-1 / non_refoulement: US (United States) ")
    assert "to HT (Haiti)" in line
    as_json = run_command(
        "check", "ledger.jsonl", "--as-of", AS_OF, "--format", "json", cwd=tmp_path
    )
    (breach,) = json.loads(as_json.stdout)["breaches"]
    assert "to HT," in breach["explanation"]
    assert "Haiti" not in as_json.stdout
    assert "United States" not in as_json.stdout
    as_csv = run_command("check", "ledger.jsonl", "--as-of", AS_OF, "--format", "csv", cwd=tmp_path)
    (row,) = csv.DictReader(io.StringIO(as_csv.stdout))
    assert row["explanation"] == breach["explanation"]
    assert "Haiti" not in as_csv.stdout


def test_the_html_report_names_countries_and_the_records_keep_codes() -> None:
    """Rule: the notebook's HTML table names a country beside its code; to_records() does not."""
    ledger = Ledger()
    ledger.extend(
        assurance_ledger.DEFAULT_CODEC.read_records(
            "".join(json.dumps(r) + "\n" for r in HAITI).encode()
        ),
        recorded_by="CA",
        recorded_at=RECORDED_AT,
    )
    report = check(ledger, AS_OF)
    assert "HT (Haiti)" in report._repr_html_()
    assert all("Haiti" not in row["explanation"] for row in report.to_records())


def test_an_exposure_names_the_returning_state() -> None:
    """Rule: an exposure's line names the returning state beside its code, once a line."""
    ledger = Ledger()
    ledger.append_file(EXAMPLE, recorded_by="CA", recorded_at=RECORDED_AT)
    lines = check(ledger, AS_OF).to_text().splitlines()
    (exposure,) = [ln for ln in lines if ln.startswith("  [certain] c-004 ")]
    assert exposure.startswith("  [certain] c-004 (returned by CA (Canada)): returned by CA on ")
    assert "CO (Colombia)" in exposure
    assert exposure.count("(Canada)") == 1


def test_ids_and_unknown_codes_are_left_as_they_are() -> None:
    """Rule: only a known code standing alone is named: ids, longer words and unknown codes stay."""
    named = with_country_names
    assert named("c-HT HTML ZZ UNHCR") == "c-HT HTML ZZ UNHCR"
    assert named("to HT then HT") == "to HT (Haiti) then HT"


# -- the day a check is made on -------------------------------------------------------


def _today_utc() -> set[str]:
    # Read before and after a run, so a run across midnight UTC cannot fail for that alone.
    return {dt.datetime.now(dt.timezone.utc).date().isoformat()}


@pytest.mark.parametrize("form", ["text", "json", "csv"])
def test_check_without_as_of_says_it_uses_today_on_standard_error(
    tmp_path: Path, form: str
) -> None:
    """Rule: `check` without --as-of says first, on standard error, that it checks as of today.

    The message names the day, and the day is the one the report is made on;
    standard output stays the report alone (one JSON document for json).
    Given --as-of, nothing is said.
    """
    _ledger(tmp_path, HAITI)
    before = _today_utc()
    done = run_command("check", "ledger.jsonl", "--format", form, cwd=tmp_path)
    days = before | _today_utc()
    first = done.stderr.splitlines()[0]
    (day,) = [d for d in days if d in first]
    assert first == f"assurance-ledger: checking as of today, {day} (UTC): no --as-of given"
    if form == "json":
        assert json.loads(done.stdout)["as_of"] == day
    elif form == "text":
        assert done.stdout.startswith(f"Report as of {day}\n")
    else:
        assert next(csv.DictReader(io.StringIO(done.stdout)))["as_of"] == day
    given = run_command("check", "ledger.jsonl", "--as-of", AS_OF, "--format", form, cwd=tmp_path)
    assert given.stderr == ""


def test_stats_without_as_of_says_it_counts_as_of_today(tmp_path: Path) -> None:
    """Rule: `stats` without --as-of says on standard error that it counts as of today."""
    _ledger(tmp_path, HAITI)
    before = _today_utc()
    done = run_command("stats", "ledger.jsonl", "--no-log", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert any(
        done.stderr == f"assurance-ledger: counting as of today, {day} (UTC): no --as-of given\n"
        for day in before | _today_utc()
    ), done.stderr


def test_demo_and_summary_never_speak_of_today() -> None:
    """Rule: `demo` checks as of its own day, `summary` needs none: neither speaks of today."""
    for args in (("demo",), ("summary", str(EXAMPLE))):
        done = run_command(*args, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        assert "today" not in done.stderr + done.stdout


# -- a country's name where its code belongs ----------------------------------------------


@pytest.mark.parametrize(
    ("given", "code"),
    [("Canada", "CA"), ("canada", "CA"), ("UNITED STATES", "US"), ("Haiti", "HT")],
)
def test_a_country_name_as_the_recording_party_is_refused_with_its_code(
    tmp_path: Path, given: str, code: str
) -> None:
    """Rule: `append --recorded-by NAME` of a country (any case): exit 2, its code, no append."""
    ledger = _ledger(tmp_path, HAITI[:2])
    before = _files(tmp_path)
    done = run_command("append", ledger.name, "records.jsonl", "--recorded-by", given, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert f"did you mean {code}?" in done.stderr
    assert "Traceback" not in done.stderr
    assert _files(tmp_path) == before


@pytest.mark.parametrize("party", ["UNHCR", "Amnesty International", "Atlantis"])
def test_an_organisation_or_unknown_name_is_still_accepted(tmp_path: Path, party: str) -> None:
    """Rule: a party that is not a country's name (an organisation, any other text) is recorded."""
    ledger = _ledger(tmp_path, HAITI[:2])
    more = _records(tmp_path / "more.jsonl", [HAITI[2]])
    done = run_command(
        "append",
        ledger.name,
        more.name,
        "--recorded-by",
        party,
        "--recorded-at",
        RECORDED_AT,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(ledger.read_text().splitlines()[-1])["recorded_by"] == party


def test_reconcile_refuses_a_country_name_as_a_party(tmp_path: Path) -> None:
    """Rule: `reconcile --a-party Mexico` is refused with exit 2 and "did you mean MX?"."""
    ledger = _ledger(tmp_path, HAITI)
    for option, name, code in (("--a-party", "Mexico", "MX"), ("--b-party", "united states", "US")):
        done = run_command("reconcile", ledger.name, ledger.name, option, name, cwd=tmp_path)
        assert done.returncode == 2
        assert f"did you mean {code}?" in done.stderr
    agreed = run_command("reconcile", ledger.name, ledger.name, "--a-party", "CA", cwd=tmp_path)
    assert agreed.returncode == 0, agreed.stderr


# -- a records file given where a ledger is expected -----------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("check", "records.jsonl", "--as-of", AS_OF),
        ("verify", "records.jsonl"),
        ("show", "records.jsonl"),
        ("repair", "records.jsonl"),
        ("append", "records.jsonl", "more.jsonl", "--recorded-by", "CA"),
        ("export", "records.jsonl", "copy.sqlite"),
        ("reconcile", "ledger.jsonl", "records.jsonl"),
    ],
    ids=lambda args: args[0],
)
def test_a_records_file_given_as_a_ledger_is_named_as_one(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Rule: a records file where a ledger belongs says so, with exit 2, and nothing is written.

    Its first line is a record (a type, no seq or hash), so the command says
    "this looks like a records file: append it with assurance-ledger append"
    rather than that the chain is broken at seq 1.
    """
    _ledger(tmp_path, HAITI[:2])
    _records(tmp_path / "records.jsonl", HAITI)
    _records(tmp_path / "more.jsonl", [HAITI[2]])
    before = _files(tmp_path)
    done = run_command(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "assurance-ledger: records.jsonl: this looks like a records file: append it with "
        "assurance-ledger append LEDGER records.jsonl --recorded-by PARTY\n"
    )
    assert _files(tmp_path) == before


@pytest.mark.parametrize(
    ("first_line", "needle"),
    [
        ('{"seq": 1, "hash": "00", "type": "detained"}', "chain broken at seq 1"),
        ('{"kind": "detained"}', "chain broken at seq 1"),
        ("[1, 2]", "chain broken at seq 1"),
        ("not json", "chain broken at seq 1"),
        ('{"type": ' + "[" * 100_000 + "]" * 100_000 + "}", "chain broken at seq 1"),
        ("[" * 100_000 + "]" * 100_000, "chain broken at seq 1"),
    ],
)
def test_any_other_broken_first_line_keeps_the_chain_error(
    tmp_path: Path, first_line: str, needle: str
) -> None:
    """Rule: a first line that is no plain record (seq, hash, no type, no object): chain broken.

    Nested too deep for Python's JSON reader too: one message, no traceback.
    """
    (tmp_path / "ledger.jsonl").write_text(first_line + "\n", encoding="utf-8")
    done = run_command("check", "ledger.jsonl", "--as-of", AS_OF, cwd=tmp_path)
    assert done.returncode == 2
    assert needle in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "records file" not in done.stderr


def test_a_tampered_first_entry_of_a_ledger_is_still_a_broken_chain(tmp_path: Path) -> None:
    """Rule: a ledger whose first entry was edited reports the broken chain, not a records file."""
    ledger = _ledger(tmp_path, HAITI)
    lines = ledger.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace('"2020-03-01"', '"2020-03-02"', 1)
    ledger.write_text("".join(lines), encoding="utf-8")
    done = run_command("verify", ledger.name, cwd=tmp_path)
    assert done.returncode == 2
    assert "chain broken at seq 1" in done.stderr
    assert "records file" not in done.stderr


# -- --version ---------------------------------------------------------------------------------


def test_version_prints_the_package_version(tmp_path: Path) -> None:
    """Rule: `assurance-ledger --version` prints the command's name and the package version."""
    done = run_command("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout == f"assurance-ledger {assurance_ledger.__version__}\n"
