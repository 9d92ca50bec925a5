r"""Fuzzing the readers: only a LedgerError ever escapes, and a refusal changes nothing.

Hypothesis feeds four targets with arbitrary and mutated input:

* the record reader, ``DEFAULT_CODEC.read_records``: arbitrary bytes and text,
  record-shaped JSON with values of any type, and valid records files mutated
  (bytes flipped, inserted or deleted, lines spliced in from other files,
  swapped, repeated or dropped, JSON values changed to another JSON type, keys
  dropped or added). Only :class:`~assurance_ledger.errors.LedgerError` may be
  raised; whatever is read round-trips through its canonical JSON unchanged.
* the JSON Lines opener, ``Ledger.open``: a valid stored ledger
  (:func:`assurance_ledger.strategies.write_ledger`) with its bytes mutated.
  Only LedgerError; opening never changes or creates a file; a mutated file
  that still opens verifies, and holds the original entries up to some point
  (only cutting entries off the end can go unnoticed without a witnessed head).
* appending a mutated records file to a stored ledger, in both stores: only
  LedgerError, and after a refusal the store is byte-identical.
* dates: ``parse_date`` and ``DateSpan.from_json`` of any text or JSON value
  (dates at and past the ends of the calendar, mutated date texts, long
  texts) raise only :class:`~assurance_ledger.errors.InvalidDate`, a date read
  moves any number of days without error, and records dated with fuzzed
  dates near the calendar's ends (and deadlines up to a century) are
  appended or refused with a LedgerError, then checked, counted and drawn as
  of any day without error.
* the SQLite opener, ``Ledger.open`` for appending and read-only: a valid
  SQLite ledger with bytes of its header, its schema page or anywhere changed,
  and its row in ``sqlite_master`` rewritten (type, name, table, root page or
  SQL). Only LedgerError; the file is never changed and no file is left
  beside it; one that still opens verifies and holds the original entries up
  to some point.

Each property runs the Hypothesis profile's number of examples (``dev`` 60, ``ci``
200; see ``tests/conftest.py``). A long run, before a release or after touching
the codec or the stores (5,000 examples each, some minutes)::

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz.py -q

A failure prints the shrunk input and (in ``ci`` and ``long``) the blob that
replays it with ``@reproduce_failure``.

"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from assurance_ledger import (
    DEFAULT_CODEC,
    RECORD_TYPES,
    ClaimantReturned,
    DateSpan,
    InvalidDate,
    Ledger,
    LedgerError,
    Record,
    check,
    parse_date,
    timeline,
)
from assurance_ledger._validate import MAX_DAYS
from assurance_ledger.stats import stats
from assurance_ledger.strategies import days, write_ledger

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).with_name("hostile")
BASE_RECORDS = (HOSTILE / "base.jsonl").read_bytes()
EXAMPLE = (ROOT / "examples" / "canada-us-2020.jsonl").read_bytes()
BASE_TIME = "2020-07-01T00:00:00Z"
APPEND_TIME = "2020-07-02T00:00:00Z"

#: Records the base ledger (``tests/hostile/base.jsonl``) accepts, in this order.
FOLLOW_UP: list[dict[str, Any]] = [
    {
        "type": "detained",
        "outcome_id": "o-10",
        "claimant_id": "c-2",
        "on": "2020-04-03",
        "by": "US",
    },
    {
        "type": "released",
        "outcome_id": "o-11",
        "claimant_id": "c-2",
        "on": "2020-04-10",
        "by": "US",
    },
    {
        "type": "claimant_returned",
        "claimant_id": "c-3",
        "on": "2020-04",
        "returned_by": "CA",
        "returned_to": "US",
        "crossing": "airport",
        "nationalities": ["ER", "ET"],
        "grounds": ["religion", "race"],
        "torture_risk": True,
        "minor": True,
        "source": {
            "citation": "Synthetic: a lawyer's letter",
            "reliability": "C",
            "credibility": 3,
        },
    },
    {
        "type": "removed",
        "outcome_id": "o-12",
        "claimant_id": "c-3",
        "on": "2020-05",
        "by": "US",
        "to": "ER",
    },
    {
        "type": "notified",
        "outcome_id": "o-13",
        "claimant_id": "c-3",
        "on": {"earliest": "2020-05-20", "latest": "2020-05-25"},
        "by": "US",
        "to": "CA",
        "regarding": "o-12",
    },
    {
        "type": "monitoring_visit",
        "outcome_id": "o-14",
        "claimant_id": "c-2",
        "on": "2020-04-20",
        "by": "UNHCR",
        "private": True,
        "medical_examination": True,
    },
    {"type": "assurance_declined", "assurance_id": "a-2", "on": "2020-04-01"},
    {
        "type": "assurance_withdrawn",
        "assurance_id": "a-1",
        "on": "2020-06-01",
        "releases_existing": True,
    },
    {
        "type": "correction",
        "target": 5,
        "replacement": {
            "type": "claimant_returned",
            "claimant_id": "c-2",
            "on": "2020-04-02",
            "returned_by": "CA",
            "returned_to": "US",
            "crossing": "between_ports",
            "nationalities": ["VE"],
        },
        "reason": "the crossing was between ports",
    },
    {"type": "checkpoint", "ledger_of": "US", "seq": 7, "hash": "ef" * 32},
]
FOLLOW_UP_TEXT = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in FOLLOW_UP).encode()
#: Valid records files to mutate, and lines to splice in from elsewhere.
SEEDS = [FOLLOW_UP_TEXT, BASE_RECORDS, EXAMPLE]
DONOR_LINES = [line for seed in SEEDS for line in seed.splitlines() if line.strip()]

#: Byte strings a mutation may insert: JSON syntax, line ends, encodings, odd numbers.
TOKENS = [
    b"\n",
    b"\r\n",
    b"\r",
    b"\xef\xbb\xbf",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b"\\",
    b",",
    b":",
    b" ",
    b"null",
    b"true",
    b"false",
    b"NaN",
    b"-Infinity",
    b"1e400",
    b"-0",
    b"0.5",
    b"9" * 40,
    b"\xff",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\x00",
    b"\\u0000",
    b"\\n",
    b'"type"',
    b'"2020-02-30"',
    b'"ZZ"',
    b'"c-1"',
    b'{"earliest": "2020-04-10", "latest": "2020-04-01"}',
]
#: Strings a JSON mutation may put in place of a value: valid and invalid in every field.
STRINGS = [
    "",
    " ",
    "2020",
    "2020-04",
    "2020-02-30",
    "2019-02-29",
    "2020-13",
    "2020-00",
    "0000",
    "9999-12-31",
    "CA",
    "US",
    "HT",
    "ZZ",
    "us",
    "UNHCR",
    "c-1",
    "c-2",
    "o-1",
    "o-2",
    "a-1",
    "a-2",
    "detained",
    "correction",
    "non_refoulement",
    "port_of_entry",
    "refused",
    "public",
    "o" * 201,
    "a\u202eb",
    "a\u2028b",
    "<script>",
    "0" * 64,
    "NaN",
]
SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "bool": st.booleans(),
    "int": st.integers(-(10**20), 10**20) | st.sampled_from([0, 1, -1, 5, 14, 36_525, 36_526]),
    "float": st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([0.5, 1.0, -0.0]),
    "str": st.text(max_size=12) | st.sampled_from(STRINGS),
}
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.one_of(*SCALARS.values()),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8) | st.sampled_from(STRINGS), children, max_size=3)
    ),
    max_leaves=8,
)
CONTAINERS: dict[str, st.SearchStrategy[Any]] = {
    "list": st.lists(JSON_VALUES, max_size=3),
    "dict": st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3),
}
KINDS = {**SCALARS, **CONTAINERS}
#: Every field name any record type has, to build record-shaped objects from.
FIELDS = sorted({field.name for cls in RECORD_TYPES.values() for field in attrs.fields(cls)})


# -- mutations ------------------------------------------------------------------------


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    return {int: "int", float: "float", str: "str", list: "list", dict: "dict"}[type(value)]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a parsed JSON value, the root first."""
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*path, index))
    return found


def _mutate_json(draw: st.DrawFn, line: bytes) -> bytes:
    """``line`` with one JSON value changed to another type, or a key dropped or added."""
    try:
        value = json.loads(line)
    except ValueError:
        return line
    path = draw(st.sampled_from(_paths(value)), label="path")
    action = draw(st.sampled_from(["retype", "retype", "drop", "add"]), label="action")
    if not path:
        value = draw(KINDS[draw(st.sampled_from(sorted(set(KINDS) - {_kind(value)})))])
    else:
        parent = value
        for step in path[:-1]:
            parent = parent[step]
        old = parent[path[-1]]
        if action == "drop":
            del parent[path[-1]]
        elif action == "add" and isinstance(old, dict):
            old[draw(st.sampled_from([*FIELDS, "name", "extra"]))] = draw(JSON_VALUES)
        else:
            new_kind = draw(st.sampled_from(sorted(set(KINDS) - {_kind(old)})), label="kind")
            parent[path[-1]] = draw(KINDS[new_kind], label="value")
    ascii_only = draw(st.booleans(), label="ascii")
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8")


@st.composite
def mutated(draw: st.DrawFn, seeds: Sequence[bytes], donors: Sequence[bytes]) -> bytes:
    """One of ``seeds`` with one to four mutations; ``donors`` are lines to splice in."""
    data = bytearray(draw(st.sampled_from(seeds), label="seed"))
    for _ in range(draw(st.integers(1, 4), label="mutations")):
        op = draw(
            st.sampled_from(
                ["flip", "insert", "delete", "truncate", "splice", "swap", "repeat", "drop", "json"]
            ),
            label="op",
        )
        at = draw(st.integers(0, max(len(data) - 1, 0)), label="at")
        lines = bytes(data).split(b"\n")
        row = draw(st.integers(0, len(lines) - 1), label="line")
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "truncate":
            del data[at:]
        elif op == "splice":
            lines.insert(row, draw(st.sampled_from(donors)))
        elif op == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[row], lines[other] = lines[other], lines[row]
        elif op == "repeat":
            lines.insert(row, lines[row])
        elif op == "drop":
            del lines[row]
        elif op == "json":
            lines[row] = _mutate_json(draw, lines[row])
        if op in {"splice", "swap", "repeat", "drop", "json"}:
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def _record_shaped() -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object with a known ``type`` and any known fields, each of any JSON value."""
    return st.builds(
        lambda tag, fields: {"type": tag, **fields},
        st.sampled_from(sorted(RECORD_TYPES)),
        st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=8),
    )


# -- checks -------------------------------------------------------------------------------


def read_or_refuse(data: str | bytes) -> tuple[Record, ...] | None:
    """Read ``data``: the records, or ``None`` for a LedgerError; any other error escapes."""
    try:
        records = DEFAULT_CODEC.read_records(data)
    except LedgerError as exc:
        event(f"reader: {type(exc).__name__}")
        return None
    event("reader: read")
    return records


def assert_round_trips(records: Sequence[Record]) -> None:
    """Every record survives its canonical JSON unchanged, and the JSON is stable."""
    for record in records:
        text = DEFAULT_CODEC.dumps(record)
        again = DEFAULT_CODEC.loads(text)
        assert again == record
        assert DEFAULT_CODEC.dumps(again) == text


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` and its bytes, by relative path."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


# -- (a) the record reader -------------------------------------------------------------------


@given(st.binary(max_size=2_000))
def test_reader_raises_only_ledger_errors_on_arbitrary_bytes(data: bytes) -> None:
    """Rule: any bytes at all are read or refused with a LedgerError; what is read round-trips."""
    records = read_or_refuse(data)
    if records is not None:
        assert_round_trips(records)


@given(st.text(max_size=2_000))
def test_reader_raises_only_ledger_errors_on_arbitrary_text(text: str) -> None:
    """Rule: any text (str, not bytes) is read or refused with a LedgerError."""
    records = read_or_refuse(text)
    if records is not None:
        assert_round_trips(records)


@given(st.lists(_record_shaped() | JSON_VALUES, min_size=1, max_size=5), st.booleans())
def test_reader_raises_only_ledger_errors_on_record_shaped_json(
    values: list[Any], as_array: bool
) -> None:
    """Rule: records of a known type with fields of any JSON type are read or refused cleanly.

    As JSON Lines or as one JSON array: only a LedgerError is raised; every
    value that is read is one record, and it round-trips.
    """
    lines = "".join(json.dumps(value) + "\n" for value in values)
    text = json.dumps(values) if as_array else lines
    records = read_or_refuse(text)
    if records is not None:
        # A file whose first value is an array is read as one JSON array.
        if as_array or not isinstance(values[0], list):
            assert len(records) == len(values)
        assert_round_trips(records)


@given(mutated(SEEDS, DONOR_LINES))
def test_reader_raises_only_ledger_errors_on_mutated_records_files(data: bytes) -> None:
    """Rule: a mutated records file is read or refused with a LedgerError; never another error.

    When it is read, every record round-trips through its canonical JSON
    unchanged, and reading it again gives the same records.
    """
    records = read_or_refuse(data)
    if records is not None:
        assert_round_trips(records)
        assert DEFAULT_CODEC.read_records(data) == records


# -- (b) the JSON Lines opener ------------------------------------------------------------------


@functools.cache
def stored(size: int, seed: int) -> bytes:
    """The bytes of ``write_ledger(size, seed)`` stored as JSON Lines."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "ledger.jsonl"
        write_ledger(size, seed).export(path)
        return path.read_bytes()


LEDGER_SHAPES = [(1, 0), (6, 1), (25, 2), (40, 3)]
#: The ledger whose lines are spliced into the others.
DONOR_SHAPE = (25, 7)


@st.composite
def mutated_ledgers(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """A stored ledger and a mutation of it (lines spliced in from another ledger)."""
    size, seed = draw(st.sampled_from(LEDGER_SHAPES), label="ledger")
    original = stored(size, seed)
    donors = stored(*DONOR_SHAPE).splitlines() + original.splitlines()
    return original, draw(mutated([original], donors))


@given(mutated_ledgers())
def test_opening_a_mutated_ledger_raises_only_ledger_errors_and_changes_nothing(
    case: tuple[bytes, bytes],
) -> None:
    """Rule: a mutated JSON Lines ledger opens or raises a LedgerError, and is never changed.

    Opening (and failing) leaves the file byte-identical and creates no file.
    A mutated file that still opens verifies, and its entries are the first
    entries of the original, or of the other ledger whose lines were spliced
    in (a history replaced whole from its first entry): any other change is
    detected. Cutting entries off the end, or replacing the whole history, is
    the limit of tamper evidence: only a witnessed head reveals it.
    """
    original, data = case
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "ledger.jsonl"
        path.write_bytes(data)
        before = snapshot(Path(directory))
        try:
            ledger = Ledger.open(path)
        except LedgerError as exc:
            event(f"open: {type(exc).__name__}")
            ledger = None
        if ledger is not None:
            with ledger:
                assert ledger.verify().ok
                lines = list(ledger.lines())
            sources = [original.splitlines(), stored(*DONOR_SHAPE).splitlines()]
            assert any(lines == source[: len(lines)] for source in sources)
            if lines == original.splitlines():
                event("open: opened unchanged")
            elif lines == sources[0][: len(lines)]:
                event("open: opened, entries cut off the end")
            else:
                event("open: opened, the whole history replaced by another ledger's")
        assert snapshot(Path(directory)) == before


# -- (c) appending a mutated records file ---------------------------------------------------------


@functools.cache
def base_store(suffix: str) -> bytes:
    """The base ledger of the hostile corpus (ten entries), stored with ``suffix``."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"ledger{suffix}"
        with Ledger.open(path, create=True) as ledger:
            ledger.append_file(HOSTILE / "base.jsonl", recorded_by="CA", recorded_at=BASE_TIME)
        return path.read_bytes()


@pytest.mark.parametrize("suffix", [".jsonl", ".sqlite"])
@given(data=mutated([FOLLOW_UP_TEXT], DONOR_LINES))
def test_appending_a_mutated_records_file_raises_only_ledger_errors_and_changes_nothing(
    suffix: str, data: bytes
) -> None:
    """Rule: appending a mutated records file either appends it whole or changes nothing.

    Only a LedgerError is raised; after one the store is byte-identical (and
    no journal is left) and the ledger has not grown. After a success the
    stored ledger is the old entries, unchanged, then one entry per record
    read, and it reopens and verifies.
    """
    records = read_or_refuse(data)
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        path = directory / f"ledger{suffix}"
        path.write_bytes(base_store(suffix))
        (directory / "records.jsonl").write_bytes(data)
        before = snapshot(directory)
        with Ledger.open(path) as ledger:
            old = list(ledger.lines())
            try:
                entries = ledger.append_file(
                    directory / "records.jsonl", recorded_by="CA", recorded_at=APPEND_TIME
                )
            except LedgerError as exc:
                event(f"append: {type(exc).__name__}")
                entries = None
            grown = len(ledger)
        if entries is None:
            assert grown == len(old)
            assert snapshot(directory) == before
            return
        event("append: appended")
        assert records is not None
        assert [entry.record for entry in entries] == list(records)
        with Ledger.open(path) as reopened:
            assert reopened.verify().ok
            lines = list(reopened.lines())
        assert lines[: len(old)] == old
        assert len(lines) == len(old) + len(records)
        assert not (directory / "ledger.jsonl.pending").exists()


# -- (d) dates ---------------------------------------------------------------------------------

#: Date texts at, near and just past the ends of the calendar, and in words.
DATE_TEXTS = [
    "0001-01-01",
    "0001-01-02",
    "0001-01",
    "0001",
    "0000-12-31",
    "0000",
    "9999-12-30",
    "9999-12-31",
    "9999-12",
    "9999",
    "10000-01-01",
    "9999-12-32",
    "1 January 0001",
    "31 December 9999",
    "December 9999",
    "31/12/9999",
    "01.01.0001",
    "30 March 2020",
    "1." * 60,
]
#: Date texts mutated: characters inserted, dropped or repeated.
MUTATED_DATE_TEXTS = st.builds(
    lambda text, at, insert, cut, times: (text[:at] + insert + text[at + cut :]) * times,
    st.sampled_from(DATE_TEXTS),
    st.integers(0, 12),
    st.text(max_size=3) | st.sampled_from(["-", "/", ".", " ", "0", "9", "T", "\u0661"]),
    st.integers(0, 3),
    st.integers(1, 3),
)
#: The calendar's ends, and days near them.
EDGE_DAYS = (
    days(dt.date.min, dt.date.min + dt.timedelta(days=2 * MAX_DAYS))
    | days(dt.date.max - dt.timedelta(days=2 * MAX_DAYS), dt.date.max)
    | st.sampled_from([dt.date.min, dt.date.max])
)
#: JSON date values: the four forms near the ends, mutated texts, and any JSON value.
JSON_DATES: st.SearchStrategy[Any] = st.one_of(
    EDGE_DAYS.map(dt.date.isoformat),
    EDGE_DAYS.map(lambda d: d.isoformat()[:7]),
    EDGE_DAYS.map(lambda d: d.isoformat()[:4]),
    st.sampled_from(DATE_TEXTS),
    MUTATED_DATE_TEXTS,
    st.builds(
        lambda a, b: {"earliest": a, "latest": b},
        EDGE_DAYS.map(dt.date.isoformat) | st.sampled_from(DATE_TEXTS),
        EDGE_DAYS.map(dt.date.isoformat) | st.sampled_from(DATE_TEXTS),
    ),
    JSON_VALUES,
)
SHIFTS = st.integers(-2 * MAX_DAYS, 2 * MAX_DAYS) | st.integers(-(10**12), 10**12)


@given(
    st.text(max_size=300) | st.sampled_from(DATE_TEXTS) | MUTATED_DATE_TEXTS,
    st.sampled_from([None, True, False]),
    SHIFTS,
)
def test_parse_date_raises_only_invalid_date(text: str, dayfirst: bool | None, shift: int) -> None:
    """Rule: parse_date reads any text or refuses it with InvalidDate, and never anything else.

    What it reads is a span that round-trips through its JSON form and moves
    any number of days without error (stopping at the calendar's ends).
    """
    try:
        span = parse_date(text, dayfirst=dayfirst)
    except InvalidDate:
        event("parse_date: refused")
        return
    event("parse_date: read")
    assert DateSpan.from_json(span.to_json()) == span
    span.plus_days(shift)


@given(JSON_DATES, SHIFTS)
def test_date_values_near_the_calendar_ends_read_or_refuse_only_with_invalid_date(
    value: Any, shift: int
) -> None:
    """Rule: any JSON value is a date or an InvalidDate; a date read moves without error."""
    try:
        span = DateSpan.from_json(value)
    except InvalidDate:
        event("from_json: refused")
        return
    event("from_json: read")
    moved = span.plus_days(shift)
    assert dt.date.min <= moved.earliest <= moved.latest <= dt.date.max
    assert DateSpan.from_json(span.to_json()) == span


#: An assurance of every commitment kind, given by the base ledger's giver.
EVERY_KIND = {
    "type": "assurance_given",
    "assurance_id": "a-9",
    "given_by": "US",
    "given_to": "CA",
    "on": "2020-03-20",
    "form": "diplomatic_note",
    "commitments": [
        {"kind": "non_refoulement", "absolute": True},
        {"kind": "no_removal_before_decision"},
        {"kind": "access_to_procedure", "within_days": 1},
        {"kind": "detention_limit", "max_days": 14},
        {"kind": "notification", "within_days": 7},
        {"kind": "humane_treatment"},
        {"kind": "monitoring_access", "first_visit_within_days": 21, "private": True},
    ],
}
DAY_COUNTS = st.integers(0, MAX_DAYS) | st.sampled_from([0, 1, MAX_DAYS, MAX_DAYS + 1, -1])


def _redated(record: Any, dates: Iterator[Any], counts: Iterator[int]) -> Any:
    """``record`` (JSON) with each date the next of ``dates``, each day count of ``counts``."""
    if isinstance(record, dict):
        out = {}
        for key, value in record.items():
            if key in {"on", "returns_from", "returns_until"}:
                out[key] = next(dates)
            elif key in {"within_days", "max_days", "first_visit_within_days"}:
                out[key] = next(counts)
            else:
                out[key] = _redated(value, dates, counts)
        return out
    if isinstance(record, list):
        return [_redated(item, dates, counts) for item in record]
    return record


@given(
    st.lists(JSON_DATES, min_size=1, max_size=6),
    st.lists(DAY_COUNTS, min_size=1, max_size=4),
    EDGE_DAYS | days(),
)
def test_checking_records_with_fuzzed_dates_never_raises(
    dates: list[Any], counts: list[int], as_of: dt.date
) -> None:
    """Rule: records with fuzzed dates are appended or refused cleanly, then checked without error.

    The follow-up records and an assurance of every commitment kind, with
    their dates replaced by fuzzed ones (near and past the calendar's ends)
    and their day counts by any (up to a century, and just past it), are
    appended to the base ledger or refused with a LedgerError; what the
    ledger then holds is checked, counted and drawn as of any day, near the
    ends too, without error.
    """
    ledger = Ledger.from_lines(base_store(".jsonl").splitlines())
    cycled, counted = itertools.cycle(dates), itertools.cycle(counts)
    redated = [_redated(record, cycled, counted) for record in [EVERY_KIND, *FOLLOW_UP]]
    text = "".join(json.dumps(record) + "\n" for record in redated)
    for line in text.splitlines():  # one at a time: a refusal leaves the others in
        try:
            records = DEFAULT_CODEC.read_records(line)
            ledger.extend(records, recorded_by="CA", recorded_at=APPEND_TIME)
        except LedgerError as exc:
            event(f"append: {type(exc).__name__}")
    event(f"entries appended: {len(ledger) - 10}")
    check(ledger, as_of).to_text()
    stats(ledger, ("nationality", "month"), as_of=as_of).to_text()
    for fact in ledger.facts():
        if isinstance(fact.record, ClaimantReturned):
            timeline(ledger, fact.record.claimant_id, as_of).to_svg()


# -- (d) the SQLite opener -------------------------------------------------------------------

#: Pieces of SQL a mutation of ``sqlite_master`` may put together.
SQL_TOKENS = [
    "CREATE", "TABLE", "VIEW", "TRIGGER", "INDEX", "VIRTUAL", "TEMP", "entries", "seq", "line",
    "INTEGER", "TEXT", "BLOB", "PRIMARY KEY", "NOT NULL", "AUTOINCREMENT", "WITHOUT ROWID",
    "GENERATED ALWAYS AS", "zeroblob(900000000)", "AS SELECT", "(", ")", ",", ";", "--", "/*",
    "'", '"', "\x00", "\x1b[31m", "USING", "fts5", "BEGIN", "END", "ON", "AFTER INSERT",
]  # fmt: skip
SCHEMA_COLUMNS = ["type", "name", "tbl_name", "rootpage", "sql"]
#: Where a byte mutation lands: the file header, the rest of page 1 (``sqlite_master``), anywhere.
REGIONS = {"header": (0, 99), "schema page": (100, 4095), "anywhere": None}


def schema_edit() -> st.SearchStrategy[tuple[str, object]]:
    """A column of the table's row in ``sqlite_master`` and a new value for it."""
    sql = st.lists(st.sampled_from(SQL_TOKENS) | st.text(max_size=6), max_size=14).map(" ".join)
    value = st.one_of(sql, st.integers(-5, 20), st.none(), st.binary(max_size=8), st.floats())
    return st.tuples(st.sampled_from(SCHEMA_COLUMNS), value)


@st.composite
def mutated_databases(draw: st.DrawFn) -> bytes:
    """The base SQLite ledger with bytes of its header, schema page or anywhere changed.

    Or its row in ``sqlite_master`` rewritten (``PRAGMA writable_schema``),
    then bytes changed too, or not.
    """
    original = base_store(".sqlite")
    data = bytearray(original)
    if draw(st.booleans(), label="edit sqlite_master"):
        column, value = draw(schema_edit(), label="schema edit")
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "edit.sqlite"
            path.write_bytes(original)
            db = sqlite3.connect(path, isolation_level=None)
            try:
                db.execute("PRAGMA writable_schema = ON")
                db.execute(f"UPDATE sqlite_master SET {column} = ?", (value,))  # noqa: S608
            finally:
                db.close()
            data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(0, 6), label="byte mutations")):
        span = REGIONS[draw(st.sampled_from(sorted(REGIONS)), label="region")]
        low, high = span if span is not None else (0, len(data) - 1)
        at = draw(st.integers(low, min(high, len(data) - 1)), label="at")
        op = draw(st.sampled_from(["flip", "set", "truncate"]), label="op")
        if op == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif op == "set":
            data[at] = draw(st.sampled_from([0, 1, 2, 0x7F, 0x80, 0xFF]))
        else:
            del data[at:]
            break
    return bytes(data)


@given(mutated_databases())
def test_opening_a_mutated_sqlite_ledger_raises_only_ledger_errors_and_changes_nothing(
    data: bytes,
) -> None:
    """Rule: a mutated SQLite ledger opens or raises a LedgerError, and is never changed.

    Opened for appending and read-only: any other exception (an
    ``sqlite3.Error``, a TypeError, a MemoryError) is a failure. The file is
    byte-identical afterwards and no file is left beside it. A mutated file
    that still opens verifies, and holds the original entries up to some
    point.
    """
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        path = directory / "ledger.sqlite"
        path.write_bytes(data)
        before = snapshot(directory)
        for readonly in (False, True):
            try:
                ledger = Ledger.open(path, readonly=readonly)
            except LedgerError as exc:
                event(f"sqlite open: {type(exc).__name__}")
                ledger = None
            if ledger is not None:
                event("sqlite open: opened")
                with ledger:
                    assert ledger.verify().ok
                    lines = list(ledger.lines())
                original = list(base_lines())
                assert lines == original[: len(lines)]
            assert snapshot(directory) == before


@functools.cache
def base_lines() -> tuple[bytes, ...]:
    """The stored lines of the base ledger (the SQLite fuzz seed)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "ledger.sqlite"
        path.write_bytes(base_store(".sqlite"))
        with Ledger.open(path, readonly=True) as ledger:
            return tuple(ledger.lines())
