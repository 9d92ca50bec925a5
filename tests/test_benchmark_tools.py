"""The benchmarks' building blocks: the synthetic ledger generator and the DuckDB peer.

``benchmarks/`` is not a package, so its modules are loaded by path. The
cross-check with DuckDB needs ``duckdb``, which the ``test`` extra installs (it
is never a run-time dependency; ``bench`` is the extra for the benchmarks alone).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from assurance_ledger import DEFAULT_CODEC, Ledger, check
from assurance_ledger.chain import GENESIS, encode_entry
from assurance_ledger.records import RECORD_TYPES

#: The steps before a removal (format v2), which the benchmark ledgers do not hold.
_BEFORE_REMOVAL = {
    "removal_ordered",
    "interim_measure",
    "interim_measure_lifted",
    "custody_transferred",
    "counsel_denied",
}
BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py`` (also importable by its plain name, as it imports so)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


generate = _load("generate")


@pytest.fixture(scope="module")
def ledger_20k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 20,000-entry ledger (imprecise dates and corrections included)."""
    return generate.write(tmp_path_factory.mktemp("bench") / "ledger.jsonl", 20_000, seed=3)


@pytest.fixture(scope="module")
def opened_20k(ledger_20k: Path) -> Ledger:
    """That ledger as the library opens it."""
    with Ledger.open(ledger_20k) as ledger:
        return ledger


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    """Rule: generating is deterministic for a seed, and the seed (and variant) matter."""
    first = b"".join(generate.generate(10_000, seed=7))
    assert first == b"".join(generate.generate(10_000, seed=7))
    assert first != b"".join(generate.generate(10_000, seed=8))
    assert first != b"".join(generate.generate(10_000, seed=7, exact=True))
    lines = first.splitlines(keepends=True)
    assert len(lines) == 10_000
    assert all(line.endswith(b"}\n") for line in lines)


def test_tiny_and_empty_ledgers() -> None:
    """Rule: exactly the entries asked for, even very few."""
    assert list(generate.generate(0)) == []
    assert len(list(generate.generate(1))) == 1
    assert len(Ledger.from_lines(line[:-1] for line in generate.generate(50))) == 50


def test_the_library_opens_and_verifies_it(ledger_20k: Path, opened_20k: Ledger) -> None:
    """Rule: ``Ledger.open`` accepts every entry (chain and append rules) and it verifies."""
    assert len(opened_20k) == 20_000
    assert opened_20k.verify().ok
    times = [entry.recorded_at for entry in opened_20k]
    assert times == sorted(times)
    assert {entry.recorded_by for entry in opened_20k} == {generate.RECIPIENT}


def test_the_library_encodes_the_records_to_the_same_bytes(
    ledger_20k: Path, opened_20k: Ledger
) -> None:
    """Rule: re-encoding each opened record with the library's codec gives the stored bytes."""
    stored = ledger_20k.read_bytes().splitlines()
    prev = GENESIS
    for entry, line in zip(opened_20k, stored, strict=True):
        prev, encoded = encode_entry(
            seq=entry.seq,
            recorded_at=entry.recorded_at,
            recorded_by=entry.recorded_by,
            record=DEFAULT_CODEC.to_json(entry.record),
            prev=prev,
        )
        assert encoded == line, entry.seq


def test_a_realistic_mix(opened_20k: Ledger) -> None:
    """Rule: every record type occurs, about four outcomes a claimant, some imprecise dates.

    Every type but the steps before a removal (format v2): the generator writes
    the mix the published timings were measured on, which has none of them.
    """
    types = Counter(entry.record.TYPE for entry in opened_20k)
    assert set(types) == set(RECORD_TYPES) - _BEFORE_REMOVAL
    outcomes = sum(n for t, n in types.items() if t in _OUTCOME_TYPES)
    assert 3.0 < outcomes / types["claimant_returned"] < 5.0
    assert 10 <= types["assurance_requested"] <= 60
    precisions = Counter(
        entry.record.on.precision for entry in opened_20k if hasattr(entry.record, "on")
    )
    assert precisions["day"] > 0.85 * sum(precisions.values())
    assert precisions["month"] > 0
    assert precisions["span"] > 0


_OUTCOME_TYPES = frozenset(
    t
    for t in RECORD_TYPES
    if t
    not in {
        "assurance_requested",
        "assurance_given",
        "assurance_declined",
        "assurance_withdrawn",
        "claimant_returned",
        "checkpoint",
        "correction",
    }
)


def test_every_commitment_kind_is_breached_both_ways(opened_20k: Ledger) -> None:
    """Rule: the ledger holds certain and possible breaches of every built-in kind."""
    report = check(opened_20k, generate.AS_OF)
    counts = report.summary.breaches
    assert len(counts) == 7
    for kind, by_certainty in counts.items():
        assert by_certainty["certain"] > 0, kind
        assert by_certainty["possible"] > 0 or kind == "no_removal_before_decision", kind
    assert report.unassured_returns
    assert report.exposures


def test_the_exact_variant_has_exact_dates_and_no_corrections(tmp_path: Path) -> None:
    """Rule: ``exact=True`` writes only exact days, no corrections and no onward removals."""
    path = generate.write(tmp_path / "exact.jsonl", 10_000, exact=True)
    records = [json.loads(line)["record"] for line in path.read_bytes().splitlines()]
    assert all(len(r["on"]) == 10 for r in records if "on" in r)
    assert not [r for r in records if r["type"] == "correction"]
    assert all(r["by"] == generate.GIVER for r in records if r["type"] == "removed")
    assert len(Ledger.open(path)) == 10_000


def test_cached_writes_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: ``cached`` names the file by size, seed, variant and version, and reuses it."""
    monkeypatch.setattr(generate, "CACHE", tmp_path / "cache")
    path = generate.cached(300, 5)
    assert path.parent == tmp_path / "cache"
    assert path.name == f"ledger-v{generate.FORMAT_VERSION}-300-seed5.jsonl"
    path.write_bytes(b"marker")  # a second call must not write it again
    assert generate.cached(300, 5) == path
    assert path.read_bytes() == b"marker"
    exact = generate.cached(300, 5, exact=True)
    assert exact != path
    assert exact.read_bytes() == b"".join(generate.generate(300, seed=5, exact=True))
    assert [p.name for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")] == []


def test_duckdb_counts_equal_the_library_counts(tmp_path: Path) -> None:
    """Rule: on an exact 20,000-entry ledger, the SQL rules count what ``check`` finds certain."""
    peer = _load("duckdb_peer")
    path = generate.write(tmp_path / "exact.jsonl", 20_000, seed=1, exact=True)
    counts = peer.cross_check(path, generate.AS_OF)
    assert all(counts[rule] > 0 for rule in peer.RULES)


def test_the_cross_check_reports_a_difference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: when the counts differ, the cross-check fails naming both."""
    peer = _load("duckdb_peer")
    path = generate.write(tmp_path / "exact.jsonl", 2_000, seed=2, exact=True)
    original = peer.load

    def without_admissions(where: Path) -> Any:
        """The peer's tables with every admission to a procedure left out."""
        con = original(where)
        con.execute("DELETE FROM outcomes WHERE type = 'admitted_to_procedure'")
        return con

    monkeypatch.setattr(peer, "load", without_admissions)
    with pytest.raises(AssertionError, match=r"duckdb \{.*\} != library \{"):
        peer.cross_check(path, generate.AS_OF)


def _smoke_run(script: str, *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run ``benchmarks/<script>`` with ``args``; it must end judged (0: all pass, 1: a miss)."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr
    return done, done.stdout.splitlines()


def test_the_benchmark_script_runs_and_judges_every_figure(tmp_path: Path) -> None:
    """Rule: benchmarks/run.py prints every figure with its target and PASS or FAIL.

    With ``--bounds``, the bounds too, shown beside the figures they bound.

    A smoke run at a tiny size (the figures mean nothing there): the script
    must not rot between the runs that matter.
    """
    done, rows = _smoke_run("run.py", "--entries", "3000", "--bounds")
    for figure in (
        "open + verify",
        "full check",
        "linear scale",
        "check, workers=2 / workers=1",
        "incremental append + update",
        "incremental N / (N/10)",
        "check of a 50-entry ledger",
        "memory of the loaded ledger",
        "peer: its rules / our update",
        "peer: counts equal ours",
    ):
        row = next((r for r in rows if r.startswith(figure)), None)
        assert row is not None, (figure, done.stdout)
        assert row.rstrip().endswith(("PASS", "FAIL")), row
    shown = [r.strip() for r in rows if r.rstrip().endswith("shown")]
    for bound in (
        "(bound: json.loads + SHA-256 of every line)",
        "(bound: the same check, every rule finding nothing)",
        "(bound: the same, every rule finding nothing)",
    ):
        assert any(r.startswith(bound) for r in shown), (bound, done.stdout)
    assert done.returncode == (1 if any(r.endswith("FAIL") for r in rows) else 0)


def test_the_hostile_benchmark_runs_and_judges_every_shape() -> None:
    """Rule: benchmarks/hostile.py prints a 2N/N row per shape and measure, and the parse row.

    Each with its target and PASS or FAIL, and the exit status says whether any
    failed. A smoke run at a tiny size: the ratios mean nothing there.
    """
    done, rows = _smoke_run("hostile.py", "--entries", "400")
    hostile = _load("hostile")
    for shape in hostile.SHAPES:
        for what in ("check", "stats"):
            row = next((r for r in rows if r.startswith(f"{what}: {shape}")), None)
            assert row is not None, (what, shape, done.stdout)
            assert row.rstrip().endswith(("PASS", "FAIL")), row
    parse = next(r for r in rows if r.startswith("parse_date of 1 MiB"))
    assert parse.rstrip().endswith(("PASS", "FAIL")), parse
    assert done.returncode == (1 if any(r.endswith("FAIL") for r in rows) else 0)


instructions = _load("instructions")


@pytest.mark.parametrize("workload", instructions.WORKLOADS)
def test_each_instruction_workload_runs_only_its_measured_part_when_asked(
    workload: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: a workload of benchmarks/instructions.py runs nothing measured when only loading.

    Its count is the difference of the two runs, so the load-only run must do
    all the setup and none of the work; at a tiny size (no callgrind here).
    """
    monkeypatch.setattr(sys, "path", list(sys.path))  # _inner adds to it
    monkeypatch.setattr(generate, "CACHE", tmp_path / "cache")
    for name, value in {
        "SMALL_LEDGERS": 2,
        "SMALL_ROUNDS": 3,
        "UPDATE_LEDGER": 2_000,
        "UPDATES": 25,
        "CHECK_LEDGER": 3_000,
        "CHECK_ENTRIES": 1_000,
    }.items():
        monkeypatch.setattr(instructions, name, value)
    assert instructions._inner(workload, "load", None) == 0
    expected = {"small": 2 * 3, "update": 25, "check": 1_000, "open": 1_000}[workload]
    assert instructions._inner(workload, "run", None) == expected
    if workload == "open":  # and its floor: json.loads of the same lines
        assert instructions._inner(workload, "floor", None) == 1_000


def test_the_instruction_counter_refuses_an_unknown_workload(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Rule: an unknown workload is a usage error (exit 2) naming the choices."""
    with pytest.raises(SystemExit) as stopped:
        instructions.main(["nope"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "no such workload: nope (choose from small, update, check, open)" in error
