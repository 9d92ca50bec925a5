"""Bulk reads and checks pause the cycle collector, and always set it back as they found it."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings

from assurance_ledger import RULES, Case, Ledger, Report, _workers, check
from assurance_ledger._gc import collector_paused
from assurance_ledger._workers import FORKS
from assurance_ledger.errors import ChainBroken
from assurance_ledger.monitor import Monitor
from assurance_ledger.rules import Finding, Rule
from assurance_ledger.strategies import Scenario, ledgers_with_breaches, write_ledger


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    """Each test starts with the collector on, and leaves it on."""
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_paused_inside_and_on_again_after() -> None:
    """Rule: inside collector_paused the collector is off; after it, on again."""
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_is_on_again_after_an_error() -> None:
    """Rule: an error inside the block still sets the collector back on."""
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("x")
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_program_stays_off() -> None:
    """Rule: a pause leaves a collector the program turned off as it was: off."""
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_a_pause_inside_a_pause_leaves_the_outer_one_paused() -> None:
    """Rule: the inner pause's end does not turn the collector on inside the outer one."""
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_what_a_pause_made_is_moved_to_the_oldest_generation() -> None:
    """Rule: objects made inside a pause are not left to the next young collection.

    A young collection would visit every object the paused operation made
    (a third of a second after a re-open of 1,000,000 entries).
    """
    with collector_paused():
        made = [[index] for index in range(1000)]
    young = {id(obj) for obj in gc.get_objects(generation=0)}
    assert not any(id(obj) in young for obj in made)
    assert any(obj is made for obj in gc.get_objects(generation=2))


def test_a_pause_leaves_the_programs_frozen_objects_frozen() -> None:
    """Rule: a program's own ``gc.freeze()`` is kept: nothing is unfrozen or moved.

    The objects made inside the pause then stay young, as without the move.
    """
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            made = [[index] for index in range(10)]
        assert gc.get_freeze_count() == frozen
        assert any(obj is made for obj in gc.get_objects(generation=0))
    finally:
        gc.unfreeze()


@settings(max_examples=10)
@given(ledgers_with_breaches())
def test_reading_and_checking_a_ledger_leave_the_collector_on(scenario: Scenario) -> None:
    """Rule: from_lines, check and a Monitor (made, updated) leave the collector as found."""
    ledger = scenario.ledger
    copy = Ledger.from_lines(ledger.lines())
    assert gc.isenabled()
    assert check(copy, scenario.as_of) == check(ledger, scenario.as_of)
    assert gc.isenabled()
    monitor = Monitor(Ledger(), scenario.as_of)
    assert gc.isenabled()
    for entry in ledger:
        monitor.ledger.append(
            entry.record, recorded_by=entry.recorded_by, recorded_at=entry.recorded_at
        )
    monitor.update()
    assert gc.isenabled()
    assert monitor.report == check(ledger, scenario.as_of)


def test_a_broken_ledger_leaves_the_collector_on() -> None:
    """Rule: a stored line that does not verify stops the read, and the collector is on again."""
    with pytest.raises(ChainBroken):
        Ledger.from_lines([b'{"hash":"nope"}'])
    assert gc.isenabled()


def test_rules_run_with_the_collector_paused_during_a_check() -> None:
    """Rule: check() runs the rules with the collector paused (the bulk of a check's objects)."""
    seen: list[bool] = []

    def watching(rule: Rule) -> Rule:
        def watched(case: Case, commitment: Any) -> Iterable[Finding]:
            seen.append(gc.isenabled())
            return rule(case, commitment)

        return watched

    ledger = write_ledger(60, seed=1)
    watched = {kind: watching(rule) for kind, rule in RULES.items()}
    assert check(ledger, "2021-12-31", rules=watched) == check(ledger, "2021-12-31")
    assert gc.isenabled()
    assert seen  # rules ran
    assert not any(seen)  # and every one with the collector paused


@pytest.mark.skipif(not FORKS, reason="parts are checked in forked processes on Linux alone")
def test_a_check_in_parts_reads_the_workers_reports_with_the_collector_paused() -> None:
    """Rule: check(workers=N) makes its workers' findings again with the collector paused.

    They are half of its objects; a collection meanwhile would visit the
    whole ledger for nothing.
    """
    ledger = write_ledger(60, seed=1)
    seen: list[bool] = []
    received = _workers._received

    def watched(sent: Any) -> Report:
        seen.append(gc.isenabled())
        return received(sent)

    with mock.patch.object(_workers, "_received", watched):
        report = check(ledger, "2021-12-31", workers=3)
    assert seen == [False, False]
    assert report == check(ledger, "2021-12-31")
    assert gc.isenabled()
