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

Either store may be opened read-only (``readonly=True``, what the command
line's reading commands do): it is then never created, written, locked
exclusively or repaired, and the file is left exactly as it was, whatever is
in it; appending raises :class:`~assurance_ledger.errors.ReadOnlyLedger`. A
new ledger is never created through a symbolic link: the file is made with
``O_EXCL | O_NOFOLLOW``, so a link planted where it is to be made, even one
pointing at nothing, is refused rather than followed.

File locks need a POSIX system (Linux, macOS); elsewhere a JSON Lines ledger
can be read but not appended to.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO, NoReturn, Protocol

import attrs

from . import _sqlite
from ._files import create_new, kind_of
from .codec import MAX_LINE_BYTES
from .errors import ChainBroken, LedgerError, ReadOnlyLedger, StoreError, TornTail

try:
    import fcntl
except ImportError:  # pragma: no cover -- not on POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = ["JsonLinesStore", "Repair", "SqliteStore", "Store", "StoreWriter", "open_store"]

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
#: How much of a JSON Lines file is read at a time.
_BLOCK_BYTES = 1 << 23


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


#: What :meth:`Store.read_lines` hands each block of lines to: it returns what to keep of it.
Through = Callable[[list[bytes]], list[bytes]]


class Store(Protocol):
    """A place a ledger is kept; see :class:`JsonLinesStore` and :class:`SqliteStore`."""

    path: Path
    #: Opened read-only: ``writer`` and ``repair`` raise ReadOnlyLedger.
    readonly: bool

    def read_lines(self, after: int, through: Through | None = None) -> list[bytes]:
        """The stored lines after the first ``after`` ones, never half a batch.

        ``through``, if given, is handed those lines in order, a block at a
        time as they are read, and returns what to keep of each block: the
        lines kept are returned. So a reader that needs most lines only once
        (a re-open hashing them) never holds them all.
        """

    def writer(self) -> AbstractContextManager[StoreWriter]:
        """Hold the store for one append."""

    def repair(self) -> Repair:
        """Cut off an unfinished append, if any."""

    def close(self) -> None:
        """Release what the store holds open."""


def open_store(path: str | Path, *, create: bool = False, readonly: bool = False) -> Store:
    """The store for ``path``, chosen by its suffix; with ``create``, made if missing.

    With ``readonly``, the store only reads: the file must exist, and it is
    never changed (not even its SQLite journal mode); ``create`` and
    ``readonly`` exclude each other.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in JSON_LINES_SUFFIXES:
        return JsonLinesStore(path, create=create, readonly=readonly)
    if suffix in SQLITE_SUFFIXES:
        return SqliteStore(path, create=create, readonly=readonly)
    raise StoreError(
        str(path),
        "cannot tell the kind of store: name it with "
        + ", ".join((*JSON_LINES_SUFFIXES, *SQLITE_SUFFIXES)),
    )


def _skipping(skip: int, through: Through | None) -> Through | None:
    """``through``, skipping the first ``skip`` lines read: neither handed to it nor kept."""
    if through is None or not skip:
        return through
    left = skip

    def kept(block: list[bytes]) -> list[bytes]:
        nonlocal left
        dropped, left = min(left, len(block)), max(0, left - len(block))
        return through(block[dropped:]) if dropped else through(block)

    return kept


def _fsync_dir(path: Path) -> None:
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class JsonLinesStore:
    """A ledger in a JSON Lines file: one entry's canonical JSON per line.

    Read-only (``readonly=True``), the file is only ever opened ``O_RDONLY``
    under a shared lock.
    """

    def __init__(self, path: str | Path, *, create: bool = False, readonly: bool = False) -> None:
        """Use the file at ``path``; with ``create``, make it (empty) if missing."""
        if create and readonly:
            raise ValueError("a store cannot be both created and read-only")
        self.path = Path(path)
        self.readonly = readonly
        self.journal = self.path.with_name(self.path.name + ".pending")
        self._offset = 0  # bytes of the file already read as whole lines
        self._count = 0  # lines in those bytes
        made = _existing_or_new(self.path, create=create)
        if made is not None:
            os.close(made)
            _fsync_dir(self.path)

    def __repr__(self) -> str:
        """The kind of store and its path."""
        return f"JsonLinesStore({str(self.path)!r})"

    @contextmanager
    def _locked(self, *, exclusive: bool) -> Iterator[int]:
        if exclusive and self.readonly:
            raise ReadOnlyLedger(
                str(self.path), "opened read-only: open it with readonly=False to write"
            )
        try:
            # O_NONBLOCK: a FIFO put in the file's place must not block the open.
            fd = os.open(
                self.path, (os.O_RDWR if exclusive else os.O_RDONLY) | os.O_NONBLOCK | os.O_NOCTTY
            )
        except OSError as exc:
            raise StoreError(str(self.path), f"cannot open: {exc.strerror}") from None
        try:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                raise StoreError(str(self.path), f"not a file ({kind_of(mode)})")
            os.set_blocking(fd, True)
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            elif exclusive:  # pragma: no cover -- not on POSIX
                raise StoreError(str(self.path), "appending needs POSIX file locks")
            yield fd
        finally:
            os.close(fd)  # also releases the lock

    def read_lines(self, after: int, through: Through | None = None) -> list[bytes]:
        """The stored lines after the first ``after``; raise TornTail for an unfinished append.

        ``through``: see :meth:`Store.read_lines`; the file is read 8 MiB at a time.
        """
        with self._locked(exclusive=False) as fd:
            return self._read_after(fd, after, through)

    def _read_after(self, fd: int, after: int, through: Through | None = None) -> list[bytes]:
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
        with os.fdopen(os.dup(fd), "rb") as file:
            file.seek(start)
            lines, read, end = self._split(file, before, _skipping(after - before, through))
        count = before + read
        if count < after:
            raise ChainBroken(
                count + 1,
                f"the file has fewer entries than the {after} already read",
                path=str(self.path),
            )
        self._offset, self._count = end, count
        return lines if through is not None else lines[after - before :]

    def _split(
        self, file: BinaryIO, before: int, through: Through | None
    ) -> tuple[list[bytes], int, int]:
        """The whole lines from where ``file`` is (entries ``before + 1`` on), as kept.

        ``through`` chooses what is kept of each block. Also how many lines
        were read, and the offset after them.

        Read a block at a time and split in C: a step in Python for each
        block, not for each line (at a million lines the time goes to making
        the byte strings, either way). No line may be longer than
        :data:`MAX_LINE_BYTES` (a hostile file must not exhaust memory), and
        the last must end with its newline.
        """
        lines: list[bytes] = []
        read = 0
        tail = b""
        while block := file.read(_BLOCK_BYTES):
            parts = (tail + block).split(b"\n") if tail else block.split(b"\n")
            tail = parts.pop()
            if parts and max(map(len, parts)) > MAX_LINE_BYTES:
                long = next(i for i, part in enumerate(parts) if len(part) > MAX_LINE_BYTES)
                self._too_long(before + read + long + 1)
            read += len(parts)
            lines += through(parts) if through is not None else parts
            if len(tail) > MAX_LINE_BYTES:
                self._too_long(before + read + 1)
        if tail:
            seq = before + read + 1
            raise TornTail(
                str(self.path),
                f"the last line is unfinished ({len(tail)} bytes after entry {seq - 1}); "
                "run repair to remove it",
                entries=seq - 1,
                torn_bytes=len(tail),
            )
        return lines, read, file.tell()

    def _too_long(self, seq: int) -> NoReturn:
        raise ChainBroken(
            seq, f"its line is longer than {MAX_LINE_BYTES} bytes", path=str(self.path)
        )

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
    """A ledger in an SQLite database, one row per entry, opened defensively.

    The database must hold exactly the schema this library creates, the table
    ``entries (seq INTEGER PRIMARY KEY, line BLOB NOT NULL)``: anything else
    (a trigger, a view, another table or index, another column) is refused
    before any row is read or written, since SQLite would run it. Each row's
    type and size are checked in SQL before it is fetched. A database this
    store creates is switched to write-ahead logging; an existing one keeps
    its journal mode, whoever opens it (appending to a rollback-journal
    ledger works too: readers and the writer then take turns).

    Read-only (``readonly=True``), each read opens the file with ``mode=ro``
    and closes it again, so nothing can be written and the file stays exactly
    as it was, in either journal mode and even when it is itself read-only. A
    write-ahead-log database that no process has open (no ``-wal`` file beside
    it) is read as immutable, which creates no ``-wal`` or ``-shm`` file; if a
    writer changes it during the read, the read is made again the ordinary
    way. One that is in use is read through its ``-wal`` file, like any SQLite
    reader (SQLite 3.22 and later read it even where no ``-shm`` file can be
    created, as in a read-only directory). A hot rollback journal left by an
    interrupted write is never rolled back by a reader: it is refused, and
    :meth:`repair` (a writer) lets SQLite roll it back.
    """

    def __init__(self, path: str | Path, *, create: bool = False, readonly: bool = False) -> None:
        """Use the database at ``path``; with ``create``, make it if missing."""
        if create and readonly:
            raise ValueError("a store cannot be both created and read-only")
        self.path = Path(path)
        self.readonly = readonly
        self._db: sqlite3.Connection | None = None
        made = _existing_or_new(self.path, create=create)
        try:
            if readonly:
                self._read_only(0, check_only=True)
                return
            self._db = db = _sqlite.connect(self.path, readonly=False)
            try:
                if made is not None:
                    _same_file(self.path, made)
                self._prepare(create=create)
            except BaseException:
                db.close()
                raise
        finally:
            if made is not None:
                os.close(made)

    def __repr__(self) -> str:
        """The kind of store and its path."""
        return f"SqliteStore({str(self.path)!r})"

    def _error(self, doing: str, exc: Exception) -> StoreError:
        journal = Path(f"{self.path}-journal")
        # sqlite_errorname (SQLITE_READONLY_ROLLBACK) is Python 3.11+; before it,
        # a read-only refusal with a journal beside the file means the same.
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_READONLY_ROLLBACK" or (
            "readonly" in str(exc) and not hasattr(exc, "sqlite_errorname") and journal.exists()
        ):
            return StoreError(
                str(self.path),
                f"cannot {doing}: an interrupted write left its journal {journal.name}, "
                "which only a writer may roll back (run repair)",
            )
        return StoreError(str(self.path), f"cannot {doing}: {_sqlite.describe(exc)}")

    # -- writers ----------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise ReadOnlyLedger(
                str(self.path), "opened read-only: open it with readonly=False to write"
            )
        return self._db

    def _prepare(self, *, create: bool) -> None:
        """Check the database, or set up an empty one; change nothing in a file not a ledger."""
        db = self._conn()
        try:
            # A read transaction to look: opening a ledger takes no write lock.
            with _transaction(db, "BEGIN"):
                empty = _sqlite.check_ledger(db, self.path, allow_empty=create)
            if empty:
                # Look again under the write lock: another process may be setting
                # it up at the same moment.
                with _transaction(db, "BEGIN IMMEDIATE"):
                    empty = _sqlite.check_ledger(db, self.path, allow_empty=True)
                    if empty:
                        _sqlite.create_schema(db)
                if empty:
                    self._use_wal()
            db.execute("PRAGMA synchronous = FULL")
        except _sqlite.ERRORS as exc:
            raise self._error("use as SQLite", exc) from None

    def _use_wal(self) -> None:
        """Switch the database this store has just set up to write-ahead logging.

        An existing ledger is never switched: a received file keeps the journal
        mode it came in, and a rollback-journal ledger works as well (readers
        and the writer then take turns). The switch needs the database to
        itself, and SQLite does not wait for that (no busy handler): a process
        opening the ledger at the same moment makes it fail at once, so it is
        tried again for up to a minute.
        """
        db = self._conn()
        deadline = time.monotonic() + 60
        while True:
            try:
                if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _rows_after(self, after: int) -> list[bytes]:
        """The lines after ``after``, inside the caller's transaction, the schema checked again."""
        db = self._conn()
        _sqlite.check_ledger(db, self.path, allow_empty=False)
        return _sqlite.read_lines(db, self.path, after)

    @contextmanager
    def writer(self) -> Iterator[StoreWriter]:
        """One write transaction (``BEGIN IMMEDIATE``): committed if the append succeeds."""
        db = self._conn()
        try:
            db.execute("BEGIN IMMEDIATE")
        except _sqlite.ERRORS as exc:
            raise self._error("write", exc) from None
        try:
            yield _SqliteWriter(self)
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        try:
            db.execute("COMMIT")
        except _sqlite.ERRORS as exc:
            raise self._error("commit", exc) from None

    def _insert(self, lines: Sequence[bytes]) -> None:
        db = self._conn()
        try:
            last = db.execute("SELECT coalesce(max(seq), 0) FROM entries").fetchone()[0]
            db.executemany(
                "INSERT INTO entries (seq, line) VALUES (?, ?)",
                ((last + i, line) for i, line in enumerate(lines, start=1)),
            )
        except _sqlite.ERRORS as exc:
            raise self._error("write", exc) from None

    def repair(self) -> Repair:
        """Nothing to cut: SQLite rolls back an interrupted transaction itself (on this open)."""
        db = self._conn()
        try:
            with _transaction(db, "BEGIN"):
                count = len(self._rows_after(0))
        except _sqlite.ERRORS as exc:
            raise self._error("read", exc) from None
        return Repair(removed_bytes=0, entries=count)

    # -- readers --------------------------------------------------------------------

    def read_lines(self, after: int, through: Through | None = None) -> list[bytes]:
        """The stored lines after the first ``after``, from one consistent snapshot.

        ``through``: see :meth:`Store.read_lines`; it is handed them all as one block.
        """
        if self._db is None:
            lines = self._read_only(after)
        else:
            try:
                with _transaction(self._db, "BEGIN"):
                    lines = self._rows_after(after)
            except _sqlite.ERRORS as exc:
                raise self._error("read", exc) from None
        return through(lines) if through is not None else lines

    def _read_only(self, after: int, *, check_only: bool = False) -> list[bytes]:
        """Read with a connection of its own that cannot write (see the class docs)."""
        for _ in range(_IMMUTABLE_TRIES):
            state = _sqlite.quiet_wal_state(self.path)
            if state is None:
                break
            try:
                lines = self._read_once(after, immutable=True, check_only=check_only)
            except LedgerError:
                if _sqlite.quiet_wal_state(self.path) == state:
                    raise
                continue  # a writer changed the file meanwhile: not the file's fault
            if _sqlite.quiet_wal_state(self.path) == state:
                return lines
        return self._read_once(after, immutable=False, check_only=check_only)

    def _read_once(self, after: int, *, immutable: bool, check_only: bool) -> list[bytes]:
        db = _sqlite.connect(self.path, readonly=True, immutable=immutable)
        try:
            with _transaction(db, "BEGIN"):  # one snapshot for the schema and the rows
                _sqlite.check_ledger(db, self.path, allow_empty=False)
                return [] if check_only else _sqlite.read_lines(db, self.path, after)
        except _sqlite.ERRORS as exc:
            raise self._error("use as SQLite" if check_only else "read", exc) from None
        finally:
            db.close()

    def close(self) -> None:
        """Close the database connection (a read-only store holds none between reads)."""
        if self._db is not None:
            self._db.close()


@contextmanager
def _transaction(db: sqlite3.Connection, begin: str) -> Iterator[None]:
    """``begin`` ... COMMIT, rolled back if the block raises."""
    db.execute(begin)
    try:
        yield
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


#: How many times a read of an idle write-ahead-log database is tried as immutable
#: before it is read through the -wal file instead.
_IMMUTABLE_TRIES = 3


def _existing_or_new(path: Path, *, create: bool) -> int | None:
    """Check that ``path`` names a file to open; with ``create``, make it if nothing is there.

    Returns the descriptor of a file just created (to compare with what SQLite
    opened), or ``None`` for an existing one.
    """
    if not os.path.lexists(path):
        if not create:
            raise StoreError(
                str(path), "no such ledger (create it with create=True, or: assurance-ledger init)"
            )
        try:
            return create_new(path)
        except FileExistsError:
            pass  # made by another process at this moment: use it
    if not path.exists():
        raise StoreError(
            str(path), "a symbolic link to nothing: a new ledger is never created through one"
        )
    if not path.is_file():
        raise StoreError(str(path), "not a file")
    return None


def _same_file(path: Path, fd: int) -> None:
    """Refuse if the file just created at ``path`` was replaced before SQLite opened it."""
    made, now = os.fstat(fd), os.lstat(path)
    if (made.st_dev, made.st_ino) != (now.st_dev, now.st_ino):
        raise StoreError(str(path), "replaced by another file while it was being created")


class _SqliteWriter:
    def __init__(self, store: SqliteStore) -> None:
        self.path = store.path
        self._store = store

    def read_lines(self, after: int) -> list[bytes]:
        try:
            return self._store._rows_after(after)
        except _sqlite.ERRORS as exc:
            raise self._store._error("read", exc) from None

    def write(self, lines: Sequence[bytes]) -> None:
        self._store._insert(lines)
