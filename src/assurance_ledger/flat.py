"""Flat tables: how a ledger, a report, a stats table and bad records become rows and cells.

One set of rules, used by every ``to_records()``, every ``to_pandas()`` and
every CSV the library writes of them, so that a table read in pandas and the
same table opened in a spreadsheet say the same thing:

* a nested field gets a dotted name: ``scope.returns_from``, ``source.citation``;
* a date keeps the ledger's own form, with its precision: ``2020-03-22``,
  ``2020-03``, or a span ``2020-03-20..2020-03-25``; a fact's ``on`` is also
  given as two days, ``on_earliest`` and ``on_latest``, to sort and compare;
* in a Python row, a list stays a list and a boolean a ``bool`` (pandas can
  ``explode`` a list; a text of joined values it would have to split again);
  ``commitments`` stays a list of JSON objects;
* in a CSV cell (:func:`cell_text`), the text forms that the CSV reader of
  ``append`` reads back: a list joined with ``|`` (an empty one ``[]``),
  ``true``/``false``, ``commitments`` as JSON text, an absent field as an empty
  cell. A list item holding ``|`` could not be told apart from two items, so
  it is refused (:class:`~assurance_ledger.errors.ExportError`), never written.

pandas is optional (the ``pandas`` extra): :func:`dataframe` imports it only
when asked, and says which extra to install when it is missing. Counts become
pandas' nullable integers (``Int64``), so a suppressed count is ``<NA>`` in an
integer column rather than turning the column into text or floats.

>>> flat_record({"type": "claimant_returned", "on": {"earliest": "2020-03-20",
...     "latest": "2020-03-25"}, "scope": {"crossings": ["airport"]}, "minor": True})
{'type': 'claimant_returned', 'on': '2020-03-20..2020-03-25',
 'scope.crossings': ['airport'], 'minor': True}
>>> [cell_text(v) for v in (["HT", "CD"], [], True, None, 3, [{"kind": "humane_treatment"}])]
['HT|CD', '[]', 'true', None, 3, '[{"kind": "humane_treatment"}]']
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .csvout import csv_text
from .errors import ExportError, InvalidRecords
from .intervals import interval

if TYPE_CHECKING:
    from ._tables import StatsTable
    from .ledger import Ledger

__all__: list[str] = []  # the rules behind the public to_records() and to_pandas(); none public

#: What the ImportError says when pandas is missing.
PANDAS_HINT = (
    "to_pandas() needs pandas, the pandas extra: pip install 'assurance-ledger[pandas]' "
    "(from a clone, pip install -e '.[pandas]')"
)
#: The columns of a fact row that come from its ledger entry, not from its record.
ENTRY_COLUMNS = ("seq", "recorded_at", "recorded_by", "corrected_by")
#: The columns of a fact row that split its ``on`` into two days.
DAY_COLUMNS = ("on_earliest", "on_latest")
#: The columns of :func:`invalid_rows`, in order.
INVALID_COLUMNS = ("line", "row", "column", "seq", "path", "expected", "got")
#: Between the items of a list in a CSV cell (and in Uwazi's multi-value cells).
SEPARATOR = "|"
EMPTY_LIST = "[]"


def flat_record(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A record's JSON as one flat row: nested objects as dotted names, dates as text.

    A date span (``{"earliest": ..., "latest": ...}``) is the one object that
    is a value, not a group of fields: it becomes ``EARLIEST..LATEST``.
    """
    row: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value.keys() == {"earliest", "latest"}:
            row[name] = f"{value['earliest']}..{value['latest']}"
        elif isinstance(value, dict):
            row.update(flat_record(value, f"{name}."))
        else:
            row[name] = value
    return row


def fact_rows(ledger: Ledger) -> list[dict[str, Any]]:
    """One row per current fact (corrections applied, retractions left out), in seq order.

    The entry's ``seq``, ``recorded_at``, ``recorded_by`` and ``corrected_by``
    (the correction it stands by, or ``None``), the record's ``type`` and its ids,
    ``on_earliest`` and ``on_latest`` (``datetime.date``; ``None`` for a record
    with no ``on``), then every field of the record, flattened. A record's field
    named like an entry's column (a checkpoint's ``seq``, the witnessed entry)
    is ``record.seq``.
    """
    rows = []
    for fact in ledger.facts():
        entry = ledger.entry(fact.seq)
        fields = flat_record(ledger.codec.to_json(fact.record))
        for name in ENTRY_COLUMNS:  # a checkpoint's own seq is not its entry's
            if name in fields:
                fields[f"record.{name}"] = fields.pop(name)
        on = getattr(fact.record, "on", None)
        ids = {name: fields.pop(name) for name in list(fields) if name.endswith("_id")}
        rows.append(
            {
                "seq": fact.seq,
                "recorded_at": entry.recorded_at,
                "recorded_by": entry.recorded_by,
                "corrected_by": fact.corrected_by,
                "type": fields.pop("type"),
                **ids,
                "on_earliest": on.earliest if on is not None else None,
                "on_latest": on.latest if on is not None else None,
                **fields,
            }
        )
    return rows


def columns_of(rows: Iterable[Mapping[str, Any]], first: Sequence[str] = ()) -> list[str]:
    """Every key of the rows: ``first``, then the others in the order they first appear."""
    seen = dict.fromkeys(first)
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def cell_text(value: Any) -> str | int | None:
    """A row's value as a CSV cell: the text forms the CSV reader of ``append`` reads.

    ``None`` stays ``None`` (an empty cell) and a whole number stays a number
    (the CSV writer writes it as one). Raise :class:`ExportError` for a list
    item holding ``|``, which no reader could tell from two items.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, list | tuple):
        return _list_text(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _list_text(value: Sequence[Any]) -> str:
    """A list's cell: JSON when it holds objects (``commitments``), else its items joined."""
    if any(isinstance(item, dict | list) for item in value):
        return json.dumps(list(value), ensure_ascii=False)
    if not value:
        return EMPTY_LIST
    items = [str(item) for item in value]
    for item in items:
        if SEPARATOR in item:
            raise ExportError(item, f"a list item without {SEPARATOR!r}")
    return SEPARATOR.join(items)


def csv_rows(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str], *, where: str = "seq"
) -> list[list[str | int | None]]:
    """The rows as CSV cells (:func:`cell_text`), in ``columns`` order; absent keys empty.

    An :class:`ExportError` names the row by its ``where`` key and the column.
    """
    out = []
    for row in rows:
        cells: list[str | int | None] = []
        for column in columns:
            try:
                cells.append(cell_text(row.get(column)))
            except ExportError as exc:
                where_ = f"{where} {row.get(where)}, {column}"
                raise ExportError(exc.value, exc.expected, where_) from None
        out.append(cells)
    return out


#: What a stats table's published value is, beside its count: the true count
#: (``shown``), a rounded count standing for a range (``rounded``), or hidden,
#: ``--`` or ``x``, with no count (``suppressed``).
STATUSES = ("shown", "rounded", "suppressed")


def stats_columns(table: StatsTable) -> list[str]:
    """The columns of :func:`stats_rows`: the grouping fields, ``total``, then four per measure."""
    per_measure = ((m, f"{m}_status", f"{m}_low", f"{m}_high") for m in table.measures)
    return [*table.by, "total", *(c for group in per_measure for c in group)]


def stats_rows(table: StatsTable) -> list[dict[str, Any]]:
    """One row per group, then the total (``total`` true, its groups ``None``).

    Each measure gives four columns: the count (an ``int``, or ``None`` when
    suppressed), its status (:data:`STATUSES`), and the lowest and highest true
    count the published value stands for (``None``: no highest), as the
    table's JSON ``intervals`` state them.
    """
    rows = []
    listed = [(row, False) for row in table.rows] + [(table.total, True)]
    for row, total in listed:
        out: dict[str, Any] = dict(zip(table.by, row.key or (None,) * len(table.by), strict=True))
        out["total"] = total
        nonempty = not total or bool(table.rows)
        for measure, value in zip(table.measures, row.values, strict=True):
            low, high = interval(table.suppression, measure, value, nonempty=nonempty)
            count = value if isinstance(value, int) else None
            status = "suppressed" if count is None else "shown" if low == high else "rounded"
            out.update(
                {
                    measure: count,
                    f"{measure}_status": status,
                    f"{measure}_low": low,
                    f"{measure}_high": high,
                }
            )
        rows.append(out)
    return rows


def facts_csv(ledger: Ledger) -> str:
    """The fact table (:func:`fact_rows`) as CSV, every cell in :func:`cell_text`'s form.

    Written by the library's one CSV writer, which neutralises spreadsheet formulas.
    """
    rows = fact_rows(ledger)
    columns = columns_of(rows, (*ENTRY_COLUMNS, "type"))
    return csv_text(columns, csv_rows(rows, columns))


def invalid_rows(error: InvalidRecords) -> list[dict[str, Any]]:
    """One row per bad value: where it is, ``path``, ``expected``, ``got``.

    Where: the ``line`` of a JSON Lines file, or the ``row`` and ``column`` of
    a table (the header is row 1), and the entry's ``seq``; each when known.
    """
    return [
        {
            "line": e.line,
            "row": e.row,
            "column": e.column,
            "seq": e.seq,
            "path": e.field,
            "expected": e.expected,
            "got": e.got,
        }
        for e in error.errors
    ]


def dataframe(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    integers: Iterable[str] = (),
    days: Iterable[str] = (),
    times: Iterable[str] = (),
) -> Any:
    """A ``pandas.DataFrame`` of ``rows``; raise ImportError naming the extra without pandas.

    ``integers``, and every column whose values are all whole numbers, become
    nullable ``Int64`` (``None`` is ``<NA>``); a column of booleans becomes
    nullable ``boolean``; ``days`` (``datetime.date`` or ISO text) and ``times``
    (ISO 8601 in UTC) become ``datetime64`` columns; every other column keeps
    Python's values (text, and lists as lists).
    """
    # Imported here, not at the top: pandas is an optional extra.
    try:
        import pandas  # noqa: PLC0415
    except ImportError as exc:
        raise ImportError(PANDAS_HINT) from exc
    frame = pandas.DataFrame.from_records(
        [[row.get(c) for c in columns] for row in rows], columns=list(columns)
    )
    integers = set(integers)
    for column in columns:
        kinds = {_kind(row.get(column)) for row in rows} - {None}
        if column in integers or kinds == {"int"}:
            frame[column] = frame[column].astype("Int64")
        elif kinds == {"bool"}:
            frame[column] = frame[column].astype("boolean")
    for column in days:
        frame[column] = pandas.to_datetime(frame[column])
    for column in times:
        frame[column] = pandas.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame


def _kind(value: object) -> str | None:
    """``int``, ``bool`` or ``other`` for a cell's value; ``None`` for an absent one."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    return "int" if isinstance(value, int) else "other"
