r"""CSV safe to open in a spreadsheet: the one CSV writer of the library.

A ledger's ids and text may be hostile. Opened in Excel or LibreOffice, a CSV
cell such as ``=HYPERLINK("http://...","x")``, ``+SUM(1)``, ``-1+1`` or
``@SUM(1)`` is not text but a live formula (CSV injection). Following OWASP's
guidance, :func:`neutralise` prefixes a single quote ``'`` to every text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, so the
spreadsheet shows it as text. It also prefixes one to a cell that already
starts with ``'``, so the change can be undone exactly: **a text cell that
starts with** ``'`` **had one added; drop it to read the true text.**

Only text is neutralised. Numbers (``int`` cells) are written as numbers, and
so are the columns a table names as written *as is*: those whose every value
the library makes itself from a closed set, such as a statistics table's counts
and its suppression marks ``--`` and ``x``. A count is never negative, so no
number the library writes starts with ``-``, and ``--`` is a fixed mark, never
text from a ledger. Everything else in a cell is kept exactly, line breaks and
all: CSV is data, like JSON, not text for a terminal. A cell holding a comma, a
double quote, a line feed or a carriage return is quoted as RFC 4180 says
(Python's ``csv`` module, with ``"\n"`` ending lines, leaves a carriage return
unquoted, which would split the row, so the quoting is done here); lines end
with ``"\n"``.

:func:`csv_text` writes every CSV the library makes: ``check --format csv``,
:meth:`StatsTable.to_csv <assurance_ledger.stats.StatsTable.to_csv>` (and
the CSV of ``stats --datapackage``), ``export --format csv``, the Uwazi files
of ``export --format uwazi`` and the table templates
(:func:`~assurance_ledger.spreadsheets.table_template`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from typing import Final

__all__ = ["neutralise"]

#: The first characters that make a spreadsheet read a cell as a formula, and
#: the quote that marks a neutralised cell (prefixed too, so that it is undone exactly).
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r", "'")
_QUOTE = '"'
_QUOTED = re.compile('[",\r\n]')


def neutralise(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet reads as a formula: ``'`` prefixed when needed.

    >>> print(neutralise('=HYPERLINK("http://x","x")'), neutralise("-1+1"), neutralise("c-1"))
    '=HYPERLINK("http://x","x") '-1+1 c-1
    >>> print(neutralise("'quoted"))
    ''quoted
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(
    header: Sequence[str],
    rows: Iterable[Sequence[str | int | None]],
    *,
    as_is: Collection[str] = (),
) -> str:
    """CSV of a header and rows (``None`` as an empty cell), every text cell neutralised.

    ``as_is`` names the columns written unchanged: only columns whose values the
    library makes itself (counts, ``--``), or made by :func:`joined`, never raw
    text from a ledger.

    >>> print(csv_text(["claimant_id", "returns"], [["=1+1", 3], ["c-1", None]]), end="")
    claimant_id,returns
    '=1+1,3
    c-1,
    """
    kept = [name in as_is for name in header]
    lines = [_line([neutralise(name) for name in header])]
    for row in rows:
        lines.append(
            _line(
                [
                    "" if cell is None else str(cell) if keep else _cell(cell)
                    for cell, keep in zip(row, kept, strict=True)
                ]
            )
        )
    return "".join(lines)


def joined(items: Iterable[str], separator: str = "|") -> str:
    """Several values for one cell, each neutralised: for a reader that splits the cell.

    Uwazi reads ``a|b`` as two values and shows each on its own, so each is
    neutralised, not just the cell's start; a linked title is then written
    exactly as its own ``title`` cell is. The cell so made starts with a
    neutralised value, so it goes into :func:`csv_text` as one of the ``as_is``
    columns, not neutralised twice.

    >>> print(joined(["c-1", "=1+1"]), joined(["+1-1", "c-2"]))
    c-1|'=1+1 '+1-1|c-2
    """
    return separator.join(neutralise(item) for item in items)


def _cell(cell: str | int) -> str:
    return neutralise(cell) if isinstance(cell, str) else str(cell)


def _line(cells: Sequence[str]) -> str:
    """One CSV line: a cell quoted (its quotes doubled) when it holds ``"``, ``,``, CR or LF."""
    quoted = [f'"{c.replace(_QUOTE, _QUOTE * 2)}"' if _QUOTED.search(c) else c for c in cells]
    # A row of one empty cell is written "", not as a blank line (which readers skip).
    return (",".join(quoted) or '""') + "\n"
