"""Untrusted ledgers: no text in a ledger can forge a line of output, and no CSV cell a formula.

Every string in a ledger may come from the other state, so it may be hostile.
Free text (an ``authority``, a ``source.citation``, a correction's ``reason``)
may hold line breaks, U+2028 and U+2029 and bidirectional controls; ids may be
any printable text, such as ``=HYPERLINK(...)``. The rules checked here:

* every text output (``show``, ``check``, ``reconcile``, ``stats``, the
  timeline, error messages) prints each user string on its line, through
  :func:`~assurance_ledger.display.one_line`: no raw control character, line
  separator or bidi control ever reaches standard output or standard error,
  and no forged line (``The ledgers agree.``) starts a line;
* JSON keeps the true text, and the HTML views escape it as the text does;
* every CSV cell of text that a spreadsheet would read as a formula is written
  with a ``'`` prefixed (:func:`~assurance_ledger.csvout.neutralise`), while
  counts stay numbers.

The hostile text comes from the corpus case ``line-breaks-in-free-text`` (see
``tests/hostile/README.md``), appended to the corpus's base ledger. The command
is run as a user runs it, its output captured as bytes, so that nothing (no
universal-newline translation) hides a raw character.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _cli_helpers import installed_command
from assurance_ledger import (
    Breach,
    DateSpan,
    Exposure,
    Ledger,
    PendingRequest,
    Report,
    StatsError,
    StatsTable,
    Summary,
    UnassuredReturn,
    neutralise,
    one_line,
    reconcile,
    timeline,
)
from assurance_ledger.csvout import csv_text
from assurance_ledger.display import UNSAFE, json_one_line

HOSTILE = Path(__file__).with_name("hostile")
MANIFEST: dict[str, Any] = json.loads((HOSTILE / "cases.json").read_text(encoding="utf-8"))
CASE = HOSTILE / "line-breaks-in-free-text.jsonl"
FORGED = "The ledgers agree."
AS_OF = "2020-06-30"
#: What OWASP says a spreadsheet reads as the start of a formula.
FORMULA = ("=", "+", "-", "@", "\t", "\r")
#: Ids that are formulas (valid ids: any printable text).
FORMULA_IDS = ('=HYPERLINK("http://x","x")', "+SUM(1)", "-1+1", "@SUM(1)", "'quoted")
#: Every character one_line must escape, one of each class, with the backslash.
SPECIAL = [
    *"\x00\x07\t\n\x0b\x0c\r\x1b\x1c\x1f\x7f\x80\x85\x9b\x9f",
    *"\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    "\ud800",
    "\udfff",
    "\\",
]


def records(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON Lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


HOSTILE_RECORDS = records(CASE)
AUTHORITY: str = HOSTILE_RECORDS[0]["authority"]
CITATION: str = HOSTILE_RECORDS[0]["source"]["citation"]
REASON: str = HOSTILE_RECORDS[1]["reason"]
OTHER_AUTHORITY = "Other\u2029The ledgers agree.\u202e"


# -- running the command ------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """What one run printed: its status, and its standard output and error as text."""

    status: int
    stdout: str
    stderr: str

    def lines(self) -> list[str]:
        """Every line printed, on either stream (split at line feeds only)."""
        return [*self.stdout.split("\n"), *self.stderr.split("\n")]


def run(*args: str | Path, cwd: Path) -> Output:
    """Run the installed command; the output is read as bytes, then decoded strictly."""
    done = subprocess.run(
        [*installed_command(), *map(str, args)],
        capture_output=True,
        check=False,
        timeout=60,
        cwd=cwd,
        env={**os.environ, "PYTHONUTF8": "1"},
    )
    return Output(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


def assert_not_forged(output: Output) -> None:
    """Nothing raw that breaks or reorders a line, and no line starts with the forged text."""
    assert "Traceback" not in output.stderr, output.stderr
    for line in output.lines():
        assert UNSAFE.search(line) is None, line
        assert not line.lstrip().startswith(FORGED), line
        assert not line.lstrip().startswith("Breaches: 0"), line


def build(path: Path, *files: Path, extra: list[dict[str, Any]] | None = None) -> Path:
    """A ledger at ``path``: the corpus base, then ``files`` and ``extra`` records, by CA."""
    with Ledger.open(path, create=True) as ledger:
        ledger.append_file(
            HOSTILE / MANIFEST["base"], recorded_by="CA", recorded_at=MANIFEST["base_recorded_at"]
        )
        for each in files:
            ledger.append_file(each, recorded_by="CA", recorded_at=MANIFEST["append_recorded_at"])
        if extra:
            more = path.with_suffix(".records")
            more.write_text("".join(json.dumps(r) + "\n" for r in extra), encoding="utf-8")
            ledger.append_file(more, recorded_by="CA", recorded_at=MANIFEST["append_recorded_at"])
    return path


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with ``a.jsonl`` (base and the hostile case) and ``b.jsonl``.

    ``b.jsonl`` holds the base and the same records, but the assurance's
    authority is other hostile text: the two ledgers conflict about it.
    """
    directory = tmp_path_factory.mktemp("untrusted")
    build(directory / "a.jsonl", CASE)
    other = [{**HOSTILE_RECORDS[0], "authority": OTHER_AUTHORITY}, *HOSTILE_RECORDS[1:]]
    build(directory / "b.jsonl", extra=other)
    return directory


# -- forged lines, through the command ---------------------------------------------------------


def test_show_prints_one_line_per_fact_whatever_the_free_text(ledgers: Path) -> None:
    """Rule: ``show`` prints one line per fact; free text is escaped on its line, never raw.

    The authority holds a line feed, U+2028, U+2029 and bidi controls, each
    followed by a forged line: every printed line starts with ``seq``, and the
    authority reads escaped by ``one_line`` (the tab and backslash too).
    """
    with Ledger.open(ledgers / "a.jsonl") as ledger:
        facts = len(ledger.facts())
    output = run("show", "a.jsonl", cwd=ledgers)
    assert output.status == 0, output.stderr
    assert_not_forged(output)
    lines = output.stdout.split("\n")
    assert lines[-1] == ""
    assert len(lines[:-1]) == facts
    assert all(line.startswith("seq ") for line in lines[:-1])
    assert f"authority={one_line(AUTHORITY)}, " in output.stdout
    assert "\\n" in one_line(AUTHORITY)
    assert "\\u202e" in one_line(AUTHORITY)
    assert "\\\\ backslash" in one_line(AUTHORITY)
    claimant = run("show", "a.jsonl", "--claimant", "c-2", cwd=ledgers)
    assert claimant.status == 0, claimant.stderr
    assert_not_forged(claimant)


def test_check_and_stats_text_hold_no_forged_line(ledgers: Path) -> None:
    """Rule: ``check`` and ``stats`` in text print nothing raw from a hostile ledger.

    The report's ``Breaches:`` heading is printed once: no record can print
    another.
    """
    output = run("check", "a.jsonl", "--as-of", AS_OF, cwd=ledgers)
    assert output.status in (0, 1), output.stderr
    assert_not_forged(output)
    assert sum(line.startswith("Breaches:") for line in output.stdout.split("\n")) == 1
    table = run("stats", "a.jsonl", "--by", "returned_by", "--as-of", AS_OF, cwd=ledgers)
    assert table.status == 0, table.stderr
    assert_not_forged(table)


def test_reconcile_says_disagree_and_no_record_can_print_that_they_agree(ledgers: Path) -> None:
    """Rule: ``reconcile`` prints one line per discrepancy; hostile text cannot add a verdict.

    Both authorities (and the party name given with ``--a-party``) hold line
    breaks and ``The ledgers agree.``: the output is the three heading lines
    and one line per discrepancy, the verdict says they disagree, and the
    forged text starts no line. The JSON keeps the true text.
    """
    party = "CA\nThe ledgers agree."
    args = ("reconcile", "a.jsonl", "b.jsonl", "--a-party", party, "--b-party", "US")
    output = run(*args, cwd=ledgers)
    as_json = run(*args, "--format", "json", cwd=ledgers)
    assert output.status == as_json.status == 1, output.stderr
    assert_not_forged(output)
    found = json.loads(as_json.stdout)["discrepancies"]
    lines = output.stdout.split("\n")
    assert lines[-1] == ""
    assert len(lines[:-1]) == 3 + len(found)
    assert lines[2].startswith("The ledgers disagree: ")
    assert all(line.startswith(f"  {n}. [") for n, line in enumerate(lines[3:-1], 1))
    conflict = next(d for d in found if d["field"] == "authority")
    assert (conflict["a_value"], conflict["b_value"]) == (AUTHORITY, OTHER_AUTHORITY)
    assert AUTHORITY in conflict["explanation"]
    assert one_line(conflict["explanation"]) in output.stdout


def test_an_error_is_one_line_per_problem_whatever_the_input_holds(tmp_path: Path) -> None:
    """Rule: the command's error messages are one line per problem, nothing raw in them.

    A records file, itself named with a line break and a forged line, holds a
    terminal escape in an authority, a line break in an unknown field's name
    and a bad value holding a line break: each problem is one indented line,
    and the file name is escaped. So is a ledger path that does not exist.
    """
    (tmp_path / "ledger.jsonl").write_bytes(b"")
    name = "records\nThe ledgers agree..jsonl"
    bad = [
        {**HOSTILE_RECORDS[0], "authority": "\x1b[2K\rThe ledgers agree."},
        {**HOSTILE_RECORDS[0], "assurance_id": "a-3", "x\nThe ledgers agree.": 1},
        {**HOSTILE_RECORDS[0], "assurance_id": "a-4", "form": "note\nThe ledgers agree."},
    ]
    (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in bad), encoding="utf-8")
    output = run("append", "ledger.jsonl", name, "--recorded-by", "CA", cwd=tmp_path)
    assert output.status == 2
    assert_not_forged(output)
    first, *rest, end = output.stderr.split("\n")
    assert end == ""
    assert first == f"assurance-ledger: {one_line(name)}: 3 problems found:"
    assert [line.split(":")[0] for line in rest] == ["  line 1", "  line 2", "  line 3"]
    assert "x\\nThe ledgers agree.: expected no such field" in rest[1]
    missing = run("check", "gone\nThe ledgers agree..jsonl", cwd=tmp_path)
    assert missing.status == 2
    assert_not_forged(missing)
    assert missing.stderr.count("\n") == 1
    assert missing.stderr.startswith("assurance-ledger: gone\\nThe ledgers agree..jsonl: ")


# -- forged lines, in the library's own text and HTML ---------------------------------------------


#: Text an extension rule's explanation (or any string of a report) could hold.
HOSTILE_TEXT = f"x\n{FORGED}\u2028\u202e\x1b[2K\rdone"


def hostile_report(text: str = HOSTILE_TEXT) -> Report:
    """A report whose every free string is ``text``, and whose ids hold a backslash."""
    return Report(
        as_of=dt.date(2020, 6, 30),
        breaches=(
            Breach(
                assurance_id="a\\n1",
                commitment="custom\ncommitment",
                claimant_id="c-1",
                certainty="certain",
                evidence=(1, 2),
                explanation=text,
            ),
        ),
        unassured_returns=(UnassuredReturn(claimant_id="c-2"),),
        exposures=(Exposure(claimant_id="c-3", returned_by=text, evidence=(3,), explanation=text),),
        summary=Summary(returns=3, covered=1, unassured=2, removed_to_country_of_origin=0),
        pending_requests=(
            PendingRequest(
                assurance_id="r-1",
                requested_by=text,
                requested_of="US",
                on=DateSpan.month(2020, 3),
                unassured_in_scope=1,
            ),
        ),
    )


def test_report_text_escapes_every_string_and_json_keeps_it() -> None:
    """Rule: ``Report.to_text`` is a line per finding, escaped; JSON keeps it, HTML escapes it.

    The explanation (escaped where it is rendered, not where it is made) stays
    the true text in ``to_json``; the HTML view escapes it as the text does.
    """
    report = hostile_report()
    lines = report.to_text().split("\n")
    assert len(lines) == len(hostile_report("harmless").to_text().split("\n"))
    for line in lines:
        assert UNSAFE.search(line) is None
        assert not line.lstrip().startswith(FORGED)
    assert any("a\\\\n1 / custom\\ncommitment" in line for line in lines)
    assert any(one_line(HOSTILE_TEXT) in line for line in lines)
    assert report.to_json()["breaches"][0]["explanation"] == report.breaches[0].explanation
    shown = report._repr_html_()
    assert UNSAFE.search(shown) is None
    assert html.escape(one_line(report.breaches[0].explanation)) in shown


def test_stats_text_keeps_one_line_per_group_whatever_the_group() -> None:
    """Rule: a table's groups (any text, when read from a release) print escaped, one row each.

    A release with an unknown key holding a line break is refused with a
    one-line message.
    """
    keys = ["a\nThe ledgers agree.", "b\u2028\u202ec"]
    release = {
        "by": ["returned_by"],
        "as_of": AS_OF,
        "suppression": {"threshold": 0, "base": 1},
        "ledger_head": None,
        "measures": list(StatsTable.MEASURES),
        "rows": [{"returned_by": key, **dict.fromkeys(StatsTable.MEASURES, 1)} for key in keys],
        "total": dict.fromkeys(StatsTable.MEASURES, 2),
    }
    table = StatsTable.from_json(release)
    with pytest.raises(StatsError) as refused:
        StatsTable.from_json({**release, "x\nThe ledgers agree.": 1})
    assert str(refused.value).startswith("x\\nThe ledgers agree.: expected no such field")
    assert refused.value.field == "x\nThe ledgers agree."
    lines = table.to_text().split("\n")
    assert len(lines) == 2 + len(keys) + 1
    assert [line.split("  ")[0] for line in lines[2:4]] == [one_line(k) for k in keys]
    for line in lines:
        assert UNSAFE.search(line) is None
    assert UNSAFE.search(table._repr_html_()) is None


def test_timeline_text_and_svg_escape_a_hostile_explanation(ledgers: Path) -> None:
    """Rule: a timeline's text keeps one line per event, and its HTML and SVG hold nothing raw."""
    with Ledger.open(ledgers / "a.jsonl") as ledger:
        story = timeline(ledger, "c-1", AS_OF)
    breach = hostile_report().breaches[0]
    story = attrs.evolve(story, breaches=(breach,))
    lines = story.to_text().split("\n")
    assert lines[-1] == (
        f"  BREACH [certain] custom\\ncommitment on {story.breach_date(breach)}: "
        f"{one_line(breach.explanation)}"
    )
    for line in lines:
        assert UNSAFE.search(line) is None
    assert UNSAFE.search(story._repr_html_()) is None


def test_reconciliation_html_holds_no_raw_bidi_control(ledgers: Path) -> None:
    """Rule: the reconciliation's HTML escapes free text as its plain text does (no raw U+202E)."""
    with Ledger.open(ledgers / "a.jsonl") as a, Ledger.open(ledgers / "b.jsonl") as b:
        result = reconcile(a, b)
    assert not result.agrees
    assert UNSAFE.search(result._repr_html_()) is None
    assert UNSAFE.search(result.to_text().replace("\n", "")) is None


# -- CSV, through the command and in the library --------------------------------------------------


def read_csv(text: str) -> list[list[str]]:
    """The rows of a CSV text, read back as a spreadsheet's importer would."""
    return list(csv.reader(io.StringIO(text, newline="")))


def test_check_csv_neutralises_formula_ids_and_stats_csv_keeps_numbers(tmp_path: Path) -> None:
    """Rule: ``check --format csv`` prefixes ``'`` to every id a spreadsheet would run; counts stay.

    Claimants and an assurance have ids that are formulas (``=HYPERLINK``,
    ``+SUM``, ``-1+1``, ``@SUM``) or start with ``'``: read back, each id cell
    is the id with one ``'`` prefixed, and no cell starts with a formula
    character. ``stats --format csv`` writes its counts and ``--`` marks as
    they are.
    """
    assurance = {
        "assurance_id": "=1+1",
        "on": "2020-03-20",
        "commitments": [{"kind": "non_refoulement"}],
        "scope": {"claimants": ["-1+1"]},
    }
    ledger_records: list[dict[str, Any]] = [
        {"type": "assurance_requested", **assurance, "requested_by": "CA", "requested_of": "US"},
        {
            "type": "assurance_given",
            **assurance,
            "given_by": "US",
            "given_to": "CA",
            "form": "diplomatic_note",
        },
    ]
    ledger_records += [
        {
            "type": "claimant_returned",
            "claimant_id": ident,
            "on": "2020-03-30",
            "returned_by": "CA",
            "returned_to": "US",
            "nationalities": ["HT"],
        }
        for ident in FORMULA_IDS
    ]
    ledger_records += [
        {
            "type": "removed",
            "outcome_id": f"@o-{n}",
            "claimant_id": ident,
            "on": "2020-04-15",
            "by": "US",
            "to": "HT",
        }
        for n, ident in enumerate(("-1+1", "+SUM(1)"))
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ledger_records), encoding="utf-8")
    with Ledger.open(tmp_path / "ledger.jsonl", create=True) as ledger:
        ledger.append_file(path, recorded_by="CA", recorded_at="2020-07-01T00:00:00Z")
    output = run("check", "ledger.jsonl", "--as-of", AS_OF, "--format", "csv", cwd=tmp_path)
    assert output.status == 1, output.stderr
    header, *rows = read_csv(output.stdout)
    cells = [dict(zip(header, row, strict=True)) for row in rows]
    findings = {(c["finding"], c["claimant_id"], c["assurance_id"]) for c in cells}
    assert ("breach", "'-1+1", "'=1+1") in findings
    assert ("exposure", "'+SUM(1)", "") in findings
    unassured = {c["claimant_id"] for c in cells if c["finding"] == "unassured_return"}
    assert unassured == {"'" + ident for ident in FORMULA_IDS if ident != "-1+1"}
    assert not any(cell.startswith(FORMULA) for row in rows for cell in row)
    assert all(re.fullmatch(r"[0-9 ]*", c["evidence"]) for c in cells)
    stats = run(
        "stats",
        "ledger.jsonl",
        "--by",
        "returned_by",
        "--as-of",
        AS_OF,
        "--format",
        "csv",
        cwd=tmp_path,
    )
    assert stats.status == 0, stats.stderr
    header, *rows = read_csv(stats.stdout)
    assert rows[-1][0] == "Total"
    assert all(re.fullmatch(r"[0-9]+|--|x", cell) for row in rows for cell in row[1:])


def test_stats_csv_neutralises_every_formula_group() -> None:
    """Rule: ``StatsTable.to_csv`` prefixes ``'`` to each group a spreadsheet would run.

    The groups (any text, in a release read back) are ``=HYPERLINK(...)``,
    ``+SUM(1)``, ``-1+1``, ``@SUM(1)``, a leading tab and a leading carriage
    return; the measure columns (counts and ``--``) are written as they are.
    """
    keys = sorted(['=HYPERLINK("http://x","x")', "+SUM(1)", "-1+1", "@SUM(1)", "\tx", "\rx"])
    table = StatsTable.from_json(
        {
            "by": ["returned_by"],
            "as_of": AS_OF,
            "suppression": {"threshold": 4, "base": 5},
            "ledger_head": None,
            "measures": list(StatsTable.MEASURES),
            "rows": [
                {"returned_by": key, **dict.fromkeys(StatsTable.MEASURES, "--")} for key in keys
            ],
            "total": dict.fromkeys(StatsTable.MEASURES, 30),
        }
    )
    header, *rows = read_csv(table.to_csv())
    assert header == ["returned_by", *StatsTable.MEASURES]
    assert [row[0] for row in rows] == ["'" + key for key in keys] + ["Total"]
    assert all(row[1:] == ["--"] * len(StatsTable.MEASURES) for row in rows[:-1])
    assert rows[-1][1:] == ["30"] * len(StatsTable.MEASURES)


# -- the two functions, for any text -------------------------------------------------------------

#: Any text, surrogates included, with the escaped characters and the
#: characters of escapes (``\\``, ``n``, ``x``, ``u``, hex digits) made frequent.
texts = st.text(
    st.one_of(
        st.sampled_from([*SPECIAL, "n", "r", "t", "x", "u", "0", "2", "e", " "]),
        st.characters(exclude_categories=()),
    )
)
_ESCAPE = re.compile(r"\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|([\\nrt]))")


def unescape(text: str) -> str:
    """Undo ``one_line``; every backslash must start one of its escapes."""

    def back(match: re.Match[str]) -> str:
        code = match[1] or match[2]
        return chr(int(code, 16)) if code else {"n": "\n", "r": "\r", "t": "\t"}.get(match[3], "\\")

    assert "\\" not in _ESCAPE.sub("", text)
    return _ESCAPE.sub(back, text)


@given(texts)
def test_one_line_leaves_one_line_with_nothing_hidden_and_can_be_undone(text: str) -> None:
    """Rule: ``one_line`` output is one line, holds no unsafe character, and is reversible.

    No control, separator, bidi control or surrogate remains; ``splitlines``
    finds one line at most; every backslash starts an escape, and undoing
    the escapes gives the text back, so distinct texts never print alike.
    """
    shown = one_line(text)
    assert UNSAFE.search(shown) is None
    assert len(shown.splitlines()) <= 1
    assert unescape(shown) == text
    assert (shown == text) == (UNSAFE.search(text) is None and "\\" not in text)


@given(texts, texts)
def test_one_line_never_prints_two_texts_alike(a: str, b: str) -> None:
    """Rule: distinct texts give distinct escaped texts (the escaping is unambiguous)."""
    assert (one_line(a) == one_line(b)) == (a == b)


@given(st.recursive(st.none() | st.integers() | texts, lambda inner: st.lists(inner, max_size=3)))
def test_json_one_line_is_the_same_json_on_one_line(value: Any) -> None:
    """Rule: ``json_one_line`` is valid JSON for the same value, one line, nothing unsafe raw."""
    shown = json_one_line(value)
    assert UNSAFE.search(shown) is None
    assert json.loads(shown) == value


@given(texts)
def test_neutralise_never_starts_a_cell_with_a_formula_and_can_be_undone(text: str) -> None:
    """Rule: a neutralised cell never starts with ``= + - @``, tab or CR; dropping ``'`` undoes it.

    A cell that starts with ``'`` gets one more, so every neutralised cell reads back exactly.
    """
    cell = neutralise(text)
    assert not cell.startswith(FORMULA)
    assert (cell[1:] if cell.startswith("'") else cell) == text


@given(st.lists(st.lists(texts, min_size=2, max_size=2), max_size=4), st.integers(0, 10**6))
def test_every_text_cell_of_the_csv_writer_is_safe_and_exact(
    rows: list[list[str]], count: int
) -> None:
    """Rule: read back, no text cell of ``csv_text`` starts with a formula; each is exact but ``'``.

    A column named ``as_is`` (the library's counts) is written unchanged.
    """
    text = csv_text(["a", "n"], [[a, count] for a, _ in rows] + [[b, None] for _, b in rows])
    header, *back = read_csv(text)
    assert header == ["a", "n"]
    originals = [a for a, _ in rows] + [b for _, b in rows]
    assert [row[0] for row in back] == [neutralise(t) for t in originals]
    assert [row[1] for row in back] == [str(count)] * len(rows) + [""] * len(rows)
    assert not any(row[0].startswith(FORMULA) for row in back)
    kept = read_csv(csv_text(["a"], [["-3"], ["--"]], as_is=["a"]))
    assert kept == [["a"], ["-3"], ["--"]]
