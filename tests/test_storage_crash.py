"""Crash safety and concurrency of both stores, with real processes killed by SIGKILL.

The writers are subprocesses (``tests/_ledger_worker.py``). The tests:

* a writer appending batches is killed at random moments, many times, on the
  same file (a new file every 25 kills): no acknowledged entry is lost, no half
  batch is ever visible (after ``repair`` of an interrupted JSON Lines append),
  and the chain verifies;
* two processes append 2,000 entries each to the same file at the same time;
* a reader opening the ledger again and again while a writer appends never sees
  a torn tail, a broken chain or half a batch;
* a torn JSON Lines tail and a leftover journal are detected and repaired exactly.

How many kills each store gets comes from ``CRASH_ITERATIONS`` (default 15,
which keeps the file well under two minutes on a 2-core machine). A longer run,
before a release or after touching the stores::

    CRASH_ITERATIONS=500 .venv/bin/python -m pytest tests/test_storage_crash.py -q -k killed

(about a second per kill: some 15 minutes on a 2-core machine). The kill
timings are random; the kill test's failure messages show the seed, and
``CRASH_SEED=<seed>`` repeats the same timings (as far as the scheduler allows).
"""

from __future__ import annotations

import json
import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assurance_ledger import (
    ClaimantReturned,
    Detained,
    Ledger,
    Record,
    Repair,
    TornTail,
    open_store,
)

WORKER = Path(__file__).with_name("_ledger_worker.py")
ITERATIONS = int(os.environ.get("CRASH_ITERATIONS") or 15)
SEED = int(os.environ.get("CRASH_SEED") or random.SystemRandom().randrange(2**32))
#: Seconds to wait for one line from a worker, or for a worker to exit.
TIMEOUT = 60.0
#: Seconds two writers of 2,000 appends each may take together.
CONCURRENT_TIMEOUT = 300.0
SUFFIXES = [".jsonl", ".sqlite"]
#: Kills on one file before a long run starts a new one (each writer and each
#: check reads the whole file, so one ever-growing file makes a run quadratic).
FILE_ITERATIONS = 25

#: The id a record of a numbered batch carries: kind, batch, batch size, index in the batch.
BATCH_ID = re.compile(r"[co]b([0-9]+)-n([0-9]+)-i([0-9]+)")


class Worker:
    """One worker subprocess, its stdout read line by line by a thread."""

    def __init__(self, args: list[str], stderr_path: Path, *, stdin: bool = False) -> None:
        """Start ``_ledger_worker.py`` with ``args``; its stderr goes to ``stderr_path``."""
        self.stderr_path = stderr_path
        self._stderr = stderr_path.open("wb")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, str(WORKER), *args],
                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        except BaseException:
            self._stderr.close()
            raise
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        for raw in stdout:
            if raw.endswith(b"\n"):  # a line cut short by a kill acknowledges nothing
                self.lines.put(raw.decode("ascii", "replace").strip())
        self.lines.put(None)

    def stderr(self) -> str:
        """What the worker wrote to stderr so far."""
        self._stderr.flush()
        return self.stderr_path.read_text(errors="replace")

    def next_line(self, timeout: float = TIMEOUT) -> str:
        """The worker's next line of output; fail if it exits or stays silent."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the worker printed nothing for {timeout}s") from None
        if line is None:
            code = self.proc.wait(timeout=TIMEOUT)
            raise AssertionError(f"the worker exited ({code}) early:\n{self.stderr()}")
        return line

    def send(self, text: str) -> None:
        """Write ``text`` to the worker's stdin and close it."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(text.encode("ascii"))
        self.proc.stdin.close()

    def kill(self) -> int:
        """Kill the worker with SIGKILL; its exit status."""
        self.proc.send_signal(signal.SIGKILL)
        return self.proc.wait(timeout=TIMEOUT)

    def wait(self, timeout: float = TIMEOUT) -> int:
        """Wait for the worker to exit by itself; its exit status."""
        return self.proc.wait(timeout=timeout)

    def rest(self) -> list[str]:
        """Every line the exited worker printed that was not read yet."""
        self._thread.join(timeout=TIMEOUT)
        assert not self._thread.is_alive(), "the worker's stdout did not close"
        rest = []
        while (line := self.lines.get_nowait()) is not None:
            rest.append(line)
        return rest

    def close(self) -> None:
        """Kill the worker if it still runs, and release its pipes and files."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=TIMEOUT)
        self._thread.join(timeout=TIMEOUT)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()
        self._stderr.close()


@contextmanager
def worker(stderr_path: Path, *args: str, stdin: bool = False) -> Iterator[Worker]:
    """A running worker, always killed and reaped at the end."""
    started = Worker(list(args), stderr_path, stdin=stdin)
    try:
        yield started
    finally:
        started.close()


def batch_key(record: Record) -> tuple[int, int, int]:
    """The batch, batch size and index in the batch that a worker's record carries in its id."""
    if isinstance(record, ClaimantReturned):
        found = BATCH_ID.fullmatch(record.claimant_id)
    elif isinstance(record, Detained):
        found = BATCH_ID.fullmatch(record.outcome_id)
    else:
        found = None
    assert found is not None, f"not a record the batch writer appends: {record!r}"
    batch, size, index = (int(part) for part in found.groups())
    return batch, size, index


def whole_batch_ends(ledger: Ledger) -> list[int]:
    """The seq of the last entry of each batch; fail on a batch out of order or half there.

    Batches are numbered 1, 2, ... in order; each entry of batch ``b`` of ``n``
    records carries ``b``, ``n`` and its index, and all share one recording time.
    """
    ends: list[int] = []
    batch, size, index, batch_time = 1, 0, 0, ""
    for entry in ledger:
        got = batch_key(entry.record)
        if index == 0:
            size, batch_time = got[1], entry.recorded_at
        assert got == (batch, size, index), (
            f"seq {entry.seq}: expected record {index} of batch {batch} ({size} records), "
            f"got record {got[2]} of batch {got[0]} ({got[1]} records)"
        )
        assert entry.recorded_at == batch_time, f"seq {entry.seq}: batch {batch} split in time"
        index += 1
        if index == size:
            ends.append(entry.seq)
            batch, index = batch + 1, 0
    assert index == 0, f"half a batch is visible: batch {batch} has {index} of its {size} records"
    return ends


def open_after_crash(path: Path) -> tuple[Ledger, Repair | None]:
    """Open the ledger at ``path``; on a torn tail, repair it first and open it again."""
    try:
        return Ledger.open(path), None
    except TornTail as torn:
        torn_path = torn.path
    assert torn_path == str(path)
    store = open_store(path)
    try:
        repair = store.repair()
    finally:
        store.close()
    assert not path.with_name(path.name + ".pending").exists(), "repair left the journal"
    return Ledger.open(path), repair


def run_and_kill(path: Path, rng: random.Random, stderr_path: Path) -> list[int]:
    """Start a batch writer on ``path``, kill it at a random moment; the seqs it acknowledged."""
    acks: list[int] = []
    with worker(stderr_path, "batches", str(path)) as writer:
        assert writer.next_line() == "ready", writer.stderr()
        for _ in range(rng.randint(0, 3)):
            acks.append(int(writer.next_line()))
        time.sleep(rng.uniform(0.0, 0.03))
        assert writer.proc.poll() is None, f"the writer died by itself:\n{writer.stderr()}"
        code = writer.kill()
        assert code == -signal.SIGKILL, f"the writer exited ({code}):\n{writer.stderr()}"
        # A line printed before the kill is an acknowledgement, read or not.
        acks.extend(int(line) for line in writer.rest())
    return acks


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_killed_writer_loses_nothing_acknowledged_and_leaves_no_half_batch(
    tmp_path: Path, suffix: str
) -> None:
    """Rule: a writer killed at any moment leaves whole batches, every acknowledged one kept.

    After each kill (and the store's ``repair`` if opening reports a torn tail),
    the ledger holds every batch whose ``extend`` returned, holds only whole
    batches, verifies, and never shrinks below what an earlier open showed. The
    next writer continues on the same file, so kills land on a growing ledger.
    """
    rng = random.Random(SEED)  # noqa: S311 -- kill timings, not secrets
    total = 0
    for iteration in range(ITERATIONS):
        if iteration % FILE_ITERATIONS == 0:
            path = tmp_path / f"ledger-{iteration // FILE_ITERATIONS}{suffix}"
            acked = seen = 0
        where = f"seed {SEED}, iteration {iteration}"
        acks = run_and_kill(path, rng, tmp_path / "writer.err")
        assert acks == sorted(set(acks)), f"{where}: acknowledged {acks}"
        assert all(ack > seen for ack in acks), f"{where}: {seen} entries, acknowledged {acks}"
        acked = max([acked, *acks])
        total += len(acks)
        ledger, repair = open_after_crash(path)
        try:
            assert suffix == ".jsonl" or repair is None, f"{where}: SQLite was torn: {repair}"
            ends = whole_batch_ends(ledger)
            assert len(ledger) >= acked, (
                f"{where}: acknowledged up to seq {acked}, but the ledger has {len(ledger)} "
                f"entries (after {repair})"
            )
            assert len(ledger) >= seen, f"{where}: {seen} entries shrank to {len(ledger)}"
            assert set(acks) <= set(ends), f"{where}: acknowledged {acks}, batches end at {ends}"
            verification = ledger.verify()
            assert verification.ok, f"{where}: {verification}"
            assert verification.entries == len(ledger), where
            seen = len(ledger)
        finally:
            ledger.close()
    assert total > 0, f"seed {SEED}: no batch was acknowledged in {ITERATIONS} runs"


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_two_processes_appending_at_once_lose_nothing(tmp_path: Path, suffix: str) -> None:
    """Rule: two processes appending at the same time each get all their entries, in order.

    Each of two processes appends 2,000 claimants, one ``append`` each, to the
    same new file at the same time: the ledger ends with exactly 4,000 entries,
    verifies, and holds each process's ids exactly once, in that process's order.
    """
    path = tmp_path / f"ledger{suffix}"
    count = 2_000
    tags = ("p1", "p2")
    with (
        worker(tmp_path / "p1.err", "singles", str(path), "p1", str(count), stdin=True) as one,
        worker(tmp_path / "p2.err", "singles", str(path), "p2", str(count), stdin=True) as two,
    ):
        assert one.next_line() == "ready", one.stderr()
        assert two.next_line() == "ready", two.stderr()
        one.send("go\n")
        two.send("go\n")
        deadline = time.monotonic() + CONCURRENT_TIMEOUT
        for each in (one, two):
            left = max(deadline - time.monotonic(), 1.0)
            assert each.next_line(timeout=left) == "done", each.stderr()
            assert each.wait() == 0, each.stderr()
    with Ledger.open(path) as ledger:
        assert len(ledger) == 2 * count
        verification = ledger.verify()
        assert verification.ok, str(verification)
        order: dict[str, list[int]] = {tag: [] for tag in tags}
        owners = []
        for entry in ledger:
            assert isinstance(entry.record, ClaimantReturned), entry
            tag, _, index = entry.record.claimant_id.partition("-")
            order[tag].append(int(index))
            owners.append(tag)
    for tag in tags:
        assert order[tag] == list(range(count)), f"{tag}'s entries are missing or out of order"


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_reader_never_sees_an_unfinished_append(tmp_path: Path, suffix: str) -> None:
    """Rule: opening a ledger while another process appends always shows whole, verified batches.

    While a writer appends batches, the ledger is opened again and again: every
    open succeeds (no torn tail, no broken chain), verifies, and holds whole
    batches only; a ledger kept open and refreshed sees the same.
    """
    path = tmp_path / f"ledger{suffix}"
    batches = 400
    Ledger.open(path, create=True).close()
    lengths: list[int] = []
    deadline = time.monotonic() + CONCURRENT_TIMEOUT
    # The writer pauses 3 ms after each batch, as a real one would between
    # appends: without any pause SQLite's busy handler (not fair) may leave a
    # reader waiting until the writer stops, and then nothing is tested.
    with (
        worker(tmp_path / "writer.err", "batches", str(path), str(batches), "0.003") as writer,
        Ledger.open(path) as kept,
    ):
        assert writer.next_line() == "ready", writer.stderr()
        while writer.proc.poll() is None:
            assert time.monotonic() < deadline, "the writer did not finish in time"
            with Ledger.open(path) as ledger:
                whole_batch_ends(ledger)
                verification = ledger.verify()
                assert verification.ok, str(verification)
                assert verification.entries >= len(ledger)
                lengths.append(len(ledger))
            kept.refresh()
            whole_batch_ends(kept)
        assert writer.wait() == 0, writer.stderr()
        acks = [int(line) for line in writer.rest()]
    assert len(acks) == batches
    with Ledger.open(path) as ledger:
        assert whole_batch_ends(ledger) == acks
    assert lengths == sorted(lengths), f"an open saw fewer entries than an earlier one: {lengths}"
    between = set(lengths) - {0, acks[-1]}
    assert len(between) >= 3, f"too few opens fell while the writer appended: {lengths}"


def _write_ledger(path: Path, batches: int) -> Ledger:
    """A JSON Lines ledger at ``path`` with ``batches`` batches of two records."""
    ledger = Ledger.open(path, create=True)
    for batch in range(1, batches + 1):
        ledger.extend(
            [
                ClaimantReturned(
                    claimant_id=f"c-{batch}",
                    on="2020-03-22",
                    returned_by="CA",
                    returned_to="US",
                    nationalities=["HT"],
                ),
                Detained(
                    outcome_id=f"o-{batch}", claimant_id=f"c-{batch}", on="2020-03-23", by="US"
                ),
            ],
            recorded_by="CA",
            recorded_at=f"2020-04-0{batch}T12:00:00Z",
        )
    return ledger


def test_torn_last_line_is_detected_and_cut_off_exactly(tmp_path: Path) -> None:
    """Rule: half a last line makes opening raise TornTail naming the file; repair cuts just it.

    After repair the file is byte for byte what it was before the half line,
    and it opens with every complete entry.
    """
    path = tmp_path / "ledger.jsonl"
    _write_ledger(path, 3).close()
    whole = path.read_bytes()
    half = whole.splitlines(keepends=True)[2][:57]  # the start of a real entry, no newline
    with path.open("ab") as file:
        file.write(half)
    with pytest.raises(TornTail) as torn:
        Ledger.open(path)
    assert torn.value.path == str(path)
    assert str(path) in str(torn.value)
    assert (torn.value.entries, torn.value.torn_bytes) == (6, len(half))
    repair = open_store(path).repair()
    assert repair == Repair(removed_bytes=len(half), entries=6)
    assert path.read_bytes() == whole
    with Ledger.open(path) as ledger:
        assert len(ledger) == 6
        assert ledger.verify().ok


def test_journal_left_by_an_interrupted_batch_cuts_the_whole_batch(tmp_path: Path) -> None:
    """Rule: a leftover journal means the batch after its size_before is unfinished; repair cuts it.

    The batch is complete on disk (written by hand after the journal), yet it
    was never acknowledged: opening raises TornTail naming the file, and repair
    truncates to ``size_before`` and removes the journal.
    """
    path = tmp_path / "ledger.jsonl"
    journal = tmp_path / "ledger.jsonl.pending"
    _write_ledger(path, 2).close()
    before = path.read_bytes()
    lines = before.splitlines()
    # The complete next batch, as a writer would have written it.
    extra = _write_ledger(tmp_path / "longer.jsonl", 3)
    batch = b"".join(line + b"\n" for line in list(extra.lines())[len(lines) :])
    extra.close()
    assert batch.count(b"\n") == 2
    journal.write_text(json.dumps({"size_before": len(before)}))
    with path.open("ab") as file:
        file.write(batch)
    with pytest.raises(TornTail) as torn:
        Ledger.open(path)
    assert torn.value.path == str(path)
    assert str(path) in str(torn.value)
    repair = open_store(path).repair()
    assert repair == Repair(removed_bytes=len(batch), entries=len(lines))
    assert path.read_bytes() == before
    assert not journal.exists()
    with Ledger.open(path) as ledger:
        assert len(ledger) == len(lines)
        assert ledger.verify().ok


def test_corrupt_journal_with_an_intact_file_cuts_nothing(tmp_path: Path) -> None:
    """Rule: a journal cut short (not JSON) means the file was not touched; repair only removes it.

    Opening still reports the interrupted append (TornTail naming the file);
    repair removes the journal, cuts no byte, and the ledger opens whole.
    """
    path = tmp_path / "ledger.jsonl"
    journal = tmp_path / "ledger.jsonl.pending"
    _write_ledger(path, 2).close()
    before = path.read_bytes()
    journal.write_bytes(b'{"size_bef')
    with pytest.raises(TornTail) as torn:
        Ledger.open(path)
    assert torn.value.path == str(path)
    repair = open_store(path).repair()
    assert repair == Repair(removed_bytes=0, entries=4)
    assert not journal.exists()
    assert path.read_bytes() == before
    with Ledger.open(path) as ledger:
        assert len(ledger) == 4
        assert ledger.verify().ok


@pytest.mark.parametrize("crash_after", ["truncate", "fsync"])
def test_a_repair_interrupted_half_way_can_be_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash_after: str
) -> None:
    """Rule: a repair killed between its steps leaves a file that a second repair mends.

    The repair is stopped right after it truncated the file (or synced it),
    before it removed the journal, as a kill there would. Running it again cuts
    nothing more than the unfinished batch, and the ledger opens whole.
    """
    path = tmp_path / "ledger.jsonl"
    journal = tmp_path / "ledger.jsonl.pending"
    _write_ledger(path, 2).close()
    before = path.read_bytes()
    extra = _write_ledger(tmp_path / "longer.jsonl", 3)
    batch = b"".join(line + b"\n" for line in list(extra.lines())[4:])
    extra.close()
    journal.write_text(json.dumps({"size_before": len(before)}))
    with path.open("ab") as file:
        file.write(batch)

    class Killed(BaseException):
        """Stands for SIGKILL: nothing after it runs."""

    real = getattr(os, "ftruncate" if crash_after == "truncate" else "fsync")

    def step_then_die(*args: object) -> None:
        real(*args)
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(os, "ftruncate" if crash_after == "truncate" else "fsync", step_then_die)
        with pytest.raises(Killed):
            open_store(path).repair()
    assert journal.exists()  # the kill came before the journal was removed
    with pytest.raises(TornTail):
        Ledger.open(path)
    open_store(path).repair()
    assert path.read_bytes() == before
    assert not journal.exists()
    with Ledger.open(path) as ledger:
        assert len(ledger) == 4
        assert ledger.verify().ok
