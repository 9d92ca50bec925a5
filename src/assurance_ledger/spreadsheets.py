r"""Records read from a table: CSV, or the first sheet of an Excel workbook (``.xlsx``).

The header names the JSON fields (see :mod:`assurance_ledger.columns` for what
each column's cells hold); each row becomes the JSON object the codec reads,
and is then read by the codec exactly as a line of JSON Lines is. A ``type``
column names each row's record type, or ``type=`` gives the type of every row.

CSV is UTF-8, with or without a byte order mark; cells are separated by commas
or by semicolons (told from the header: whichever it holds more of); lines end
with LF or CRLF, and quoted cells may hold line breaks. Rows are numbered as a
spreadsheet numbers them (the header is row 1); a row with every cell empty is
skipped. A cell is read as its text, whatever it starts with (``=``, ``+``,
``'``): nothing is stripped or changed.

Every bad cell is reported at once (up to ``limit``), each with its row and
column, in one :class:`~assurance_ledger.errors.InvalidRecords`, and nothing
is returned unless every row is a valid record.

>>> table = '''type;claimant_id;on;returned_by;returned_to;nationalities
... claimant_returned;c-1;2020-03-20..2020-03-25;CA;US;HT|CD
... '''
>>> read_table(table)[0].on.latest
datetime.date(2020, 3, 25)
>>> read_table(table.replace("HT|CD", "Haiti"))
Traceback (most recent call last):
...
assurance_ledger.errors.InvalidRecord: row 2, column nationalities: nationalities[0]: expected ...
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from ._files import read_regular_file
from ._validate import short
from .chain import Entry
from .codec import DEFAULT_CODEC, MAX_PROBLEMS, MAX_RECORDS_FILE_BYTES, Codec, loads_json
from .columns import Column, columns, example
from .csvout import csv_text
from .display import nearest, one_line
from .errors import InvalidRecord, InvalidRecords, StoreError
from .flat import DAY_COLUMNS, ENTRY_COLUMNS
from .ledger import Ledger
from .records import RECORD_TYPES, Record

__all__ = ["TableFormat", "append_table", "read_table", "read_table_rows", "table_template"]

#: A table's format: CSV text, or an Excel workbook's bytes.
TableFormat = Literal["csv", "xlsx"]
#: Most cells read from one sheet, and most characters in them: what a CSV of
#: :data:`~assurance_ledger.codec.MAX_RECORDS_FILE_BYTES` could hold at most.
MAX_CELLS = MAX_RECORDS_FILE_BYTES
#: Most bytes a workbook may unpack to: a small file must not expand without end.
MAX_UNPACKED_BYTES = 8 * MAX_RECORDS_FILE_BYTES
_XLSX_EXTRA = "reading .xlsx needs openpyxl: pip install 'assurance-ledger[xlsx]'"
_INTEGER = re.compile(r"-?[0-9]{1,19}")
_TYPE = "type"


def _all_columns() -> dict[str, Column]:
    """Every column of every record type, by name (a name means one field everywhere)."""
    found: dict[str, Column] = {}
    for name in RECORD_TYPES:
        for column in columns(name):
            found.setdefault(column.name, column)
    return found


def _csv_rows(data: str | bytes) -> Iterator[list[str]]:
    """The rows of CSV text: UTF-8, BOM or none, comma or semicolon, LF or CRLF."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InvalidRecord(
                (), "UTF-8 text", f"invalid byte at position {exc.start}", line=line
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        yield from reader
    except csv.Error as exc:
        raise InvalidRecord((), "valid CSV", str(exc), line=reader.line_num) from None


def _text_of(value: Any) -> str:  # noqa: PLR0911 -- one return for each kind of value
    """A spreadsheet cell's value as the text the column rules read."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = getattr(value, "text", None)  # an array formula: its text
    return text if isinstance(text, str) else str(value)


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    """The rows of a workbook's first sheet, as text; formulas as their text."""
    try:
        import openpyxl  # noqa: PLC0415 -- an optional extra, imported when needed
    except ImportError:
        raise ImportError(_XLSX_EXTRA) from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InvalidRecord((), "an Excel workbook (.xlsx)", str(exc)) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise InvalidRecord(
            (), f"a workbook of at most {MAX_UNPACKED_BYTES} bytes unpacked", f"{unpacked} bytes"
        )
    with warnings.catch_warnings():  # openpyxl warns of styles and extensions it skips
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
            raise _not_a_workbook(exc) from None
        try:
            yield from _sheet_rows(book)
        finally:
            book.close()


def _not_a_workbook(exc: Exception) -> InvalidRecord:
    return InvalidRecord(
        (), "an Excel workbook (.xlsx)", one_line(f"{type(exc).__name__}: {exc}")[:200]
    )


def _sheet_rows(book: Any) -> Iterator[list[str]]:
    """The first sheet's rows as text; any failure of openpyxl's, one error."""
    budget = MAX_CELLS
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the file's own claim of its size is not trusted
        rows = sheet.iter_rows(values_only=True)
    except Exception as exc:  # a workbook without a sheet, or one openpyxl cannot read
        raise _not_a_workbook(exc) from None
    while True:
        try:  # a damaged sheet fails while it is read, row by row
            values = next(rows, None)
            row = None if values is None else [_text_of(v) for v in values]
        except Exception as exc:
            raise _not_a_workbook(exc) from None
        if row is None:
            return
        budget -= len(row) + sum(map(len, row))
        if budget < 0:
            raise InvalidRecord((), f"a sheet of at most {MAX_CELLS} cells and characters")
        yield row


def _set(target: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for step in path[:-1]:
        target = target.setdefault(step, {})
    target[path[-1]] = value


def _bad(column: Column, expected: str, cell: str) -> InvalidRecord:
    return InvalidRecord(column.path, expected, short(cell))


def _item(text: str, column: Column) -> Any:
    if column.item == "integer":
        if not _INTEGER.fullmatch(text):
            raise _bad(column, "whole numbers joined with |", text)
        return int(text)
    return text


def _value(cell: str, column: Column) -> Any:
    """The JSON value of a non-empty cell; InvalidRecord for a cell its kind cannot hold."""
    kind = column.kind
    if kind == "integer":
        if not _INTEGER.fullmatch(cell):
            raise _bad(column, "a whole number", cell)
        return int(cell)
    if kind == "boolean":
        if cell.lower() not in ("true", "false"):
            raise _bad(column, "true or false", cell)
        return cell.lower() == "true"
    if kind == "date" and ".." in cell:
        earliest, _, latest = cell.partition("..")
        return {"earliest": earliest, "latest": latest}
    if kind == "json" or (kind == "list" and cell.startswith("[")):
        try:
            value = loads_json(cell)
        except InvalidRecord as exc:
            what = "a JSON array" if kind == "list" else "JSON text"
            raise InvalidRecord(column.path, f"{what} ({exc.expected})", exc.got) from None
        if kind == "list" and not isinstance(value, list):
            raise _bad(column, "items joined with |, or a JSON array", cell)
        return value
    if kind == "list":
        return [_item(text, column) for text in cell.split("|")]
    return cell


def _column_of(path: Sequence[str | int], known: Sequence[Column]) -> str | None:
    """The column a codec error's path falls in: the longest column path it starts with."""
    best = None
    for column in known:
        size = len(column.path)
        if tuple(path[:size]) == column.path and (best is None or size > len(best.path)):
            best = column
    if best is not None:
        return best.name
    steps = []
    for step in path:
        if not isinstance(step, str):
            break
        steps.append(step)
    return ".".join(steps) or None


#: The columns of a fact table (``export --format csv``, :mod:`.flat`) that
#: describe its entry, not its record; a table that has them names a
#: checkpoint's own ``seq`` ``record.seq``.
_ENTRY_COLUMNS = frozenset({*ENTRY_COLUMNS, *DAY_COLUMNS})
_SEQ = "seq"
_EXPORTED_SEQ = "record.seq"
#: The entry columns that are no record's field: a table with any is a fact table.
_ENTRY_ONLY = _ENTRY_COLUMNS - {_SEQ}


class _Table:
    """One table being read: its header checked, then each row made a record."""

    def __init__(self, kind: str | None, codec: Codec, limit: int) -> None:
        self.kind = kind
        self.codec = codec
        self.limit = limit
        self.errors: list[InvalidRecord] = []
        self.truncated = False
        self.header: list[Column | None] = []
        self.skipped: set[int] = set()  # the columns of an exported fact table's entries

    def fail(self, error: InvalidRecord) -> None:
        if len(self.errors) >= self.limit:
            self.truncated = True
            raise InvalidRecords(self.errors, truncated=True)
        self.errors.append(error)

    def read_header(self, names: Sequence[str]) -> None:
        known = _all_columns()
        seen: set[str] = set()
        # A fact table as export --format csv wrote it: no record has these fields.
        exported = not _ENTRY_ONLY.isdisjoint(names)
        for name in names:
            if exported and name in _ENTRY_COLUMNS:
                # What the export says of the entry, not of the record: the
                # ledger appending the row gives it its own.
                self.header.append(None)
                self.skipped.add(len(self.header) - 1)
                seen.add(name)
                continue
            column = known.get(_SEQ if exported and name == _EXPORTED_SEQ else name)
            self.header.append(column)
            if column is None and name:
                near = nearest(name, known)
                hint = f" (did you mean {near!r}?)" if near is not None else ""
                self.fail(
                    InvalidRecord((), f"a field's name{hint}", short(name), row=1, column=name)
                )
            elif name in seen:
                self.fail(InvalidRecord((), "each column once", short(name), row=1, column=name))
            elif not name:  # read only if a row has a value there (see cells)
                self.header[-1] = None
            seen.add(name)
        if self.kind is None and _TYPE not in seen:
            self.fail(
                InvalidRecord(
                    (_TYPE,), "a type column, or the type of every row given (--type)", row=1
                )
            )

    def cells(
        self, number: int, row: Sequence[str], bad: list[tuple[str, ...]]
    ) -> tuple[str | None, dict[str, Any]]:
        """The row's type and JSON object (bad cells left out, reported, their paths in ``bad``)."""
        obj: dict[str, Any] = {}
        kind = self.kind
        for index, cell in enumerate(row):
            if not cell or index in self.skipped:
                continue
            column = self.header[index] if index < len(self.header) else None
            if column is None:
                self.fail(
                    InvalidRecord(
                        (),
                        "no value in a column without a name",
                        short(cell),
                        row=number,
                        column=f"#{index + 1}",
                    )
                )
            elif column.name == _TYPE:
                if self.kind is not None and cell != self.kind:
                    self.fail(
                        InvalidRecord(
                            (_TYPE,),
                            f"{self.kind!r} (the type given)",
                            short(cell),
                            row=number,
                            column=_TYPE,
                        )
                    )
                    return None, obj  # the rest of the row is not of the type given
                kind = cell
            else:
                try:
                    _set(obj, column.path, _value(cell, column))
                except InvalidRecord as exc:
                    bad.append(column.path)
                    self.fail(exc.at(row=number, column=column.name))
        return kind, obj

    def record(self, number: int, row: Sequence[str]) -> Record | None:
        """The row's record, or None when anything in it is wrong (each problem reported)."""
        before = len(self.errors)
        bad: list[tuple[str, ...]] = []
        kind, obj = self.cells(number, row, bad)
        if kind is None:  # no type: said in row 1 when there is no type column
            has_type = any(c is not None and c.name == _TYPE for c in self.header)
            if has_type and len(self.errors) == before:
                self.fail(
                    InvalidRecord(
                        (_TYPE,), "a record type (the field is required)", row=number, column=_TYPE
                    )
                )
            return None
        known = columns(kind) if kind in RECORD_TYPES else ()
        try:
            record = self.codec.from_json({_TYPE: kind, **obj})
        except (InvalidRecord, InvalidRecords) as exc:
            found = exc.errors if isinstance(exc, InvalidRecords) else (exc,)
            for error in found:
                # A cell already reported was left out: the codec's word on it adds nothing.
                if not any(error.path[: len(path)] == path for path in bad):
                    self.fail(error.at(row=number, column=_column_of(error.path, known)))
            record = None
        # The row's problems in the order of its columns, as a person reads the row.
        order = {c.name: i for i, c in enumerate(self.header) if c is not None}
        self.errors[before:] = sorted(
            self.errors[before:], key=lambda e: order.get(e.column or "", len(order))
        )
        return record if len(self.errors) == before else None


def _rows(data: str | bytes, format: TableFormat) -> Iterator[list[str]]:
    if format == "xlsx":
        if not isinstance(data, bytes):
            raise TypeError("an .xlsx workbook is read from bytes")
        return _xlsx_rows(data)
    if format == "csv":
        return _csv_rows(data)
    raise ValueError(f"no table format {format!r}: one of csv, xlsx")


def read_table_rows(
    data: str | bytes,
    *,
    format: TableFormat = "csv",
    type: str | None = None,
    codec: Codec = DEFAULT_CODEC,
    limit: int = MAX_PROBLEMS,
) -> tuple[tuple[int, Record], ...]:
    """Like :func:`read_table`, each record with its row (the header is row 1)."""
    if type is not None and type not in RECORD_TYPES:
        near = nearest(type, RECORD_TYPES)
        hint = f" (did you mean {near!r}?)" if near is not None else ""
        raise InvalidRecord((_TYPE,), f"a record type{hint}", short(type))
    table = _Table(type, codec, limit)
    found: list[tuple[int, Record]] = []
    rows = _rows(data, format)
    try:
        for number, row in enumerate(rows, start=1):
            if number == 1:
                table.read_header(row)
            elif any(row):
                record = table.record(number, row)
                if record is not None:
                    found.append((number, record))
    except InvalidRecord as exc:  # the file itself: not UTF-8, not CSV, not a workbook
        table.errors.append(exc)
    if table.errors:
        if len(table.errors) == 1 and not table.truncated:
            raise table.errors[0]
        raise InvalidRecords(table.errors, truncated=table.truncated)
    return tuple(found)


def read_table(
    data: str | bytes,
    *,
    format: TableFormat = "csv",
    type: str | None = None,
    codec: Codec = DEFAULT_CODEC,
    limit: int = MAX_PROBLEMS,
) -> tuple[Record, ...]:
    """The records of a table: CSV text or bytes, or an ``xlsx`` workbook's bytes.

    ``type`` is the record type of every row, for a table without a ``type``
    column (where there is one, its cells must say the same, or be empty).
    Raise :class:`~assurance_ledger.errors.InvalidRecord` for one problem and
    :class:`~assurance_ledger.errors.InvalidRecords` for several, each with its
    ``row`` and ``column``; ``ImportError`` for ``xlsx`` without openpyxl
    (the ``xlsx`` extra).
    """
    return tuple(
        r for _, r in read_table_rows(data, format=format, type=type, codec=codec, limit=limit)
    )


def table_format(path: str | Path) -> TableFormat | None:
    """The table format of a file by its suffix (``.csv``, ``.xlsx``, any case), or None."""
    suffix = Path(path).suffix.lower()
    return "csv" if suffix == ".csv" else "xlsx" if suffix == ".xlsx" else None


def append_table(
    ledger: Ledger,
    path: str | Path,
    *,
    recorded_by: str,
    recorded_at: str | dt.datetime | None = None,
    type: str | None = None,
) -> tuple[Entry, ...]:
    """Append the records of a table file (``.csv`` or ``.xlsx``) to ``ledger``, all or nothing.

    As :meth:`Ledger.append_file <assurance_ledger.ledger.Ledger.append_file>`
    does for JSON Lines: the file must be a regular file of at most
    :data:`~assurance_ledger.codec.MAX_RECORDS_FILE_BYTES` bytes, every bad cell
    is reported with its row and column, and a record the ledger refuses with
    its row (and the seq it would have had); then nothing is appended.
    """
    format = table_format(path)
    if format is None:
        raise StoreError(str(path), "expected a table file: .csv or .xlsx")
    data = read_regular_file(path, limit=MAX_RECORDS_FILE_BYTES)
    rows = read_table_rows(data, format=format, type=type, codec=ledger.codec)
    first = len(ledger) + 1
    try:
        return ledger.extend([r for _, r in rows], recorded_by=recorded_by, recorded_at=recorded_at)
    except InvalidRecords as exc:
        raise InvalidRecords(
            [_on_row(e, rows, first) for e in exc.errors], truncated=exc.truncated
        ) from None
    except InvalidRecord as exc:
        raise _on_row(exc, rows, first) from None


def _on_row(error: InvalidRecord, rows: Sequence[tuple[int, Record]], first: int) -> InvalidRecord:
    """A refused record's error, placed on the row of the table it came from."""
    if error.seq is None or not 0 <= error.seq - first < len(rows):
        return error
    number, record = rows[error.seq - first]
    return error.at(row=number, column=_column_of(error.path, columns(record.TYPE)))


def table_template(type_name: str, format: Literal["csv", "jsonl"] = "csv") -> str:
    """A table's header for a record type (``csv``), or an example record (``jsonl``).

    Both are made from the record's JSON Schema: the header lists every column
    of :func:`~assurance_ledger.columns.columns`, the example holds every
    required field. Raise ``KeyError`` for a type the format does not have.

    >>> print(table_template("detained"), end="")
    type,outcome_id,claimant_id,on,by,source.citation,source.url,source.reliability,source.credibility
    >>> print(table_template("detained", "jsonl"), end="")
    {"by":"CA","claimant_id":"claimant-1","on":"2020-03-30","outcome_id":"outcome-1","type":"detained"}
    """
    if format == "jsonl":
        record = DEFAULT_CODEC.from_json(example(type_name))
        return DEFAULT_CODEC.dumps(record).decode("utf-8") + "\n"
    return csv_text([c.name for c in columns(type_name)], [])
