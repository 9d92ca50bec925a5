"""The errors assurance_ledger raises.

Every exception class the package defines is here, and every one is a
:class:`LedgerError` and also the builtin that callers already catch for its
kind of problem: :class:`ValueError` for bad input (a record, a date, a file, an
argument), :class:`LookupError` for something asked for by name that is not
there (:class:`NotFound`). The bare :class:`LedgerError` is never raised, and an
inconsistency inside the library (a bug) raises :class:`RuntimeError`, not one
of these. Errors about bad input carry data, not just a message: the path of
the bad field inside the record, what was expected, what was found, and where
the record came from (a line of a file). Many problems found in one read are
raised together as :class:`InvalidRecords`, so a user fixing a file sees every
bad record at once, not one per run.

A message is one line per problem, whatever the input held: a value is quoted
with ``repr()`` (``got``), and the other text an input can put in a message (a
field's name, a file's path) is escaped by
:func:`~assurance_ledger.display.one_line`. The attributes keep the true values.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import Any

from .display import one_line

__all__ = [
    "AuditError",
    "ChainBroken",
    "EmptyLedger",
    "ExportError",
    "InvalidDate",
    "InvalidRecord",
    "InvalidRecords",
    "LedgerError",
    "NotFound",
    "PartitionError",
    "Path",
    "ReadOnlyLedger",
    "RecordRefused",
    "StatsError",
    "StoreError",
    "TornTail",
    "UsageError",
    "WorkerFailed",
    "format_path",
]

#: The location of a value inside a JSON record: keys and list indexes, outermost first.
Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    r"""Render a path the way error messages show it (keys escaped by :func:`one_line`).

    A key may be any text an input holds (an unknown field's name), so it is
    shown on one line with its controls visible.

    >>> format_path(("commitments", 0, "within_days"))
    'commitments[0].within_days'
    >>> format_path(())
    '(top level)'
    >>> print(format_path(("source", "x\nThe ledgers agree.")))
    source.x\nThe ledgers agree.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{one_line(part)}" if out else one_line(part)
    return out or "(top level)"


def _clip(name: str, limit: int = 60) -> str:
    """A name from an input (a table's header) on one line, cut short if long."""
    shown = one_line(name)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


class LedgerError(Exception):
    """The base of every error raised on purpose by assurance_ledger.

    Catch it to catch them all; it is never raised itself: each error is one
    of its subclasses, which is also a builtin error (see the module).
    """


class InvalidRecord(LedgerError, ValueError):
    """One value in a record is not what the format allows.

    ``path`` is where the value is inside the record (see :data:`Path`),
    ``expected`` says in words what is allowed there, ``got`` is a short
    ``repr`` of what was found (or ``None`` when the value is missing), and
    ``line`` is the 1-based line of the file it was read from, and ``seq`` the
    ledger entry it is (or would have been), when known. A value read from a
    spreadsheet or CSV has its ``row`` instead (as the spreadsheet numbers it:
    the header is row 1) and its ``column`` (the header's name, such as
    ``scope.nationalities``).
    """

    path: Path
    expected: str
    got: str | None
    line: int | None
    seq: int | None
    row: int | None
    column: str | None

    def __init__(
        self,
        path: Path,
        expected: str,
        got: str | None = None,
        *,
        line: int | None = None,
        seq: int | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        """Build the error; the message is derived from the data."""
        self.path = tuple(path)
        self.expected = expected
        self.got = got
        self.line = line
        self.seq = seq
        self.row = row
        self.column = column
        super().__init__(self.message)

    @property
    def field(self) -> str:
        """The path of the bad value as text, e.g. ``commitments[0].within_days``."""
        return format_path(self.path)

    @property
    def message(self) -> str:
        """The one-line message: where, which field, what was expected, what was found.

        A value from a table is placed by its row and column, and its field
        is named again only when it says more than the column (an item of a
        list, a key inside a cell's JSON).
        """
        places = []
        if self.line is not None:
            places.append(f"line {self.line}")
        if self.row is not None:
            column = f", column {_clip(self.column)}" if self.column is not None else ""
            places.append(f"row {self.row}{column}")
        if self.seq is not None:
            places.append(f"seq {self.seq}")
        if self.column is None or (self.path and self.field != self.column):
            places.append(self.field)
        where = "".join(f"{p}: " for p in places)
        found = f", got {self.got}" if self.got is not None else ""
        return f"{where}expected {self.expected}{found}"

    def at(
        self,
        prefix: Path = (),
        *,
        line: int | None = None,
        seq: int | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> InvalidRecord:
        """The same error, located deeper in a document, on a line or row, or at an entry."""
        return type(self)(
            (*prefix, *self.path),
            self.expected,
            self.got,
            line=self.line if line is None else line,
            seq=self.seq if seq is None else seq,
            row=self.row if row is None else row,
            column=self.column if column is None else column,
        )

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by the data, so errors cross process boundaries intact."""
        return (
            _rebuild,
            (
                type(self),
                self.path,
                self.expected,
                self.got,
                self.line,
                self.seq,
                self.row,
                self.column,
            ),
        )


def _rebuild(  # noqa: PLR0917 -- pickle calls it with positional arguments
    cls: type[InvalidRecord],
    path: Path,
    expected: str,
    got: str | None,
    line: int | None,
    seq: int | None,
    row: int | None = None,
    column: str | None = None,
) -> InvalidRecord:
    return cls(path, expected, got, line=line, seq=seq, row=row, column=column)


class RecordRefused(InvalidRecord):
    """A valid record that conflicts with what the ledger already holds.

    For example a duplicate id, an outcome for an unknown claimant, or an outcome
    dated certainly before its claimant's return. ``seq`` is the entry it would
    have been; nothing was appended.
    """


class InvalidDate(InvalidRecord):
    """A date or date span that cannot be read, or whose earliest day is after its latest."""


class InvalidRecords(LedgerError, ValueError):
    """Several records were invalid; ``errors`` holds each one, in input order.

    Reading stops collecting after ``limit`` errors (``truncated`` is then true),
    so a huge bad file cannot exhaust memory with error objects.
    """

    errors: tuple[InvalidRecord, ...]
    truncated: bool

    def __init__(self, errors: Sequence[InvalidRecord], *, truncated: bool = False) -> None:
        """Collect ``errors`` (at least one)."""
        if not errors:
            raise ValueError("InvalidRecords needs at least one error")
        self.errors = tuple(errors)
        self.truncated = truncated
        more = " (and more, not shown)" if truncated else ""
        count = len(self.errors)
        head = f"{count} problem{'s' if count != 1 else ''} found{more}:"
        super().__init__("\n  ".join([head, *(e.message for e in self.errors)]))

    def to_records(self) -> list[dict[str, Any]]:
        """One flat row per bad value: where, ``path``, ``expected``, ``got``.

        Where: ``line`` (JSON Lines), or ``row`` and ``column`` (a table), and ``seq``.

        >>> from assurance_ledger import DEFAULT_CODEC
        >>> try:
        ...     DEFAULT_CODEC.read_records('{"type": "detained"}')
        ... except ValueError as error:
        ...     row = error.to_records()[0]
        >>> row["line"], row["path"], row["expected"], row["got"]
        (1, 'outcome_id', 'a value (the field is required)', None)
        """
        from . import flat  # noqa: PLC0415 -- flat imports this module

        return flat.invalid_rows(self)

    def to_pandas(self) -> Any:
        """The rows of :meth:`to_records` as a ``pandas.DataFrame`` (the ``pandas`` extra).

        ``line`` and ``seq`` are nullable integers (``Int64``).
        """
        from . import flat  # noqa: PLC0415 -- flat imports this module

        return flat.dataframe(self.to_records(), flat.INVALID_COLUMNS, integers=("line", "seq"))

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by the data, so errors cross process boundaries intact."""
        return (_rebuild_many, (self.errors, self.truncated))


def _rebuild_many(errors: tuple[InvalidRecord, ...], truncated: bool) -> InvalidRecords:
    return InvalidRecords(errors, truncated=truncated)


class ChainBroken(LedgerError, ValueError):
    """Stored entries do not form an unbroken hash chain of valid entries.

    ``seq`` is the position of the first entry that is not what the chain says
    it must be (edited, deleted, reordered or inserted there, or an entry no
    append would have accepted), ``reason`` says what was wrong with it, and
    ``path`` names the store, when there is one.
    """

    seq: int
    reason: str
    path: str | None

    def __init__(self, seq: int, reason: str, *, path: str | None = None) -> None:
        """Build the error; the message is derived from the data."""
        self.seq = seq
        self.reason = reason
        self.path = path
        where = f"{one_line(path)}: " if path else ""
        super().__init__(f"{where}chain broken at seq {seq}: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by the data."""
        return (_rebuild_chain, (self.seq, self.reason, self.path))


def _rebuild_chain(seq: int, reason: str, path: str | None) -> ChainBroken:
    return ChainBroken(seq, reason, path=path)


class StoreError(LedgerError, ValueError):
    """A file cannot be used: wrong kind of file, unreadable, unsafe, or left torn.

    Mostly a ledger file (not a ledger, a schema or row an append never
    writes, a symbolic link where a new ledger was to be made), and also a
    records file that is not a regular file or is too big. ``path`` names the
    file and ``problem`` says what is wrong with it.
    """

    path: str

    def __init__(self, path: str, problem: str) -> None:
        """Build the error for ``path``."""
        self.path = path
        self.problem = problem
        super().__init__(f"{one_line(path)}: {problem}")

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by the data."""
        return (type(self), (self.path, self.problem))


class TornTail(StoreError):
    """The end of a stored ledger was left unfinished by an interrupted append.

    ``entries`` complete entries come before the torn tail of ``torn_bytes``
    bytes. Nothing is lost that was acknowledged: an append returns only once
    its entries are durable. Run the store's ``repair()`` to cut the torn tail
    off; it touches nothing before it.
    """

    def __init__(self, path: str, problem: str, *, entries: int = 0, torn_bytes: int = 0) -> None:
        """Build the error for ``path``."""
        self.entries = entries
        self.torn_bytes = torn_bytes
        super().__init__(path, problem)

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by the data."""
        return (_rebuild_torn, (self.path, self.problem, self.entries, self.torn_bytes))


def _rebuild_torn(path: str, problem: str, entries: int, torn_bytes: int) -> TornTail:
    return TornTail(path, problem, entries=entries, torn_bytes=torn_bytes)


class AuditError(LedgerError, ValueError):
    """Published tables that cannot be audited together.

    ``table`` is the position (from 0) of the table at fault in the list given
    to :func:`~assurance_ledger.audit.audit_stats`, or ``None`` when the fault
    is in the list or in all the tables together; ``expected`` says what was
    needed and ``got`` (or ``None``) what was found.
    """

    table: int | None
    expected: str
    got: str | None

    def __init__(self, table: int | None, expected: str, got: str | None = None) -> None:
        """Build the error; the message is ``tables[i]: expected ..., got ...``."""
        self.table = table
        self.expected = expected
        self.got = got
        where = "tables" if table is None else f"tables[{table}]"
        found = f", got {got}" if got is not None else ""
        super().__init__(f"{where}: expected {expected}{found}")

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by the data."""
        return (type(self), (self.table, self.expected, self.got))


class ReadOnlyLedger(StoreError, io.UnsupportedOperation):
    """A ledger or store opened read-only was asked to change.

    Also an :class:`io.UnsupportedOperation` (an ``OSError`` and a
    ``ValueError``), as Python raises for writing to a file opened for reading.
    """


class StatsError(LedgerError, ValueError):
    """A bad argument or release for :func:`~assurance_ledger.stats.stats`.

    ``field`` was not ``expected``; ``got`` is a short representation of what
    was found (or ``None``).
    """

    field: str
    expected: str
    got: str | None

    def __init__(self, field: str, expected: str, got: str | None = None) -> None:
        """Build the error; the message is ``field: expected ..., got ...``."""
        self.field = field
        self.expected = expected
        self.got = got
        found = f", got {got}" if got is not None else ""
        super().__init__(f"{one_line(field)}: expected {expected}{found}")

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by the data."""
        return (type(self), (self.field, self.expected, self.got))


class EmptyLedger(LedgerError, ValueError):
    """An empty ledger has no head, so there is nothing to witness."""


class ExportError(LedgerError, ValueError):
    """A value that a flat table (CSV, Uwazi) cannot hold so that it reads back the same.

    A list item holding ``|``, which separates the items of a cell, is one.
    ``value`` is the value, ``expected`` says what a cell can hold, and
    ``where`` names the row and column, when known.
    """

    value: str
    expected: str
    where: str | None

    def __init__(self, value: str, expected: str, where: str | None = None) -> None:
        """Build the error; the message is ``where: expected ..., got ...``."""
        self.value = value
        self.expected = expected
        self.where = where
        place = f"{one_line(where)}: " if where is not None else ""
        super().__init__(f"{place}expected {expected}, got {value!r}")

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by the data."""
        return (type(self), (self.value, self.expected, self.where))


class NotFound(LedgerError, LookupError):
    """Something asked for by its id or kind is not there.

    A claimant no return in the ledger names (:func:`~assurance_ledger.timeline.timeline`),
    an assurance never given (:func:`~assurance_ledger.othman.profile`),
    or a commitment kind that :func:`~assurance_ledger.checker.check` has no rule
    for. A :class:`LookupError`, as for a key missing from a mapping: the input
    is well formed, but what it names is missing.
    """


class UsageError(LedgerError, ValueError):
    """A command line that cannot be run as given (the command exits with status 2).

    Raised and caught inside :mod:`assurance_ledger.cli`, which prints its message.
    """


class PartitionError(LedgerError, ValueError):
    """Claimants that cannot be split, or reports that cannot be joined, as asked.

    Raised by :func:`~assurance_ledger.partition.partitions` and
    :func:`~assurance_ledger.checker.check` for fewer than one part or worker,
    and by :meth:`~assurance_ledger.report.Report.merge` for no reports, or
    reports judged as of different days (their findings are not comparable).
    """


class WorkerFailed(LedgerError, ChildProcessError):
    """A forked process of ``check(..., workers=N)`` ended without its part's report.

    ``part`` is the part it checked (from 1: part 0 is checked in the calling
    process) and ``status`` its wait status (see :func:`os.waitstatus_to_exitcode`):
    it was killed, or ran out of memory. An error the check itself raised in
    the worker is raised as it is, not as this.
    """

    def __init__(self, part: int, status: int) -> None:
        """Record which part's process ended, and how."""
        self.part = part
        self.status = status
        super().__init__(
            f"the process checking part {part} ended without its report "
            f"(exit status {os.waitstatus_to_exitcode(status)})"
        )

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by the data."""
        return (type(self), (self.part, self.status))
