"""A ledger writer run as a subprocess by ``test_storage_crash.py``; not a test module.

Run as a script (``python tests/_ledger_worker.py MODE PATH ...``):

``batches PATH [MAX [PAUSE]]``
    Open (create) the ledger at PATH, print ``ready``, then append batches until
    killed (or MAX batches were appended), sleeping PAUSE seconds after each.
    Batch ``b`` has :func:`batch_size` records, each id naming its batch, the
    batch's size and its place in it (see :func:`record_id`), so a reader can
    tell whole batches from half ones. After each ``extend`` returns, the new
    head seq is printed and flushed: that line is the acknowledgement that the
    batch is durable. Numbering continues after the last batch already in the
    ledger.
``singles PATH TAG COUNT``
    Print ``ready``, wait for a line on stdin (the start signal), open (create)
    the ledger and append COUNT claimants ``TAG-0``, ``TAG-1``, ... one ``append``
    each, then print ``done``.
"""

from __future__ import annotations

import re
import sys
import time
import zlib

from assurance_ledger import ClaimantReturned, Detained, Ledger
from assurance_ledger.records import Record

#: Most records in one batch.
MAX_BATCH = 20

#: The id of a batch's record: claimant (``c``) or outcome (``o``), batch, size, index.
ID_PATTERN = re.compile(r"[co]b([0-9]+)-n([0-9]+)-i([0-9]+)")


def batch_size(batch: int) -> int:
    """How many records batch ``batch`` has: 1 to :data:`MAX_BATCH`, fixed by its number."""
    return 1 + zlib.crc32(f"batch-{batch}".encode("ascii")) % MAX_BATCH


def record_id(kind: str, batch: int, size: int, index: int) -> str:
    """The id of record ``index`` (from 0) of batch ``batch`` of ``size`` records."""
    return f"{kind}b{batch}-n{size}-i{index}"


def record_key(record: Record) -> tuple[int, int, int]:
    """The batch, batch size and index a record of a batch carries in its id."""
    if isinstance(record, ClaimantReturned):
        found = ID_PATTERN.fullmatch(record.claimant_id)
    elif isinstance(record, Detained):
        found = ID_PATTERN.fullmatch(record.outcome_id)
    else:
        found = None
    if found is None:
        raise ValueError(f"not a record of a numbered batch: {record!r}")
    batch, size, index = (int(part) for part in found.groups())
    return batch, size, index


def make_batch(batch: int) -> list[Record]:
    """The records of batch ``batch``: claimants returned, then some of them detained."""
    size = batch_size(batch)
    returned = (size + 1) // 2
    records: list[Record] = []
    for index in range(size):
        if index < returned:
            records.append(
                ClaimantReturned(
                    claimant_id=record_id("c", batch, size, index),
                    on="2020-03-22",
                    returned_by="CA",
                    returned_to="US",
                    nationalities=["HT"],
                )
            )
        else:
            records.append(
                Detained(
                    outcome_id=record_id("o", batch, size, index),
                    claimant_id=record_id("c", batch, size, index - returned),
                    on="2020-03-23",
                    by="US",
                )
            )
    return records


def run_batches(path: str, most: int | None, pause: float = 0.0) -> None:
    """Append batches to the ledger at ``path`` until killed or ``most`` were appended."""
    ledger = Ledger.open(path, create=True)
    head = ledger.head
    batch = record_key(head.record)[0] if head is not None else 0
    print("ready", flush=True)
    done = 0
    while most is None or done < most:
        batch += 1
        entries = ledger.extend(make_batch(batch), recorded_by="CA")
        print(entries[-1].seq, flush=True)
        done += 1
        if pause:
            time.sleep(pause)
    ledger.close()


def run_singles(path: str, tag: str, count: int) -> None:
    """After the start signal, append ``count`` claimants tagged ``tag``, one at a time."""
    print("ready", flush=True)
    sys.stdin.readline()
    ledger = Ledger.open(path, create=True)
    for index in range(count):
        ledger.append(
            ClaimantReturned(
                claimant_id=f"{tag}-{index}",
                on="2020-03-22",
                returned_by="CA",
                returned_to="US",
                nationalities=["HT"],
            ),
            recorded_by="CA",
        )
    ledger.close()
    print("done", flush=True)


def main(argv: list[str]) -> int:
    """Run the mode ``argv[0]`` names; return the exit status."""
    if 2 <= len(argv) <= 4 and argv[0] == "batches":
        most = int(argv[2]) if len(argv) > 2 else None
        run_batches(argv[1], most, float(argv[3]) if len(argv) > 3 else 0.0)
        return 0
    if len(argv) == 4 and argv[0] == "singles":
        run_singles(argv[1], argv[2], int(argv[3]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
