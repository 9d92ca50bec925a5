"""Appending a file of plain records to a ledger: one batch, errors on the file's lines."""

from pathlib import Path

import pytest

from assurance_ledger import (
    ChainBroken,
    InvalidRecord,
    InvalidRecords,
    Ledger,
    RecordRefused,
    StoreError,
)

RETURN = (
    '{"type":"claimant_returned","claimant_id":"c-1","on":"2020-03-22",'
    '"returned_by":"CA","returned_to":"US","nationalities":["HT"]}'
)
DETAINED = '{"type":"detained","outcome_id":"o-1","claimant_id":"c-1","on":"2020-03-22","by":"US"}'
UNKNOWN = '{"type":"detained","outcome_id":"o-2","claimant_id":"c-9","on":"2020-03-22","by":"US"}'


def test_a_good_file_is_appended_whole(tmp_path: Path) -> None:
    """Rule: every record of the file is appended, in order, as one batch."""
    path = tmp_path / "records.jsonl"
    path.write_text(f"{RETURN}\n\n{DETAINED}\n", encoding="utf-8")
    ledger = Ledger()
    entries = ledger.append_file(path, recorded_by="CA", recorded_at="2020-04-01T00:00:00Z")
    assert [e.seq for e in entries] == [1, 2]
    assert {e.recorded_at for e in entries} == {"2020-04-01T00:00:00.000000Z"}


def test_a_refused_record_names_its_line_and_nothing_is_appended(tmp_path: Path) -> None:
    """Rule: a refused record is reported with its file line and its seq; all or nothing."""
    path = tmp_path / "records.jsonl"
    path.write_text(f"{RETURN}\n\n{UNKNOWN}\n", encoding="utf-8")
    ledger = Ledger()
    with pytest.raises(RecordRefused) as info:
        ledger.append_file(path, recorded_by="CA")
    assert (info.value.line, info.value.seq, info.value.field) == (3, 2, "claimant_id")
    assert len(ledger) == 0


def test_several_refused_records_each_name_their_line(tmp_path: Path) -> None:
    """Rule: every refused record of the batch is reported, each on its own line."""
    path = tmp_path / "records.jsonl"
    path.write_text(f"{UNKNOWN}\n{RETURN}\n{DETAINED}\n{DETAINED}\n", encoding="utf-8")
    ledger = Ledger()
    with pytest.raises(InvalidRecords) as info:
        ledger.append_file(path, recorded_by="CA")
    assert [(e.line, e.field) for e in info.value.errors] == [(1, "claimant_id"), (4, "outcome_id")]
    assert len(ledger) == 0


def test_a_stored_ledger_is_unchanged_by_a_refused_file(tmp_path: Path) -> None:
    """Rule: a refused file leaves the store byte-identical."""
    store = tmp_path / "ledger.jsonl"
    ledger = Ledger.open(store, create=True)
    ledger.append_file(_write(tmp_path / "a.jsonl", RETURN), recorded_by="CA")
    before = store.read_bytes()
    with pytest.raises(RecordRefused):
        ledger.append_file(_write(tmp_path / "b.jsonl", f"{DETAINED}\n{UNKNOWN}"), recorded_by="CA")
    assert store.read_bytes() == before
    assert len(Ledger.open(store)) == 1


def test_a_missing_file_is_a_store_error(tmp_path: Path) -> None:
    """Rule: a file that cannot be read is a LedgerError naming it, not an OSError."""
    with pytest.raises(StoreError, match=r"missing\.jsonl"):
        Ledger().append_file(tmp_path / "missing.jsonl", recorded_by="CA")


def _write(path: Path, text: str) -> Path:
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_opening_reports_progress(tmp_path: Path) -> None:
    """Rule: a progress callback hears how many entries are verified, ending at the total."""
    store = tmp_path / "ledger.jsonl"
    Ledger.open(store, create=True).append_file(
        _write(tmp_path / "a.jsonl", f"{RETURN}\n{DETAINED}"), recorded_by="CA"
    )
    calls: list[tuple[int, int]] = []
    Ledger.open(store, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(2, 2)]


def test_an_overlong_stored_line_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    """Rule: a stored line longer than the limit is a ChainBroken at its seq, not a memory sink."""
    from assurance_ledger.codec import MAX_LINE_BYTES  # noqa: PLC0415 -- the limit under test

    store = tmp_path / "ledger.jsonl"
    Ledger.open(store, create=True).append_file(
        _write(tmp_path / "a.jsonl", RETURN), recorded_by="CA"
    )
    with store.open("ab") as file:
        file.write(b"x" * (MAX_LINE_BYTES + 10) + b"\n")
    with pytest.raises(ChainBroken) as info:
        Ledger.open(store)
    assert info.value.seq == 2
    assert "longer than" in info.value.reason


def test_an_overlong_record_line_is_refused(tmp_path: Path) -> None:
    """Rule: a records file line longer than the limit is an error on that line."""
    from assurance_ledger.codec import MAX_LINE_BYTES  # noqa: PLC0415 -- the limit under test

    path = _write(tmp_path / "a.jsonl", RETURN + "\n" + " " * (MAX_LINE_BYTES + 1) + "{}")
    with pytest.raises(InvalidRecords) as info:
        Ledger().append_file(path, recorded_by="CA")
    assert [e.line for e in info.value.errors] == [2]


def test_a_record_too_big_to_store_is_refused(tmp_path: Path) -> None:
    """Rule: an append whose stored entry would pass the line limit is refused, not stored.

    Otherwise the ledger could never be opened again.
    """
    from assurance_ledger import AssuranceRequested, HumaneTreatment, Scope  # noqa: PLC0415

    big = AssuranceRequested(
        assurance_id="a-big",
        requested_by="CA",
        requested_of="US",
        on="2020-03-20",
        commitments=[HumaneTreatment()],
        scope=Scope(claimants=[f"c-{n:06d}-" + "x" * 180 for n in range(6_000)]),
    )
    store = tmp_path / "ledger.jsonl"
    ledger = Ledger.open(store, create=True)
    with pytest.raises(InvalidRecord, match="stored entry is at most"):
        ledger.append(big, recorded_by="CA")
    assert store.read_bytes() == b""
    assert len(ledger) == 0
