"""SQLite ledgers received from elsewhere: opened defensively, read without being changed.

Each test states one rule. The hostile corpus (``tests/test_hostile.py``, kind
``sqlite``) runs every hostile SQLite case through the library and the
command; this module covers what a corpus case cannot: the defects as a user
meets them with the installed command, reading without writing (journal modes,
read-only files, a write-ahead log in use, a hot journal), the read-only API,
and properties over random schemas and rows.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _cli_helpers import run_command, run_main
from _sqlite_cases import SCHEMA, edit, make_case, null_line, store_line
from assurance_ledger import (
    ChainBroken,
    ClaimantReturned,
    Ledger,
    LedgerError,
    ReadOnlyLedger,
    StoreError,
    open_store,
)
from assurance_ledger import _sqlite as sqlite_module
from assurance_ledger.codec import MAX_LINE_BYTES

HOSTILE = Path(__file__).with_name("hostile")
BASE_TIME = "2020-07-01T00:00:00Z"
AS_OF = "2020-06-30"
#: A record the base ledger accepts.
GOOD = (
    '{"type": "claimant_returned", "claimant_id": "c-50", "on": "2020-03-30",'
    ' "returned_by": "CA", "returned_to": "US", "nationalities": ["HT"]}\n'
)
ONE_GIB = 1 << 30
READERS = {
    "verify": ("verify", "ledger.sqlite"),
    "check": ("check", "ledger.sqlite", "--as-of", AS_OF),
    "show": ("show", "ledger.sqlite"),
}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The hostile corpus's base ledger (ten entries) as an SQLite file (write-ahead log)."""
    directory = tmp_path_factory.mktemp("base")
    with Ledger.open(directory / "base.sqlite", create=True) as ledger:
        ledger.append_file(HOSTILE / "base.jsonl", recorded_by="CA", recorded_at=BASE_TIME)
    return (directory / "base.sqlite").read_bytes()


def files(directory: Path) -> dict[str, tuple[str, int]]:
    """Every file in ``directory``: its sha256 and its modification time (ns), by name."""
    return {
        path.name: (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        for path in sorted(directory.iterdir())
    }


def journal_mode_in_header(path: Path) -> tuple[int, int]:
    """The file format's write and read versions (bytes 18 and 19): 1 rollback journal, 2 WAL."""
    header = path.read_bytes()[:20]
    return header[18], header[19]


def to_rollback_journal(path: Path) -> None:
    """Switch the ledger at ``path`` to a rollback journal, as another tool might leave it."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = DELETE")
    finally:
        db.close()
    assert journal_mode_in_header(path) == (1, 1)


def one_message(result: subprocess.CompletedProcess[str]) -> str:
    """The one error line of a run that had to exit 2 without a traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("assurance-ledger: ")
    return line


# -- defect: SQL in a received file ran in our process ---------------------------------------


def test_append_refuses_a_ledger_whose_trigger_would_delete_each_new_row(
    base: bytes, tmp_path: Path
) -> None:
    """Rule: append to a ledger holding a trigger exits 2 naming it, and stores nothing.

    The trigger (``AFTER INSERT ... DELETE``) used to run: append printed
    "appended 1 entry" and exited 0 with nothing stored. Now the schema is
    checked before any write; the file is byte-identical, nothing created.
    """
    make_case("sqlite-trigger-deletes-each-append", base, tmp_path / "ledger.sqlite")
    (tmp_path / "records.jsonl").write_text(GOOD)
    before = files(tmp_path)
    result = run_command(
        "append", "ledger.sqlite", "records.jsonl", "--recorded-by", "CA", cwd=tmp_path
    )
    line = one_message(result)
    assert "found a trigger named 'wipe' on 'entries'" in line
    assert files(tmp_path) == before


@pytest.mark.parametrize("case", ["sqlite-view-entries-zeroblob", "sqlite-view-entries-recursive"])
@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_view_named_entries_neither_exhausts_memory_nor_hangs(
    case: str, reader: str, base: bytes, tmp_path: Path
) -> None:
    """Rule: a view in place of the table is refused at once, within 1 GiB of memory.

    The installed command runs with its address space capped at 1 GiB and a
    timeout: a view of ``zeroblob(900000000)`` lines (which took 7 GB) or a
    recursive view (which made verify hang) is refused with one message, exit
    2, and the file is left as it was.
    """
    make_case(case, base, tmp_path / "ledger.sqlite")
    before = files(tmp_path)
    result = run_command(*READERS[reader], cwd=tmp_path, cap=ONE_GIB, timeout=30)
    assert "MemoryError" not in result.stderr
    assert "found a view named 'entries'" in one_message(result)
    assert files(tmp_path) == before


# -- defect: rows of the wrong type gave tracebacks --------------------------------------------


@pytest.mark.parametrize(
    ("case", "seq", "found"),
    [
        ("sqlite-line-as-text", 4, "stored as text"),
        ("sqlite-line-as-real", 4, "stored as real"),
        ("sqlite-line-as-huge-integer", 4, "stored as integer"),
        ("sqlite-line-as-null", 4, "stored as null"),
        ("sqlite-line-over-limit", 5, f"longer than {MAX_LINE_BYTES} bytes"),
    ],
)
def test_a_row_of_the_wrong_type_or_size_exits_2_naming_its_seq(
    case: str, seq: int, found: str, base: bytes, tmp_path: Path
) -> None:
    """Rule: verify of a row stored as TEXT, REAL, a huge integer, NULL or over 1 MiB exits 2.

    One message names the file and the seq, no traceback (it was a TypeError
    or a MemoryError), within 1 GiB of memory; the value itself is never
    fetched.
    """
    make_case(case, base, tmp_path / "ledger.sqlite")
    result = run_command("verify", "ledger.sqlite", cwd=tmp_path, cap=ONE_GIB)
    line = one_message(result)
    assert f"ledger.sqlite: chain broken at seq {seq}: " in line
    assert found in line


# -- defect: reading wrote the file --------------------------------------------------------------


def test_reading_a_rollback_journal_ledger_leaves_it_byte_identical(
    base: bytes, tmp_path: Path
) -> None:
    """Rule: verify, check and show of a rollback-journal ledger succeed and change nothing.

    Verify used to switch the file to write-ahead logging (rewriting its
    header), even when it then refused the ledger. Now the bytes, the
    modification time and the journal mode in the header are unchanged, and
    no ``-journal``, ``-wal`` or ``-shm`` file is left.
    """
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(base)
    to_rollback_journal(path)
    before = files(tmp_path)
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda args: run_command(*args, cwd=tmp_path), READERS.values()))
    for result in results:
        assert result.returncode in {0, 1}, result.stderr  # check: 1 when it finds breaches
        assert result.stderr == ""
    assert "verified: 10 entries" in results[0].stdout
    assert files(tmp_path) == before
    assert journal_mode_in_header(path) == (1, 1)


def test_a_refused_rollback_journal_ledger_keeps_its_journal_mode(
    base: bytes, tmp_path: Path
) -> None:
    """Rule: a rollback-journal ledger that is refused is not switched to WAL either."""
    path = make_case("sqlite-trigger-rollback-journal", base, tmp_path / "ledger.sqlite")
    before = files(tmp_path)
    one_message(run_command("verify", "ledger.sqlite", cwd=tmp_path))
    assert files(tmp_path) == before
    assert journal_mode_in_header(path) == (1, 1)


@pytest.mark.parametrize("journal", ["wal", "rollback"])
def test_a_read_only_sqlite_ledger_is_read_and_left_as_it_was(
    journal: str, base: bytes, tmp_path: Path
) -> None:
    """Rule: verify, check and show of a read-only (0444) SQLite ledger succeed, changing nothing.

    In either journal mode ("attempt to write a readonly database" before).
    What this proves depends on who runs it: as an ordinary user the file's
    mode really forbids writing, so success shows the reads need no write. As
    root (CI), file modes are not enforced, so it shows only that the file,
    its time and its directory are unchanged and no ``-wal``, ``-shm`` or
    ``-journal`` file is left; that the reads cannot write is shown by
    ``test_the_reading_commands_open_sqlite_read_only``.
    """
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(base)
    if journal == "rollback":
        to_rollback_journal(path)
    path.chmod(0o444)
    before = files(tmp_path)
    for args in READERS.values():
        result = run_command(*args, cwd=tmp_path)
        assert result.returncode in {0, 1}, result.stderr
        assert result.stderr == ""
    assert files(tmp_path) == before
    assert journal_mode_in_header(path) == ((2, 2) if journal == "wal" else (1, 1))


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every database name the library passes to ``sqlite3.connect`` while the test runs."""
    seen: list[str] = []
    real = sqlite3.connect

    def spy(database: str, *args: object, **kwargs: object) -> sqlite3.Connection:
        seen.append(str(database))
        return real(database, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_module.sqlite3, "connect", spy)
    return seen


def test_the_reading_commands_open_sqlite_read_only(
    base: bytes, tmp_path: Path, connections: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: verify, check, show, stats, reconcile and export's source open SQLite ``mode=ro``.

    Only append opens it ``mode=rw``. A connection opened as the readers open
    it refuses a write (so, even as root, nothing a reader does can write the
    file).
    """
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ledger.sqlite").write_bytes(base)
    (tmp_path / "records.jsonl").write_text(GOOD)
    reading = [
        *READERS.values(),
        ("stats", "ledger.sqlite", "--as-of", AS_OF),
        ("reconcile", "ledger.sqlite", "ledger.sqlite"),
        ("export", "ledger.sqlite", "copy.jsonl"),
    ]
    for args in reading:
        connections.clear()
        status, _, err = run_main(*args)
        assert status in {0, 1}, err
        assert connections, args
        assert all("mode=ro" in uri for uri in connections), (args, connections)
    connections.clear()
    status, _, err = run_main("append", "ledger.sqlite", "records.jsonl", "--recorded-by", "CA")
    assert status == 0, err
    assert connections
    assert all("mode=rw" in uri and "mode=ro" not in uri for uri in connections)
    db = sqlite3.connect(connections[0].replace("mode=rw", "mode=ro"), uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            db.execute("DELETE FROM entries")
    finally:
        db.close()


def test_a_write_ahead_log_in_use_is_read_through_not_around(base: bytes, tmp_path: Path) -> None:
    """Rule: a read-only open sees entries still only in another connection's -wal file.

    An idle WAL ledger is read as immutable (no -wal, -shm created); one that
    a writer holds open must not be, or committed entries would be missed.
    """
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(base)
    with Ledger.open(path) as writer:
        writer.append_file(_records(tmp_path), recorded_by="CA")
        assert Path(f"{path}-wal").stat().st_size > 0  # the entry is in the log, not the file
        with Ledger.open(path, readonly=True) as reader:
            assert len(reader) == 11
            assert list(reader.lines()) == list(writer.lines())


def test_an_immutable_read_interrupted_by_a_writer_is_made_again(
    base: bytes, tmp_path: Path, connections: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: if the file changes during an immutable read, it is read again the ordinary way.

    The file's state is made to differ before and after every read (as if a
    writer checkpointed meanwhile): after a few tries the read goes through
    SQLite's locks and log (``mode=ro`` without ``immutable``), and is right.
    """
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(base)
    ticks = iter(range(1_000))
    real = sqlite_module.quiet_wal_state
    monkeypatch.setattr(sqlite_module, "quiet_wal_state", lambda p: (*(real(p) or ()), next(ticks)))
    with Ledger.open(path, readonly=True) as ledger:
        assert len(ledger) == 10
    assert any("immutable=1" in uri for uri in connections)
    assert "immutable=1" not in connections[-1]


def test_an_idle_wal_ledger_is_read_as_immutable_and_leaves_no_files(
    base: bytes, tmp_path: Path, connections: list[str]
) -> None:
    """Rule: reading a WAL ledger no one has open creates no -wal or -shm file."""
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(base)
    before = files(tmp_path)
    with Ledger.open(path, readonly=True) as ledger:
        assert ledger.verify().ok
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite"]
    assert files(tmp_path) == before
    assert connections
    assert all("mode=ro&immutable=1" in uri for uri in connections)


HOT_JOURNAL = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA cache_size = 1")  # spill to the file before the commit
db.execute("BEGIN")
for seq in range(11, 400):
    db.execute("INSERT INTO entries VALUES (?, randomblob(1000))", (seq,))
os._exit(0)  # killed mid-transaction: the journal stays, hot
"""


def test_a_hot_journal_is_refused_read_only_and_rolled_back_by_repair(
    base: bytes, tmp_path: Path
) -> None:
    """Rule: a reader never rolls back an interrupted write; it says to run repair, which does.

    A writer killed mid-transaction leaves a hot ``-journal``. Verify (read
    only) exits 2 saying so and leaves both files as they were; ``repair``
    lets SQLite roll it back, after which the ten entries verify.
    """
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(base)
    to_rollback_journal(path)
    subprocess.run([sys.executable, "-c", HOT_JOURNAL, str(path)], check=True, timeout=60)
    assert Path(f"{path}-journal").exists()
    before = files(tmp_path)
    line = one_message(run_command("verify", "ledger.sqlite", cwd=tmp_path))
    assert "interrupted write" in line
    assert "run repair" in line
    assert files(tmp_path) == before
    repaired = run_command("repair", "ledger.sqlite", cwd=tmp_path)
    assert repaired.returncode == 0, repaired.stderr
    assert "10 entries" in repaired.stdout
    verified = run_command("verify", "ledger.sqlite", cwd=tmp_path)
    assert "verified: 10 entries" in verified.stdout, verified.stderr


def test_only_a_new_database_is_switched_to_write_ahead_logging(
    base: bytes, tmp_path: Path
) -> None:
    """Rule: init makes a WAL ledger; appending to a rollback-journal ledger keeps its mode."""
    assert run_command("init", "new.sqlite", cwd=tmp_path).returncode == 0
    assert journal_mode_in_header(tmp_path / "new.sqlite") == (2, 2)
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(base)
    to_rollback_journal(path)
    result = run_command(
        "append", "ledger.sqlite", str(_records(tmp_path)), "--recorded-by", "CA", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert journal_mode_in_header(path) == (1, 1)
    with Ledger.open(path, readonly=True) as ledger:
        assert len(ledger) == 11


def _records(directory: Path) -> Path:
    path = directory / "records.jsonl"
    path.write_text(GOOD)
    return path


# -- the read-only API ---------------------------------------------------------------------------


@pytest.fixture(params=[".sqlite", ".jsonl"])
def stored(request: pytest.FixtureRequest, base: bytes, tmp_path: Path) -> Path:
    """The base ledger in either store."""
    path = tmp_path / f"ledger{request.param}"
    if request.param == ".sqlite":
        path.write_bytes(base)
        return path
    source = tmp_path / "source.sqlite"
    source.write_bytes(base)
    with Ledger.open(source, readonly=True) as ledger:
        ledger.export(path)
    source.unlink()
    return path


def test_a_read_only_ledger_refuses_every_change(stored: Path) -> None:
    """Rule: opened read-only, append, extend, append_file, writer and repair raise ReadOnlyLedger.

    ReadOnlyLedger is a StoreError (so a ValueError) and an
    ``io.UnsupportedOperation`` (so an OSError), names the file, pickles, and
    the file is unchanged.
    """
    record = ClaimantReturned(
        claimant_id="c-77", on="2020-04-01", returned_by="CA", returned_to="US",
        nationalities=["HT"],
    )  # fmt: skip
    records = _records(stored.parent)
    before = files(stored.parent)
    with Ledger.open(stored, readonly=True) as ledger:
        attempts: list[Callable[[], object]] = [
            lambda: ledger.append(record, recorded_by="CA"),
            lambda: ledger.extend([record], recorded_by="CA"),
            lambda: ledger.append_file(records, recorded_by="CA"),
        ]
        assert ledger.store is not None
        store = ledger.store
        attempts += [store.repair, lambda: store.writer().__enter__()]
        for attempt in attempts:
            with pytest.raises(ReadOnlyLedger) as info:
                attempt()
            error = info.value
            assert isinstance(error, StoreError | ValueError | OSError | io.UnsupportedOperation)
            assert str(stored) in str(error)
            assert "read-only" in str(error)
            assert str(pickle.loads(pickle.dumps(error))) == str(error)
        assert len(ledger) == 10
    assert files(stored.parent) == before


@pytest.mark.parametrize("suffix", [".sqlite", ".jsonl"])
def test_read_only_never_creates_a_ledger(suffix: str, tmp_path: Path) -> None:
    """Rule: a missing ledger opened read-only is an error, and nothing is created.

    Asking for both ``create`` and ``readonly`` is a programming error (ValueError).
    """
    path = tmp_path / f"missing{suffix}"
    with pytest.raises(StoreError, match="no such ledger"):
        Ledger.open(path, readonly=True)
    with pytest.raises(ValueError, match="read-only"):
        open_store(path, create=True, readonly=True)
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_ledger_sees_later_appends_on_refresh(stored: Path) -> None:
    """Rule: a read-only ledger's refresh reads what a writer appended since it was opened."""
    with Ledger.open(stored, readonly=True) as reader, Ledger.open(stored) as writer:
        writer.append_file(_records(stored.parent), recorded_by="CA")
        assert reader.refresh() == 1
        assert list(reader.lines()) == list(writer.lines())


# -- properties ---------------------------------------------------------------------------------

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda name: name not in {"entries", "seq", "line"} and not name.startswith("sqlite")
)
EXTRAS = st.one_of(
    st.builds(lambda n: f"CREATE TABLE t_{n} (x)", NAMES),
    st.builds(
        lambda n, on: f"CREATE INDEX i_{n} ON entries {on}",
        NAMES,
        st.sampled_from(["(line)", "(seq)", "(seq, line)", "(length(line))"]),
    ),
    st.builds(lambda n: f"CREATE UNIQUE INDEX u_{n} ON entries (seq DESC)", NAMES),
    st.builds(
        lambda n, body: f"CREATE VIEW v_{n} AS {body}",
        NAMES,
        st.sampled_from(["SELECT 1", "SELECT * FROM entries", "SELECT zeroblob(900000000)"]),
    ),
    st.builds(
        lambda n, when, event: (
            f"CREATE TRIGGER g_{n} {when} {event} ON entries BEGIN SELECT 1; END"
        ),
        NAMES,
        st.sampled_from(["BEFORE", "AFTER"]),
        st.sampled_from(["INSERT", "UPDATE", "DELETE"]),
    ),
    st.builds(
        lambda n, kind: f"ALTER TABLE entries ADD COLUMN c_{n} {kind}",
        NAMES,
        st.sampled_from(["", "TEXT", "BLOB", "INTEGER DEFAULT 0"]),
    ),
)


def _name(sql: str) -> str:
    """The name an extra statement gives its object (or column): one per object."""
    found = re.search(r"\b([tiuvgc]_[a-z0-9_]+)", sql)
    assert found is not None
    return found[1]


@contextmanager
def hostile_copy(base: bytes) -> Iterator[Path]:
    """A fresh copy of the base SQLite ledger in a directory of its own (hypothesis reuses none)."""
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "ledger.sqlite"
        path.write_bytes(base)
        yield path


def refused_unchanged(path: Path, error: type[LedgerError]) -> LedgerError:
    """Open ``path`` for appending and read-only: both raise ``error``; no file changes."""
    before = files(path.parent)
    found = []
    for readonly in (False, True):
        with pytest.raises(error) as info:
            Ledger.open(path, readonly=readonly).close()
        found.append(info.value)
        assert files(path.parent) == before
    assert str(found[0]) == str(found[1])
    return found[0]


@given(extras=st.lists(EXTRAS, min_size=1, max_size=4, unique_by=_name))
def test_any_schema_beyond_the_ledgers_is_refused(base: bytes, extras: list[str]) -> None:
    """Rule: any extra table, index, view, trigger or column is refused by name, changing nothing.

    Whatever is added to a good ledger, opening it (for appending or
    read-only) raises StoreError saying what was found, before any row is
    read; the directory is byte-identical afterwards.
    """
    with hostile_copy(base) as path:
        with edit(path) as db:
            for statement in extras:
                db.execute(statement)
        error = refused_unchanged(path, StoreError)
        assert "found" in str(error)
        assert "an SQLite ledger must hold only the table entries" in str(
            error
        ) or "the table entries must be exactly" in str(error)


BAD_VALUES = st.one_of(
    st.text(max_size=20).map(lambda text: ("text", text)),
    st.floats(allow_nan=False).map(lambda number: ("real", number)),
    st.integers(-(2**63), 2**63 - 1).map(lambda number: ("integer", number)),
    st.just(("null", None)),
    st.integers(MAX_LINE_BYTES + 1, MAX_LINE_BYTES + 4).map(lambda size: ("big", b"x" * size)),
)


@given(seq=st.integers(1, 10), bad=BAD_VALUES)
def test_any_row_an_append_never_writes_is_refused_by_its_seq(
    base: bytes, seq: int, bad: tuple[str, object]
) -> None:
    """Rule: a line that is not a blob of at most MAX_LINE_BYTES raises ChainBroken at its seq.

    Whatever the type (text, real, any integer, NULL) or size, at any seq;
    the file is unchanged and the value never reaches Python.
    """
    kind, value = bad
    with hostile_copy(base) as path:
        (null_line(seq) if kind == "null" else store_line(seq, value))(path)
        error = refused_unchanged(path, ChainBroken)
        assert isinstance(error, ChainBroken)
        assert error.seq == seq
        expected = f"longer than {MAX_LINE_BYTES}" if kind == "big" else f"stored as {kind}"
        assert expected in str(error)


@given(gone=st.sets(st.integers(1, 9), min_size=1, max_size=3))
def test_a_gap_in_the_seqs_is_refused_at_the_first_missing_one(base: bytes, gone: set[int]) -> None:
    """Rule: rows deleted from the middle raise ChainBroken naming the first missing seq."""
    with hostile_copy(base) as path:
        with edit(path) as db:
            db.executemany("DELETE FROM entries WHERE seq = ?", [(seq,) for seq in gone])
        error = refused_unchanged(path, ChainBroken)
        assert isinstance(error, ChainBroken)
        assert error.seq == min(gone)
        assert f"no row with seq {min(gone)}" in str(error)


def test_the_pinned_schema_is_the_one_the_library_creates(tmp_path: Path) -> None:
    """Rule: a new SQLite ledger holds exactly one object, the table of the pinned schema."""
    Ledger.open(tmp_path / "new.sqlite", create=True).close()
    db = sqlite3.connect(tmp_path / "new.sqlite")
    try:
        rows = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    finally:
        db.close()
    assert rows == [("table", "entries", "entries", SCHEMA)]
    assert sqlite_module.SCHEMA_SQL == SCHEMA
