"""Checking in parts: ``check(claimants=...)``, ``check(workers=N)``, ``Report.merge`` and Dask.

A check partitions by claimant (docs/scale.md): the report of a subset of the
claimants is the report of a ledger holding only their returns and outcomes
(and every assurance and request), and the reports of disjoint parts merge
into the report of the whole, whatever the parts and however they were run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _example import with_example
from assurance_ledger import (
    Commitment,
    Fact,
    Ledger,
    NonRefoulement,
    PartitionError,
    Report,
    Rule,
    WorkerFailed,
    _workers,
    check,
    part_of,
    partitions,
    records,
)
from assurance_ledger import _engine as engine
from assurance_ledger import checker as checker_module
from assurance_ledger._workers import FORKS, runs
from assurance_ledger.strategies import ledgers

#: Days to check the generated ledgers on: before, inside and after their window.
DAYS = st.dates(min_value=dt.date(2019, 6, 1), max_value=dt.date(2023, 6, 1))
#: Ledgers of both kinds the strategies write: with and without the steps before a removal.
ANY_LEDGER = st.one_of(ledgers(max_size=30), ledgers(max_size=30, before_removal=True))


def _claimant_ids(ledger: Ledger) -> list[str]:
    return sorted(
        {
            fact.record.claimant_id
            for fact in ledger.facts()
            if isinstance(fact.record, records.ClaimantReturned)
        }
    )


def _only(ledger: Ledger, ids: Iterable[str]) -> list[Fact]:
    """The ledger's facts without the returns and outcomes of claimants not in ``ids``."""
    wanted = set(ids)
    return [
        fact
        for fact in ledger.facts()
        if not isinstance(fact.record, (records.ClaimantReturned, records.Outcome))
        or fact.record.claimant_id in wanted
    ]


@settings(max_examples=30)
@given(ledger=ANY_LEDGER, day=DAYS, workers=st.integers(2, 3))
def test_workers_give_the_report_of_one(ledger: Ledger, day: dt.date, workers: int) -> None:
    """Rule: check(workers=N) gives the very report (and JSON) of workers=1, on any ledger."""
    one = check(ledger, day)
    many = check(ledger, day, workers=workers)
    assert many == one
    assert many.to_json() == one.to_json()
    assert many.to_text() == one.to_text()


@settings(max_examples=20)
@given(ledger=ANY_LEDGER, day=DAYS, data=st.data())
def test_where_nothing_is_forked_workers_check_all_at_once(
    ledger: Ledger, day: dt.date, data: st.DataObject
) -> None:
    """Rule: where no process is forked (Windows, macOS), check(workers=N) is workers=1's check.

    The same report, of the claimants asked for too, and no process started.
    """
    ids = _claimant_ids(ledger)
    some = data.draw(st.lists(st.sampled_from(ids), unique=True) if ids else st.just([]))
    with (
        mock.patch.object(checker_module, "FORKS", False),
        mock.patch.object(os, "fork", side_effect=AssertionError("a process was forked")),
    ):
        assert check(ledger, day, workers=3) == check(ledger, day)
        assert check(ledger, day, claimants=some, workers=2) == check(ledger, day, claimants=some)


@given(ledger=ANY_LEDGER, day=DAYS, data=st.data())
def test_merge_of_any_partition_is_the_check(
    ledger: Ledger, day: dt.date, data: st.DataObject
) -> None:
    """Rule: Report.merge of check(claimants=part) over any partition of the claimants is check."""
    ids = _claimant_ids(ledger)
    count = data.draw(st.integers(1, 4), label="parts")
    places = data.draw(st.lists(st.integers(0, count - 1), min_size=len(ids), max_size=len(ids)))
    parts = [[c for c, place in zip(ids, places, strict=True) if place == p] for p in range(count)]
    merged = Report.merge(check(ledger, day, claimants=part) for part in parts)
    whole = check(ledger, day)
    assert merged == whole
    assert merged.to_json() == whole.to_json()
    assert merged.to_text() == whole.to_text()


@given(ledger=ANY_LEDGER, day=DAYS, data=st.data())
def test_claimants_check_a_ledger_of_only_theirs(
    ledger: Ledger, day: dt.date, data: st.DataObject
) -> None:
    """Rule: check(claimants=ids) checks the ledger holding only their returns and outcomes."""
    ids = _claimant_ids(ledger)
    some = data.draw(st.lists(st.sampled_from(ids), unique=True) if ids else st.just([]))
    assert check(ledger, day, claimants=some) == check(_only(ledger, some), day)


@given(ledger=ANY_LEDGER, parts=st.integers(1, 5))
def test_partitions_split_every_claimant_once_by_part_of(ledger: Ledger, parts: int) -> None:
    """Rule: partitions(ledger, n) puts each returned claimant in exactly the part part_of names."""
    split = partitions(ledger, parts)
    assert len(split) == parts
    assert sorted(c for part in split for c in part) == _claimant_ids(ledger)
    for place, part in enumerate(split):
        assert list(part) == sorted(part)
        assert all(part_of(c, parts) == place for c in part)
    assert partitions(_claimant_ids(ledger) * 2, parts) == split


def test_part_of_is_the_same_in_every_process() -> None:
    """Rule: a claimant's part does not depend on the process (hash randomisation included)."""
    ids = [f"c-{n:03d}" for n in range(40)] + ["é-ü", "c-\U0001f600"]
    code = (
        "import sys; from assurance_ledger import part_of; "
        "print([part_of(c, 7) for c in sys.argv[1:]])"
    )
    seen = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", code, *ids],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        seen.add(done.stdout.strip())
    assert seen == {str([part_of(c, 7) for c in ids])}
    assert len({part_of(c, 7) for c in ids}) > 1  # the parts are used, not one for all


def test_custom_rules_reach_the_workers() -> None:
    """Rule: a caller's rules (here a lambda that finds nothing) are applied in every worker."""
    ledger = with_example()
    rules: dict[type[Commitment], Rule] = {NonRefoulement: lambda case, commitment: ()}
    assert check(ledger, "2020-06-30").summary.breaches["non_refoulement"]["certain"] == 1
    two = check(ledger, "2020-06-30", rules=rules, workers=2)
    assert two == check(ledger, "2020-06-30", rules=rules)
    assert all(b.commitment != "non_refoulement" for b in two.breaches)


def _no_children_left() -> bool:
    """Whether this process has no child process left to reap."""
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


class _Raised(Exception):
    """What a rule raises in a worker: it must reach the caller as it is."""


def _raise_in_a_worker(parent: int) -> Rule:
    def rule(case: object, commitment: object) -> tuple[()]:
        if os.getpid() != parent:
            raise _Raised(f"raised in {os.getpid()}")
        return ()

    return rule


def _killed_in_a_worker(parent: int) -> Rule:
    def rule(case: object, commitment: object) -> tuple[()]:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return ()

    return rule


@pytest.mark.skipif(not FORKS, reason="parts are checked in forked processes on Linux alone")
def test_an_error_in_a_worker_is_raised_to_the_caller() -> None:
    """Rule: what a worker raises is raised by check(workers=N); no child process is left.

    A worker that dies without its report (killed here) is a WorkerFailed
    naming its part and how it ended.
    """
    ledger = with_example()
    raising = {NonRefoulement: _raise_in_a_worker(os.getpid())}
    with pytest.raises(_Raised, match="raised in"):
        check(ledger, "2020-06-30", rules=raising, workers=3)
    assert _no_children_left()
    killing = {NonRefoulement: _killed_in_a_worker(os.getpid())}
    with pytest.raises(WorkerFailed) as failed:
        check(ledger, "2020-06-30", rules=killing, workers=2)
    assert failed.value.part == 1
    assert os.waitstatus_to_exitcode(failed.value.status) == -signal.SIGKILL
    assert isinstance(failed.value, ChildProcessError)
    assert _no_children_left()


@pytest.mark.skipif(not FORKS, reason="parts are checked in forked processes on Linux alone")
def test_a_failing_part_in_the_caller_leaves_no_worker_behind() -> None:
    """Rule: when the caller's own part raises, the workers are stopped and reaped."""
    ledger = with_example()
    parent = os.getpid()

    def rule(case: object, commitment: object) -> tuple[()]:
        if os.getpid() == parent:
            raise _Raised("in the caller")
        time.sleep(60)  # the worker would outlive the check, were it not stopped
        return ()

    started = time.monotonic()
    with pytest.raises(_Raised, match="in the caller"):
        check(ledger, "2020-06-30", rules={NonRefoulement: rule}, workers=2)
    assert time.monotonic() - started < 30
    assert _no_children_left()


@settings(max_examples=50)
@given(ledger=ANY_LEDGER, count=st.integers(1, 5), day=DAYS, sample=st.sampled_from([1, 3, 65536]))
def test_the_parts_of_workers_are_runs_of_claimant_ids_in_order(
    ledger: Ledger, count: int, day: dt.date, sample: int
) -> None:
    """Rule: the parts of check(workers=N) read the returns and outcomes in runs of ids, in order.

    The runs follow one another from the first id on; each part reads the
    returns and outcomes of its run's claimants, in the ledger's order, and
    together the parts read each return and each claimant's outcomes once,
    however many facts the runs were cut from a sample of (``sample``).
    """
    facts = ledger.facts()
    with mock.patch.object(_workers, "_SAMPLE", sample):
        split = runs(facts, count)
    assert len(split) == count
    assert split[0].low == ""
    assert split[-1].high is None
    assert all(run.high == after.low for run, after in itertools.pairwise(split))
    evaluation = engine.evaluation_day(day)
    whole = engine.gather(facts, evaluation)
    parts = [engine.gather(facts, evaluation, within=run) for run in split]
    assert sorted(f.seq for part in parts for f in part.returns) == [f.seq for f in whole.returns]
    assert all([f.seq for f in p.returns] == sorted(f.seq for f in p.returns) for p in parts)
    ids = [{f.record.claimant_id for f in part.returns} for part in parts]  # type: ignore[attr-defined]
    bounds = [(min(part), max(part)) for part in ids if part]
    assert all(high < low for (_, high), (low, _) in itertools.pairwise(bounds))
    read = [claimant for part in parts for claimant in part.outcomes]
    assert sorted(read) == sorted(whole.outcomes)
    assert {c: o for part in parts for c, o in part.outcomes.items()} == whole.outcomes


def test_merge_refuses_reports_of_different_days() -> None:
    """Rule: reports as of different days, or no report at all, are not merged."""
    ledger = with_example()
    with pytest.raises(PartitionError, match="2020-06-30, 2020-07-01"):
        Report.merge([check(ledger, "2020-07-01"), check(ledger, "2020-06-30")])
    with pytest.raises(PartitionError, match="none"):
        Report.merge([])


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2"])
def test_fewer_than_one_part_is_refused(bad: object) -> None:
    """Rule: workers and parts are whole numbers of at least 1; one string is not claimant ids."""
    ledger = with_example()
    with pytest.raises(PartitionError, match="at least 1"):
        check(ledger, "2020-06-30", workers=bad)  # type: ignore[arg-type]
    with pytest.raises(PartitionError, match="at least 1"):
        partitions(ledger, bad)  # type: ignore[arg-type]
    with pytest.raises(PartitionError, match="one string"):
        check(ledger, "2020-06-30", claimants="c-001")


def _check_part(path: str, day: str, ids: tuple[str, ...]) -> Report:
    """What each Dask worker runs: open the ledger from shared storage, check its claimants."""
    return check(Ledger.open(path, readonly=True), day, claimants=ids)


def test_partitions_on_dask_give_the_report(tmp_path: Path) -> None:
    """Rule: the parts checked on Dask's multiprocessing scheduler merge into the report."""
    bag = pytest.importorskip("dask.bag")
    path = tmp_path / "ledger.jsonl"
    stored = with_example(Ledger.open(path, create=True))
    parts = partitions(stored, 3)
    reports = (
        bag.from_sequence(parts, npartitions=len(parts))
        .map(lambda ids: _check_part(str(path), "2020-06-30", ids))
        .compute(scheduler="processes", num_workers=2)
    )
    assert len(reports) == len(parts)
    merged = Report.merge(reports)
    assert merged == check(stored, "2020-06-30")
    assert merged.to_json() == check(with_example(), "2020-06-30").to_json()
