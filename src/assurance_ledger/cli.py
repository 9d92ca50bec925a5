"""The ``assurance-ledger`` command line (also ``python -m assurance_ledger``).

Exit status: 0 when all is well, 1 when ``check`` finds breaches at or above
``--fail-on`` (with ``--fail-on at-risk``: anyone at risk now; or ``reconcile``
finds the two ledgers disagree, or ``stats-audit`` finds published tables that
disclose a protected count), 2 for bad input or usage.
Bad input is reported as one clear message on standard error (the file, the
line or entry, the field, what was expected), never as a traceback, and it
never changes a ledger. A records file given where a ledger belongs is named
as one, and a country's name given as a party is refused with its code.

Ledger files may come from elsewhere, so the commands that only read one
(``verify``, ``check``, ``show``, ``profile``, ``stats``, ``reconcile``, and the source of
``export`` and ``import``) open it read-only: they never write it, whatever it
holds. ``init``, ``export`` and ``import`` never create a ledger through a
symbolic link, and a records file must be a regular file of bounded size.

Commands:

``init LEDGER``
    Create an empty ledger (``.jsonl`` or ``.sqlite``).
``append LEDGER RECORDS --recorded-by PARTY [--recorded-at TIME] [--type TYPE]``
    Append the plain records of a JSON Lines (or JSON array) file, or of a
    table (``.csv`` or ``.xlsx``, ``--type`` for one without a ``type``
    column), all or nothing.
``check LEDGER [--as-of DAY] [--as-recorded TIME] [--format F] [--fail-on C]``
    Check for breaches as of a day (default today, then named on standard
    error), optionally on the ledger as it was recorded at an earlier time
    (``F``: text, json or csv; ``C``: certain or possible, or ``at-risk`` to
    exit 1 when anyone is at risk now, whatever the breaches).
``verify LEDGER [--expect SEQ:HASH]``
    Verify the hash chain (and, with ``--expect``, a witnessed head).
``reconcile A B [--format F] [--a-party PARTY] [--b-party PARTY]``
    Compare two ledgers of one arrangement: witnessed heads, the chains, and
    the facts (``F``: text or json); exit 1 when they disagree.
``show LEDGER [--claimant ID [--as-of DAY] [--format F]]``
    List the current view, or one claimant's timeline as of a day (default
    today): their facts, the assurances that cover them and the breaches found
    (``F``: text, or svg for the drawing).
``export LEDGER TARGET`` / ``import SOURCE LEDGER``
    Copy a ledger byte for byte between JSON Lines and SQLite.
``export LEDGER --format csv [OUT]`` / ``export LEDGER --format uwazi [--as-of DAY] DIR``
    Write the current facts as one CSV table (standard output without OUT), or
    as CSV files for HURIDOCS Uwazi with a README (see ``docs/interop.md``).
``repair LEDGER``
    Cut off an append that was interrupted (see ``TornTail``).
``stats LEDGER [--by FIELD ...] [--as-of DAY] [--suppression S] [--since FILE] [--log L]``
    Count returns and their outcomes for publication, grouped by fields, with
    small counts suppressed (``S``: default, strict or none; ``--format``: text,
    json or csv), safe beside every table of the release log (``L``, by default
    ``LEDGER.releases.jsonl``; ``--no-log`` for none), to which it is added;
    ``--since`` an earlier release (its JSON), repeatable; ``--datapackage DIR``
    also writes the CSV and a Frictionless ``datapackage.json`` into DIR.
``stats-audit TABLE.json [TABLE.json ...] [--format F]``
    Audit published tables (``stats --format json`` output, one ledger state
    and day) together: every cell's feasible range, and the protected counts
    they reveal (``F``: text or json); exit 1 when one is revealed. Needs the
    ``audit`` extra (scipy).
``template TYPE [--format csv|jsonl]``
    Print a record type's table header (``csv``) or an example record (``jsonl``).
``profile LEDGER (ASSURANCE_ID | --all) [--as-of DAY] [--format F]``
    Weigh a given assurance by the factors of Othman v UK (ECtHR 2012, §189)
    as of a day (default today, named on standard error), or every given
    assurance as a table (``F``: text, json or html).
``summary RECORDS``
    Validate a records file, round-trip each record, and count them by type.
``demo``
    Check the bundled example (Canada and the United States, March 2020).

``--version`` prints the package's version.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib.resources import as_file, files
from pathlib import Path
from typing import TextIO

from . import __version__
from ._cli_profile import profile_args
from ._cli_stats import stats_args, stats_audit_args
from ._cliparse import Intermixed
from ._clishared import (
    EXIT_BAD_INPUT,
    EXIT_FOUND,
    EXIT_OK,
    as_of_day,
    given_text,
    open_ledger,
    shown,
    today,
)
from ._files import read_regular_file, refuse_link
from .chain import verify_lines
from .checker import check
from .codec import DEFAULT_CODEC, MAX_RECORDS_FILE_BYTES
from .countries import code_of_name
from .csvout import csv_text
from .display import json_one_line, nearest, one_line
from .errors import (
    ChainBroken,
    InvalidRecord,
    InvalidRecords,
    LedgerError,
    NotFound,
    UsageError,
)
from .exports import write_flat
from .ledger import Fact, Ledger
from .reconcile import reconcile
from .records import RECORD_TYPES, Outcome
from .report import ROW_FIELDS, bracketed
from .schema import SCHEMA_KINDS
from .spreadsheets import append_table, table_format, table_template
from .storage import open_store
from .timeline import Timeline, timeline

__all__ = ["main"]

_HEX64 = re.compile(r"[0-9a-f]{64}")
DEMO_AS_OF = "2020-06-30"

#: The report's columns that hold lists, written space-separated in its CSV.
_LISTS = frozenset({"evidence", "reasons"})


def _init(args: argparse.Namespace, out: TextIO) -> int:
    refuse_link(args.ledger)
    if args.ledger.exists():
        raise UsageError(f"{shown(args.ledger)}: already exists")
    Ledger.open(args.ledger, create=True).close()
    print(f"created an empty ledger at {shown(args.ledger)}", file=out)
    return EXIT_OK


def _append(args: argparse.Namespace, out: TextIO) -> int:
    table = table_format(args.records) is not None
    if args.type is not None and not table:
        raise UsageError("--type is for a table (.csv or .xlsx): a JSON record has its own type")
    with open_ledger(args.ledger, readonly=False) as ledger:
        when = {"recorded_by": args.recorded_by, "recorded_at": args.recorded_at}
        if table:
            entries = append_table(ledger, args.records, type=args.type, **when)
        else:
            entries = ledger.append_file(args.records, **when)
    if entries:
        count = f"{len(entries)} entries" if len(entries) != 1 else "1 entry"
        print(f"appended {count} (seq {entries[0].seq} to {entries[-1].seq})", file=out)
    else:
        print("nothing to append", file=out)
    return EXIT_OK


def _report(ledger: Ledger, args: argparse.Namespace, out: TextIO) -> int:
    if args.as_recorded:
        ledger = ledger.as_recorded(args.as_recorded)
    report = check(ledger, as_of_day(args, "checking"))
    if args.format == "json":
        json.dump(report.to_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif args.format == "csv":
        rows = (
            [" ".join(map(str, row[k])) if k in _LISTS else row[k] for k in ROW_FIELDS]
            for row in report.to_records()
        )
        out.write(csv_text(ROW_FIELDS, rows))
    else:
        print(report.to_text(), file=out)
    if args.fail_on == "at-risk":  # for a scheduled job: someone can still be protected
        found = len(report.at_risk)
    else:
        found = report.count("certain") if args.fail_on == "certain" else report.count()
    return EXIT_FOUND if found else EXIT_OK


def _check(args: argparse.Namespace, out: TextIO) -> int:
    with open_ledger(args.ledger, readonly=True) as ledger:
        return _report(ledger, args, out)


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    expected = None
    if args.expect is not None:
        seq, _, digest = args.expect.partition(":")
        digest = digest.lower()
        if not (seq.isdigit() and int(seq) >= 1 and _HEX64.fullmatch(digest)):
            raise UsageError(
                "--expect: expected SEQ:HASH, an entry number from 1 and 64 hex digits, "
                f"got {args.expect!r}"
            )
        expected = (int(seq), digest)
    store = open_store(args.ledger, readonly=True)
    try:
        result = verify_lines(store.read_lines(0), expected_head=expected)
    finally:
        store.close()
    if result.broken_at is not None:
        reason = result.reason or ""
        if result.warning is not None:  # said after the break, as str(result) says it
            reason = f"{reason}; warning: {result.warning}"
        raise ChainBroken(result.broken_at, reason, path=str(args.ledger))
    print(f"{shown(args.ledger)}: {result}", file=out)
    if result.warning is not None:  # the chain is sound: a warning, not an error
        print(f"assurance-ledger: warning: {shown(args.ledger)}: {result.warning}", file=sys.stderr)
    return EXIT_OK


def _reconcile(args: argparse.Namespace, out: TextIO) -> int:
    with open_ledger(args.a, readonly=True) as a, open_ledger(args.b, readonly=True) as b:
        result = reconcile(a, b, a_party=args.a_party, b_party=args.b_party)
    if args.format == "json":
        json.dump(result.to_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        print(result.to_text(), file=out)
    return EXIT_OK if result.agrees else EXIT_FOUND


def _reconcile_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", type=Path, metavar="A", help="one side's ledger (.jsonl or .sqlite)")
    p.add_argument("b", type=Path, metavar="B", help="the other side's ledger")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--a-party", type=_party, help="whose ledger A is (e.g. CA)")
    p.add_argument("--b-party", type=_party, help="whose ledger B is (e.g. US)")
    p.set_defaults(run=_reconcile)


def _show(args: argparse.Namespace, out: TextIO) -> int:
    if not args.claimant and (args.as_of or args.format != "text"):
        raise UsageError("--as-of and --format svg are for one claimant: add --claimant ID")
    with open_ledger(args.ledger, readonly=True) as ledger:
        facts = ledger.facts()
        if not args.claimant:
            _print_facts(facts, out)
            return EXIT_OK
        story = _story(ledger, facts, args)
    if args.format == "svg":
        if story is None:
            raise UsageError(
                f"{shown(args.ledger)}: no return of claimant {args.claimant!r} to draw"
            )
        print(story.to_svg(), file=out)
        return EXIT_OK
    mine = tuple(f for f in facts if getattr(f.record, "claimant_id", None) == args.claimant)
    _print_facts(sorted(mine, key=lambda f: (f.record.on.earliest, f.seq)), out)  # type: ignore[attr-defined]
    if story is None:
        print(f"no return recorded for {shown(args.claimant)}: nothing is checked", file=out)
        return EXIT_OK
    print(f"as of {story.as_of.isoformat()}:", file=out)
    if story.claimant.record.on.earliest > story.as_of:  # type: ignore[attr-defined]
        print("  not yet returned: nothing is checked", file=out)
        return EXIT_OK
    for cover in story.assurances:
        how = "covered" if cover.certainty == "certain" else "maybe covered"
        print(f"  {how} by assurance {shown(cover.assurance_id)} [{cover.certainty}]", file=out)
    if not story.assurances:
        print("  no given assurance covers the return", file=out)
    if story.unassured is not None and story.unassured.certainty == "possible":
        why = bracketed(story.unassured.certainty, story.unassured.reasons)
        print(f"  unassured {why}: no given assurance surely covers the return", file=out)
    for breach in story.breaches:
        print(
            f"  breach {bracketed(breach.certainty, breach.reasons)} "
            f"{shown(breach.commitment)} on "
            f"{story.breach_date(breach)} (assurance {shown(breach.assurance_id)}): "
            f"{shown(breach.explanation)}",
            file=out,
        )
    for exposure in story.exposures:
        why = bracketed(exposure.certainty, exposure.reasons)
        print(f"  exposure {why}: {shown(exposure.explanation)}", file=out)
    if not story.breaches:
        print("  no breach found", file=out)
    return EXIT_OK


def _story(ledger: Ledger, facts: Sequence[Fact], args: argparse.Namespace) -> Timeline | None:
    """The claimant's timeline (None when only their outcomes are recorded); a near id suggested."""
    ids = {getattr(f.record, "claimant_id", None) for f in facts} - {None}
    if args.claimant not in ids:
        near = nearest(args.claimant, sorted(map(str, ids)))
        hint = f"; did you mean {near!r}?" if near is not None else ""
        raise UsageError(f"{shown(args.ledger)}: no claimant {args.claimant!r}{hint}")
    try:
        return timeline(ledger, args.claimant, args.as_of or today())
    except NotFound:  # outcomes of a claimant whose return is not recorded
        return None


def _print_facts(facts: Iterable[Fact], out: TextIO) -> None:
    """One line a fact: seq, date, type (outcomes indented) and fields."""
    for fact in facts:
        record = fact.record
        on = getattr(record, "on", "")
        corrected = f" (corrected by seq {fact.corrected_by})" if fact.corrected_by else ""
        what = DEFAULT_CODEC.to_json(record)
        what.pop("type")
        detail = ", ".join(
            f"{k}={one_line(v) if isinstance(v, str) else json_one_line(v)}"
            for k, v in sorted(what.items())
            if k not in ("on", "source")
        )
        kind = record.TYPE if not isinstance(record, Outcome) else f"  {record.TYPE}"
        print(f"seq {fact.seq:>6}  {on!s:<22} {kind}: {detail}{corrected}", file=out)


def _show_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ledger", type=Path, help="the ledger file (.jsonl or .sqlite)")
    p.add_argument("--claimant", type=given_text, help="a claimant id: show their timeline")
    p.add_argument(
        "--as-of", type=given_text, help="the timeline's evaluation day, YYYY-MM-DD (default today)"
    )
    p.add_argument(
        "--format",
        choices=("text", "svg"),
        default="text",
        help="text, or the timeline drawn as SVG (with --claimant)",
    )
    p.set_defaults(run=_show)


def _copy(source: Path, target: Path, out: TextIO) -> int:
    refuse_link(target)
    if target.exists():
        raise UsageError(f"{shown(target)}: already exists (export only to a new ledger)")
    with open_ledger(source, readonly=True) as ledger:
        count = ledger.export(target)
    print(f"copied {count} entries from {shown(source)} to {shown(target)}", file=out)
    return EXIT_OK


def _export(args: argparse.Namespace, out: TextIO) -> int:
    if args.format == "ledger" or (args.target is None and args.format == "uwazi"):
        if args.target is None or args.as_of:
            raise UsageError("export: a copy needs TARGET and no --as-of; uwazi needs a DIR")
        return _copy(args.ledger, args.target, out)
    if args.as_of and args.format != "uwazi":
        raise UsageError("--as-of is for --format uwazi (the day its breaches are judged)")
    with open_ledger(args.ledger, readonly=True) as ledger:
        as_of = as_of_day(args, "checking") if args.format == "uwazi" else None
        out.write(write_flat(ledger, args.format, args.target, as_of))
    return EXIT_OK


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ledger", type=Path, help="the ledger file (.jsonl or .sqlite)")
    p.add_argument("target", type=Path, nargs="?", help="the new ledger, CSV file or directory")
    p.add_argument(
        "--format",
        choices=("ledger", "csv", "uwazi"),
        default="ledger",
        help="a copy (by TARGET's suffix), the facts as CSV, or CSV files for HURIDOCS Uwazi",
    )
    p.add_argument(
        "--as-of", type=given_text, help="uwazi: the day breaches are judged (default today)"
    )
    p.set_defaults(run=_export)


def _repair(args: argparse.Namespace, out: TextIO) -> int:
    if _looks_like_records(args.ledger):  # its lines are no entries: nothing to cut off
        raise UsageError(_records_not_ledger(args.ledger))
    store = open_store(args.ledger)
    try:
        print(f"{shown(args.ledger)}: {store.repair()}", file=out)
    finally:
        store.close()
    return EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    """Print a JSON Schema (Draft 2020-12), made from the record classes."""
    print(json.dumps(DEFAULT_CODEC.json_schema(args.what), indent=2, ensure_ascii=False), file=out)
    return EXIT_OK


def _template(args: argparse.Namespace, out: TextIO) -> int:
    """Print a table's header (or an example record) for a record type."""
    if args.type not in RECORD_TYPES:
        near = nearest(args.type, RECORD_TYPES)
        hint = f"; did you mean {near!r}?" if near is not None else ""
        raise UsageError(f"no record type {args.type!r}{hint}")
    out.write(table_template(args.type, args.format))
    return EXIT_OK


def _summary(args: argparse.Namespace, out: TextIO) -> int:
    path: Path = args.records
    records = DEFAULT_CODEC.read_records(read_regular_file(path, limit=MAX_RECORDS_FILE_BYTES))
    for record in records:
        text = DEFAULT_CODEC.dumps(record)
        if DEFAULT_CODEC.loads(text) != record:  # pragma: no cover -- the tests prove it cannot
            raise RuntimeError(  # a bug of the codec, not bad input
                f"{shown(path)}: a record did not survive the JSON round trip: {text!r}"
            )
    counts = Counter(type(r).TYPE for r in records)
    for name in sorted(counts):
        print(f"{name}: {counts[name]}", file=out)
    print(
        f"{len(records)} records read from {shown(path)}; every one round-trips unchanged",
        file=out,
    )
    return EXIT_OK


def _summary_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("records", type=Path, help="records as JSON Lines or a JSON array")
    p.set_defaults(run=_summary)


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    args.as_of = args.as_of or DEMO_AS_OF
    args.as_recorded = None
    check(Ledger(), args.as_of)  # a bad --as-of fails before anything is printed
    example = files(__package__).joinpath("data/canada-us-2020.jsonl")
    with as_file(example) as path:
        ledger = Ledger()
        ledger.append_file(path, recorded_by="CA", recorded_at="2020-07-01T00:00:00Z")
    # The introduction goes where it cannot spoil a JSON or CSV document.
    intro = out if args.format == "text" else sys.stderr
    print(
        "The bundled example: Canada turns claimants back to the United States in "
        "March 2020 and asks for assurances (synthetic data).",
        file=intro,
    )
    print(f"{len(ledger)} entries; chain {ledger.verify()}", file=intro)
    _report(ledger, args, out)
    return EXIT_OK  # the demo succeeds when it shows the breaches


def _party(value: str) -> str:
    """A party, refused when it is a country's name: a country is named by its code.

    An organisation's name (``UNHCR``) passes, and so does any text that is not
    a country's name; the ledger's own checks judge it then.
    """
    code = code_of_name(given_text(value))
    if code is not None:
        raise argparse.ArgumentTypeError(
            f"{value!r} is a country's name; a country is given by its code: did you mean {code}?"
        )
    return value


def _append_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ledger", type=Path, help="the ledger file (.jsonl or .sqlite)")
    p.add_argument("records", type=Path, help="records: JSON Lines, a JSON array, .csv or .xlsx")
    p.add_argument(
        "--recorded-by", type=_party, required=True, help="who records them (e.g. CA, UNHCR)"
    )
    p.add_argument(
        "--recorded-at", type=given_text, help="when (ISO 8601 with an offset; default now)"
    )
    p.add_argument(
        "--type", type=given_text, help="a table's record type, if it has no type column"
    )
    p.set_defaults(run=_append)


def _template_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("type", help="a record type, e.g. claimant_returned")
    p.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    p.set_defaults(run=_template)


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assurance-ledger",
        description="A ledger of diplomatic assurances, returned claimants and outcomes.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _parser() -> argparse.ArgumentParser:
    parser = _top_parser()
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=Intermixed
    )

    def ledger_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("ledger", type=Path, help="the ledger file (.jsonl or .sqlite)")

    p = commands.add_parser("init", help="create an empty ledger")
    ledger_arg(p)
    p.set_defaults(run=_init)

    _append_args(commands.add_parser("append", help="append a file of records, all or nothing"))

    def report_args(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--as-of", type=given_text, help="the evaluation day, YYYY-MM-DD (default today)"
        )
        p.add_argument("--format", choices=("text", "json", "csv"), default="text")
        p.add_argument(
            "--fail-on",
            choices=("certain", "possible", "at-risk"),
            default="certain",
            help="exit 1 when breaches of at least this certainty are found, or (at-risk) "
            "when anyone is at risk now",
        )

    p = commands.add_parser("check", help="report breaches, unassured returns and exposures")
    ledger_arg(p)
    report_args(p)
    p.add_argument(
        "--as-recorded", type=given_text, help="check the ledger as recorded at this time"
    )
    p.set_defaults(run=_check)

    p = commands.add_parser("verify", help="verify the hash chain")
    ledger_arg(p)
    p.add_argument("--expect", type=given_text, help="a witnessed head, SEQ:HASH")
    p.set_defaults(run=_verify)

    _reconcile_args(
        commands.add_parser("reconcile", help="compare two ledgers of the same arrangement")
    )

    _show_args(
        commands.add_parser("show", help="list the current view, or one claimant's timeline")
    )

    _export_args(commands.add_parser("export", help="copy a ledger, or write it as flat tables"))

    p = commands.add_parser("import", help="copy a ledger file into a new ledger")
    p.add_argument("source", type=Path)
    ledger_arg(p)
    p.set_defaults(run=lambda a, out: _copy(a.source, a.ledger, out))

    p = commands.add_parser("repair", help="cut off an interrupted append")
    ledger_arg(p)
    p.set_defaults(run=_repair)

    profile_args(
        commands.add_parser("profile", help="weigh a given assurance by the Othman factors")
    )

    _template_args(
        commands.add_parser("template", help="print a record type's CSV header or an example")
    )

    _summary_args(
        commands.add_parser("summary", help="validate a records file and count its records")
    )

    p = commands.add_parser(
        "schema", help="print the JSON Schema of a record, entry, report or profile"
    )
    p.add_argument("what", choices=SCHEMA_KINDS, help="record, entry, report or profile")
    p.set_defaults(run=_schema)

    stats_args(
        commands.add_parser("stats", help="count returns for publication, small counts hidden")
    )

    stats_audit_args(
        commands.add_parser(
            "stats-audit", help="find the counts that published tables reveal together"
        )
    )

    p = commands.add_parser("demo", help="check the bundled Canada-U.S. 2020 example")
    report_args(p)
    p.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage message
        return EXIT_BAD_INPUT if exc.code else EXIT_OK
    try:
        status: int = args.run(args, sys.stdout)
    except BrokenPipeError:  # the reader went away (`... | head`): stop quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 -- stays open until exit
        return EXIT_FOUND
    except (LedgerError, OSError) as exc:  # UsageError is a LedgerError
        print(f"assurance-ledger: {_message(exc, args)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return status


def _message(exc: Exception, args: argparse.Namespace) -> str:
    """One line (or one line per bad record) saying what is wrong and where."""
    if isinstance(exc, InvalidRecord | InvalidRecords):
        # Record errors know the line and the field, not the file: name it.
        where = getattr(args, "records", None) or getattr(args, "ledger", None)
        return f"{shown(where)}: {exc}" if where is not None else str(exc)
    if isinstance(exc, OSError) and not isinstance(exc, LedgerError):
        where = f"{shown(exc.filename)}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    # A records file where a ledger belongs breaks the chain at once: say what it is.
    if isinstance(exc, ChainBroken) and exc.seq == 1 and exc.path is not None:
        path = Path(exc.path)
        return _records_not_ledger(path) if _looks_like_records(path) else str(exc)
    return str(exc)


#: How much of a file is read to tell a records file from a ledger: one line's limit.
_PEEK_BYTES = 1 << 20


def _looks_like_records(path: Path) -> bool:
    """Whether the file's first line is a plain record (a ``type``, no ``seq`` or ``hash``).

    Only asked once a ledger would not open (or before ``repair`` cuts one),
    so a ledger never pays for it. It reads at most one line's worth of a
    regular file, opened without blocking (a FIFO or a device is never read),
    and any doubt answers no, leaving the command's own error to be said.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, _PEEK_BYTES)
    except OSError:
        return False
    finally:
        os.close(fd)
    line = head.split(b"\n", 1)[0].strip()
    if not line.startswith(b"{"):
        return False
    try:
        first = json.loads(line)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, cut off, or nested too deep
        return False
    return isinstance(first, dict) and "type" in first and not {"seq", "hash"} & first.keys()


def _records_not_ledger(path: Path) -> str:
    name = shown(path)
    return (
        f"{name}: this looks like a records file: append it with assurance-ledger "
        f"append LEDGER {name} --recorded-by PARTY"
    )
