"""The ``stats`` and ``stats-audit`` commands (private; registered by :mod:`.cli`).

``stats LEDGER [--by FIELD...] [--as-of DAY]`` publishes a table of counts,
small ones hidden, safe beside every table already published of the ledger
(its release log); ``stats-audit TABLE.json...`` finds the counts that tables
published together reveal. See docs/stats.md and docs/cli.md.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import TextIO

from ._clishared import EXIT_FOUND, EXIT_OK, as_of_day, given_text, open_ledger, shown
from ._files import read_regular_file
from .audit import audit_stats
from .codec import MAX_RECORDS_FILE_BYTES
from .errors import AuditError, StatsError, StoreError, UsageError
from .exports import write_package
from .releases import ReleaseLog
from .stats import FIELDS, StatsTable, Suppression, stats

__all__ = ["stats_args", "stats_audit_args"]


def _release(path: Path, option: str = "--since ") -> StatsTable:
    """A stats release, read from the JSON that ``stats --format json`` wrote.

    Errors name the file after ``option`` (the option that gave it, if any).
    """
    where = f"{option}{shown(path)}"
    try:
        # A release is small: the records file limit is plenty, and stops /dev/zero.
        text = read_regular_file(path, limit=MAX_RECORDS_FILE_BYTES, what="release").decode()
    except StoreError as exc:
        raise UsageError(f"{option}{exc}") from None
    except UnicodeDecodeError:
        raise UsageError(
            f"{where}: expected a stats release as JSON, got bytes that are not UTF-8"
        ) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(
            f"{where}: expected a stats release as JSON (as stats --format json writes it), "
            f"got invalid JSON ({exc})"
        ) from None
    except RecursionError:  # a hostile file nested deeper than Python's reader goes
        raise UsageError(
            f"{where}: expected a stats release as JSON (as stats --format json writes it), "
            "got JSON nested too deep"
        ) from None
    try:
        return StatsTable.from_json(data)
    except StatsError as exc:
        raise UsageError(f"{where}: not a stats release: {exc}") from None


def _stats(args: argparse.Namespace, out: TextIO) -> int:
    if args.datapackage is not None and args.format != "csv":
        raise UsageError("--datapackage is for --format csv")
    write_package(None, args.datapackage)  # a bad DIR is refused before anything is published
    paths = args.since or []
    since = [_release(path) for path in paths]
    # Raw counts promise nothing and are not for publication: no log reads or keeps them.
    log = None
    if not args.no_log and args.suppression != "none":
        log = ReleaseLog(args.log) if args.log else ReleaseLog.beside(args.ledger)
    with open_ledger(args.ledger, readonly=True) as ledger:
        as_of, suppression = as_of_day(args, "counting"), Suppression.preset(args.suppression)
        by = args.by or ()
        try:
            if log is None:
                table = stats(ledger, by, as_of=as_of, suppression=suppression, since=since)
            else:
                table = log.publish(ledger, by, as_of=as_of, suppression=suppression, since=since)
        except StoreError as exc:
            if log is None or exc.path != str(log.path):
                raise
            raise UsageError(
                f"{exc} (keep the log elsewhere with --log LOG, or make the table alone "
                "with --no-log)"
            ) from None
        except StatsError as exc:  # name the --since file rather than since[i], and the log
            got = f", got {exc.got}" if exc.got is not None else ""
            if log is not None and exc.field.startswith(("release log", "published")):
                field = f"{exc.field}: " if exc.field != "published" else ""
                raise UsageError(
                    f"{shown(log.path)}: {field}expected {exc.expected}{got}"
                ) from None
            which = re.fullmatch(r"since\[([0-9]+)\]", exc.field)
            if which is None:
                raise
            raise UsageError(
                f"--since {shown(paths[int(which[1])])}: expected {exc.expected}{got}"
            ) from None
    if args.format == "json":
        json.dump(table.to_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif args.format == "csv":
        write_package(table, args.datapackage)
        out.write(table.to_csv())
    else:
        print(table.to_text(), file=out)
    return EXIT_OK


def stats_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ledger", type=Path, help="the ledger file (.jsonl or .sqlite)")
    p.add_argument(
        "--by",
        nargs="+",
        action="extend",
        type=given_text,
        metavar="FIELD",
        help=f"group by these fields: {', '.join(FIELDS)} (default: the total alone)",
    )
    p.add_argument(
        "--as-of", type=given_text, help="the evaluation day, YYYY-MM-DD (default today)"
    )
    p.add_argument(
        "--suppression",
        choices=tuple(Suppression.PRESETS),
        default="default",
        help="default: 1-4 shown as --, others rounded to 5; strict: 1-10; none: raw counts",
    )
    p.add_argument(
        "--since",
        type=Path,
        action="append",
        metavar="PREVIOUS.json",
        help="an earlier release of the same table (its --format json output); repeatable",
    )
    logs = p.add_mutually_exclusive_group()
    logs.add_argument(
        "--log",
        type=Path,
        metavar="LOG",
        help="the release log: every table published of this ledger, one a line; the table is "
        "made safe beside them and added (default: LEDGER.releases.jsonl beside the ledger)",
    )
    logs.add_argument(
        "--no-log",
        action="store_true",
        help="keep no release log: the table is protected on its own only",
    )
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.add_argument(
        "--datapackage",
        type=Path,
        metavar="DIR",
        help="with --format csv: also write the CSV and a Frictionless datapackage.json "
        "(counts as integers, -- and x missing) into DIR",
    )
    p.set_defaults(run=_stats)


def _stats_audit(args: argparse.Namespace, out: TextIO) -> int:
    paths: list[Path] = args.tables
    tables = [_release(path, option="") for path in paths]
    try:
        result = audit_stats(tables)
    except AuditError as exc:  # name the file rather than tables[i]
        if exc.table is None:
            raise
        got = f", got {exc.got}" if exc.got is not None else ""
        raise UsageError(f"{shown(paths[exc.table])}: expected {exc.expected}{got}") from None
    except ImportError as exc:  # scipy, an optional extra, is missing
        raise UsageError(str(exc)) from None
    names = [str(path) for path in paths]
    if args.format == "json":
        json.dump(result.to_json(names), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        print(result.to_text(names), file=out)
    return EXIT_OK if result.ok else EXIT_FOUND


def stats_audit_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "tables",
        type=Path,
        nargs="+",
        metavar="TABLE.json",
        help="published tables (what stats --format json printed), of one ledger state and day",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=_stats_audit)
