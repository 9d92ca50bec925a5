"""The performance benchmark (issue 7): ``python benchmarks/run.py``.

Every figure is a ratio to a floor measured in the same run, so that a busy or
a faster machine moves both sides: the floor is ``json.loads`` over the lines
of the 1,000,000-entry ledger (the least any reader of the file must do; the
least of 3 runs, measured in the same process right after the open, since this
shared machine's speed drifts by a third from minute to minute). Each
measurement runs in a fresh interpreter, one after another, so that one does
not inherit another's memory; only the linear scale holds its two ledgers in
one, to check them in turn. Figures and targets:

==========================  =====================================================
open + verify               ``Ledger.open(snapshot=False)`` of the N-entry JSON
                            Lines ledger (hashes, chain, records, append rules):
                            <= 3.0x floor
re-open with its snapshot   ``Ledger.open`` of the same ledger again, with the
                            snapshot its first open wrote (every line hashed
                            and compared, nothing validated): <= 1.0x floor;
                            shown beside it, that first open, snapshot written
re-open after 1,000 more    ``Ledger.open`` after 1,000 entries were appended
                            to it since its snapshot: <= 1.1x floor, and the
                            open validated exactly those 1,000 (counted by
                            ``Ledger.opened``, not assumed)
full check                  ``check`` of that ledger (median of 3): <= 1.0x floor
workers                     ``check(..., workers=2)`` / ``check(..., workers=1)``
                            of that ledger, in turn (medians of 3), on this
                            2-core machine: <= 0.6, and the reports identical
linear scale                check at 2N / check at N, the two checked in turn
                            in one process (medians of 3): <= 2.2
incremental                 ``ledger.append`` of one outcome plus
                            ``Monitor.update`` on an N-entry ledger in memory
                            (median of 2,000): <= 50 microseconds, and
                            N / (N/10) ratio <= 1.5
small ledgers               ``check`` of a 50-entry ledger (median): <= 300 us
                            (shown beside it: the 50-entry ledgers the
                            hypothesis strategies write)
memory                      resident memory of the loaded N-entry ledger over
                            the interpreter's baseline: <= 1 KiB an entry
bounds (``--bounds``)       ``json.loads`` + SHA-256 of every line (the least a
                            verifying reader must do); the full and the 50-entry
                            checks with every rule finding nothing (the checker's
                            own machinery: grouping, coverage, cases, the report)
peer (shown, no target)     DuckDB loading the exact-dated variant and running
                            four rules in SQL, as a ratio to the floor; and its
                            query time over our incremental update
==========================  =====================================================

The ledgers come from ``generate.py`` (seeded, cached under ``.cache/``). The
incremental figure is measured in memory: a stored ledger also waits for the
disk (``fsync``) on every append, which is the disk's time, not ours.

Options: ``--entries N`` (default 1,000,000; a small N is a smoke test),
``--no-peer`` (skip DuckDB, e.g. when the ``bench`` extra is not installed),
``--bounds`` (also measure the bounds: about a minute more). Exits 1 if any
target is missed. It takes about 7 minutes at the default size on the
reference machine, once the ledgers are cached (389 s on 8 December 2026, the
workers row and the peer included; 6 minutes without the peer), and about two
minutes more to write the ledgers the first time.

The snapshot figures work on a copy of the ledger, with its snapshots in
folders of their own, under ``.cache/snapshot-run-N/`` (made afresh each run).
Each re-open is timed in three fresh interpreters (``REOPENS``), each
measuring one floor right after its open: the least open time over the least
floor, as the floor alone is the least of three runs elsewhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

from assurance_ledger import Ledger, Released, check
from assurance_ledger.monitor import Monitor
from assurance_ledger.rules import RULES, Case, Rule
from assurance_ledger.strategies import write_ledger

AS_OF = generate.AS_OF
INCREMENTAL_APPENDS = 2_000
#: Entries appended between the snapshot and the re-open it is judged by.
SNAPSHOT_APPENDS = 1_000
#: Fresh interpreters each re-open is timed in: the least time counts.
REOPENS = 3
SMALL_SIZE = 50
#: The workers of the parallel check, compared with one: this machine's cores.
WORKERS_COMPARED = 2
SMALL_RUNS = 2_000


# -- workers: each runs in its own interpreter and prints one JSON object -------------


def _rss() -> int:
    """The resident memory of this process now, in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def read_lines(path: Path) -> list[bytes]:
    """The stored lines of a ledger file, without their newlines."""
    return path.read_bytes().splitlines()


def small_ledgers(count: int) -> list[Ledger]:
    """The generator's first :data:`SMALL_SIZE` entries for seeds 0 to ``count - 1``."""
    return [
        Ledger.from_lines([x.rstrip(b"\n") for x in generate.generate(SMALL_SIZE, seed=s)])
        for s in range(count)
    ]


def _pass(lines: list[bytes], *, hashed: bool = False) -> float:
    """The time of ``json.loads`` over every line (``hashed``: and SHA-256 of each)."""
    start = time.perf_counter()
    for line in lines:
        json.loads(line)
        if hashed:
            hashlib.sha256(line).hexdigest()
    return time.perf_counter() - start


def _floor(lines: list[bytes]) -> float:
    """``json.loads`` over every line: the floor (the least of 3 runs)."""
    return min(_pass(lines) for _ in range(3))


def _nothing(case: Case, commitment: object) -> tuple[()]:
    """A rule that finds nothing: what is left of a check is its own machinery."""
    return ()


#: Every built-in rule replaced by one that finds nothing (for the bound rows).
NO_RULES: dict[Any, Rule] = dict.fromkeys(RULES, _nothing)


def _checks(ledger: Ledger, *, bounds: bool) -> tuple[float, float | None, int]:
    """The median of 3 checks of ``ledger``, of 3 with every rule finding nothing (``bounds``).

    And how many breaches the check found. The two kinds of check run in
    turn, so that the machine's drift falls on both alike.
    """
    times: dict[bool, list[float]] = {True: [], False: []}
    breaches = 0
    for _ in range(3):
        for ruled in (True, False) if bounds else (True,):
            start = time.perf_counter()
            report = check(ledger, AS_OF, rules=None if ruled else NO_RULES)
            times[ruled].append(time.perf_counter() - start)
            if ruled:
                breaches = len(report.breaches)
    machinery = statistics.median(times[False]) if bounds else None
    return statistics.median(times[True]), machinery, breaches


def worker_open(entries: int, bounds: bool) -> dict[str, Any]:
    """Open and verify the stored ledger; its memory; the floor; check it.

    The memory is measured first, before the file's lines are read for the
    floor; the floor is measured in the same process, right after the open, so
    that both sides of the ratio see the machine in the same state.
    """
    path = generate.cached(entries)
    baseline = _rss()
    start = time.perf_counter()
    ledger = Ledger.open(path, snapshot=False)  # the first open: every entry validated
    opened = time.perf_counter() - start
    memory = (_rss() - baseline) / len(ledger)
    ledger.close()
    lines = read_lines(path)
    # The floor (and, with bounds, json.loads + SHA-256, the least a verifying
    # reader must do, in turn with it): the least of 3 runs each.
    plain, hashed = [], []
    for _ in range(3):
        plain.append(_pass(lines))
        if bounds:
            hashed.append(_pass(lines, hashed=True))
    del lines
    checked, machinery, breaches = _checks(ledger, bounds=bounds)
    return {
        "open": opened,
        "floor": min(plain),
        "hashed_floor": min(hashed) if bounds else None,
        "memory": memory,
        "check": checked,
        "breaches": breaches,
        "no_rules_check": machinery,
    }


def worker_scale(entries: int, _: bool) -> dict[str, Any]:
    """Check the N- and the 2N-entry ledger in turn, three times each (medians).

    Both in one process, each check of one right after a check of the other,
    so that the machine's drift (its speed moves by a third from minute to
    minute) falls on both sides of the ratio alike.
    """
    times: dict[int, list[float]] = {entries: [], 2 * entries: []}
    with (
        Ledger.open(generate.cached(entries), snapshot=False) as one,
        Ledger.open(generate.cached(2 * entries), snapshot=False) as two,
    ):
        for _ in range(3):
            for size, ledger in ((entries, one), (2 * entries, two)):
                start = time.perf_counter()
                check(ledger, AS_OF)
                times[size].append(time.perf_counter() - start)
    return {
        "check": statistics.median(times[entries]),
        "check_2n": statistics.median(times[2 * entries]),
    }


def appended_outcomes(ledger: Ledger, count: int) -> list[tuple[Released, str]]:
    """``count`` releases of random returned claimants (seeded), each with its recording time.

    What the incremental figure appends, one at a time, after the ledger's
    head; ``instructions.py`` appends the same.
    """
    claimants = [f.record for f in ledger.facts() if f.record.TYPE == "claimant_returned"]
    rng = random.Random(0)  # noqa: S311 -- test data
    head = ledger.head
    assert head is not None
    when = dt.datetime.fromisoformat(head.recorded_at.replace("Z", "+00:00"))
    steps = []
    for number in range(count):
        back = rng.choice(claimants)
        outcome = Released(
            outcome_id=f"bench-{number}",
            claimant_id=back.claimant_id,  # type: ignore[attr-defined]
            on=back.on.latest + dt.timedelta(days=rng.randrange(1, 60)),  # type: ignore[attr-defined]
            by="US",
        )
        recorded_at = (when + dt.timedelta(seconds=number + 1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        steps.append((outcome, recorded_at))
    return steps


def worker_workers(entries: int, _: bool) -> dict[str, Any]:
    """Check the N-entry ledger with ``workers=1`` and ``workers=2`` in turn, three times each.

    Medians; and whether every report of ``workers=2`` equals the report of
    ``workers=1`` (the parts merged into the identical report).
    """
    times: dict[int, list[float]] = {1: [], WORKERS_COMPARED: []}
    reports = {}
    with Ledger.open(generate.cached(entries), snapshot=False) as ledger:
        for _ in range(3):
            for workers, taken in times.items():
                start = time.perf_counter()
                report = check(ledger, AS_OF, workers=workers)
                taken.append(time.perf_counter() - start)
                # Kept after the clock stops: the report it replaces is freed
                # then, which is the benchmark's doing, not the check's.
                reports[workers] = report
                del report
            if reports[WORKERS_COMPARED] != reports[1]:
                return {"one": 0.0, "two": 0.0, "identical": False}
    return {
        "one": statistics.median(times[1]),
        "two": statistics.median(times[WORKERS_COMPARED]),
        "identical": True,
    }


def worker_incremental(entries: int, _: bool) -> dict[str, Any]:
    """Append one outcome and update a Monitor, many times, on a ledger in memory."""
    ledger = Ledger.from_lines(read_lines(generate.cached(entries)))
    monitor = Monitor(ledger, AS_OF)
    times = []
    for outcome, recorded_at in appended_outcomes(ledger, INCREMENTAL_APPENDS):
        start = time.perf_counter()
        ledger.append(outcome, recorded_by="CA", recorded_at=recorded_at)
        monitor.update()
        times.append(time.perf_counter() - start)
    # (That the monitor's report equals a full check is proved by the test
    # suite, entry by entry; checking it here would cost a full check.)
    return {"append_update": statistics.median(times)}


def _median_check(ledgers: list[tuple[Ledger, str]], rules: dict[Any, Rule] | None = None) -> float:
    times = []
    for ledger, as_of in ledgers:
        for _ in range(SMALL_RUNS // len(ledgers)):
            start = time.perf_counter()
            check(ledger, as_of, rules=rules)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def worker_small(_: int, bounds: bool) -> dict[str, Any]:
    """``check`` of 50-entry ledgers from several seeds (median).

    The judged figure uses the generator's first 50 entries (its assurances
    come first, so these are assurance-heavy); shown beside it, the 50-entry
    ledgers the hypothesis strategies write, as a user's property tests check them.
    """
    generated = [(ledger, AS_OF) for ledger in small_ledgers(20)]
    drawn = [(write_ledger(SMALL_SIZE, seed=s), "2021-06-30") for s in range(20)]
    return {
        "small_check": _median_check(generated),
        "small_no_rules": _median_check(generated, NO_RULES) if bounds else None,
        "strategies_check": _median_check(drawn),
    }


def worker_peer(entries: int, _: bool) -> dict[str, Any]:
    """DuckDB loading the exact-dated variant and running its four rules."""
    import duckdb_peer  # noqa: PLC0415 -- needs the optional bench extra

    path = generate.cached(entries, exact=True)
    floor = _floor(read_lines(path))  # measured as the main floor is
    counts, load_s, query_s = duckdb_peer.timed(path, AS_OF)
    small = generate.cached(max(entries // 20, 1000), exact=True)
    agreed = duckdb_peer.cross_check(small, AS_OF)
    return {
        "peer_floor": floor,
        "peer_load": load_s,
        "peer_query": query_s,
        "peer_counts": counts,
        "cross_check": agreed,
    }


def scratch(entries: int) -> Path:
    """The folder of the snapshot figures: a copy of the ledger and its snapshot folders."""
    return generate.cached(entries).parent / f"snapshot-run-{entries}"


def _timed_open(path: Path, folder: Path, *, floors: int = 3) -> tuple[Ledger, float, float]:
    """Open ``path`` keeping its snapshots in ``folder``; the time, and the floor after it."""
    start = time.perf_counter()
    ledger = Ledger.open(path, snapshot_dir=folder)
    opened = time.perf_counter() - start
    lines = read_lines(path)
    return ledger, opened, min(_pass(lines) for _ in range(floors))


def worker_snapshot_first(entries: int, _: bool) -> dict[str, Any]:
    """The first open of the copy, which validates every entry and writes the snapshot."""
    where = scratch(entries)
    ledger, opened, floor = _timed_open(where / "ledger.jsonl", where / "kept")
    return {"open": opened, "floor": floor, "opened": attrs.asdict(ledger.opened)}


def worker_snapshot_reopen(entries: int, _: bool) -> dict[str, Any]:
    """Re-open the unchanged copy with its snapshot (one of :data:`REOPENS` runs)."""
    where = scratch(entries)
    ledger, opened, floor = _timed_open(where / "ledger.jsonl", where / "kept", floors=1)
    return {"open": opened, "floor": floor, "opened": attrs.asdict(ledger.opened)}


def worker_snapshot_append(entries: int, _: bool) -> dict[str, Any]:
    """Append to the copy as another process would, keeping the snapshot from before.

    Before the append, the snapshot folder is copied aside (``before``): the
    next worker re-opens with the snapshot as it was before the append, as
    after an append by a process that keeps no snapshot.
    """
    where = scratch(entries)
    ledger = Ledger.open(where / "ledger.jsonl", snapshot_dir=where / "kept")
    shutil.copytree(where / "kept", where / "before")
    steps = appended_outcomes(ledger, SNAPSHOT_APPENDS)
    ledger.extend([o for o, _ in steps], recorded_by="CA", recorded_at=steps[-1][1])
    ledger.close()
    return {}


def worker_snapshot_appended(entries: int, _: bool) -> dict[str, Any]:
    """Re-open the copy, 1,000 entries longer than the snapshot kept in ``before``.

    With a copy of ``before``, made afresh: on a small ledger, 1,000 entries
    are more than 1% of it, and the re-open writes a new snapshot.
    """
    where = scratch(entries)
    shutil.rmtree(where / "reopened", ignore_errors=True)
    shutil.copytree(where / "before", where / "reopened")
    ledger, opened, floor = _timed_open(where / "ledger.jsonl", where / "reopened", floors=1)
    return {"open": opened, "floor": floor, "opened": attrs.asdict(ledger.opened)}


def _best(name: str, entries: int) -> dict[str, Any]:
    """The least re-open time and the least floor of :data:`REOPENS` fresh interpreters.

    As the floor is the least of 3 runs, so is what it is compared with;
    each run re-opens the same files, and must have validated the same.
    """
    done = [_run(name, entries) for _ in range(REOPENS)]
    assert all(run["opened"] == done[0]["opened"] for run in done), done
    return {
        "open": min(run["open"] for run in done),
        "floor": min(run["floor"] for run in done),
        "opened": done[0]["opened"],
    }


WORKERS = {
    "open": worker_open,
    "snapshot_first": worker_snapshot_first,
    "snapshot_reopen": worker_snapshot_reopen,
    "snapshot_append": worker_snapshot_append,
    "snapshot_appended": worker_snapshot_appended,
    "scale": worker_scale,
    "workers": worker_workers,
    "incremental": worker_incremental,
    "small": worker_small,
    "peer": worker_peer,
}


def _run(name: str, entries: int, *, bounds: bool = False) -> dict[str, Any]:
    """Run one worker in a fresh interpreter and return what it printed."""
    print(f"  {name} ({entries:,} entries) ...", file=sys.stderr, flush=True)
    command = [sys.executable, __file__, "--worker", name, "--entries", str(entries)]
    done = subprocess.run(  # noqa: S603 -- our own script
        [*command, "--bounds"] if bounds else command,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the table -------------------------------------------------------------------------


def _row(name: str, value: str, target: str, ok: bool | None) -> tuple[str, str, str, str]:
    verdict = "" if ok is None else ("PASS" if ok else "FAIL")
    return (name, value, target, verdict)


def _bound(
    name: str, seconds: float | None, shown: Callable[[float], str]
) -> list[tuple[str, str, str, str]]:
    """The row of a bound, if it was measured (``--bounds``)."""
    return [] if seconds is None else [_row(name, shown(seconds), "shown", None)]


def main(argv: list[str] | None = None) -> int:
    """Run every measurement, print the table, exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--no-peer", action="store_true", help="skip the DuckDB peer")
    parser.add_argument(
        "--bounds", action="store_true", help="also show the bounds (about a minute more)"
    )
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n = args.entries
    if args.worker:
        print(json.dumps(WORKERS[args.worker](n, args.bounds)))
        return 0
    began = time.perf_counter()
    print(f"preparing ledgers of {n:,}, {2 * n:,} and {n // 10:,} entries", file=sys.stderr)
    for size in (n, 2 * n, n // 10):
        generate.cached(size)
    big = _run("open", n, bounds=args.bounds)
    floor = big["floor"]
    where = scratch(n)
    shutil.rmtree(where, ignore_errors=True)
    (where / "kept").mkdir(parents=True)
    shutil.copyfile(generate.cached(n), where / "ledger.jsonl")
    first = _run("snapshot_first", n)
    reopen = _best("snapshot_reopen", n)
    _run("snapshot_append", n)
    appended = _best("snapshot_appended", n)
    shutil.rmtree(where)
    scale = _run("scale", n)
    parallel = _run("workers", n)
    inc = _run("incremental", n)
    inc_small = _run("incremental", n // 10)
    small = _run("small", n, bounds=args.bounds)
    peer = None if args.no_peer else _run("peer", n)

    us = 1e6
    rows = [
        _row("floor: json.loads of every line", f"{floor:.2f} s", "", None),
        _row(
            "open + verify (x floor)",
            f"{big['open'] / floor:.2f}x ({big['open']:.1f} s)",
            "<= 3.0x",
            big["open"] / floor <= 3.0,
        ),
        *_bound(
            "  (bound: json.loads + SHA-256 of every line)",
            big["hashed_floor"],
            lambda t: f"{t / floor:.2f}x",
        ),
        _row(
            "  (the same, writing its snapshot, x its floor)",
            f"{first['open'] / first['floor']:.2f}x ({first['open']:.1f} s, "
            f"{first['opened']['validated']:,} validated, "
            f"written: {first['opened']['snapshot_written']})",
            "shown",
            None,
        ),
        _row(
            "re-open with its snapshot (x its floor)",
            f"{reopen['open'] / reopen['floor']:.2f}x ({reopen['open']:.1f} s, "
            f"{reopen['opened']['validated']:,} validated, "
            f"{reopen['opened']['from_snapshot']:,} from the snapshot)",
            "<= 1.0x",
            reopen["open"] / reopen["floor"] <= 1.0 and reopen["opened"]["validated"] == 0,
        ),
        _row(
            f"re-open after {SNAPSHOT_APPENDS:,} appended (x its floor)",
            f"{appended['open'] / appended['floor']:.2f}x ({appended['open']:.1f} s, "
            f"{appended['opened']['validated']:,} validated, "
            f"{appended['opened']['from_snapshot']:,} from the snapshot)",
            f"<= 1.1x, {SNAPSHOT_APPENDS:,} validated",
            appended["open"] / appended["floor"] <= 1.1
            and appended["opened"]["validated"] == SNAPSHOT_APPENDS,
        ),
        _row(
            "full check (x floor)",
            f"{big['check'] / floor:.2f}x ({big['check']:.1f} s, {big['breaches']:,} breaches)",
            "<= 1.0x",
            big["check"] / floor <= 1.0,
        ),
        *_bound(
            "  (bound: the same check, every rule finding nothing)",
            big["no_rules_check"],
            lambda t: f"{t / floor:.2f}x ({t:.1f} s)",
        ),
        _row(
            "linear scale: check 2N / check N",
            f"{scale['check_2n'] / scale['check']:.2f} ({scale['check_2n']:.1f} s / "
            f"{scale['check']:.1f} s, in turn)",
            "<= 2.2",
            scale["check_2n"] / scale["check"] <= 2.2,
        ),
        _row(
            f"check, workers={WORKERS_COMPARED} / workers=1",
            f"{parallel['two'] / parallel['one']:.2f}x ({parallel['two']:.1f} s / "
            f"{parallel['one']:.1f} s, in turn; report "
            f"{'identical' if parallel['identical'] else 'DIFFERENT'})",
            "<= 0.6x, identical",
            parallel["identical"] and parallel["two"] / parallel["one"] <= 0.6,
        ),
        _row(
            "incremental append + update",
            f"{inc['append_update'] * us:.1f} us",
            "<= 50 us",
            inc["append_update"] * us <= 50,
        ),
        _row(
            "incremental N / (N/10)",
            f"{inc['append_update'] / inc_small['append_update']:.2f}",
            "<= 1.5",
            inc["append_update"] / inc_small["append_update"] <= 1.5,
        ),
        _row(
            f"check of a {SMALL_SIZE}-entry ledger",
            f"{small['small_check'] * us:.0f} us",
            "<= 300 us",
            small["small_check"] * us <= 300,
        ),
        *_bound(
            "  (bound: the same, every rule finding nothing)",
            small["small_no_rules"],
            lambda t: f"{t * us:.0f} us",
        ),
        _row(
            f"  (the same, {SMALL_SIZE}-entry ledgers the strategies write)",
            f"{small['strategies_check'] * us:.0f} us",
            "shown",
            None,
        ),
        _row(
            "memory of the loaded ledger",
            f"{big['memory']:.0f} bytes an entry",
            "<= 1024",
            big["memory"] <= 1024,
        ),
    ]
    if peer is not None:
        total = peer["peer_load"] + peer["peer_query"]
        rows += [
            _row(
                "peer: DuckDB load + 4 rules (x its floor)",
                f"{total / peer['peer_floor']:.2f}x (load {peer['peer_load']:.1f} s, "
                f"rules {peer['peer_query']:.2f} s)",
                "shown",
                None,
            ),
            _row(
                "peer: its rules / our update",
                f"{peer['peer_query'] / inc['append_update']:,.0f}x",
                ">= 1,000x",
                peer["peer_query"] / inc["append_update"] >= 1000,
            ),
            _row(
                "peer: counts equal ours (N/20, exact)",
                json.dumps(peer["cross_check"]),
                "equal",
                True,
            ),
        ]
    width = [max(len(r[i]) for r in rows) for i in range(4)]
    print(
        f"assurance_ledger benchmark: N = {n:,} entries, as of {AS_OF}, "
        f"python {sys.version.split()[0]}"
    )
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, width, strict=True)).rstrip())
    print(f"({time.perf_counter() - began:.0f} s in all)")
    return 1 if any(r[3] == "FAIL" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
