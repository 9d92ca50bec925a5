"""The hash chain: canonical stored bytes, tamper evidence, and as-recorded views."""

import datetime as dt
import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assurance_ledger import (
    GENESIS,
    ChainBroken,
    Ledger,
    Source,
    TornTail,
    canonical_json,
    verify_lines,
)
from assurance_ledger.chain import _quick, _strict, encode_entry
from assurance_ledger.strategies import ledgers

non_empty = ledgers(min_size=1, max_size=20)


_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)  # any but lone surrogates
_JSON_RECORD = st.dictionaries(
    _TEXT, st.one_of(st.none(), st.booleans(), st.integers(), _TEXT, st.lists(_TEXT)), max_size=5
)


@given(
    seq=st.integers(1, 10**12),
    recorded_at=_TEXT,
    recorded_by=_TEXT,
    prev=_TEXT,
    record=_JSON_RECORD,
)
def test_an_entry_is_encoded_as_canonical_json_of_its_five_keys(
    seq: int, recorded_at: str, recorded_by: str, prev: str, record: dict[str, object]
) -> None:
    """Rule: encode_entry writes exactly canonical_json of the five keys, whatever the text.

    It writes the outer object out by hand (keys in their sorted order), so
    quotes, backslashes, control and non-ASCII characters in any of its
    strings must come out as canonical_json writes them.
    """
    digest, line = encode_entry(
        seq=seq, recorded_at=recorded_at, recorded_by=recorded_by, record=record, prev=prev
    )
    rest = {
        "prev": prev,
        "record": record,
        "recorded_at": recorded_at,
        "recorded_by": recorded_by,
        "seq": seq,
    }
    assert hashlib.sha256(canonical_json(rest)).hexdigest() == digest
    assert line == canonical_json({"hash": digest, **rest})


def test_an_entry_with_a_party_that_is_not_text_is_refused() -> None:
    """Rule: encode_entry refuses a non-text string field rather than write other bytes."""
    with pytest.raises(TypeError, match="expected text, got int"):
        encode_entry(seq=1, recorded_at="t", recorded_by=7, record={}, prev=GENESIS)  # type: ignore[arg-type]


@given(non_empty)
def test_stored_lines_are_canonical_and_hash_the_rest(ledger: Ledger) -> None:
    """Rule: a stored entry is the canonical JSON of its six keys; hash covers the other five."""
    prev = GENESIS
    for entry, line in zip(ledger, ledger.lines(), strict=True):
        data = json.loads(line)
        assert canonical_json(data) == line
        assert set(data) == {"hash", "prev", "record", "recorded_at", "recorded_by", "seq"}
        rest = {k: v for k, v in data.items() if k != "hash"}
        assert hashlib.sha256(canonical_json(rest)).hexdigest() == entry.hash == data["hash"]
        assert data["prev"] == prev
        assert data["record"] == ledger.codec.to_json(entry.record)
        prev = entry.hash
    assert verify_lines(ledger.lines()).ok


@given(non_empty, st.data())
def test_any_changed_byte_is_found_at_its_entry(ledger: Ledger, data: st.DataObject) -> None:
    """Rule: changing any one byte of any stored line breaks the chain at that line's seq."""
    lines = list(ledger.lines())
    seq = data.draw(st.integers(1, len(lines)), label="seq")
    line = lines[seq - 1]
    where = data.draw(st.integers(0, len(line) - 1), label="offset")
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != line[where]), label="byte")
    lines[seq - 1] = line[:where] + bytes([byte]) + line[where + 1 :]
    result = verify_lines(lines)
    assert result.broken_at == seq
    assert result.entries == seq - 1
    assert not result.ok


@given(non_empty, st.data())
def test_a_deleted_entry_is_found_where_it_was(ledger: Ledger, data: st.DataObject) -> None:
    """Rule: deleting an entry breaks the chain at its seq; cutting the last needs a witness."""
    lines = list(ledger.lines())
    seq = data.draw(st.integers(1, len(lines)))
    del lines[seq - 1]
    if seq <= len(lines):
        assert verify_lines(lines).broken_at == seq
    else:
        assert verify_lines(lines).ok  # a shorter chain is still a chain ...
    head = ledger.head
    assert head is not None
    witnessed = verify_lines(lines, expected_head=(head.seq, head.hash))
    assert witnessed.broken_at == seq  # ... until checked against a witnessed head


@given(ledgers(min_size=2, max_size=20), st.data())
def test_swapped_entries_are_found_at_the_first(ledger: Ledger, data: st.DataObject) -> None:
    """Rule: swapping two entries breaks the chain at the earlier one's seq."""
    lines = list(ledger.lines())
    first = data.draw(st.integers(1, len(lines) - 1))
    second = data.draw(st.integers(first + 1, len(lines)))
    lines[first - 1], lines[second - 1] = lines[second - 1], lines[first - 1]
    assert verify_lines(lines).broken_at == first


@given(non_empty, st.data())
def test_an_inserted_entry_is_found_where_it_went(ledger: Ledger, data: st.DataObject) -> None:
    """Rule: inserting any line (a copy of an entry, or another) breaks the chain there."""
    lines = list(ledger.lines())
    seq = data.draw(st.integers(1, len(lines)))
    inserted = data.draw(st.sampled_from(lines) | st.binary(max_size=50))
    original = lines[seq - 1]
    lines.insert(seq - 1, inserted)
    # A copy of entry seq put just before itself *is* entry seq: the break is after it.
    expected = seq + 1 if inserted == original else seq
    assert verify_lines(lines).broken_at == expected


@given(non_empty, st.data())
def test_a_rewritten_history_breaks_a_witnessed_head(ledger: Ledger, data: st.DataObject) -> None:
    """Rule: a chain rebuilt with different content fails against the head witnessed before."""
    head = ledger.head
    assert head is not None
    seq = data.draw(st.integers(1, len(ledger)))
    rewritten = Ledger()
    for entry in ledger:
        record = entry.record
        if entry.seq == seq:
            # A different source, always: dropping one that is there, or adding
            # one (filtering out records without a source starved the search).
            source = None if record.source is not None else Source(citation="rewritten")
            record = record.__class__(**{**_fields(record), "source": source})
        rewritten.append(record, recorded_by=entry.recorded_by, recorded_at=entry.recorded_at)
    assert rewritten.verify().ok  # internally consistent ...
    result = verify_lines(rewritten.lines(), expected_head=(head.seq, head.hash))
    assert result.broken_at == head.seq  # ... but not the history that was witnessed


def _fields(record: object) -> dict[str, object]:
    import attrs  # noqa: PLC0415 -- only this helper needs it

    return attrs.asdict(record, recurse=False)  # type: ignore[arg-type]


@given(non_empty, st.data())
def test_as_recorded_is_the_prefix_recorded_by_then(ledger: Ledger, data: st.DataObject) -> None:
    """Rule: as_recorded(T) equals the ledger of only the entries recorded at or before T."""
    times = sorted({e.time for e in ledger})
    cut = data.draw(
        st.sampled_from(times)
        | st.sampled_from(times).map(lambda t: t - dt.timedelta(microseconds=1))
        | st.sampled_from(times).map(lambda t: t + dt.timedelta(seconds=30))
    )
    # Any offset means the same instant.
    offset = data.draw(st.sampled_from([0, -4, 5]))
    written = cut.astimezone(dt.timezone(dt.timedelta(hours=offset)))
    view = ledger.as_recorded(written.isoformat())
    kept = [e for e in ledger if e.time <= cut]
    assert list(view.lines()) == list(ledger.lines())[: len(kept)]
    assert [e.hash for e in view] == [e.hash for e in kept]
    alone = Ledger.from_lines(list(ledger.lines())[: len(kept)])
    assert view.facts() == alone.facts()
    assert [e.record for e in view] == [e.record for e in kept]


@pytest.mark.parametrize("suffix", [".jsonl", ".sqlite"])
@given(ledger=non_empty, data=st.data())
def test_opening_a_store_finds_a_changed_byte(
    tmp_path_factory: pytest.TempPathFactory, suffix: str, ledger: Ledger, data: st.DataObject
) -> None:
    """Rule: a stored ledger with any byte changed does not open; the error names the entry."""
    path = tmp_path_factory.mktemp("store") / f"ledger{suffix}"
    ledger.export(path)
    lines = list(ledger.lines())
    seq = data.draw(st.integers(1, len(lines)), label="seq")
    line = lines[seq - 1]
    if suffix == ".jsonl":
        raw = bytearray(path.read_bytes())
        start = sum(len(x) + 1 for x in lines[: seq - 1])
        where = start + data.draw(st.integers(0, len(line)), label="offset")  # the newline too
        raw[where] = data.draw(st.integers(0, 255).filter(lambda b: b != raw[where]))
        path.write_bytes(bytes(raw))
        torn = where == len(raw) - 1  # the last newline replaced: an unfinished last line
    else:
        import sqlite3  # noqa: PLC0415 -- only the SQLite case edits rows by hand

        where = data.draw(st.integers(0, len(line) - 1), label="offset")
        changed = bytearray(line)
        changed[where] = data.draw(st.integers(0, 255).filter(lambda b: b != line[where]))
        with sqlite3.connect(path) as db:
            db.execute("UPDATE entries SET line = ? WHERE seq = ?", (bytes(changed), seq))
        db.close()
        torn = False
    if torn:
        with pytest.raises(TornTail) as torn_info:
            Ledger.open(path)
        assert torn_info.value.entries == seq - 1
    else:
        with pytest.raises(ChainBroken) as info:
            Ledger.open(path)
        assert info.value.seq == seq
        assert str(path) in str(info.value)


# -- the quick reading of stored lines agrees with the strict one -------------------------

_LIBERTIES = (
    "space after a colon",
    "keys out of order",
    "a character escaped",
    "a key twice",
    "a day as an object",
    "a default written out",
    "a float for an integer",
    "none",
)


def _rehashed(body: bytes) -> bytes:
    """A line with ``body`` (the entry without its hash) and the right hash for it."""
    digest = hashlib.sha256(body).hexdigest()
    return b'{"hash":"' + digest.encode() + b'",' + body[1:]


def _take_liberty(line: bytes, how: str) -> bytes:
    """The line written another way that a careless tool might, and hashed again."""
    data = json.loads(line)
    del data["hash"]
    body = canonical_json(data)
    record = data["record"]
    if how == "space after a colon":
        body = body.replace(b'":', b'": ', 1)
    elif how == "keys out of order":
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)  # unsorted
        body = text.encode()
        if body == canonical_json(data):
            body = json.dumps(dict(reversed(data.items())), separators=(",", ":")).encode()
    elif how == "a character escaped":
        at = body.index(b'"type":"') + len(b'"type":"')
        body = body[:at] + b"\\u%04x" % body[at] + body[at + 1 :]
    elif how == "a key twice":
        body = body.replace(b'"record":{', b'"record":{"type":"x",', 1)
    elif (
        how == "a day as an object"
        and isinstance(record.get("on"), str)
        and len(record["on"]) == 10
    ):
        record["on"] = {"earliest": record["on"], "latest": record["on"]}
        body = canonical_json(data)
    elif how == "a default written out" and record.get("type") == "claimant_returned":
        record["minor"] = False
        body = canonical_json(data)
    elif how == "a float for an integer":
        body = body.replace(b'"seq":', b'"seq":1.0,"x":', 1)
    return _rehashed(body)


@given(non_empty, st.sampled_from(_LIBERTIES), st.data())
def test_the_quick_reading_accepts_only_what_the_strict_one_does(
    ledger: Ledger, how: str, data: st.DataObject
) -> None:
    """Rule: a stored line is read the quick way only when the strict way gives the same entry.

    Lines written with a liberty (white space, key order, escapes, duplicated
    keys, a long date form, a default written out) and hashed again must fall
    through to the strict reading, which refuses them as not canonical.
    """
    lines = list(ledger.lines())
    index = data.draw(st.integers(0, len(lines) - 1))
    line = _take_liberty(lines[index], how)
    seq, prev = index + 1, ledger.entry(index + 1).prev
    quick = _quick(line, seq, prev, ledger.codec)
    try:
        strict = _strict(line, seq, prev, ledger.codec)
    except ChainBroken:
        assert quick is None
        return
    assert quick == strict
    if how != "none":
        assert line == lines[index]  # only an unchanged line can be accepted
