"""Where ledgers are kept: JSON Lines files and SQLite databases, both embedded.

Both stores hold the same bytes: each entry's canonical line (see
:mod:`assurance_ledger.chain`), so verifying hashes what is stored and a ledger
copies between them byte for byte. Which store a path means is decided by its
suffix: ``.jsonl`` (or ``.ndjson``) for JSON Lines, ``.sqlite``, ``.sqlite3``
or ``.db`` for SQLite.

Guarantees, for both:

* An append is durable when it returns (``fsync`` of the file; a committed
  SQLite transaction with ``synchronous=FULL``).
* A batch is all or nothing, even if the process is killed half way.
* Processes may append at the same time: each append takes the file's lock (an
  exclusive ``flock`` for JSON Lines, ``BEGIN IMMEDIATE`` for SQLite), first
  reads what others appended, then writes.
* A reader never sees half a batch.

How JSON Lines batches stay whole: before a batch of more than one entry is
written, a small journal file (the ledger's name plus ``.pending``) records the
file's size, and it is removed once the batch is synced. A journal that is
still there, or a last line without its newline, means an append was
interrupted: opening the ledger then raises
:class:`~assurance_ledger.errors.TornTail`, and :meth:`JsonLinesStore.repair`
cuts off exactly the unfinished batch, nothing before it. None of it was ever
acknowledged.

File locks need a POSIX system (Linux, macOS); elsewhere a JSON Lines ledger
can be read but not appended to.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

import attrs

from .codec import MAX_LINE_BYTES
from .errors import ChainBroken, StoreError, TornTail

try:
    import fcntl
except ImportError:  # pragma: no cover -- not on POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = ["JsonLinesStore", "Repair", "SqliteStore", "Store", "StoreWriter", "open_store"]

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
#: Marks an SQLite file as an assurance ledger (``PRAGMA application_id``).
SQLITE_APPLICATION_ID = 0x414C4731  # "ALG1"
SQLITE_FORMAT_VERSION = 1


@attrs.frozen
class Repair:
    """What :meth:`Store.repair` did: bytes cut from the end, and entries left."""

    removed_bytes: int
    entries: int

    def __str__(self) -> str:
        """One line for people."""
        if not self.removed_bytes:
            return f"nothing to repair: {self.entries} entries"
        return (
            f"removed an unfinished append of {self.removed_bytes} bytes; "
            f"{self.entries} entries remain"
        )


class StoreWriter(Protocol):
    """A store held for writing: read what others appended, then write."""

    path: Path

    def read_lines(self, after: int) -> list[bytes]:
        """The stored lines after the first ``after`` ones."""

    def write(self, lines: Sequence[bytes]) -> None:
        """Append ``lines`` (entries' canonical lines) durably, all or none."""


class Store(Protocol):
    """A place a ledger is kept; see :class:`JsonLinesStore` and :class:`SqliteStore`."""

    path: Path

    def read_lines(self, after: int) -> list[bytes]:
        """The stored lines after the first ``after`` ones, never half a batch."""

    def writer(self) -> AbstractContextManager[StoreWriter]:
        """Hold the store for one append."""

    def repair(self) -> Repair:
        """Cut off an unfinished append, if any."""

    def close(self) -> None:
        """Release what the store holds open."""


def open_store(path: str | Path, *, create: bool = False) -> Store:
    """The store for ``path``, chosen by its suffix; with ``create``, made if missing."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in JSON_LINES_SUFFIXES:
        return JsonLinesStore(path, create=create)
    if suffix in SQLITE_SUFFIXES:
        return SqliteStore(path, create=create)
    raise StoreError(
        str(path),
        "cannot tell the kind of store: name it with "
        + ", ".join((*JSON_LINES_SUFFIXES, *SQLITE_SUFFIXES)),
    )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class JsonLinesStore:
    """A ledger in a JSON Lines file: one entry's canonical JSON per line."""

    def __init__(self, path: str | Path, *, create: bool = False) -> None:
        """Use the file at ``path``; with ``create``, make it (empty) if missing."""
        self.path = Path(path)
        self.journal = self.path.with_name(self.path.name + ".pending")
        self._offset = 0  # bytes of the file already read as whole lines
        self._count = 0  # lines in those bytes
        if not self.path.exists():
            if not create:
                raise StoreError(
                    str(self.path),
                    "no such ledger (create it with create=True, or: assurance-ledger init)",
                )
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o644)
            except OSError as exc:
                raise StoreError(str(self.path), f"cannot create: {exc.strerror}") from None
            os.close(fd)
            _fsync_dir(self.path)
        elif not self.path.is_file():
            raise StoreError(str(self.path), "not a file")

    def __repr__(self) -> str:
        """The kind of store and its path."""
        return f"JsonLinesStore({str(self.path)!r})"

    @contextmanager
    def _locked(self, *, exclusive: bool) -> Iterator[int]:
        try:
            fd = os.open(self.path, os.O_RDWR if exclusive else os.O_RDONLY)
        except OSError as exc:
            raise StoreError(str(self.path), f"cannot open: {exc.strerror}") from None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            elif exclusive:  # pragma: no cover -- not on POSIX
                raise StoreError(str(self.path), "appending needs POSIX file locks")
            yield fd
        finally:
            os.close(fd)  # also releases the lock

    def read_lines(self, after: int) -> list[bytes]:
        """The stored lines after the first ``after``; raise TornTail for an unfinished append."""
        with self._locked(exclusive=False) as fd:
            return self._read_after(fd, after)

    def _read_after(self, fd: int, after: int) -> list[bytes]:
        if self.journal.exists():
            raise TornTail(
                str(self.path),
                f"an append was interrupted (its journal {self.journal.name} is still there); "
                "run repair to remove the unfinished batch",
            )
        size = os.fstat(fd).st_size
        if after == self._count and self._offset <= size:
            start, before = self._offset, after  # only what was appended since
        else:
            start, before = 0, 0
        lines: list[bytes] = []
        with os.fdopen(os.dup(fd), "rb") as file:
            file.seek(start)
            while line := file.readline(MAX_LINE_BYTES + 1):
                if line.endswith(b"\n"):
                    lines.append(line[:-1])
                    continue
                seq = before + len(lines) + 1
                if len(line) > MAX_LINE_BYTES:  # a hostile file must not exhaust memory
                    raise ChainBroken(
                        seq, f"its line is longer than {MAX_LINE_BYTES} bytes", path=str(self.path)
                    )
                raise TornTail(
                    str(self.path),
                    f"the last line is unfinished ({len(line)} bytes after entry {seq - 1}); "
                    "run repair to remove it",
                    entries=seq - 1,
                    torn_bytes=len(line),
                )
            end = file.tell()
        count = before + len(lines)
        if count < after:
            raise ChainBroken(
                count + 1,
                f"the file has fewer entries than the {after} already read",
                path=str(self.path),
            )
        self._offset, self._count = end, count
        return lines[after - before :]

    @contextmanager
    def writer(self) -> Iterator[StoreWriter]:
        """Hold the file's exclusive lock for one append."""
        with self._locked(exclusive=True) as fd:
            yield _JsonLinesWriter(self, fd)

    def _write(self, fd: int, lines: Sequence[bytes]) -> None:
        if not lines:
            return
        data = b"".join(line + b"\n" for line in lines)
        size = os.fstat(fd).st_size
        journaled = len(lines) > 1
        if journaled:
            self._write_journal(size)
        try:
            view = memoryview(data)
            while view:
                written = os.pwrite(fd, view, size + len(data) - len(view))
                view = view[written:]
            os.fsync(fd)
        except BaseException:
            os.ftruncate(fd, size)  # best effort; otherwise the journal says what to cut
            os.fsync(fd)
            raise
        if journaled:
            self.journal.unlink()
            _fsync_dir(self.path)
        self._offset, self._count = size + len(data), self._count + len(lines)

    def _write_journal(self, size: int) -> None:
        fd = os.open(self.journal, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o644)
        try:
            os.write(fd, json.dumps({"size_before": size}).encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        _fsync_dir(self.path)

    def repair(self) -> Repair:
        """Cut off an unfinished append: the batch a journal names, or an unfinished last line.

        Complete entries before it are never touched. Returns what was removed.
        """
        with self._locked(exclusive=True) as fd:
            size = os.fstat(fd).st_size
            keep = size
            if self.journal.exists():
                try:
                    before = json.loads(self.journal.read_bytes())["size_before"]
                except (ValueError, KeyError, TypeError):
                    before = None  # the journal itself was cut short: the file was not touched
                if isinstance(before, int) and 0 <= before <= size:
                    keep = before
            with os.fdopen(os.dup(fd), "rb") as file:
                file.seek(0)
                data = file.read(keep)
            keep = data.rfind(b"\n") + 1  # and never keep half a line
            if keep < size:
                os.ftruncate(fd, keep)
                os.fsync(fd)
            if self.journal.exists():
                self.journal.unlink()
                _fsync_dir(self.path)
            self._offset = self._count = 0
            return Repair(removed_bytes=size - keep, entries=data[:keep].count(b"\n"))

    def close(self) -> None:
        """Nothing to release: the file is opened only while it is used."""


class _JsonLinesWriter:
    def __init__(self, store: JsonLinesStore, fd: int) -> None:
        self.path = store.path
        self._store = store
        self._fd = fd

    def read_lines(self, after: int) -> list[bytes]:
        return self._store._read_after(self._fd, after)

    def write(self, lines: Sequence[bytes]) -> None:
        self._store._write(self._fd, lines)


class SqliteStore:
    """A ledger in an SQLite database (write-ahead log, full sync), one row per entry."""

    def __init__(self, path: str | Path, *, create: bool = False) -> None:
        """Use the database at ``path``; with ``create``, make it if missing."""
        self.path = Path(path)
        exists = self.path.exists()
        if not exists and not create:
            raise StoreError(
                str(self.path),
                "no such ledger (create it with create=True, or: assurance-ledger init)",
            )
        self._create = create
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=60.0)
        except sqlite3.Error as exc:
            raise StoreError(str(self.path), f"cannot use as SQLite: {exc}") from None
        try:
            self._prepare()
        except BaseException:
            self._db.close()
            raise

    def _prepare(self) -> None:
        """Check (or set up) the database, changing nothing in a file that is not a ledger."""
        db = self._db
        try:
            db.execute("PRAGMA busy_timeout = 60000")
            # A read transaction to look: opening a ledger takes no write lock.
            if not self._is_ledger("BEGIN"):
                # An empty database to set up: look again under the write lock, in
                # case another process is setting it up at the same moment.
                self._is_ledger("BEGIN IMMEDIATE")
            db.execute("PRAGMA synchronous = FULL")
            self._use_wal()
        except sqlite3.Error as exc:
            raise StoreError(str(self.path), f"cannot use as SQLite: {exc}") from None

    def _use_wal(self) -> None:
        """Switch a new database to write-ahead logging (it stays so, in the file).

        The switch needs the database to itself, and SQLite does not wait for
        that (no busy handler): a process opening the ledger at the same moment
        makes it fail at once, so it is tried again for up to a minute.
        """
        deadline = time.monotonic() + 60
        while True:
            try:
                if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _is_ledger(self, begin: str) -> bool:
        """Whether the database is a ledger; set it up if empty, under ``BEGIN IMMEDIATE``."""
        db = self._db
        db.execute(begin)
        try:
            app = db.execute("PRAGMA application_id").fetchone()[0]
            tables = db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
            empty = app == 0 and tables == 0
            if empty and not self._create:
                raise StoreError(str(self.path), "an empty file, not a ledger (init it first)")
            if not empty and app != SQLITE_APPLICATION_ID:
                raise StoreError(str(self.path), "an SQLite database, but not a ledger")
            if empty and begin == "BEGIN IMMEDIATE":
                db.execute("CREATE TABLE entries (seq INTEGER PRIMARY KEY, line BLOB NOT NULL)")
                db.execute(f"PRAGMA application_id = {SQLITE_APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SQLITE_FORMAT_VERSION}")
                empty = False
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return not empty

    def __repr__(self) -> str:
        """The kind of store and its path."""
        return f"SqliteStore({str(self.path)!r})"

    def _rows_after(self, after: int) -> list[bytes]:
        rows = self._db.execute(
            "SELECT seq, line FROM entries WHERE seq > ? ORDER BY seq", (after,)
        ).fetchall()
        return [bytes(line) for _, line in rows]

    def read_lines(self, after: int) -> list[bytes]:
        """The stored lines after the first ``after``, from one consistent snapshot."""
        try:
            self._db.execute("BEGIN")
            try:
                return self._rows_after(after)
            finally:
                self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(str(self.path), f"cannot read: {exc}") from None

    @contextmanager
    def writer(self) -> Iterator[StoreWriter]:
        """One write transaction (``BEGIN IMMEDIATE``): committed if the append succeeds."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(str(self.path), f"cannot write: {exc}") from None
        try:
            yield _SqliteWriter(self)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(str(self.path), f"cannot commit: {exc}") from None

    def _insert(self, lines: Sequence[bytes]) -> None:
        last = self._db.execute("SELECT coalesce(max(seq), 0) FROM entries").fetchone()[0]
        self._db.executemany(
            "INSERT INTO entries (seq, line) VALUES (?, ?)",
            ((last + i, line) for i, line in enumerate(lines, start=1)),
        )

    def repair(self) -> Repair:
        """Nothing to cut: SQLite rolls back an interrupted transaction itself."""
        count = self._db.execute("SELECT count(*) FROM entries").fetchone()[0]
        return Repair(removed_bytes=0, entries=count)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


class _SqliteWriter:
    def __init__(self, store: SqliteStore) -> None:
        self.path = store.path
        self._store = store

    def read_lines(self, after: int) -> list[bytes]:
        return self._store._rows_after(after)

    def write(self, lines: Sequence[bytes]) -> None:
        self._store._insert(lines)
