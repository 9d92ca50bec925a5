"""SQLite ledgers opened defensively: the schema checked before any row is read or written.

An SQLite file received from another state is hostile input, and SQLite
stores code: a trigger runs on an insert, a view named ``entries`` runs
whatever query it holds when the ledger is read (a ``zeroblob`` of 900 MB, a
recursive query that never ends). So before any statement touches the table
``entries``, :func:`check_ledger` compares every row of ``sqlite_master``
with the one schema this library creates and refuses anything else. The
connections are hardened on top of that (:func:`connect`): no value longer
than :data:`MAX_VALUE_BYTES` is ever materialised, the schema is not trusted
to call functions, and defensive mode is on where Python offers it (3.12+).

Rows are read by :func:`read_lines`, which looks at each row's type and size
in SQL before fetching it, so a row too big, of the wrong type or out of
sequence is refused by its seq without its value ever reaching Python.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from contextlib import closing
from pathlib import Path

from ._validate import short
from .codec import MAX_LINE_BYTES
from .errors import ChainBroken, StoreError

__all__ = [
    "ERRORS",
    "MAX_VALUE_BYTES",
    "SCHEMA_SQL",
    "SQLITE_APPLICATION_ID",
    "SQLITE_FORMAT_VERSION",
    "check_ledger",
    "connect",
    "create_schema",
    "describe",
    "printable",
    "quiet_wal_state",
    "read_lines",
]

#: Marks an SQLite file as an assurance ledger (``PRAGMA application_id``).
SQLITE_APPLICATION_ID = 0x414C4731  # "ALG1"
SQLITE_FORMAT_VERSION = 1
#: The one object an SQLite ledger holds, exactly as this library creates it.
SCHEMA_SQL = "CREATE TABLE entries (seq INTEGER PRIMARY KEY, line BLOB NOT NULL)"
#: The longest string or blob SQLite may hand over (``SQLITE_LIMIT_LENGTH``):
#: room for any entry, and far below what would strain memory.
MAX_VALUE_BYTES = 2 * MAX_LINE_BYTES
#: The file format read version (header byte 19) of a write-ahead-log database.
_WAL_READ_VERSION = b"\x02"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_OBJECT_KIND = {"table": "a table", "index": "an index", "view": "a view", "trigger": "a trigger"}


#: What SQLite may raise through Python. A message SQLite builds from a damaged
#: file's bytes (a malformed schema's name) that is not UTF-8 reaches Python as
#: a UnicodeDecodeError instead of the sqlite3 error.
ERRORS = (sqlite3.Error, UnicodeDecodeError)


def describe(exc: Exception) -> str:
    """SQLite's complaint, safe for a one-line message."""
    if isinstance(exc, UnicodeDecodeError):
        return "the database is malformed (SQLite's message about it is not even UTF-8)"
    return printable(str(exc))


def printable(text: str, limit: int = 200) -> str:
    """``text`` from a hostile file, safe for a one-line message: control characters escaped."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _decode(value: bytes) -> str:
    # Names and SQL in a hostile file need not be valid UTF-8.
    return value.decode("utf-8", "replace")


def connect(path: Path, *, readonly: bool, immutable: bool = False) -> sqlite3.Connection:
    """A hardened connection to the existing database at ``path``; SQLite never creates it.

    ``readonly`` opens it with ``mode=ro``: nothing this connection does can
    write the file. ``immutable`` (read-only only) also tells SQLite the file
    cannot change, so it takes no locks and creates no ``-wal`` or ``-shm``
    file: only for a write-ahead-log database that no one has open (see
    :func:`quiet_wal_state`).
    """
    mode = "ro" if readonly else "rw"
    query = f"mode={mode}" + ("&immutable=1" if immutable else "")
    uri = f"file:{urllib.parse.quote(str(path.absolute()))}?{query}"
    try:
        db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=60.0)
    except ERRORS as exc:
        raise StoreError(str(path), f"cannot use as SQLite: {describe(exc)}") from None
    try:
        db.text_factory = _decode
        # setlimit and setconfig are newer than Python 3.10 (3.11 and 3.12).
        setlimit = getattr(db, "setlimit", None)
        if setlimit is not None:
            setlimit(getattr(sqlite3, "SQLITE_LIMIT_LENGTH", 0), MAX_VALUE_BYTES)
        setconfig = getattr(db, "setconfig", None)
        defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
        if setconfig is not None and defensive is not None:
            setconfig(defensive, True)
        db.execute("PRAGMA trusted_schema = OFF")
        db.execute("PRAGMA cell_size_check = ON")
        db.execute("PRAGMA busy_timeout = 60000")
        if readonly:
            db.execute("PRAGMA query_only = ON")
    except ERRORS as exc:
        db.close()
        raise StoreError(str(path), f"cannot use as SQLite: {describe(exc)}") from None
    return db


def quiet_wal_state(path: Path) -> tuple[int, ...] | None:
    """The file's identity and times if it is a write-ahead-log database no one has open.

    ``None`` otherwise (a rollback-journal database, a WAL database with a
    ``-wal`` file beside it, or not an SQLite file at all). A WAL database
    whose ``-wal`` file is absent holds every committed transaction in the
    file itself, so it can be read as an immutable file; comparing this state
    before and after such a read tells whether a writer changed it meanwhile.
    """
    try:
        with open(path, "rb") as file:
            header = file.read(20)
            info = os.fstat(file.fileno())
    except OSError:
        return None
    # SQLite goes by the read version (byte 19) alone: 2 means a write-ahead log.
    if header[:16] != _SQLITE_MAGIC or header[19:20] != _WAL_READ_VERSION:
        return None
    if os.path.lexists(f"{path}-wal"):
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def check_ledger(db: sqlite3.Connection, path: Path, *, allow_empty: bool) -> bool:
    """Raise StoreError unless the database is a ledger; return whether it is empty.

    Call it inside a transaction, before any statement reads or writes the
    table ``entries``. Only ``sqlite_master`` and the header are read here, so
    nothing the file defines (a trigger, a view) can run. An empty database
    (no objects, no application id) is allowed only with ``allow_empty``.
    """
    app = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    bad = db.execute(
        "SELECT type, substr(name, 1, 100), substr(tbl_name, 1, 100), substr(sql, 1, 200) "
        "FROM sqlite_master "
        "WHERE NOT (type = 'table' AND name = 'entries' AND tbl_name = 'entries' AND sql IS ?) "
        # Code first (a trigger, then a view): what most needs naming.
        "ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'view' THEN 1 ELSE 2 END, rowid LIMIT 1",
        (SCHEMA_SQL,),
    ).fetchone()
    count = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    where = str(path)
    if app == 0 and count == 0 and version == 0:
        if not allow_empty:
            raise StoreError(where, "an empty file, not a ledger (init it first)")
        return True
    if app != SQLITE_APPLICATION_ID:
        raise StoreError(where, "an SQLite database, but not a ledger")
    if version != SQLITE_FORMAT_VERSION:
        raise StoreError(
            where,
            f"an SQLite ledger of format version {version}, but this library reads version "
            f"{SQLITE_FORMAT_VERSION}",
        )
    if bad is not None:
        kind, name, table, sql = bad
        if kind == "table" and name == "entries":
            raise StoreError(
                where,
                f"the table entries must be exactly {SCHEMA_SQL!r}; found {short(sql, 200)}",
            )
        what = _OBJECT_KIND.get(kind, f"an object of type {short(kind, 30)}")
        on = f" on {short(table, 100)}" if kind in {"index", "trigger"} and table else ""
        raise StoreError(
            where,
            f"an SQLite ledger must hold only the table entries; found {what} named "
            f"{short(name, 100)}{on}",
        )
    if count == 0:
        raise StoreError(where, "an SQLite ledger must hold the table entries; found none")
    return False


def create_schema(db: sqlite3.Connection) -> None:
    """Set up an empty database as a ledger (inside a write transaction)."""
    db.execute(SCHEMA_SQL)
    db.execute(f"PRAGMA application_id = {SQLITE_APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {SQLITE_FORMAT_VERSION}")


def read_lines(db: sqlite3.Connection, path: Path, after: int) -> list[bytes]:
    """The stored lines after the first ``after``, checked row by row before they are fetched.

    Seqs must run 1, 2, 3, ... with no gap; a line must be a blob of at most
    :data:`~assurance_ledger.codec.MAX_LINE_BYTES` bytes, as an append stores
    it. Anything else raises :class:`~assurance_ledger.errors.ChainBroken`
    naming the seq; its value is never fetched (the query hands over a line
    only once its type and length are known to be right).
    """
    where = str(path)
    if after and db.execute("SELECT 1 FROM entries WHERE seq = ?", (after,)).fetchone() is None:
        raise ChainBroken(
            after, f"the database has fewer entries than the {after} already read", path=where
        )
    # From the least integer when reading from the start, so a row with seq 0
    # or below is seen (and refused) rather than skipped.
    start = after + 1 if after else -(2**63)
    # Closed on the way out, error or not: an open cursor keeps the connection
    # (and its -wal and -shm files) alive after close().
    lines: list[bytes] = []
    expected = after + 1
    with closing(
        db.execute(
            "SELECT seq, typeof(line), length(line), "
            "CASE WHEN typeof(line) = 'blob' AND length(line) <= ? THEN line END "
            "FROM entries WHERE seq >= ? ORDER BY seq",
            (MAX_LINE_BYTES, start),
        )
    ) as cursor:
        for seq, kind, length, line in cursor:
            if seq != expected:
                raise ChainBroken(
                    expected,
                    f"there is no row with seq {expected} (the next row has seq {short(seq)})"
                    if seq > expected
                    else f"a row has seq {short(seq)}, but seqs count 1, 2, 3, ... from the first",
                    path=where,
                )
            if kind != "blob":
                raise ChainBroken(
                    seq,
                    f"its line is stored as {kind}, not as a blob (bytes)",
                    path=where,
                )
            if line is None:
                raise ChainBroken(
                    seq,
                    f"its line is longer than {MAX_LINE_BYTES} bytes ({length} bytes)",
                    path=where,
                )
            lines.append(line)
            expected += 1
    return lines
