"""The ``profile`` command of the command line (private; registered by :mod:`.cli`).

``profile LEDGER ASSURANCE_ID [--as-of DAY] [--format text|json|html]`` prints
the Othman profile of one given assurance; ``profile LEDGER --all`` one row per
given assurance (JSON: a list of profiles). An id that names no given assurance
exits with status 2 and the nearest id that does.
"""

from __future__ import annotations

import argparse
import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ._clishared import EXIT_OK, as_of_day, given_text, open_ledger, shown
from .display import one_line
from .errors import NotFound, UsageError
from .othman import FACTORS, Profile, profile, profiles

__all__ = ["profile_args"]

_MARK = {"for": "+", "against": "-", "unknown": "?"}
_NUMERALS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi")


def _table(found: Sequence[Profile]) -> str:
    """One line per assurance: a mark per factor (+ for, - against, ? unknown), then counts."""
    if not found:
        return "no assurance given"
    width = max(len("assurance"), *(len(one_line(p.assurance_id)) for p in found))
    marks = " ".join(f"{n:>4}" for n in _NUMERALS)
    lines = [
        f"Othman profiles as of {found[0].as_of} (+ for, - against, ? unknown; columns: "
        "the factors of para. 189 (i) to (xi))",
        f"{'assurance':<{width}}  {marks}  for against unknown",
    ]
    for each in found:
        row = " ".join(f"{_MARK[f.finding]:>4}" for f in each.factors)
        counts = each.summary
        lines.append(
            f"{one_line(each.assurance_id):<{width}}  {row}  "
            f"{counts['for']:>3} {counts['against']:>7} {counts['unknown']:>7}"
        )
    return "\n".join(lines)


def _html_table(found: Sequence[Profile]) -> str:
    heads = "".join(f"<th>{factor}</th>" for factor in FACTORS)
    rows = "".join(
        f"<tr><td>{html.escape(one_line(p.assurance_id), quote=True)}</td>"
        + "".join(f"<td>{f.finding}</td>" for f in p.factors)
        + "".join(f"<td>{p.summary[k]}</td>" for k in ("for", "against", "unknown"))
        + "</tr>"
        for p in found
    )
    return (
        f"<table><thead><tr><th>assurance</th>{heads}<th>for</th><th>against</th>"
        f"<th>unknown</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _profile(args: argparse.Namespace, out: TextIO) -> int:
    if args.all == (args.assurance_id is not None):
        raise UsageError("profile: give one ASSURANCE_ID, or --all for every given assurance")
    with open_ledger(args.ledger, readonly=True) as ledger:
        day = as_of_day(args, "profiling")
        if args.all:
            found = profiles(ledger, day)
        else:
            try:
                found = (profile(ledger, args.assurance_id, day),)
            except NotFound as exc:  # said with the ledger's name, as show does
                raise UsageError(f"{shown(args.ledger)}: {exc}") from None
    if args.format == "json":
        document = [p.to_json() for p in found] if args.all else found[0].to_json()
        json.dump(document, out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif args.format == "html":
        print(_html_table(found) if args.all else found[0].to_html(), file=out)
    else:
        print(_table(found) if args.all else found[0].to_text(), file=out)
    return EXIT_OK


def profile_args(p: argparse.ArgumentParser) -> None:
    """The ``profile`` command's arguments, and what it runs."""
    p.add_argument("ledger", type=Path, help="the ledger file (.jsonl or .sqlite)")
    p.add_argument("assurance_id", nargs="?", type=given_text, help="the id of a given assurance")
    p.add_argument("--all", action="store_true", help="a table of every given assurance")
    p.add_argument(
        "--as-of", type=given_text, help="the evaluation day, YYYY-MM-DD (default today)"
    )
    p.add_argument("--format", choices=("text", "json", "html"), default="text")
    p.set_defaults(run=_profile)
