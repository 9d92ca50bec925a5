"""The installed `assurance-ledger` command, run as a user runs it.

Every test runs the installed entry point in a subprocess. To keep the file fast
on a small CI machine, the example ledger is built once per module (with the
command itself: ``init``, ``append``, ``export``) and copied where a test needs
it, and the table of bad inputs is run in parallel by one module fixture; each
bad input is still its own test, with its own directory and its own assertions.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from _cli_helpers import installed_command
from assurance_ledger import Ledger

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "canada-us-2020.jsonl"

#: When the example ledger is recorded: given with an offset, stored in UTC.
BASE_TIME = "2020-07-01T08:00:00-04:00"
BASE_TIME_UTC = "2020-07-01T12:00:00.000000Z"
AS_OF = "2020-06-30"

WORKERS = min(8, 2 * (os.cpu_count() or 1))

#: A valid record that the example ledger accepts as seq 34.
GOOD = (
    '{"type": "detained", "outcome_id": "o-100", "claimant_id": "c-001", "on": "2020-06-01",'
    ' "by": "US"}\n'
)


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command with ``args`` (in ``cwd``, if given) and capture what it prints."""
    return subprocess.run(
        [*installed_command(), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=cwd,
    )


def run_many(
    *commands: tuple[str, ...], cwd: Path | None = None
) -> list[subprocess.CompletedProcess[str]]:
    """Run independent commands at once (the CI machine has 2 cores); results in order."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(lambda args: run(*args, cwd=cwd), commands))


def _ok(result: subprocess.CompletedProcess[str], status: int = 0) -> str:
    """The standard output of a run that had to end with ``status`` and print no error."""
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


# -- the example ledger, built once --------------------------------------------------


@dataclass(frozen=True)
class Base:
    """The bundled example as a ledger, built once by the command, in both stores."""

    jsonl: bytes
    sqlite: bytes
    init_out: str
    append_out: str

    @property
    def lines(self) -> list[bytes]:
        """The stored entries, one canonical line each."""
        return self.jsonl.splitlines()

    def hash_of(self, seq: int) -> str:
        """The hash of entry ``seq``."""
        return str(json.loads(self.lines[seq - 1])["hash"])

    def put(self, directory: Path, name: str = "ledger.jsonl") -> Path:
        """A copy of the ledger at ``directory / name``; the suffix picks the store."""
        path = directory / name
        path.write_bytes(self.sqlite if path.suffix == ".sqlite" else self.jsonl)
        return path


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    """The example ledger: `init`, `append` (a time with an offset), `export` to SQLite."""
    directory = tmp_path_factory.mktemp("base")
    init_out = _ok(run("init", "ledger.jsonl", cwd=directory))
    append_out = _ok(
        run(
            "append",
            "ledger.jsonl",
            str(EXAMPLE),
            "--recorded-by",
            "CA",
            "--recorded-at",
            BASE_TIME,
            cwd=directory,
        )
    )
    _ok(run("export", "ledger.jsonl", "ledger.sqlite", cwd=directory))
    return Base(
        jsonl=(directory / "ledger.jsonl").read_bytes(),
        sqlite=(directory / "ledger.sqlite").read_bytes(),
        init_out=init_out,
        append_out=append_out,
    )


CHECK = ("check", "ledger.jsonl", "--as-of", AS_OF)


# -- every command, working ----------------------------------------------------------


def test_summary_of_the_example() -> None:
    """Rule: the main job reads the bundled example and prints one line per record type."""
    result = run("summary", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "claimant_returned: 7" in lines
    assert "assurance_given: 2" in lines
    assert lines[-1].startswith("33 records read")
    assert result.stderr == ""


def test_module_runs_too() -> None:
    """Rule: `python -m assurance_ledger` is the same command."""
    result = subprocess.run(
        [sys.executable, "-m", "assurance_ledger", "summary", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "claimant_returned: 7" in result.stdout


def test_init_creates_an_empty_ledger_of_either_kind(base: Base, tmp_path: Path) -> None:
    """Rule: `init` creates a new, empty ledger (JSON Lines or SQLite) that verifies."""
    assert base.init_out == "created an empty ledger at ledger.jsonl\n"
    out = _ok(run("init", "new.sqlite", cwd=tmp_path))
    assert out == "created an empty ledger at new.sqlite\n"
    out = _ok(run("verify", "new.sqlite", cwd=tmp_path))
    assert out == f"new.sqlite: verified: 0 entries, head {'0' * 64}\n"


def test_append_stores_every_record_at_the_given_time_in_utc(base: Base) -> None:
    """Rule: `append` adds a records file as one batch; a time with an offset is stored in UTC."""
    assert base.append_out == "appended 33 entries (seq 1 to 33)\n"
    entries = [json.loads(line) for line in base.lines]
    assert [e["seq"] for e in entries] == list(range(1, 34))
    assert {e["recorded_at"] for e in entries} == {BASE_TIME_UTC}
    assert {e["recorded_by"] for e in entries} == {"CA"}


def test_append_takes_a_json_array_and_an_empty_file(base: Base, tmp_path: Path) -> None:
    """Rule: `append` reads a JSON array too (into SQLite here); an empty file appends nothing."""
    ledger = base.put(tmp_path, "ledger.sqlite")
    untouched = base.put(tmp_path, "untouched.jsonl")
    released = {**json.loads(GOOD), "type": "released", "outcome_id": "o-101", "on": "2020-06-09"}
    (tmp_path / "array.json").write_text(json.dumps([json.loads(GOOD), released]))
    (tmp_path / "empty.jsonl").write_bytes(b"")
    by = ("--recorded-by", "UNHCR", "--recorded-at", "2020-07-02T00:00:00Z")
    appended, nothing = run_many(
        ("append", "ledger.sqlite", "array.json", *by),
        ("append", "untouched.jsonl", "empty.jsonl", *by),
        cwd=tmp_path,
    )
    assert _ok(appended) == "appended 2 entries (seq 34 to 35)\n"
    with Ledger.open(ledger) as reopened:
        assert len(reopened) == 35
        assert reopened.entry(35).recorded_by == "UNHCR"
        assert reopened.entry(35).recorded_at == "2020-07-02T00:00:00.000000Z"
    assert _ok(nothing) == "nothing to append\n"
    assert untouched.read_bytes() == base.jsonl


def test_check_in_text_json_and_csv_says_the_same(base: Base, tmp_path: Path) -> None:
    """Rule: the text, JSON and CSV reports list the same findings, as of the given day."""
    base.put(tmp_path)
    as_json, as_text, as_csv = run_many(
        (*CHECK, "--format", "json"), CHECK, (*CHECK, "--format", "csv"), cwd=tmp_path
    )
    report = json.loads(_ok(as_json, 1))  # exit 1: the example has certain breaches
    assert report["as_of"] == AS_OF
    assert set(report) == {
        "as_of",
        "pending_requests",
        "breaches",
        "unassured_returns",
        "exposures",
        "at_risk",
        "summary",
    }
    breaches = report["breaches"]
    certain = [b for b in breaches if b["certainty"] == "certain"]
    assert {(b["claimant_id"], b["commitment"]) for b in certain} >= {
        ("c-001", "detention_limit"),
        ("c-002", "non_refoulement"),
    }
    assert breaches == sorted(
        breaches, key=lambda b: (b["claimant_id"], b["assurance_id"], b["commitment"])
    )
    assert [(e["claimant_id"], e["certainty"]) for e in report["exposures"]] == [
        ("c-003", "possible"),
        ("c-004", "certain"),
    ]
    assert [(a["claimant_id"], a["order"], a["grounds"]) for a in report["at_risk"]] == [
        ("c-007", 30, ["feared_country", "interim_measure", "no_final_decision"])
    ]

    text = _ok(as_text, 1).splitlines()
    assert text[0] == f"Report as of {AS_OF}"
    possible = len(breaches) - len(certain)
    assert f"Breaches: {len(breaches)} ({len(certain)} certain, {possible} possible)" in text
    for b in breaches:
        why = ", ".join(reason.replace("_", " ") for reason in b["reasons"])
        bracket = f"[{b['certainty']}: {why}]" if why else f"[{b['certainty']}]"
        start = f"  {bracket} {b['claimant_id']} / {b['assurance_id']} / {b['commitment']}"
        assert any(line.startswith(start) for line in text), start

    rows = list(csv.DictReader(io.StringIO(_ok(as_csv, 1))))
    found = [r for r in rows if r["finding"] == "breach"]
    assert [(r["claimant_id"], r["commitment"], r["certainty"]) for r in found] == [
        (b["claimant_id"], b["commitment"], b["certainty"]) for b in breaches
    ]
    assert [r["evidence"] for r in found] == [" ".join(map(str, b["evidence"])) for b in breaches]
    assert [r["reasons"] for r in found] == [" ".join(b["reasons"]) for b in breaches]
    assert {r["as_of"] for r in rows} == {AS_OF}
    assert {"exposure", "unassured_return", "at_risk"} <= {r["finding"] for r in rows}
    assert "At risk now: 1" in text


def test_check_as_of_a_day_before_the_assurance_finds_no_breach(base: Base, tmp_path: Path) -> None:
    """Rule: `--as-of` is the evaluation day: facts and deadlines after it do not count yet."""
    base.put(tmp_path)
    out = _ok(
        run("check", "ledger.jsonl", "--as-of", "2020-03-21", "--format", "json", cwd=tmp_path)
    )
    report = json.loads(out)
    assert report["as_of"] == "2020-03-21"
    assert report["breaches"] == []
    assert report["exposures"] == []


def test_check_as_recorded_reproduces_an_earlier_report(base: Base, tmp_path: Path) -> None:
    """Rule: `--as-recorded T` checks only entries recorded by T, so an old report comes back."""
    base.put(tmp_path)
    original = _ok(run(*CHECK, "--format", "json", cwd=tmp_path), 1)
    (tmp_path / "late.jsonl").write_text(
        '{"type": "admitted_to_procedure", "outcome_id": "o-100", "claimant_id": "c-002",'
        ' "on": "2020-04-05", "by": "US"}\n'
    )
    by = ("--recorded-by", "UNHCR", "--recorded-at", "2020-08-01T00:00:00+02:00")
    out = _ok(run("append", "ledger.jsonl", "late.jsonl", *by, cwd=tmp_path))
    assert out.endswith("(seq 34 to 34)\n")
    stored = json.loads((tmp_path / "ledger.jsonl").read_bytes().splitlines()[-1])
    assert stored["recorded_at"] == "2020-07-31T22:00:00.000000Z"

    now, then = run_many(
        (*CHECK, "--format", "json"),
        (*CHECK, "--format", "json", "--as-recorded", "2020-07-31T23:59:59+02:00"),
        cwd=tmp_path,
    )
    assert _ok(now, 1) != original  # the late admission answers a breach
    assert _ok(then, 1) == original  # one second before it was recorded: as it was


def test_fail_on_sets_the_exit_status(base: Base, tmp_path: Path) -> None:
    """Rule: exit 1 when breaches at or above `--fail-on` exist, else 0 (a clean ledger: 0)."""
    given = (
        '{"type": "assurance_given", "assurance_id": "a-1", "given_by": "US", "given_to": "CA",'
        ' "on": "2020-03-20", "form": "diplomatic_note", "commitments": [{"kind":'
        ' "non_refoulement"}, {"kind": "access_to_procedure", "within_days": 14}]}\n'
        '{"type": "claimant_returned", "claimant_id": "c-1", "on": "2020-03-22", "returned_by":'
        ' "CA", "returned_to": "US", "crossing": "between_ports", "nationalities": ["HT"]}\n'
    )
    admitted = (
        '{"type": "admitted_to_procedure", "outcome_id": "o-1", "claimant_id": "c-1",'
        ' "on": "2020-03-30", "by": "US"}\n'
    )
    # "possible": no admission recorded by as_of, a missing record, so only a possible breach
    for name, text in (("clean", given + admitted), ("possible", given)):
        (tmp_path / f"{name}.records").write_text(text)
        with Ledger.open(tmp_path / f"{name}.jsonl", create=True) as ledger:
            ledger.append_file(
                tmp_path / f"{name}.records", recorded_by="CA", recorded_at="2020-04-01T00:00:00Z"
            )
    base.put(tmp_path)
    cases = {
        ("clean.jsonl", "possible"): 0,
        ("possible.jsonl", "certain"): 0,
        ("possible.jsonl", "possible"): 1,
        ("ledger.jsonl", "certain"): 1,
    }
    results = run_many(
        *(("check", name, "--as-of", AS_OF, "--fail-on", fail_on) for name, fail_on in cases),
        cwd=tmp_path,
    )
    for (name, fail_on), result in zip(cases, results, strict=True):
        assert result.returncode == cases[name, fail_on], (name, fail_on, result.stderr)
        assert result.stdout.startswith(f"Report as of {AS_OF}")
    clean, possible = results[0].stdout, results[1].stdout
    assert "Breaches: 0 (0 certain, 0 possible)" in clean
    assert "Breaches: 1 (0 certain, 1 possible)" in possible


def test_verify_the_chain_and_a_witnessed_head(base: Base, tmp_path: Path) -> None:
    """Rule: `verify` checks the chain; with `--expect SEQ:HASH`, that seq still has that hash."""
    base.put(tmp_path)
    base.put(tmp_path, "ledger.sqlite")
    head = base.hash_of(33)
    plain, witnessed, mismatched = run_many(
        ("verify", "ledger.jsonl"),
        ("verify", "ledger.sqlite", "--expect", f"12:{base.hash_of(12)}"),
        ("verify", "ledger.jsonl", "--expect", f"33:{base.hash_of(32)}"),
        cwd=tmp_path,
    )
    assert _ok(plain) == f"ledger.jsonl: verified: 33 entries, head {head}\n"
    assert _ok(witnessed) == f"ledger.sqlite: verified: 33 entries, head {head}\n"
    assert mismatched.returncode == 2
    assert mismatched.stdout == ""
    assert "Traceback" not in mismatched.stderr
    assert "ledger.jsonl: chain broken at seq 33" in mismatched.stderr
    assert f"does not have the witnessed hash {base.hash_of(32)}" in mismatched.stderr


def test_show_the_current_view_and_one_timeline(base: Base, tmp_path: Path) -> None:
    """Rule: `show` lists every fact as corrected; `--claimant` gives one timeline in date order."""
    base.put(tmp_path)
    every, one = run_many(
        ("show", "ledger.jsonl"), ("show", "ledger.jsonl", "--claimant", "c-003"), cwd=tmp_path
    )
    lines = _ok(every).splitlines()
    assert [int(line.split()[1]) for line in lines] == [s for s in range(1, 34) if s != 21]
    released = lines[6]  # seq 7, corrected by the correction at seq 21
    assert released.startswith("seq      7  2020-04-21")  # the corrected date
    assert released.endswith("(corrected by seq 21)")

    timeline = [line for line in _ok(one).splitlines() if line.startswith("seq ")]
    assert [int(line.split()[1]) for line in timeline] == [4, 12, 13, 14, 15]
    assert all("claimant_id=c-003" in line for line in timeline)


def test_export_and_import_copy_lines_byte_for_byte(base: Base, tmp_path: Path) -> None:
    """Rule: `import` and `export` copy a ledger between JSON Lines and SQLite, byte for byte."""
    base.put(tmp_path)
    out = _ok(run("import", "ledger.jsonl", "copy.sqlite", cwd=tmp_path))
    assert out == "copied 33 entries from ledger.jsonl to copy.sqlite\n"
    with Ledger.open(tmp_path / "copy.sqlite") as copied:
        assert list(copied.lines()) == base.lines
    out = _ok(run("export", "copy.sqlite", "back.jsonl", cwd=tmp_path))
    assert out == "copied 33 entries from copy.sqlite to back.jsonl\n"
    assert (tmp_path / "back.jsonl").read_bytes() == base.jsonl


def test_repair_cuts_off_a_torn_last_line_only(base: Base, tmp_path: Path) -> None:
    """Rule: `repair` removes half a line appended by an interrupted write, and nothing else."""
    torn = tmp_path / "ledger.jsonl"
    torn.write_bytes(base.jsonl + base.lines[0][:40])
    out = _ok(run("repair", "ledger.jsonl", cwd=tmp_path))
    assert out == "ledger.jsonl: removed an unfinished append of 40 bytes; 33 entries remain\n"
    assert torn.read_bytes() == base.jsonl
    again, verified = run_many(("repair", "ledger.jsonl"), ("verify", "ledger.jsonl"), cwd=tmp_path)
    assert _ok(again) == "ledger.jsonl: nothing to repair: 33 entries\n"
    assert _ok(verified).startswith("ledger.jsonl: verified: 33 entries")


def test_demo_checks_the_bundled_example() -> None:
    """Rule: `demo` needs no file, shows the example's report as of 2020-06-30 and exits 0."""
    out = _ok(run("demo"))
    assert "33 entries; chain verified: 33 entries, head " in out
    assert f"Report as of {AS_OF}" in out
    assert "certain] c-002 / a-ca-us-2020 / non_refoulement" in out
    assert "Exposures: 2" in out
    assert "[possible: coverage uncertain] c-003 / a-ca-us-2020 / non_refoulement" in out
    # c-006 was removed despite the Committee against Torture's interim measure;
    # c-007 is ordered removed to Afghanistan, under a measure, with no decision.
    assert "[certain] c-006 / a-ca-us-2020-c006 / respect_interim_measures" in out
    assert "At risk now: 1" in out
    assert "  c-007 [feared country, interim measure, no final decision]: " in out


def test_check_fail_on_at_risk_exits_1_while_anyone_is_at_risk(base: Base, tmp_path: Path) -> None:
    """Rule: `check --fail-on at-risk` exits 1 when anyone is at risk now, else 0.

    On the example c-007's order (seq 30) is outstanding. A release from
    detention does not end it (docs/format.md: only a removal, departure or
    custody transfer on or after the order does); their departure does,
    whatever the breaches (the example has certain ones).
    """
    base.put(tmp_path)
    check_at_risk = ("check", "ledger.jsonl", "--as-of", AS_OF, "--fail-on", "at-risk")
    assert json.loads(_ok(run(*check_at_risk, "--format", "json", cwd=tmp_path), 1))["at_risk"]
    later = '"claimant_id": "c-007", "on": "2020-06-20"'
    (tmp_path / "released.jsonl").write_text(
        f'{{"type": "released", "outcome_id": "o-200", {later}, "by": "US"}}\n', "utf-8"
    )
    (tmp_path / "departed.jsonl").write_text(
        f'{{"type": "departed", "outcome_id": "o-201", {later}, "to": "DE"}}\n', "utf-8"
    )
    append = ("append", "ledger.jsonl")
    _ok(run(*append, "released.jsonl", "--recorded-by", "CA", cwd=tmp_path))
    _ok(run(*check_at_risk, cwd=tmp_path), 1)
    _ok(run(*append, "departed.jsonl", "--recorded-by", "CA", cwd=tmp_path))
    report = json.loads(_ok(run(*check_at_risk, "--format", "json", cwd=tmp_path), 0))
    assert report["at_risk"] == []
    assert report["summary"]["breaches"]  # breaches remain: they do not fail at-risk


def test_the_demo_says_why_each_possible_finding_is_possible_in_text_and_json() -> None:
    """Rule: the demo gives every possible breach its reasons, the same in text and JSON.

    The ten possible breaches of the example each have reasons (what they
    are is pinned in tests/test_example.py); the certain ones have none.
    """
    text = _ok(run("demo"))
    out = _ok(run("demo", "--format", "json"))
    report = json.loads(out[out.index("{") :])
    possible = [b for b in report["breaches"] if b["certainty"] == "possible"]
    assert len(possible) == 10
    assert all(b["reasons"] for b in possible)
    assert all(not b["reasons"] for b in report["breaches"] if b["certainty"] == "certain")
    for b in possible:
        why = ", ".join(reason.replace("_", " ") for reason in b["reasons"])
        line = f"[possible: {why}] {b['claimant_id']} / {b['assurance_id']} / {b['commitment']}:"
        assert line in text


# -- bad input: exit 2, one message, nothing changed ---------------------------------


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'{"type": "detained",\n', "line 1: (top level): expected valid JSON"),
        (b'{"type": "nope"}\n', "line 1: type: expected one of"),
        (
            b'{"type":"detained","outcome_id":"o","claimant_id":"c","on":"2020-02-30","by":"US"}',
            "line 1: on: expected a real calendar date",
        ),
        (b"\xff\xfe\x00", "expected UTF-8 text"),
        (
            b'\n\n{"type":"detained","outcome_id":"o","claimant_id":"c","on":"2020","by":"us"}',
            "line 3: by: expected an ISO 3166-1 alpha-2 country code",
        ),
    ],
)
def test_bad_input_exits_2_without_traceback(tmp_path: Path, content: bytes, needle: str) -> None:
    """Rule: bad input gives exit 2 and a message naming line, field and expectation."""
    path = tmp_path / "records.jsonl"
    path.write_bytes(content)
    result = run("summary", str(path))
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_file_and_usage_errors_exit_2(tmp_path: Path) -> None:
    """Rule: a missing file, a directory, or a bad command line is exit 2 with one message."""
    for args in (("summary", str(tmp_path / "missing.jsonl")), ("summary", str(tmp_path)), ()):
        result = run(*args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
        assert result.stderr.strip(), args


Setup = Callable[[Path, Base], None]


def _file(name: str, content: str | bytes) -> Setup:
    """A setup step that writes ``content`` to ``name``."""

    def make(directory: Path, base: Base) -> None:
        data = content.encode() if isinstance(content, str) else content
        (directory / name).write_bytes(data)

    return make


def _directory(name: str) -> Setup:
    """A setup step that makes a directory ``name``."""
    return lambda directory, base: (directory / name).mkdir()


def _broken_jsonl(directory: Path, base: Base) -> None:
    """broken.jsonl: the example with one byte of seq 3 (c-002's return) edited by hand."""
    at = base.jsonl.index(b"c-002") + 4
    (directory / "broken.jsonl").write_bytes(base.jsonl[:at] + b"X" + base.jsonl[at + 1 :])


def _broken_sqlite(directory: Path, base: Base) -> None:
    """broken.sqlite: the example with one byte of seq 3 edited in its row."""
    path = base.put(directory, "broken.sqlite")
    db = sqlite3.connect(path)
    try:
        (line,) = db.execute("SELECT line FROM entries WHERE seq = 3").fetchone()
        edited = bytes(line).replace(b"c-002", b"c-00X")
        db.execute("UPDATE entries SET line = ? WHERE seq = 3", (edited,))
        db.commit()
    finally:
        db.close()


def _torn(directory: Path, base: Base) -> None:
    """torn.jsonl: the example with half a line appended by hand."""
    (directory / "torn.jsonl").write_bytes(base.jsonl + base.lines[1][:50])


def _journaled(directory: Path, base: Base) -> None:
    """journaled.jsonl: the example, with the journal of an interrupted batch left beside it."""
    base.put(directory, "journaled.jsonl")
    (directory / "journaled.jsonl.pending").write_text(f'{{"size_before": {len(base.jsonl)}}}')


def _not_a_ledger(directory: Path, base: Base) -> None:
    """other.sqlite: an SQLite database of something else."""
    db = sqlite3.connect(directory / "other.sqlite")
    try:
        db.execute("CREATE TABLE notes (body TEXT)")
        db.execute("INSERT INTO notes VALUES ('not a ledger')")
        db.commit()
    finally:
        db.close()


def _records(*lines: str) -> Setup:
    """records.jsonl with these lines."""
    return _file("records.jsonl", "".join(line + "\n" for line in lines))


def _outcome(**fields: object) -> str:
    """A JSON line of a detention of c-001, with ``fields`` changed or added."""
    return json.dumps({**json.loads(GOOD), **fields})


RETURN_C001 = json.dumps(
    {
        "type": "claimant_returned",
        "claimant_id": "c-001",
        "on": "2020-05-02",
        "returned_by": "CA",
        "returned_to": "US",
        "crossing": "between_ports",
        "nationalities": ["HT"],
    }
)
APPEND = ("append", "ledger.jsonl", "records.jsonl", "--recorded-by", "CA")
APPEND_GOOD = ("append", "ledger.jsonl", "good.jsonl", "--recorded-by", "CA")
CHAIN_BROKEN = "broken.jsonl: chain broken at seq 3: its bytes do not match its hash"
TORN = "torn.jsonl: the last line is unfinished (50 bytes after entry 33); run repair"
NOT_A_LEDGER = "other.sqlite: an SQLite database, but not a ledger"
NO_KIND = "cannot tell the kind of store: name it with .jsonl"
HEX = "a" * 64


@dataclass(frozen=True)
class Bad:
    """A bad command line: the files it needs, and what its one error message must say.

    Every case directory also holds ``ledger.jsonl`` and ``ledger.sqlite`` (the
    example) and ``good.jsonl`` (one valid record). ``bug`` marks a known bug:
    the case states the right behaviour and is expected to fail until fixed.
    """

    name: str
    args: tuple[str, ...]
    needles: tuple[str, ...]
    setup: tuple[Setup, ...] = ()
    bug: str = ""


BAD = [
    # files that are missing or are not files
    Bad("missing-ledger", ("check", "missing.jsonl"), ("missing.jsonl: no such ledger",)),
    Bad("missing-ledger-verify", ("verify", "missing.sqlite"), ("missing.sqlite: no such ledger",)),
    Bad("missing-ledger-repair", ("repair", "missing.jsonl"), ("missing.jsonl: no such ledger",)),
    Bad(
        "missing-records",
        ("append", "ledger.jsonl", "missing.jsonl", "--recorded-by", "CA"),
        ("missing.jsonl: cannot read: No such file or directory",),
    ),
    Bad(
        "missing-import-source",
        ("import", "missing.jsonl", "new.sqlite"),
        ("missing.jsonl: no such ledger",),
    ),
    Bad(
        "records-is-a-directory",
        ("append", "ledger.jsonl", "records", "--recorded-by", "CA"),
        ("records: cannot read: a directory, not a regular file",),
        (_directory("records"),),
    ),
    Bad(
        "ledger-is-a-directory",
        ("check", "folder.jsonl"),
        ("folder.jsonl: not a file",),
        (_directory("folder.jsonl"),),
    ),
    Bad(
        "init-in-a-missing-directory",
        ("init", "nowhere/new.jsonl"),
        ("nowhere/new.jsonl: cannot create: No such file or directory",),
    ),
    # records the format refuses
    Bad(
        "malformed-json-line",
        APPEND,
        ("records.jsonl: 1 problem found", "line 2: (top level): expected valid JSON"),
        (_records(GOOD.strip(), '{"type": "detained",'),),
    ),
    Bad(
        "unknown-type",
        APPEND,
        ("records.jsonl: 1 problem found", "line 1: type: expected one of", "got 'nope'"),
        (_records('{"type": "nope"}'),),
    ),
    Bad(
        "impossible-date",
        APPEND,
        ("line 1: on: expected a real calendar date, got '2020-02-30'",),
        (_records(_outcome(on="2020-02-30")),),
    ),
    Bad(
        "unknown-country",
        APPEND,
        ("line 1: by: expected an ISO 3166-1 alpha-2 country code", "got 'XX'"),
        (_records(_outcome(by="XX")),),
    ),
    Bad(
        "unknown-field",
        APPEND,
        ("line 1: colour: expected no such field",),
        (_records(_outcome(colour="red")),),
    ),
    Bad(
        "not-utf8",
        APPEND,
        ("records.jsonl: 1 problem found", "expected UTF-8 text"),
        (_file("records.jsonl", b'\xff{"type": "detained"}\n'),),
    ),
    Bad(
        "every-bad-line-at-once",
        APPEND,
        ("records.jsonl: 2 problems found", "line 1: by:", "line 3: on:"),
        (_records(_outcome(by="us"), GOOD.strip(), _outcome(outcome_id="o-101", on="2020-13")),),
    ),
    # records the ledger's rules refuse
    Bad(
        "duplicate-claimant-id",
        ("append", "ledger.sqlite", "records.jsonl", "--recorded-by", "CA"),
        ("records.jsonl: line 1: seq 34: claimant_id: expected a claimant_id never recorded",),
        (_records(RETURN_C001),),
    ),
    Bad(
        "duplicate-within-the-file",
        APPEND,
        ("records.jsonl: line 2: seq 35: outcome_id: expected an outcome_id never recorded",),
        (_records(GOOD.strip(), GOOD.strip()),),
    ),
    Bad(
        "outcome-for-unknown-claimant",
        APPEND,
        ("line 1: seq 34: claimant_id: expected a claimant whose return is recorded", "'c-999'"),
        (_records(_outcome(claimant_id="c-999")),),
    ),
    Bad(
        "outcome-before-the-return",
        APPEND,
        ("line 1: seq 34: on: expected a date that could be on or after the claimant's return",),
        (_records(_outcome(on="2020-02")),),
    ),
    # a ledger file edited by hand: every command refuses it
    *(
        Bad(f"broken-chain-{name}", args, (CHAIN_BROKEN,), (_broken_jsonl,))
        for name, args in (
            ("check", ("check", "broken.jsonl", "--as-of", AS_OF)),
            ("verify", ("verify", "broken.jsonl")),
            ("show", ("show", "broken.jsonl")),
            ("append", ("append", "broken.jsonl", "good.jsonl", "--recorded-by", "CA")),
            ("export", ("export", "broken.jsonl", "copy.sqlite")),
        )
    ),
    Bad(
        "broken-chain-sqlite",
        ("check", "broken.sqlite", "--as-of", AS_OF),
        ("broken.sqlite: chain broken at seq 3: its bytes do not match its hash",),
        (_broken_sqlite,),
    ),
    # a ledger file with half a line appended by hand, or an interrupted batch
    Bad("torn-check", ("check", "torn.jsonl", "--as-of", AS_OF), (TORN,), (_torn,)),
    Bad(
        "torn-append",
        ("append", "torn.jsonl", "good.jsonl", "--recorded-by", "CA"),
        (TORN,),
        (_torn,),
    ),
    Bad(
        "interrupted-batch-append",
        ("append", "journaled.jsonl", "good.jsonl", "--recorded-by", "CA"),
        ("journaled.jsonl: an append was interrupted", "run repair"),
        (_journaled,),
    ),
    # who and when
    Bad(
        "missing-recorded-by",
        ("append", "ledger.jsonl", "good.jsonl"),
        ("the following arguments are required: --recorded-by",),
    ),
    Bad(
        "bad-recorded-by",
        ("append", "ledger.jsonl", "good.jsonl", "--recorded-by", "ca"),
        ("recorded_by: expected a country code like 'CA'", "got 'ca'"),
    ),
    Bad(
        "naive-recorded-at",
        (*APPEND_GOOD, "--recorded-at", "2020-07-02T00:00:00"),
        ("recorded_at: expected a time with a UTC offset or Z",),
    ),
    Bad(
        "recorded-at-not-a-time",
        (*APPEND_GOOD, "--recorded-at", "soon"),
        ("recorded_at: expected an ISO 8601 time with an offset", "got 'soon'"),
    ),
    Bad(
        "recorded-at-before-the-last-entry",
        (*APPEND_GOOD, "--recorded-at", "2020-07-01T11:59:59Z"),
        (f"recorded_at: expected a time on or after the last entry's ({BASE_TIME_UTC}, seq 33)",),
    ),
    # options of check, verify and show
    Bad("as-of-not-a-date", ("check", "ledger.jsonl", "--as-of", "soon"), ("as_of", "'soon'")),
    Bad("as-of-a-month", ("check", "ledger.jsonl", "--as-of", "2020-06"), ("as_of", "'2020-06'")),
    Bad(
        "as-recorded-not-a-time",
        ("check", "ledger.jsonl", "--as-recorded", "soon"),
        ("recorded_at: expected an ISO 8601 time", "'soon'"),
    ),
    Bad(
        "unknown-format",
        ("check", "ledger.jsonl", "--format", "xml"),
        ("argument --format: invalid choice: 'xml'",),
    ),
    Bad(
        "expect-short-hash",
        ("verify", "ledger.jsonl", "--expect", "22:abc"),
        ("--expect: expected SEQ:HASH", "got '22:abc'"),
    ),
    Bad(
        "expect-beyond-the-end",
        ("verify", "ledger.jsonl", "--expect", f"99:{HEX}"),
        ("the ledger ends at seq 33, but seq 99 was witnessed",),
    ),
    Bad(
        "show-unknown-claimant",
        ("show", "ledger.jsonl", "--claimant", "c-999"),
        ("ledger.jsonl: no claimant 'c-999'",),
    ),
    # files of the wrong kind
    Bad(
        "unknown-suffix",
        ("check", "ledger.txt"),
        (f"ledger.txt: {NO_KIND}",),
        (lambda directory, base: base.put(directory, "ledger.txt"),),
    ),
    Bad("init-unknown-suffix", ("init", "new.txt"), (f"new.txt: {NO_KIND}",)),
    Bad("export-unknown-suffix", ("export", "ledger.jsonl", "copy.txt"), (f"copy.txt: {NO_KIND}",)),
    Bad("sqlite-not-a-ledger", ("check", "other.sqlite"), (NOT_A_LEDGER,), (_not_a_ledger,)),
    Bad(
        "append-to-sqlite-not-a-ledger",
        ("append", "other.sqlite", "good.jsonl", "--recorded-by", "CA"),
        (NOT_A_LEDGER,),
        (_not_a_ledger,),
    ),
    Bad(
        "not-sqlite-at-all",
        ("verify", "notes.sqlite"),
        ("notes.sqlite: cannot use as SQLite: file is not a database",),
        (_file("notes.sqlite", "plain text, not a database\n"),),
    ),
    # targets that already exist
    Bad(
        "export-to-existing-target",
        ("export", "ledger.jsonl", "ledger.sqlite"),
        ("ledger.sqlite: already exists (export only to a new ledger)",),
    ),
    Bad(
        "import-into-existing-ledger",
        ("import", "ledger.sqlite", "ledger.jsonl"),
        ("ledger.jsonl: already exists",),
    ),
    Bad("init-existing", ("init", "ledger.jsonl"), ("ledger.jsonl: already exists",)),
    # the command line itself
    Bad("unknown-command", ("frobnicate",), ("invalid choice: 'frobnicate'",)),
    Bad("no-command", (), ("the following arguments are required: COMMAND",)),
    Bad("no-ledger-argument", ("check",), ("the following arguments are required: ledger",)),
    # known bugs: the right behaviour, expected to fail until fixed
    Bad(
        "recorded-at-out-of-range",
        (*APPEND_GOOD, "--recorded-at", "9999-12-31T23:59:59-01:00"),
        ("recorded_at",),
    ),
    Bad(
        "as-recorded-out-of-range",
        ("check", "ledger.jsonl", "--as-recorded", "0001-01-01T00:00:00+01:00"),
        ("recorded_at",),
    ),
    Bad(
        "naive-recorded-at-quotes-the-input",
        (*APPEND_GOOD, "--recorded-at", "2020-07-02T00:00:00"),
        ("got '2020-07-02T00:00:00'",),
    ),
    Bad(
        "expect-hash-not-hex",
        ("verify", "ledger.jsonl", "--expect", f"22:{'g' * 64}"),
        ("--expect: expected SEQ:HASH",),
    ),
    Bad(
        "expect-seq-zero",
        ("verify", "ledger.jsonl", "--expect", f"0:{HEX}"),
        ("--expect",),
    ),
    Bad(
        "expect-empty",
        ("verify", "ledger.jsonl", "--expect", ""),
        ("--expect",),
    ),
    Bad(
        "as-of-empty",
        ("check", "ledger.jsonl", "--as-of", ""),
        ("--as-of: must not be empty",),
    ),
    Bad(
        "as-recorded-empty",
        ("check", "ledger.jsonl", "--as-of", AS_OF, "--as-recorded", ""),
        ("--as-recorded: must not be empty",),
    ),
    Bad(
        "show-empty-claimant",
        ("show", "ledger.jsonl", "--claimant", ""),
        ("--claimant: must not be empty",),
    ),
    Bad(
        "demo-bad-as-of-prints-nothing",
        ("demo", "--as-of", "2020-04"),
        ("as_of", "'2020-04'"),
    ),
    Bad(
        "missing-ledger-unknown-suffix",
        ("check", "missing.txt"),
        (f"missing.txt: {NO_KIND}",),
    ),
]


@dataclass(frozen=True)
class BadRun:
    """What one bad command printed, and its directory's files before and after."""

    result: subprocess.CompletedProcess[str]
    before: dict[str, bytes | None]
    after: dict[str, bytes | None]


def _snapshot(directory: Path) -> dict[str, bytes | None]:
    """Every file's bytes (``None`` for a directory) under ``directory``, by relative path."""
    return {
        str(path.relative_to(directory)): None if path.is_dir() else path.read_bytes()
        for path in sorted(directory.rglob("*"))
    }


@pytest.fixture(scope="module")
def bad_runs(base: Base, tmp_path_factory: pytest.TempPathFactory) -> dict[str, BadRun]:
    """Every bad case set up in its own directory, then all run at once (CI has 2 cores)."""
    root = tmp_path_factory.mktemp("bad")
    directories: dict[str, Path] = {}
    for case in BAD:
        directory = root / case.name
        directory.mkdir()
        base.put(directory, "ledger.jsonl")
        base.put(directory, "ledger.sqlite")
        (directory / "good.jsonl").write_text(GOOD)
        for make in case.setup:
            make(directory, base)
        directories[case.name] = directory
    before = {name: _snapshot(directory) for name, directory in directories.items()}
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(lambda c: run(*c.args, cwd=directories[c.name]), BAD))
    return {
        case.name: BadRun(result, before[case.name], _snapshot(directories[case.name]))
        for case, result in zip(BAD, results, strict=True)
    }


def _param(case: Bad) -> object:
    """The pytest parameter of a case: strict xfail when it states a known bug."""
    marks = [pytest.mark.xfail(strict=True, reason=f"BUG: {case.bug}")] if case.bug else []
    return pytest.param(case, id=case.name, marks=marks)


def test_the_bad_input_table_is_big_enough() -> None:
    """Rule: at least 25 distinct bad inputs are tested, each under its own name."""
    names = [case.name for case in BAD]
    assert len(set(names)) == len(names)
    assert len([case for case in BAD if not case.bug]) >= 25


@pytest.mark.parametrize("case", [_param(case) for case in BAD])
def test_bad_input_exits_2_with_one_message_and_changes_nothing(
    case: Bad, bad_runs: dict[str, BadRun]
) -> None:
    """Rule: bad input exits 2 with one clear message on stderr, and changes nothing.

    The message names the problem (the file, the line or seq, the field); there is
    no traceback, nothing on stdout, and every file (ledgers included) is
    byte-identical afterwards, with nothing created.
    """
    done = bad_runs[case.name]
    stderr = done.result.stderr
    assert "Traceback" not in stderr, stderr
    assert done.result.returncode == 2, stderr
    for needle in case.needles:
        assert needle in stderr, stderr
    messages = [line for line in stderr.splitlines() if line.startswith("assurance-ledger")]
    assert len(messages) == 1, stderr
    assert done.result.stdout == ""
    assert done.after == done.before


def test_expect_in_upper_case_is_not_a_rewritten_history(base: Base, tmp_path: Path) -> None:
    """Rule: the true head in upper-case hex is never reported as a rewritten history.

    Hex digits are case-blind: the command may accept it, or refuse it as a
    malformed option, but must not claim the ledger was rewritten.
    """
    base.put(tmp_path)
    result = run(
        "verify", "ledger.jsonl", "--expect", f"31:{base.hash_of(31).upper()}", cwd=tmp_path
    )
    assert "Traceback" not in result.stderr
    assert result.returncode in {0, 2}
    assert "rewritten" not in result.stderr
    assert "chain broken" not in result.stderr
