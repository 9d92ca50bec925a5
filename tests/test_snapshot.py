"""The verified snapshot: it never changes what an open returns, and is never trusted blindly.

``Ledger.open`` keeps a snapshot of what it validated and takes from it, on the
next open, the entries whose stored lines are byte for byte those it was made
of; every other entry is validated in full. These tests open each ledger both
ways and compare, and count (``Ledger.opened``) what each open validated.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import assurance_ledger
from assurance_ledger import (
    DEFAULT_CODEC,
    AssuranceGiven,
    Commitment,
    Detained,
    Ledger,
    LedgerError,
    OpenStats,
    _pickling,
    _snapshot,
    chain,
    check,
    storage,
)
from assurance_ledger.strategies import ledgers, records, write_ledger

AS_OF = "2022-12-31"


#: Sizes of the blocks a JSON Lines file is read in: lines end anywhere in them.
BLOCK_BYTES = st.sampled_from([1, 7, 100, 1 << 23])


@contextmanager
def stored(ledger: Ledger, suffix: str = ".jsonl") -> Iterator[Path]:
    """``ledger`` saved to a file in a new folder, with a snapshot folder beside it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"ledger{suffix}"
        ledger.export(path)
        (Path(folder) / "snapshots").mkdir()
        yield path


def kept_ledger(folder: Path, entries: int, *, seed: int) -> Path:
    """A generated ledger saved in ``folder``, opened once so that its snapshot is kept there."""
    path = folder / "ledger.jsonl"
    write_ledger(entries, seed=seed).export(path)
    Ledger.open(path, snapshot_dir=folder).close()
    return path


def snapshots_of(path: Path) -> list[Path]:
    """The snapshot files kept for the ledger at ``path`` (see :func:`stored`)."""
    return sorted((path.parent / "snapshots").iterdir())


def open_kept(path: Path, **options: object) -> Ledger:
    """Open ``path`` keeping its snapshots in the folder :func:`stored` made."""
    return Ledger.open(path, snapshot_dir=path.parent / "snapshots", **options)  # type: ignore[arg-type]


def later_detention(ledger: Ledger, outcome_id: str) -> Detained:
    """A detention of the ledger's first returned claimant, on their return day."""
    claimant = next(f.record for f in ledger.facts() if f.record.TYPE == "claimant_returned")
    return Detained(
        outcome_id=outcome_id,
        claimant_id=claimant.claimant_id,  # type: ignore[attr-defined]
        on=claimant.on,  # type: ignore[attr-defined]
        by="US",
    )


def outcome(opening: object) -> tuple[str, str]:
    """What opening a ledger gave: its lines, facts and report, or its error."""
    try:
        ledger = opening() if callable(opening) else opening
    except LedgerError as exc:
        return type(exc).__name__, str(exc)
    assert isinstance(ledger, Ledger)
    with ledger:
        return "ok", repr(
            (list(ledger.lines()), ledger.entries, ledger.facts(), check(ledger, AS_OF))
        )


@settings(max_examples=40)
@given(ledger=ledgers(min_size=1, max_size=30), extra=st.lists(records(), max_size=3))
def test_a_snapshot_never_changes_what_open_returns(ledger: Ledger, extra: list[object]) -> None:
    """Rule: open with a snapshot equals open without: entries, facts, lines, report, appends.

    The second open takes every entry from the snapshot the first wrote and
    validates none; the ledgers it gives then accept or refuse the same
    records as one opened in full, with the same error.
    """
    with stored(ledger) as path:
        full = Ledger.open(path, snapshot=False)
        first = open_kept(path)
        again = open_kept(path)
        assert full.opened == OpenStats(validated=len(ledger))
        assert first.opened == OpenStats(validated=len(ledger), snapshot_written=True)
        assert again.opened == OpenStats(validated=0, from_snapshot=len(ledger))
        assert outcome(again) == outcome(full) == outcome(Ledger.from_lines(ledger.lines()))
        assert list(again.lines()) == path.read_bytes().splitlines()
        copy = path.with_name("copy.jsonl")
        copy.write_bytes(path.read_bytes())
        when = full.entries[-1].recorded_at
        with Ledger.open(copy, snapshot=False) as full, open_kept(path) as again:
            for record in extra:
                results = []
                for each in (full, again):
                    try:
                        entry = each.append(record, recorded_by="CA", recorded_at=when)  # type: ignore[arg-type]
                        results.append(repr(entry))
                    except LedgerError as exc:
                        results.append(f"{type(exc).__name__}: {exc}")
                assert results[0] == results[1]
        assert copy.read_bytes() == path.read_bytes()
        assert outcome(open_kept(path)) == outcome(lambda: Ledger.open(path, snapshot=False))


@settings(max_examples=60)
@given(ledger=ledgers(min_size=1, max_size=15), data=st.data(), block=BLOCK_BYTES)
def test_any_changed_byte_is_found_where_a_full_open_finds_it(
    ledger: Ledger, data: st.DataObject, block: int
) -> None:
    """Rule: with a snapshot present, a changed byte gives the very error a full open gives.

    Same error type and message (so the same seq), whatever byte is changed
    and to whatever value, and wherever the file's blocks end (the lines a
    snapshot holds are hashed as each block is read).
    """
    with stored(ledger) as path, pytest.MonkeyPatch.context() as patch:
        patch.setattr(storage, "_BLOCK_BYTES", block)
        open_kept(path).close()
        assert snapshots_of(path)
        content = bytearray(path.read_bytes())
        where = data.draw(st.integers(0, len(content) - 1), label="where")
        value = data.draw(st.integers(0, 255).filter(lambda b: b != content[where]), label="to")
        content[where] = value
        path.write_bytes(bytes(content))
        expected = outcome(lambda: Ledger.open(path, snapshot=False))
        assert outcome(lambda: open_kept(path)) == expected


@settings(max_examples=60)
@given(
    ledger=ledgers(min_size=1, max_size=12),
    block=st.sampled_from([1, 2, 3, 4096]),
    data=st.data(),
)
def test_lines_are_taken_from_a_snapshot_only_if_they_are_its_chain(
    ledger: Ledger, block: int, data: st.DataObject
) -> None:
    """Rule: ``linked_hashes`` gives each line's hash if the lines are the chain up to ``head``.

    One byte changed anywhere, one line dropped or two swapped, and the lines
    are not that chain: None. (It compares many lines at a time: ``block``
    puts the boundaries between them anywhere.)
    """
    lines = list(ledger.lines())
    head = ledger.entries[-1].hash
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chain, "_BLOCK", block)
        assert chain.linked_hashes(lines, head) == [entry.hash for entry in ledger.entries]
        where = data.draw(st.integers(0, len(lines) - 1), label="line")
        line = bytearray(lines[where])
        at = data.draw(st.integers(0, len(line) - 1), label="byte")
        line[at] = data.draw(st.integers(0, 255).filter(lambda b: b != line[at]), label="to")
        changed = [*lines[:where], bytes(line), *lines[where + 1 :]]
        assert chain.linked_hashes(changed, head) is None
        if len(lines) > 1:
            assert chain.linked_hashes(lines[:where] + lines[where + 1 :], head) is None
            other = data.draw(st.integers(0, len(lines) - 1).filter(lambda i: i != where))
            swapped = list(lines)
            swapped[where], swapped[other] = swapped[other], swapped[where]
            assert chain.linked_hashes(swapped, head) is None


@settings(max_examples=60)
@given(ledger=ledgers(min_size=1, max_size=12), data=st.data())
def test_links_of_lines_in_blocks_are_the_links_of_all_of_them(
    ledger: Ledger, data: st.DataObject
) -> None:
    """Rule: ``Links`` read a block at a time gives each line's hash and links up to a changed line.

    However the lines are cut into blocks, the hashes are those of the
    entries, and ``linked`` counts the lines before the first one changed
    (all of them if none is): a changed byte anywhere in a line breaks its
    own hash or link, never an earlier one.
    """
    lines = list(ledger.lines())
    changed = data.draw(st.none() | st.integers(0, len(lines) - 1), label="changed line")
    if changed is not None:
        line = bytearray(lines[changed])
        at = data.draw(st.integers(0, len(line) - 1), label="byte")
        line[at] ^= data.draw(st.integers(1, 255), label="xor")
        lines[changed] = bytes(line)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(lines)), max_size=4), label="cuts"))
    links = chain.Links()
    for low, high in zip([0, *cuts], [*cuts, len(lines)], strict=True):
        links.add(lines[low:high])
    assert links.linked == (len(lines) if changed is None else changed)
    if changed is None:
        assert links.hashes == [entry.hash for entry in ledger.entries]
        assert links.reach(len(lines), ledger.entries[-1].hash)
    assert not links.reach(len(lines) + 1, ledger.entries[-1].hash)


@settings(max_examples=40)
@given(
    ledger=ledgers(min_size=0, max_size=12),
    block=BLOCK_BYTES,
    kind=st.sampled_from([".jsonl", ".sqlite"]),
    data=st.data(),
)
def test_a_store_hands_its_lines_through_a_block_at_a_time(
    ledger: Ledger, block: int, kind: str, data: st.DataObject
) -> None:
    """Rule: ``read_lines(after, through)`` hands each line after ``after`` once, in order.

    The blocks handed to ``through`` join into the lines ``read_lines(after)``
    gives, and what it kept of them is what is returned; a later read of the
    same store, with or without it, gives the same lines.
    """
    with stored(ledger, kind) as path, pytest.MonkeyPatch.context() as patch:
        patch.setattr(storage, "_BLOCK_BYTES", block)
        store = storage.open_store(path)
        try:
            after = data.draw(st.integers(0, len(ledger)), label="after")
            handed: list[list[bytes]] = []

            def through(lines: list[bytes]) -> list[bytes]:
                handed.append(list(lines))
                return lines[::2]

            kept = store.read_lines(after, through)
            every = [line for lines in handed for line in lines]
            assert every == list(ledger.lines())[after:]
            assert kept == [line for lines in handed for line in lines[::2]]
            assert store.read_lines(after) == every
            assert store.read_lines(0, lambda lines: lines) == list(ledger.lines())
        finally:
            store.close()


def test_an_older_snapshot_is_used_when_the_newest_is_past_the_ledger(tmp_path: Path) -> None:
    """Rule: the newest snapshot whose head the stored lines reach is used, an older one too.

    A ledger put back to an earlier copy, with the snapshot of that copy
    still kept beside the newer one: the older one's entries are taken, the
    rest validated.
    """
    path = tmp_path / "ledger.jsonl"
    write_ledger(100, seed=11).export(path)
    folder = tmp_path / "snapshots"
    folder.mkdir()
    Ledger.open(path, snapshot_dir=folder).close()
    (older,) = folder.iterdir()
    kept_older, earlier = older.read_bytes(), path.read_bytes()
    with Ledger.open(path, snapshot_dir=folder) as ledger:
        for number in range(3):  # 3% of the ledger: a new snapshot is written
            ledger.append(later_detention(ledger, f"later-{number}"), recorded_by="CA")
    assert not older.exists()
    older.write_bytes(kept_older)
    with Ledger.open(path, snapshot=False) as writer:  # one more: in neither snapshot
        writer.append(later_detention(writer, "later-3"), recorded_by="CA")
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(earlier + lines[-1].replace(b'"seq":104', b'"seq":101'))
    assert len(list(folder.iterdir())) == 2
    expected = outcome(lambda: Ledger.open(path, snapshot=False))
    assert outcome(lambda: open_kept(path)) == expected
    assert expected[0] != "ok"  # the moved line no longer links: found where a full open finds it
    path.write_bytes(earlier)
    assert Ledger.open(path, snapshot_dir=folder).opened == OpenStats(0, 100)


@settings(max_examples=60)
@given(values=st.lists(records(), max_size=20), share=st.booleans())
def test_records_made_again_from_columns_are_the_records(values: list[object], share: bool) -> None:
    """Rule: records pickled a field at a time come back equal, of their classes, in order.

    With ``share``, equal texts are made one object: nothing else changes.
    """
    packed = _pickling.loads(_pickling.dumps(_pickling.columns(values, share=share)))
    again = _pickling.instances(packed)
    assert again == values
    assert [type(value) for value in again] == [type(value) for value in values]
    assert [repr(value) for value in again] == [repr(value) for value in values]


def test_a_reopen_after_an_append_validates_only_the_new_entries(tmp_path: Path) -> None:
    """Rule: entries appended since the snapshot are the only ones validated, then kept."""
    path = tmp_path / "ledger.jsonl"
    write_ledger(200, seed=3).export(path)
    folder = tmp_path / "snapshots"
    folder.mkdir()
    assert Ledger.open(path, snapshot_dir=folder).opened.validated == 200
    with Ledger.open(path, snapshot=False) as writer:  # keeps no snapshot
        for number in range(5):
            writer.append(later_detention(writer, f"later-{number}"), recorded_by="CA")
    reopened = Ledger.open(path, snapshot_dir=folder)
    assert reopened.opened == OpenStats(validated=5, from_snapshot=200, snapshot_written=True)
    assert Ledger.open(path, snapshot_dir=folder).opened == OpenStats(0, 205)
    assert outcome(reopened) == outcome(lambda: Ledger.open(path, snapshot=False))


def test_a_few_appended_entries_wait_for_the_next_snapshot(tmp_path: Path) -> None:
    """Rule: an append writes the snapshot again only once 1% of the ledger is not in it."""
    path = tmp_path / "ledger.jsonl"
    write_ledger(300, seed=4).export(path)
    folder = tmp_path / "snapshots"
    folder.mkdir()
    ledger = Ledger.open(path, snapshot_dir=folder)
    # Written once the entries not in it reach 1% of the ledger: 4 of 304.
    for number, expected_seq in enumerate((300, 300, 300, 304)):
        ledger.append(later_detention(ledger, f"later-{number}"), recorded_by="CA")
        names = [p.name for p in folder.iterdir()]
        assert len(names) == 1  # the older snapshot is removed when a new one is written
        assert f".{expected_seq}-" in names[0], (number, names)


def _break(snapshot: Path, how: str, other: Path) -> None:
    data = snapshot.read_bytes()
    if how == "truncated":
        snapshot.write_bytes(data[: len(data) // 2])
    elif how == "random bytes":
        snapshot.write_bytes(os.urandom(len(data)))
    elif how == "one byte changed":
        snapshot.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    elif how == "empty":
        snapshot.write_bytes(b"")
    elif how == "another ledger's":
        snapshot.write_bytes(other.read_bytes())
    elif how == "a folder":
        snapshot.unlink()
        snapshot.mkdir()


@pytest.mark.parametrize(
    "how",
    ["truncated", "random bytes", "one byte changed", "empty", "another ledger's", "a folder"],
)
def test_a_damaged_or_foreign_snapshot_is_ignored_and_rebuilt(tmp_path: Path, how: str) -> None:
    """Rule: a snapshot that is not exactly what this user wrote for this head is never used.

    The open validates every entry, gives the same ledger, and writes a good
    snapshot in its place, which the next open uses (unless a folder is in
    the way).
    """
    folder = tmp_path / "snapshots"
    folder.mkdir()
    path, other = tmp_path / "ledger.jsonl", tmp_path / "other.jsonl"
    write_ledger(40, seed=1).export(path)
    write_ledger(40, seed=2).export(other)
    Ledger.open(path, snapshot_dir=folder).close()
    Ledger.open(other, snapshot_dir=folder).close()
    mine, theirs = (
        next(p for p in folder.iterdir() if p.name.startswith(name))
        for name in ("ledger.jsonl", "other.jsonl")
    )
    _break(mine, how, theirs)
    rebuilt = how != "a folder"  # a folder in its place cannot be replaced: never an error
    reopened = Ledger.open(path, snapshot_dir=folder)
    assert reopened.opened == OpenStats(validated=40, snapshot_written=rebuilt)
    assert outcome(reopened) == outcome(lambda: Ledger.open(path, snapshot=False))
    again = Ledger.open(path, snapshot_dir=folder).opened
    assert again == (OpenStats(0, 40) if rebuilt else OpenStats(40))


def test_a_snapshot_of_another_library_version_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: a snapshot made by another version of the library is not used, and is rebuilt."""
    path = kept_ledger(tmp_path, 30, seed=5)
    monkeypatch.setattr(assurance_ledger, "__version__", "99.0")
    assert Ledger.open(path, snapshot_dir=tmp_path).opened == OpenStats(30, 0, True)
    assert Ledger.open(path, snapshot_dir=tmp_path).opened == OpenStats(0, 30)


@attrs.frozen(kw_only=True)
class Curfew(Commitment):
    """A user's commitment kind (for the codec test)."""

    KIND: ClassVar[str] = "curfew"


def test_a_snapshot_made_with_another_codec_is_ignored(tmp_path: Path) -> None:
    """Rule: a codec with other commitment kinds validates otherwise: its snapshot is its own."""
    path = tmp_path / "ledger.jsonl"
    write_ledger(30, seed=6).export(path)
    codec = DEFAULT_CODEC.with_commitments(Curfew)
    Ledger.open(path, snapshot_dir=tmp_path).close()
    assert Ledger.open(path, snapshot_dir=tmp_path, codec=codec).opened == OpenStats(30, 0, True)
    assert Ledger.open(path, snapshot_dir=tmp_path, codec=codec).opened == OpenStats(0, 30)
    assert Ledger.open(path, snapshot_dir=tmp_path).opened == OpenStats(30, 0, True)


class _Planted:
    """What a planted pickle would run, if it were ever unpickled."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch planted-code-ran",))


def test_a_planted_snapshot_is_never_unpickled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: a snapshot without this user's MAC is not unpickled, whatever its name says."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "snapshots"
    folder.mkdir()
    path = tmp_path / "ledger.jsonl"
    write_ledger(20, seed=7).export(path)
    Ledger.open(path, snapshot_dir=folder).close()
    (good,) = folder.iterdir()
    good.write_bytes(good.read_bytes()[:60] + pickle.dumps(_Planted()))
    assert Ledger.open(path, snapshot_dir=folder).opened.validated == 20
    assert not (tmp_path / "planted-code-ran").exists()


def _reading_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads that read a snapshot file, as each open reads one."""
    names: list[str] = []
    real = _snapshot._payload

    def recorded(*args: Any) -> object:
        names.append(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(_snapshot, "_payload", recorded)
    return names


def _snapshot_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "assurance-ledger snapshot"]


@pytest.mark.parametrize("changed", [False, True])
def test_the_snapshot_is_read_in_a_thread_that_never_outlives_the_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: bool
) -> None:
    """Rule: the snapshot file is read (and its MAC checked) beside the hashing, not after it.

    Whether the lines prove to be its chain or not (a line changed), the
    thread has ended when the open returns or raises.
    """
    path = kept_ledger(tmp_path, 30, seed=9)
    names = _reading_threads(monkeypatch)
    if changed:  # the third line's recorded_by, so that its hash no longer holds
        lines = path.read_bytes().splitlines(keepends=True)
        lines[2] = lines[2].replace(b'"recorded_by":"', b'"recorded_by":"X', 1)
        path.write_bytes(b"".join(lines))
        with pytest.raises(LedgerError):
            Ledger.open(path, snapshot_dir=tmp_path)
    else:
        assert Ledger.open(path, snapshot_dir=tmp_path).opened == OpenStats(0, 30)
    assert names == ["assurance-ledger snapshot"]
    assert _snapshot_threads() == []


def test_without_a_thread_the_snapshot_is_read_by_the_open_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: where no thread can be started, the snapshot is still read and used."""
    path = kept_ledger(tmp_path, 30, seed=10)
    names = _reading_threads(monkeypatch)

    def refused(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refused)
    assert Ledger.open(path, snapshot_dir=tmp_path).opened == OpenStats(0, 30)
    assert names == [threading.current_thread().name]


def test_a_shorter_ledger_than_its_snapshot_is_opened_in_full(tmp_path: Path) -> None:
    """Rule: entries cut off the end leave the snapshot unused (its head is not there)."""
    path = kept_ledger(tmp_path, 30, seed=8)
    path.write_bytes(b"".join(line + b"\n" for line in path.read_bytes().splitlines()[:20]))
    assert Ledger.open(path, snapshot_dir=tmp_path).opened == OpenStats(20, 0, True)


def test_snapshot_false_reads_and_writes_no_snapshot(tmp_path: Path) -> None:
    """Rule: ``snapshot=False`` validates every entry and leaves the snapshot folder alone."""
    path = tmp_path / "ledger.jsonl"
    write_ledger(30, seed=9).export(path)
    folder = tmp_path / "snapshots"
    folder.mkdir()
    with Ledger.open(path, snapshot=False, snapshot_dir=folder) as ledger:
        assert ledger.opened == OpenStats(validated=30)
    assert list(folder.iterdir()) == []
    Ledger.open(path, snapshot_dir=folder).close()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert Ledger.open(path, snapshot=False, snapshot_dir=folder).opened == OpenStats(30)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_folder_that_cannot_be_written_never_fails_an_open_or_append(tmp_path: Path) -> None:
    """Rule: when the snapshot cannot be written, open and append work as without it."""
    path = tmp_path / "ledger.jsonl"
    write_ledger(30, seed=10).export(path)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    with Ledger.open(path, snapshot_dir=not_a_folder) as ledger:
        assert ledger.opened == OpenStats(validated=30)
        ledger.append(later_detention(ledger, "later"), recorded_by="CA")
    assert len(Ledger.open(path, snapshot=False)) == 31


def test_without_a_key_there_is_no_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: a key that cannot be read or made turns snapshots off, silently."""
    path = tmp_path / "ledger.jsonl"
    write_ledger(10, seed=11).export(path)
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("ASSURANCE_LEDGER_SNAPSHOT_KEY", str(tmp_path / "file" / "key"))
    assert Ledger.open(path, snapshot_dir=tmp_path).opened == OpenStats(validated=10)
    assert Ledger.open(path, snapshot_dir=tmp_path).opened == OpenStats(validated=10)


def test_an_sqlite_ledger_keeps_a_snapshot_too(tmp_path: Path) -> None:
    """Rule: the snapshot works the same for either store."""
    ledger = write_ledger(50, seed=12)
    with stored(ledger, ".sqlite") as path:
        assert open_kept(path).opened == OpenStats(50, 0, True)
        again = open_kept(path)
        assert again.opened == OpenStats(0, 50)
        assert outcome(again) == outcome(lambda: Ledger.open(path, snapshot=False))


def test_progress_counts_the_entries_taken_from_the_snapshot(tmp_path: Path) -> None:
    """Rule: progress ends at (total, total) whether entries were validated or taken."""
    path = tmp_path / "ledger.jsonl"
    write_ledger(30, seed=13).export(path)
    calls: list[tuple[int, int]] = []
    for _ in range(2):
        calls.clear()
        Ledger.open(path, snapshot_dir=tmp_path, progress=lambda d, t: calls.append((d, t)))
        assert calls[-1] == (30, 30)


def test_a_ledger_in_memory_counts_every_entry_validated() -> None:
    """Rule: ``from_lines`` validates every line (``opened`` says so); a new ledger none."""
    ledger = write_ledger(12, seed=14)
    assert Ledger.from_lines(ledger.lines()).opened == OpenStats(validated=12)
    assert Ledger().opened == OpenStats(validated=0)


def test_a_ledger_whose_records_cannot_be_pickled_opens_without_a_snapshot(
    tmp_path: Path,
) -> None:
    """Rule: a user's kind that pickle cannot name (made inside a function) fails no open.

    The open validates every entry and keeps no snapshot, as when the folder
    cannot be written.
    """

    @attrs.frozen(kw_only=True)
    class Local(Commitment):
        """A kind pickle cannot find by name."""

        KIND: ClassVar[str] = "local"

    codec = DEFAULT_CODEC.with_commitments(Local)
    ledger = Ledger(codec=codec)
    ledger.append(
        AssuranceGiven(
            assurance_id="a-1",
            given_by="US",
            given_to="CA",
            on="2020-03-27",
            form="memorandum",
            commitments=(Local(),),
        ),
        recorded_by="CA",
    )
    path = tmp_path / "ledger.jsonl"
    ledger.export(path)
    for _ in range(2):
        opened = Ledger.open(path, codec=codec, snapshot_dir=tmp_path)
        assert opened.opened == OpenStats(validated=1)
        assert opened.entries == ledger.entries
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.jsonl"]
