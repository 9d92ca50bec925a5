"""What every command of the command line shares (private; read by :mod:`.cli` and its parts).

The exit codes, how a path or name is shown in a message, how a ledger is
opened, the evaluation day a command uses, and an option's value refused when
empty: one home for each, so that the commands kept in modules of their own
(``_cli_stats``) say them as :mod:`.cli` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .display import one_line
from .ledger import Ledger

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FOUND",
    "EXIT_OK",
    "as_of_day",
    "given_text",
    "open_ledger",
    "shown",
    "today",
]

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_BAD_INPUT = 2


def _progress(done: int, total: int) -> None:
    """Show how far a long load has got, on a terminal only."""
    if total < 10_000:
        return
    end = "\n" if done == total else ""
    print(f"\rverifying {done:,} of {total:,} entries", end=end, file=sys.stderr, flush=True)


def shown(path: object) -> str:
    """A path (or any name) as a message shows it: one line, controls visible."""
    return one_line(str(path))


def open_ledger(path: Path, *, readonly: bool) -> Ledger:
    """The ledger at ``path``; read-only for every command but ``append``."""
    return Ledger.open(path, readonly=readonly, progress=_progress if sys.stderr.isatty() else None)


def today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def as_of_day(args: argparse.Namespace, doing: str) -> str:
    """The day given with ``--as-of``, or today's, said on standard error.

    Said there, not in the output, so that standard output stays the document
    itself (one JSON or CSV document; a text report byte for byte the one that
    ``--as-of`` that day prints), while a person at a terminal reads it first.
    """
    if args.as_of:
        return str(args.as_of)
    day = today()
    print(
        f"assurance-ledger: {doing} as of today, {day} (UTC): no --as-of given",
        file=sys.stderr,
        flush=True,
    )
    return day


def given_text(value: str) -> str:
    """An option's value, refused when empty (an unset shell variable must not pass)."""
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return value
