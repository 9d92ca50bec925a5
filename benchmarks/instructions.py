"""Instructions, not seconds: ``python benchmarks/instructions.py [--src DIR] [WORKLOAD ...]``.

The reference machine is shared, and its speed drifts by a third from one run
to the next, so a change that saves 10% cannot be seen in ``run.py``'s
microseconds. Valgrind's callgrind counts the instructions a process runs
instead: the same count every time for the same code and inputs, whatever
else the machine is doing. This script is how two versions of the library are
compared (a worktree of the old one, say), one workload at a time:

=========  =====================================================================
small      ``check`` of the generator's 50-entry ledgers (seeds 0 to 19), 30
           times each: instructions a check
update     ``ledger.append`` of one outcome and ``Monitor.update``, 2,000 times,
           on the generator's 10,000-entry ledger in memory: instructions an
           append + update (and of the append alone)
check      ``check`` of the first 30,000 entries of the 100,000-entry ledger
           (as dense in claimants as the 1M one): instructions an entry
open       ``Ledger.from_lines`` of those 30,000 lines (every hash, record and
           append rule, as ``Ledger.open`` does after reading the file), and
           ``json.loads`` of each of them, the floor of ``run.py``:
           instructions an entry, and their ratio
=========  =====================================================================

Each workload runs twice under callgrind, with and without the part measured,
and the difference is printed, so loading and imports are not counted. The
setup ends with a full collection of Python's cycle collector: reading a
ledger pauses the collector (see ``assurance_ledger._gc``), and the first
collections after it visit everything read, wherever they fall; without it
they would fall in the measured part of one run and not the other. It
takes a few minutes (callgrind is some 50 times slower than the program).
``--src DIR`` measures the package under ``DIR/src`` (say, an older checkout)
rather than the one installed. Python's hash seed is fixed (``PYTHONHASHSEED=0``),
since it changes the order of sets and with it the count.

These counts compare versions; they are not the targets, which ``run.py``
measures in time as ratios.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKLOADS = ("small", "update", "check", "open")
SMALL_LEDGERS, SMALL_ROUNDS = 20, 30
UPDATE_LEDGER, UPDATES = 10_000, 2_000
CHECK_LEDGER, CHECK_ENTRIES = 100_000, 30_000


def _inner(workload: str, part: str, src: str | None) -> int:
    """Run one workload in this process (``part``: ``load``, ``run``, ``append`` or ``floor``).

    Returns how many checks, updates (or appends) or entries it ran.
    """
    if src:
        sys.path.insert(0, str(Path(src) / "src"))
    sys.path.insert(0, str(HERE))
    import generate  # noqa: PLC0415 -- after sys.path is set
    import run  # noqa: PLC0415

    from assurance_ledger import Ledger, check  # noqa: PLC0415
    from assurance_ledger.monitor import Monitor  # noqa: PLC0415

    def lines(entries: int) -> list[bytes]:  # written by main() before callgrind starts
        return run.read_lines(generate.cached(entries))

    if workload == "small":
        ledgers = run.small_ledgers(SMALL_LEDGERS)
        gc.collect()  # the first collections after a read (see above)
        done = 0
        for _ in range(SMALL_ROUNDS if part == "run" else 0):
            for ledger in ledgers:
                check(ledger, generate.AS_OF)
                done += 1
        return done
    if workload == "update":
        ledger = Ledger.from_lines(lines(UPDATE_LEDGER))
        monitor = Monitor(ledger, generate.AS_OF)
        steps = run.appended_outcomes(ledger, UPDATES)
        gc.collect()  # the first collections after a read (see above)
        done = 0
        for outcome, time in steps if part != "load" else ():
            ledger.append(outcome, recorded_by="CA", recorded_at=time)
            if part == "run":
                monitor.update()
            done += 1
        return done
    if workload == "open":
        stored = lines(CHECK_LEDGER)[:CHECK_ENTRIES]
        if part == "run":
            return len(Ledger.from_lines(stored))
        done = 0
        for line in stored if part == "floor" else ():
            json.loads(line)
            done += 1
        return done
    facts = Ledger.from_lines(lines(CHECK_LEDGER)[:CHECK_ENTRIES]).facts()
    gc.collect()  # the first collections after a read (see above)
    if part != "run":
        return 0
    check(facts, generate.AS_OF)
    return CHECK_ENTRIES


def _count(workload: str, part: str, src: str | None) -> int:
    """The instructions of one inner run, counted by callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={tmp}/out",
            sys.executable,
            __file__,
            "--inner",
            workload,
            part,
        ]
        if src:
            command += ["--src", src]
        done = subprocess.run(  # noqa: S603 -- our own command line
            command,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            check=False,
        )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{workload} {part} failed:\n{done.stderr[-2000:]}")
    return int(found[1])


def main(argv: list[str] | None = None) -> int:
    """Measure the workloads asked for (all by default) and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", help=f"any of {', '.join(WORKLOADS)} (all)")
    parser.add_argument("--src", help="measure the package under DIR/src (an older checkout)")
    parser.add_argument("--inner", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        workload, part = args.inner
        _inner(workload, part, args.src)
        return 0
    unknown = sorted(set(args.workloads) - set(WORKLOADS))
    if unknown:
        parser.error(f"no such workload: {', '.join(unknown)} (choose from {', '.join(WORKLOADS)})")
    sys.path.insert(0, str(HERE))
    import generate  # noqa: PLC0415 -- benchmarks/ is not a package

    generate.cached(UPDATE_LEDGER)  # the ledgers the workloads read, written before callgrind
    generate.cached(CHECK_LEDGER)
    where = args.src or "the installed package"
    for workload in args.workloads or WORKLOADS:
        base = _count(workload, "load", args.src)
        total = _count(workload, "run", args.src)
        if workload == "small":
            runs = SMALL_LEDGERS * SMALL_ROUNDS
            print(f"small   {(total - base) / runs:>12,.0f} instructions a check  ({where})")
        elif workload == "update":
            append = _count(workload, "append", args.src)
            print(
                f"update  {(total - base) / UPDATES:>12,.0f} instructions an append + update, "
                f"{(append - base) / UPDATES:,.0f} the append alone  ({where})"
            )
        elif workload == "open":
            floor = _count(workload, "floor", args.src) - base
            print(
                f"open    {(total - base) / CHECK_ENTRIES:>12,.0f} instructions an entry, "
                f"{floor / CHECK_ENTRIES:,.0f} json.loads of its line: "
                f"{(total - base) / floor:.2f}x  ({where})"
            )
        else:
            print(
                f"check   {(total - base) / CHECK_ENTRIES:>12,.0f} instructions an entry  ({where})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
