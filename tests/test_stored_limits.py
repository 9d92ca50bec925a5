"""Limits on what one line can cost, stored or appended (issue 18, defect 6).

A stored line is as hostile as a records file: a ledger comes from the other
state. Every limit applies to both: the line (``MAX_LINE_BYTES``), the items of
a list (``MAX_ITEMS``, counted before any item is read), the problems one
record reports (``MAX_PROBLEMS``), and the length of what is quoted (keys and
values cut short; a stored entry's reason at most ``MAX_REASON``). So a
megabyte line holding a list of half a million items is refused at once, in a
message of a few hundred characters, not 13 seconds and 24 MB of problems.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _cli_helpers import installed_command
from assurance_ledger import (
    DEFAULT_CODEC,
    GENESIS,
    ChainBroken,
    InvalidRecord,
    InvalidRecords,
    Ledger,
    LedgerError,
    TornTail,
    canonical_json,
    storage,
    verify_lines,
)
from assurance_ledger.chain import MAX_REASON
from assurance_ledger.codec import MAX_ITEMS, MAX_LINE_BYTES, MAX_PROBLEMS

TIME = "2020-07-01T00:00:00.000000Z"
RETURNED: dict[str, Any] = {
    "type": "claimant_returned",
    "claimant_id": "c-1",
    "on": "2020-03-22",
    "returned_by": "CA",
    "returned_to": "US",
    "nationalities": ["HT"],
}
GIVEN: dict[str, Any] = {
    "type": "assurance_given",
    "assurance_id": "a-1",
    "on": "2020-03-21",
    "given_by": "US",
    "given_to": "CA",
    "form": "diplomatic_note",
    "commitments": [{"kind": "humane_treatment"}],
}
#: The items of the reported list: as many as fit a line of at most MAX_LINE_BYTES.
HUGE = 524_000


def stored_line(record: Any, **entry: Any) -> bytes:
    """A stored entry (seq 1) holding ``record``, hashed correctly: only its content is bad."""
    body = {"prev": GENESIS, "record": record, "recorded_at": TIME, "recorded_by": "CA", "seq": 1}
    body.update(entry)
    encoded = canonical_json(body)
    digest = hashlib.sha256(encoded).hexdigest()
    return b'{"hash":"' + digest.encode() + b'",' + encoded[1:]


#: Half a million items in one list field, each of the wrong type: a line of just under 1 MiB.
HUGE_LISTS = {
    "nationalities": {**RETURNED, "nationalities": [0] * HUGE},
    "commitments": {**GIVEN, "commitments": [0] * HUGE},
}


def refusal(line: bytes) -> ChainBroken:
    """The error opening a ledger of this one stored line raises."""
    with pytest.raises(ChainBroken) as info:
        Ledger.from_lines([line])
    return info.value


@pytest.mark.parametrize("field", sorted(HUGE_LISTS))
def test_verify_refuses_a_stored_list_of_half_a_million_items_in_a_short_message(
    field: str, tmp_path: Path
) -> None:
    """Rule: ``assurance-ledger verify`` of a stored 524k-item list exits 2 with one short message.

    The list is refused whole, by its length, before any item is read: the
    message names the entry, the field and the limit, is under 500
    characters (it was 24 MB, one problem per item), and nothing is printed
    on standard output.
    """
    line = stored_line(HUGE_LISTS[field])
    assert MAX_LINE_BYTES - 1_000 < len(line) <= MAX_LINE_BYTES
    (tmp_path / "ledger.jsonl").write_bytes(line + b"\n")
    done = subprocess.run(
        [*installed_command(), "verify", "ledger.jsonl"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert len(done.stderr) < 500, len(done.stderr)
    assert "chain broken at seq 1" in done.stderr
    assert f"{field}: expected a list of at most {MAX_ITEMS} items, got {HUGE} items" in (
        done.stderr
    )


@pytest.mark.parametrize("field", sorted(HUGE_LISTS))
def test_opening_a_stored_list_of_half_a_million_items_raises_chain_broken(
    field: str, tmp_path: Path
) -> None:
    """Rule: ``Ledger.open`` of that line raises ChainBroken (a LedgerError) naming seq 1, briefly.

    ``verify_lines`` says the same, and the file is not changed.
    """
    path = tmp_path / "ledger.jsonl"
    data = stored_line(HUGE_LISTS[field]) + b"\n"
    path.write_bytes(data)
    with pytest.raises(LedgerError) as info:
        Ledger.open(path)
    assert isinstance(info.value, ChainBroken)
    assert info.value.seq == 1
    assert len(str(info.value)) < 500
    result = verify_lines(data.splitlines())
    assert (result.ok, result.broken_at, result.reason) == (False, 1, info.value.reason)
    assert path.read_bytes() == data


def test_a_list_of_max_items_is_read_and_one_more_is_refused_whole() -> None:
    """Rule: a list field holds at most MAX_ITEMS items: one more is one problem, at the field.

    (10,000 claimant ids in a scope is the most; 10,001 is refused with the
    count, not with a problem for each item.)
    """
    ids = [f"c-{n}" for n in range(MAX_ITEMS + 1)]
    at_most = {**GIVEN, "scope": {"claimants": ids[:MAX_ITEMS]}}
    record = DEFAULT_CODEC.from_json(at_most)
    assert len(record.scope.claimants) == MAX_ITEMS  # type: ignore[attr-defined]
    with pytest.raises(InvalidRecord) as info:
        DEFAULT_CODEC.from_json({**GIVEN, "scope": {"claimants": ids}})
    assert type(info.value) is InvalidRecord
    assert info.value.field == "scope.claimants"
    assert info.value.got == f"{MAX_ITEMS + 1} items"


def test_one_record_reports_at_most_max_problems_appended_or_stored() -> None:
    """Rule: a record with thousands of bad items reports MAX_PROBLEMS of them and says more exist.

    The same cap whether the record comes in a records file (``read_records``)
    or in a stored line (whose reason is then at most MAX_REASON characters,
    cut at a problem's end).
    """
    record = {**RETURNED, "nationalities": [0] * MAX_ITEMS}
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records(json.dumps(record))
    assert len(info.value.errors) == MAX_PROBLEMS
    assert info.value.truncated
    assert "(and more, not shown)" in str(info.value)
    assert [e.field for e in info.value.errors[:2]] == ["nationalities[0]", "nationalities[1]"]
    reason = refusal(stored_line(record)).reason
    assert reason.startswith("its record is invalid: 100 problems found (and more, not shown)")
    assert len(reason) <= MAX_REASON + 60
    assert reason.endswith("more characters not shown)")


def test_the_reason_for_a_stored_record_is_at_most_max_reason_characters() -> None:
    """Rule: however many bad fields a stored record has, its reason is at most MAX_REASON.

    Four lists of MAX_ITEMS bad items in one scope (each with a long
    "expected one of ..."): the reason is cut to MAX_REASON characters and
    says how much was left out.
    """
    bad = [0] * MAX_ITEMS
    scope = {"claimants": bad, "nationalities": bad, "exclude_nationalities": bad, "crossings": bad}
    error = refusal(stored_line({**GIVEN, "scope": scope}))
    assert len(error.reason) <= MAX_REASON + 60
    assert len(str(error)) <= MAX_REASON + 120
    assert "more characters not shown" in error.reason


@pytest.mark.parametrize("where", ["appended", "stored"])
def test_a_huge_key_is_cut_short_in_the_error(where: str) -> None:
    """Rule: an unknown key of a million characters is named cut short, in a short message.

    In a records file and in a stored line alike: the path shows the key's
    first characters and ``...``.
    """
    record = {**RETURNED, "k" * 1_000_000: 0}
    if where == "appended":
        with pytest.raises(InvalidRecords) as info:
            DEFAULT_CODEC.read_records(json.dumps(record))
        message = str(info.value)
        assert info.value.errors[0].field == "k" * 57 + "..."
    else:
        message = str(refusal(stored_line(record)))
    assert len(message) < 500
    assert "k" * 57 + "...: expected no such field" in message


def test_a_repeated_huge_key_is_quoted_short() -> None:
    """Rule: a key of half a megabyte given twice in one object is refused in a short message."""
    key = "d" * 500_000
    text = '{"type": "detained", "%s": 1, "%s": 2}' % (key, key)  # noqa: UP031 -- JSON braces
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records(text)
    assert len(str(info.value)) < 500
    assert "twice" in str(info.value)


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        pytest.param({"recorded_at": "9" * 200_000}, "recorded_at '999", id="recorded_at"),
        pytest.param({"recorded_by": "C" * 200_000}, "recorded_by 'CCC", id="recorded_by"),
        pytest.param({"seq": "1" * 200_000}, "it says seq '111", id="seq"),
    ],
)
def test_a_huge_stored_value_is_quoted_short(entry: dict[str, Any], needle: str) -> None:
    """Rule: a stored entry's own fields are quoted cut short when they are wrong.

    A recording time, a party or a seq of 200,000 characters: the reason
    quotes its first characters only.
    """
    error = refusal(stored_line(RETURNED, **entry))
    assert len(str(error)) < 300
    assert needle in error.reason


def test_a_stored_line_over_the_line_limit_is_refused_whatever_its_source() -> None:
    """Rule: a line longer than MAX_LINE_BYTES is refused however it is read.

    A JSON Lines store refuses it while reading (without reading it whole);
    lines given to ``Ledger.from_lines`` or ``verify_lines`` (or read from an
    SQLite store) are refused by the chain the same way.
    """
    line = stored_line({**RETURNED, "source": {"citation": "x" * MAX_LINE_BYTES}})
    assert len(line) > MAX_LINE_BYTES
    error = refusal(line)
    assert error.reason == f"its line is longer than {MAX_LINE_BYTES} bytes"
    assert verify_lines([line]).reason == error.reason


def _lines_or_error(data: bytes, limit: int) -> tuple[object, ...]:
    """What reading ``data`` a line at a time finds: its lines, or its first problem."""
    parts = data.split(b"\n")
    tail = parts.pop()
    for seq, part in enumerate(parts, start=1):
        if len(part) > limit:
            return ("longer than the limit", seq)
    if len(tail) > limit:
        return ("longer than the limit", len(parts) + 1)
    if tail:
        return ("torn", len(parts), len(tail))
    return ("lines", parts)


@settings(max_examples=200)
@given(
    data=st.binary(max_size=60).map(
        lambda raw: raw.translate(bytes(b"ab\n"[i % 3] for i in range(256)))
    ),
    block=st.integers(1, 16),
    limit=st.integers(0, 12),
)
def test_a_file_is_read_the_same_a_block_at_a_time(data: bytes, block: int, limit: int) -> None:
    """Rule: wherever blocks end, a JSON Lines store gives the file's lines, or the first problem.

    The first line over the limit is refused at its seq (even the unfinished
    last one), else an unfinished last line is a torn tail; as when the
    file was read a line at a time.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.jsonl"
        path.write_bytes(data)
        store = storage.JsonLinesStore(path, readonly=True)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(storage, "_BLOCK_BYTES", block)
            patch.setattr(storage, "MAX_LINE_BYTES", limit)
            try:
                got: tuple[object, ...] = ("lines", store.read_lines(0))
            except ChainBroken as exc:
                got = (
                    "longer than the limit" if "longer than" in exc.reason else exc.reason,
                    exc.seq,
                )
            except TornTail as exc:
                got = ("torn", exc.entries, exc.torn_bytes)
            finally:
                store.close()
    assert got == _lines_or_error(data, limit)
