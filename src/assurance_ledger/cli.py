"""The ``assurance-ledger`` command line.

Every command reports bad input as one clear message on standard error (the
line, the field, what was expected) and exits with status 2; it never shows a
traceback for a :class:`~assurance_ledger.errors.LedgerError` or an unreadable
file.

Commands:

``summary FILE``
    Read a file of records (JSON Lines or a JSON array), check that each one
    survives the trip to canonical JSON and back unchanged, and print how many
    records of each type it holds.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .codec import DEFAULT_CODEC
from .errors import InvalidRecords, LedgerError

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def _summary(path: Path, out: TextIO) -> int:
    records = DEFAULT_CODEC.read_records(path.read_bytes())
    counts = Counter(type(r).TYPE for r in records)
    for record in records:
        data = DEFAULT_CODEC.dumps(record)
        if (
            DEFAULT_CODEC.loads(data) != record
            or DEFAULT_CODEC.dumps(DEFAULT_CODEC.loads(data)) != data
        ):  # pragma: no cover -- a round-trip bug; the tests prove it cannot happen
            raise LedgerError(f"{path}: a record did not survive the JSON round trip: {data!r}")
    for name in sorted(counts):
        print(f"{name}: {counts[name]}", file=out)
    print(f"{len(records)} records read from {path}; every one round-trips unchanged", file=out)
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assurance-ledger",
        description="A ledger of diplomatic assurances, returned claimants and outcomes.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    summary = commands.add_parser(
        "summary", help="validate a records file and count its records by type"
    )
    summary.add_argument("file", type=Path, help="records as JSON Lines or a JSON array")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage message
        return EXIT_BAD_INPUT if exc.code else EXIT_OK
    try:
        if args.command == "summary":
            return _summary(args.file, sys.stdout)
    except InvalidRecords as exc:
        print(f"assurance-ledger: {args.file}: {exc}", file=sys.stderr)
    except LedgerError as exc:
        print(f"assurance-ledger: {args.file}: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"assurance-ledger: {args.file}: cannot read: {exc.strerror}", file=sys.stderr)
    return EXIT_BAD_INPUT
