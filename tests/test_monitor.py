"""The incremental checker: a Monitor's report is always the full check's, entry by entry."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assurance_ledger import (
    Ledger,
    LedgerError,
    check,
)
from assurance_ledger.monitor import Changes, Monitor
from assurance_ledger.strategies import (
    Scenario,
    ledgers,
    ledgers_with_breaches,
    write_ledger,
)

_AS_OF = st.dates(min_value=dt.date(2019, 6, 1), max_value=dt.date(2021, 12, 31))


def _replay(source: Ledger, as_of: dt.date, batch: int) -> None:
    """Feed ``source``'s entries to a new ledger ``batch`` at a time, checking the monitor."""
    ledger = Ledger()
    monitor = Monitor(ledger, as_of)
    previous = check(ledger, as_of)
    entries = list(source)
    for start in range(0, len(entries), batch):
        chunk = entries[start : start + batch]
        for entry in chunk:  # the same records, times and parties: the same chain
            ledger.append(
                entry.record, recorded_by=entry.recorded_by, recorded_at=entry.recorded_at
            )
        changes = monitor.update()
        current = check(ledger, as_of)
        assert monitor.report == current
        old, new = Counter(previous.breaches), Counter(current.breaches)
        assert Counter(changes.added) == new - old
        assert Counter(changes.removed) == old - new
        assert changes.entries == len(chunk)
        previous = current
    assert ledger.head == source.head


@given(ledgers(max_size=40), _AS_OF)
def test_monitor_report_equals_a_full_check_after_every_append(
    ledger: Ledger, as_of: dt.date
) -> None:
    """Rule: after each update, the monitor's report is check()'s, and its changes the diff.

    The generated ledgers have every record type, corrections that re-date,
    move or retract outcomes and returns, and assurances given and withdrawn
    along the way, so each way an entry can change a result is exercised.
    """
    _replay(ledger, as_of, batch=1)


@given(ledgers(max_size=40, before_removal=True), _AS_OF)
def test_monitor_keeps_the_steps_before_a_removal_and_who_is_at_risk_current(
    ledger: Ledger, as_of: dt.date
) -> None:
    """Rule: with the steps before a removal, the monitor's report and at_risk are check()'s.

    The ledgers hold removal orders, interim measures (some lifted), custody
    transfers and denials of counsel, under assurances that may also promise
    respect_interim_measures and access_to_counsel.
    """
    _replay(ledger, as_of, batch=1)


@given(st.integers(0, 2**32 - 1), st.integers(20, 60), _AS_OF)
def test_monitor_keeps_up_with_longer_ledgers(seed: int, size: int, as_of: dt.date) -> None:
    """Rule: as above, on longer ledgers, where corrections of earlier outcomes are common.

    Corrections there move outcomes to other claimants, re-date, retype and
    retract them.

    (Drawn as a seed for ``write_ledger``: a failure names the seed and size
    that rebuild the ledger.)
    """
    _replay(write_ledger(size, seed=seed), as_of, batch=1)


@given(ledgers(max_size=40), _AS_OF, st.integers(2, 7))
def test_monitor_takes_in_batches(ledger: Ledger, as_of: dt.date, batch: int) -> None:
    """Rule: entries appended in several batches between updates are all taken in."""
    _replay(ledger, as_of, batch=batch)


@given(ledgers_with_breaches())
def test_monitor_finds_the_planted_breach(scenario: Scenario) -> None:
    """Rule: fed a ledger with one planted breach, the monitor ends up reporting exactly it."""
    _replay(scenario.ledger, scenario.as_of, batch=1)
    monitor = Monitor(scenario.ledger, scenario.as_of)
    found = {
        (b.claimant_id, b.assurance_id, b.commitment, b.certainty) for b in monitor.report.breaches
    }
    assert found == scenario.breaches


def test_an_update_with_nothing_new_changes_nothing() -> None:
    """Rule: updating twice without appending reports no entries and no change."""
    monitor = Monitor(Ledger(), "2020-06-30")
    assert monitor.update() == Changes(entries=0, added=(), removed=())
    assert not monitor.update()
    assert monitor.as_of == dt.date(2020, 6, 30)
    assert "as of 2020-06-30" in repr(monitor)


def test_a_monitor_refuses_a_bad_evaluation_date() -> None:
    """Rule: the evaluation date is one day, as for check()."""
    with pytest.raises(LedgerError, match="as_of: expected one day"):
        Monitor(Ledger(), "2020-06")
