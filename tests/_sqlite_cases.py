"""Hostile SQLite ledgers, made at run time from a good one (SQLite files are binary).

Each generator takes the path of a copy of a good SQLite ledger (the hostile
corpus's base ledger) and changes it into one hostile case of
``tests/hostile/cases.json`` (kind ``sqlite``), with the stdlib ``sqlite3`` as
an attacker would: adding code (a trigger, a view), objects or columns,
editing ``sqlite_master`` directly (``PRAGMA writable_schema``), or storing
rows an append never writes. Every case is left closed and checkpointed (no
``-wal`` file beside it), in write-ahead-log mode unless it says otherwise.
Shared by ``tests/test_hostile.py`` and ``tests/test_sqlite_store.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from assurance_ledger.codec import MAX_LINE_BYTES

#: The schema the library creates (repeated here on purpose: the tests pin it).
SCHEMA = "CREATE TABLE entries (seq INTEGER PRIMARY KEY, line BLOB NOT NULL)"
APPLICATION_ID = 0x414C4731


@contextmanager
def edit(path: Path, *, writable_schema: bool = False) -> Iterator[sqlite3.Connection]:
    """A plain connection to ``path``, committed and closed (so checkpointed) at the end."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        if writable_schema:
            db.execute("PRAGMA writable_schema = ON")
        db.execute("BEGIN")
        yield db
        db.execute("COMMIT")
    finally:
        db.close()


def set_schema_sql(path: Path, sql: str) -> None:
    """Rewrite the SQL sqlite_master keeps for the table ``entries`` (storage left as it is)."""
    with edit(path, writable_schema=True) as db:
        db.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'entries'", (sql,))


def rebuild(path: Path, sql: str, *, extra: tuple[str, ...] = ()) -> None:
    """The same rows in a table ``entries`` created by ``sql`` (then ``extra`` statements)."""
    with edit(path) as db:
        db.execute("ALTER TABLE entries RENAME TO old")
        db.execute(sql)
        db.execute("INSERT INTO entries (seq, line) SELECT seq, line FROM old")
        db.execute("DROP TABLE old")
        for statement in extra:
            db.execute(statement)


def run(*statements: str) -> Callable[[Path], None]:
    """A generator that runs ``statements`` in one transaction."""

    def make(path: Path) -> None:
        with edit(path) as db:
            for statement in statements:
                db.execute(statement)

    return make


def store_line(seq: int, value: object) -> Callable[[Path], None]:
    """A generator that stores ``value`` (any SQLite type) as the line of ``seq``."""

    def make(path: Path) -> None:
        with edit(path) as db:
            db.execute("UPDATE entries SET line = ? WHERE seq = ?", (value, seq))

    return make


def null_line(seq: int) -> Callable[[Path], None]:
    """A generator that makes ``seq``'s line NULL under the exact schema.

    NOT NULL is checked only when a row is written, so the table is rebuilt
    without it, the row changed, and the constraint written back into
    ``sqlite_master``.
    """

    def make(path: Path) -> None:
        rebuild(path, SCHEMA.replace(" NOT NULL", ""))
        with edit(path) as db:
            db.execute("UPDATE entries SET line = NULL WHERE seq = ?", (seq,))
        set_schema_sql(path, SCHEMA)

    return make


def _view_instead_of_table(body: str) -> Callable[[Path], None]:
    """The table moved aside and a view named ``entries`` put in its place."""
    return run("ALTER TABLE entries RENAME TO stored", f"CREATE VIEW entries AS {body}")


def _rollback_journal(make: Callable[[Path], None]) -> Callable[[Path], None]:
    """``make``, then the file switched to a rollback journal (``journal_mode = DELETE``)."""

    def both(path: Path) -> None:
        make(path)
        db = sqlite3.connect(path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = DELETE")
        finally:
            db.close()

    return both


def _huge_schema_sql(path: Path) -> None:
    """The table's SQL padded with a comment of 3 MB (more than SQLite may hand over)."""
    set_schema_sql(path, SCHEMA[:-1] + ", /*" + "x" * 3_000_000 + "*/)")


SQLITE_GENERATED: dict[str, Callable[[Path], None]] = {
    "sqlite-trigger-deletes-each-append": run(
        "CREATE TRIGGER wipe AFTER INSERT ON entries BEGIN "
        "DELETE FROM entries WHERE seq = new.seq; END"
    ),
    "sqlite-trigger-rollback-journal": _rollback_journal(
        run("CREATE TRIGGER stamp BEFORE INSERT ON entries BEGIN SELECT 1; END")
    ),
    "sqlite-trigger-name-with-escapes": run(
        'CREATE TRIGGER "\x1b[2J\x1b[31mred" AFTER INSERT ON entries BEGIN SELECT 1; END'
    ),
    "sqlite-view-entries-zeroblob": _view_instead_of_table(
        "SELECT seq, zeroblob(900000000) AS line FROM stored"
    ),
    "sqlite-view-entries-recursive": _view_instead_of_table(
        "WITH RECURSIVE r(seq, line) AS (SELECT 1, x'00' UNION ALL SELECT seq + 1, line FROM r) "
        "SELECT seq, line FROM r"
    ),
    "sqlite-extra-view": run("CREATE VIEW tally AS SELECT count(*) FROM entries"),
    "sqlite-extra-table": run("CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('x')"),
    "sqlite-extra-index": _rollback_journal(run("CREATE INDEX by_line ON entries (line)")),
    "sqlite-extra-column": run("ALTER TABLE entries ADD COLUMN note TEXT"),
    "sqlite-generated-column": lambda path: set_schema_sql(
        path,
        SCHEMA[:-1] + ", big BLOB GENERATED ALWAYS AS (zeroblob(900000000)) VIRTUAL)",
    ),
    "sqlite-line-declared-text": lambda path: rebuild(path, SCHEMA.replace("BLOB", "TEXT")),
    "sqlite-seq-declared-text": lambda path: rebuild(
        path, SCHEMA.replace("seq INTEGER PRIMARY KEY", "seq TEXT PRIMARY KEY")
    ),
    "sqlite-autoincrement": lambda path: rebuild(
        path, SCHEMA.replace("PRIMARY KEY", "PRIMARY KEY AUTOINCREMENT")
    ),
    "sqlite-without-rowid": lambda path: rebuild(path, SCHEMA[:-1] + ") WITHOUT ROWID"),
    "sqlite-huge-schema-sql": _huge_schema_sql,
    "sqlite-not-a-ledger-application-id": run("PRAGMA application_id = 0"),
    "sqlite-format-version-2": run("PRAGMA user_version = 2"),
    "sqlite-no-entries-table": run("DROP TABLE entries"),
    "sqlite-line-as-text": store_line(4, '{"hash": "not bytes"}'),
    "sqlite-line-as-real": store_line(4, 1.5),
    "sqlite-line-as-huge-integer": store_line(4, 2**63 - 1),
    "sqlite-line-as-null": null_line(4),
    "sqlite-line-over-limit": store_line(5, b"x" * (MAX_LINE_BYTES + 1)),
    "sqlite-seq-gap": run("DELETE FROM entries WHERE seq = 6"),
    "sqlite-seq-zero": run("INSERT INTO entries SELECT 0, line FROM entries WHERE seq = 1"),
}


def make_case(name: str, base: bytes, path: Path) -> Path:
    """The hostile case ``name`` at ``path``, made from ``base`` (a good SQLite ledger's bytes)."""
    path.write_bytes(base)
    SQLITE_GENERATED[name](path)
    for leftover in (f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        assert not Path(leftover).exists(), leftover
    return path
