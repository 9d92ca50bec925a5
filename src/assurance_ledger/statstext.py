"""How a published table is shown: plain text, CSV and HTML.

The renderings of a :class:`~assurance_ledger.stats.StatsTable` (its
``to_text``, ``to_csv`` and ``_repr_html_`` call these). A group's value is
text from a ledger, so each one escapes it for where it goes: plain text on one
line with its controls visible (:func:`~assurance_ledger.display.one_line`),
CSV neutralised against spreadsheet formulas
(:mod:`~assurance_ledger.csvout`), HTML escaped.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from .csvout import csv_text
from .display import one_line

if TYPE_CHECKING:
    from .stats import StatsTable

__all__: list[str] = []  # StatsTable.to_text, to_csv and to_html are the public way

#: What the total's first grouping column reads (so no group may be called this).
TOTAL = "Total"


def _label(table: StatsTable) -> list[str]:
    return [TOTAL, *([""] * (len(table.by) - 1))] if table.by else []


def _heading(table: StatsTable) -> str:
    grouped = f", by {', '.join(table.by)}" if table.by else ""
    return f"Returns as of {table.as_of.isoformat()}{grouped} ({table.suppression.describe()})"


def _lines(table: StatsTable) -> list[list[str]]:
    lines = [[*table.by, *table.measures]]
    lines += [[*map(one_line, row.key), *map(str, row.values)] for row in table.rows]
    lines.append([*_label(table), *map(str, table.total.values)])
    return lines


def to_csv(table: StatsTable) -> str:
    """The table as CSV: a header, one line per group, and the total last (see ``to_csv``)."""
    rows = [*([*row.key, *row.values] for row in table.rows), [*_label(table), *table.total.values]]
    return csv_text([*table.by, *table.measures], rows, as_is=table.measures)


def to_text(table: StatsTable) -> str:
    """The table for people, in plain text, with the suppression stated above it."""
    lines = _lines(table)
    keys = len(table.by)
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    text = [_heading(table)]
    for line in lines:
        cells = [
            value.ljust(width) if i < keys else value.rjust(width)
            for i, (value, width) in enumerate(zip(line, widths, strict=True))
        ]
        text.append("  ".join(cells).rstrip())
    return "\n".join(text)


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def to_html(table: StatsTable) -> str:
    """The table as HTML for notebooks; every value is escaped."""
    lines = _lines(table)
    head = "".join(f"<th>{_escape(c)}</th>" for c in lines[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{_escape(c)}</td>" for c in line) + "</tr>" for line in lines[1:]
    )
    return (
        f"<table><caption>{_escape(_heading(table))}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
