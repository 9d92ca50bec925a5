"""The file format as a promise: ledgers written by an earlier version open, verify and check.

``tests/saved/`` holds ledgers written once by version 0.1.0.dev0 (JSON Lines
and SQLite), with their heads, verifications and check reports as that version
gave them (``tests/saved/expected.json``). Every later version must open them,
verify them, re-encode every entry to the very bytes stored, and check them to
the same reports. The script that wrote them (``tests/saved/write_saved.py``)
is never run here: a deliberate change of rule re-pins a report in the same
commit as the rule, with a CHANGELOG line saying why.

Each test works on copies in ``tmp_path``, opened read-only, and the fixture
checks afterwards that the committed files are byte for byte what was written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _cli_helpers import run_main
from assurance_ledger import (
    DEFAULT_CODEC,
    GENESIS,
    Checkpoint,
    Ledger,
    canonical_json,
    check,
    reconcile,
)

SAVED = Path(__file__).resolve().parent / "saved"
EXPECTED: dict[str, Any] = json.loads((SAVED / "expected.json").read_text(encoding="utf-8"))
LEDGERS: dict[str, Any] = EXPECTED["ledgers"]
STORES = (".jsonl", ".sqlite")
CASES = [(name, suffix) for name in LEDGERS for suffix in STORES]
REPORTS = [
    (name, suffix, pinned)
    for name in LEDGERS
    for suffix in STORES
    for pinned in LEDGERS[name]["reports"]
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _committed_files() -> dict[Path, str]:
    """Every saved ledger file and the SHA-256 it was written with."""
    return {
        SAVED / file: digest
        for expected in LEDGERS.values()
        for file, digest in expected["sha256"].items()
    }


@pytest.fixture
def copy_of(tmp_path: Path) -> Iterator[Any]:
    """Copy a saved ledger into ``tmp_path``; afterwards, the originals must be unchanged."""

    def copy(name: str, suffix: str) -> Path:
        target = tmp_path / f"{name}{suffix}"
        shutil.copyfile(SAVED / f"{name}{suffix}", target)
        return target

    yield copy
    for path, digest in _committed_files().items():
        assert _digest(path) == digest, f"{path.name} was changed"


def test_the_saved_files_are_the_ones_written() -> None:
    """Rule: the committed ledgers are byte for byte the files version 0.1.0.dev0 wrote."""
    assert EXPECTED["written_by"] == "0.1.0.dev0"
    files = _committed_files()
    assert len(files) == 2 * len(LEDGERS) == 4
    for path, digest in files.items():
        assert _digest(path) == digest, f"{path.name} is not the file that was saved"


@pytest.mark.parametrize(("name", "suffix"), CASES)
def test_a_saved_ledger_opens_read_only_and_verifies(name: str, suffix: str, copy_of: Any) -> None:
    """Rule: a saved ledger opens read-only, verifies to its pinned head, and is left untouched.

    Opening, reading, verifying and checking change no byte of the file and
    leave no file beside it.
    """
    expected = LEDGERS[name]
    path = copy_of(name, suffix)
    before = path.read_bytes()
    with Ledger.open(path, readonly=True) as ledger:
        head = ledger.head
        assert head is not None
        assert (len(ledger), head.seq, head.hash) == (
            expected["entries"],
            expected["head"]["seq"],
            expected["head"]["hash"],
        )
        verification = ledger.verify(expected_head=(head.seq, expected["head"]["hash"]))
        assert verification.ok
        assert str(ledger.verify()) == expected["verify"]
        for pinned in expected["reports"]:
            check(ledger, pinned["as_of"])
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


@pytest.mark.parametrize(("name", "suffix"), CASES)
def test_every_saved_entry_re_encodes_to_its_stored_bytes(
    name: str, suffix: str, copy_of: Any
) -> None:
    """Rule: each stored entry is the canonical JSON of its fields, and its hash chains them.

    Decoding a record and encoding it again gives the bytes on disk, and the
    hash is the SHA-256 of the canonical JSON of the other five keys
    (docs/format.md, the ledger entry): no later version may read a stored entry as
    anything other than what was written.
    """
    path = copy_of(name, suffix)
    with Ledger.open(path, readonly=True) as ledger:
        lines = list(ledger.lines())
        entries = ledger.entries
    assert len(lines) == len(entries) == LEDGERS[name]["entries"]
    prev = GENESIS
    for entry, line in zip(entries, lines, strict=True):
        body = {
            "prev": entry.prev,
            "record": DEFAULT_CODEC.to_json(entry.record),
            "recorded_at": entry.recorded_at,
            "recorded_by": entry.recorded_by,
            "seq": entry.seq,
        }
        assert entry.prev == prev
        assert hashlib.sha256(canonical_json(body)).hexdigest() == entry.hash
        assert canonical_json({"hash": entry.hash, **body}) == line
        assert DEFAULT_CODEC.dumps(DEFAULT_CODEC.loads(canonical_json(body["record"]))) == (
            canonical_json(body["record"])
        )
        prev = entry.hash
    assert prev == LEDGERS[name]["head"]["hash"]


@pytest.mark.parametrize("name", list(LEDGERS))
def test_both_stores_hold_the_same_bytes(name: str, copy_of: Any) -> None:
    """Rule: both stores hold the same lines: a file of lines, or rows ``entries(seq, line)``.

    A JSON Lines file is its entries' lines, each ended by a newline; an
    SQLite ledger holds the same lines as blobs, by seq.
    """
    jsonl, sqlite = copy_of(name, ".jsonl"), copy_of(name, ".sqlite")
    with Ledger.open(jsonl, readonly=True) as ledger:
        lines = list(ledger.lines())
    assert jsonl.read_bytes() == b"".join(line + b"\n" for line in lines)
    db = sqlite3.connect(f"{sqlite.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        rows = db.execute("SELECT seq, line FROM entries ORDER BY seq").fetchall()
    finally:
        db.close()
    assert rows == [(seq, line) for seq, line in enumerate(lines, start=1)]


@pytest.mark.parametrize(("name", "suffix"), CASES)
def test_a_saved_ledger_exports_byte_for_byte(
    name: str, suffix: str, copy_of: Any, tmp_path: Path
) -> None:
    """Rule: exporting a saved ledger to either store writes exactly the saved entries."""
    path = copy_of(name, suffix)
    original_jsonl = (SAVED / f"{name}.jsonl").read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    with Ledger.open(path, readonly=True) as ledger:
        assert ledger.export(out / "copy.jsonl") == LEDGERS[name]["entries"]
        ledger.export(out / "copy.sqlite")
    assert (out / "copy.jsonl").read_bytes() == original_jsonl
    with Ledger.open(out / "copy.sqlite", readonly=True) as copy:
        assert b"".join(line + b"\n" for line in copy.lines()) == original_jsonl


@pytest.mark.parametrize(
    ("name", "suffix", "pinned"),
    REPORTS,
    ids=[f"{n}{s}-{p['file']}" for n, s, p in REPORTS],
)
def test_a_saved_ledger_checks_to_its_pinned_report(
    name: str, suffix: str, pinned: dict[str, Any], copy_of: Any
) -> None:
    """Rule: checking a saved ledger gives its pinned report, from the CLI and from ``check``.

    The command's JSON is the pinned file byte for byte, with the same exit
    status; ``check`` gives the same JSON value.
    """
    path = copy_of(name, suffix)
    text = (SAVED / pinned["file"]).read_text(encoding="utf-8")
    recorded = ["--as-recorded", pinned["as_recorded"]] if pinned["as_recorded"] else []
    status, out, err = run_main(
        "check", str(path), "--as-of", pinned["as_of"], *recorded, "--format", "json"
    )
    assert (status, err) == (pinned["exit"], "")
    assert out == text
    with Ledger.open(path, readonly=True) as ledger:
        view = ledger.as_recorded(pinned["as_recorded"]) if pinned["as_recorded"] else ledger
        assert check(view, pinned["as_of"]).to_json() == json.loads(text)


@pytest.mark.parametrize(("name", "suffix"), CASES)
def test_the_command_verifies_a_saved_ledger_against_its_head(
    name: str, suffix: str, copy_of: Any
) -> None:
    """Rule: ``assurance-ledger verify --expect SEQ:HASH`` accepts a saved ledger's pinned head."""
    expected = LEDGERS[name]
    path = copy_of(name, suffix)
    head = f"{expected['head']['seq']}:{expected['head']['hash']}"
    assert run_main("verify", str(path), "--expect", head) == (
        0,
        f"{path}: {expected['verify']}\n",
        "",
    )


def test_the_saved_checkpoint_witnesses_the_saved_example(copy_of: Any) -> None:
    """Rule: corrected-2020's checkpoint witnesses canada-us-2020's pinned head.

    Reconciling the two finds that head: no discrepancy is about the checkpoint.
    """
    example = LEDGERS["canada-us-2020"]["head"]
    with (
        Ledger.open(copy_of("corrected-2020", ".jsonl"), readonly=True) as ours,
        Ledger.open(copy_of("canada-us-2020", ".sqlite"), readonly=True) as theirs,
    ):
        witnessed = [f.record for f in ours.facts() if isinstance(f.record, Checkpoint)]
        assert [(c.ledger_of, c.seq, c.hash) for c in witnessed] == [
            ("US", example["seq"], example["hash"])
        ]
        result = reconcile(ours, theirs, a_party="CA", b_party="US")
    assert result.discrepancies  # two different stories: the comparison ran
    assert [d for d in result.discrepancies if d.subject == "checkpoint"] == []
