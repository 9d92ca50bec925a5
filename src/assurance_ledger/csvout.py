"""CSV safe to open in a spreadsheet: the one CSV writer of the library.

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
all, quoted as RFC 4180 says: CSV is data, like JSON, not text for a terminal.

:func:`csv_text` writes every CSV the library makes: ``check --format csv`` and
:meth:`StatsTable.to_csv <assurance_ledger.stats.StatsTable.to_csv>`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Sequence
from typing import Final

__all__ = ["FORMULA_STARTS", "csv_text", "neutralise"]

#: The first characters that make a spreadsheet read a cell as a formula, and
#: the quote that marks a neutralised cell (prefixed too, so that it is undone exactly).
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r", "'")


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
    library makes itself (counts, ``--``), never text from a ledger.

    >>> print(csv_text(["claimant_id", "returns"], [["=1+1", 3], ["c-1", None]]), end="")
    claimant_id,returns
    '=1+1,3
    c-1,
    """
    kept = [name in as_is for name in header]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(name) for name in header])
    for row in rows:
        writer.writerow(
            [
                ""
                if cell is None
                else cell
                if keep or not isinstance(cell, str)
                else neutralise(cell)
                for cell, keep in zip(row, kept, strict=True)
            ]
        )
    return out.getvalue()
