"""The incremental checker: a Monitor's report is always the full check's, entry by entry."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assurance_ledger import (
    READS,
    RULES,
    AdmittedToProcedure,
    AssuranceGiven,
    Case,
    ClaimantReturned,
    ClaimDecided,
    ContactLost,
    DateSpan,
    Departed,
    Detained,
    Fact,
    IllTreatment,
    Ledger,
    LedgerError,
    MonitoringDenied,
    MonitoringVisit,
    Notified,
    Outcome,
    Released,
    Removed,
    Truth,
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
    with pytest.raises(LedgerError, match="as_of must be one day"):
        Monitor(Ledger(), "2020-06")


_OUTCOMES = (
    Detained,
    Released,
    AdmittedToProcedure,
    ClaimDecided,
    Removed,
    Departed,
    IllTreatment,
    MonitoringVisit,
    MonitoringDenied,
    Notified,
    ContactLost,
)


def _outcome_near(
    data: st.DataObject,
    cls: type[Outcome],
    back: ClaimantReturned,
    outcomes: list[Outcome],
    as_of: dt.date,
) -> Outcome:
    """An outcome of type ``cls``, by the giver, dated between the return and ``as_of``."""
    start = back.on.earliest
    day = start + dt.timedelta(days=data.draw(st.integers(0, max((as_of - start).days, 0))))
    fields: dict[str, object] = {
        "outcome_id": "o-extra",
        "claimant_id": back.claimant_id,
        "on": day,
    }
    if cls not in (Departed, ContactLost):
        fields["by"] = "US"
    if cls in (Removed, Departed):
        fields["to"] = data.draw(st.sampled_from((*back.feared, "MX")))
    if cls is Departed:
        fields["coerced"] = data.draw(st.booleans())
    if cls is ClaimDecided:
        fields.update(decision="refused", final=True)
    if cls is Notified:
        removals = [o.outcome_id for o in outcomes if isinstance(o, Removed)]
        fields.update(to="CA", regarding=data.draw(st.sampled_from(removals or ["o-none"])))
    if cls is MonitoringVisit:
        fields.update(by="CA", private=data.draw(st.booleans()))
    return cls(**fields)  # type: ignore[no-any-return]


@given(ledgers_with_breaches(), st.data())
def test_a_rule_finds_the_same_when_only_outcomes_it_does_not_read_change(
    scenario: Scenario, data: st.DataObject
) -> None:
    """Rule: READS lists every outcome type a built-in rule reads.

    An outcome of a type not listed for a rule, added to a claimant's record,
    leaves that rule's findings unchanged: the Monitor relies on it to skip
    rules. One outcome of each type is tried, at a drawn date.
    """
    facts = scenario.ledger.facts()
    back = data.draw(st.sampled_from([f for f in facts if isinstance(f.record, ClaimantReturned)]))
    returned = back.record
    assert isinstance(returned, ClaimantReturned)
    outcomes = [f for f in scenario.ledger.facts_of(returned.claimant_id) if f.seq != back.seq]
    day = DateSpan.day(scenario.as_of.year, scenario.as_of.month, scenario.as_of.day)
    assurances = [f for f in facts if isinstance(f.record, AssuranceGiven)]

    def case(assurance: Fact, more: list[Fact]) -> Case:
        return Case(
            claimant=back,
            assurance=assurance,
            withdrawal=None,
            outcomes=tuple(sorted(more, key=lambda f: (f.record.on.earliest, f.seq))),  # type: ignore[attr-defined]
            as_of=day,
            coverage=Truth.YES,
        )

    for cls in _OUTCOMES:
        mine = [f.record for f in outcomes if isinstance(f.record, Outcome)]
        extra = Fact(10_000, _outcome_near(data, cls, returned, mine, scenario.as_of))
        for assurance in assurances:
            before, after = case(assurance, outcomes), case(assurance, [*outcomes, extra])
            for commitment in assurance.record.commitments:  # type: ignore[attr-defined]
                rule = RULES[type(commitment)]
                if cls not in READS[rule]:
                    assert list(rule(before, commitment)) == list(rule(after, commitment))
