"""The current view: corrections applied, as a naive reading of the entries would apply them."""

import pytest
from hypothesis import given

from assurance_ledger import Correction, Fact, Ledger
from assurance_ledger.strategies import ledgers


def _naive_facts(ledger: Ledger) -> list[Fact]:
    latest: dict[int, Correction] = {}
    by_seq: dict[int, int] = {}
    for entry in ledger:
        if isinstance(entry.record, Correction):
            latest[entry.record.target] = entry.record
            by_seq[entry.record.target] = entry.seq
    facts = []
    for entry in ledger:
        if isinstance(entry.record, Correction):
            continue
        if entry.seq not in latest:
            facts.append(Fact(entry.seq, entry.record))
        elif latest[entry.seq].replacement is not None:
            replacement = latest[entry.seq].replacement
            assert replacement is not None
            facts.append(Fact(entry.seq, replacement, corrected_by=by_seq[entry.seq]))
    return facts


@given(ledgers(max_size=60))
def test_facts_apply_the_latest_correction_of_each_entry(ledger: Ledger) -> None:
    """Rule: the current view is every record, replaced or retracted by its latest correction."""
    assert list(ledger.facts()) == _naive_facts(ledger)


@given(ledgers(max_size=60))
def test_reopening_gives_the_same_view(ledger: Ledger) -> None:
    """Rule: a ledger read back from its stored lines has the same entries and view."""
    again = Ledger.from_lines(list(ledger.lines()))
    assert again.facts() == ledger.facts()
    assert [e.hash for e in again] == [e.hash for e in ledger]


@given(ledgers(max_size=40))
def test_entries_are_made_the_same_every_way_they_are_asked_for(ledger: Ledger) -> None:
    """Rule: iterating, entries, entry(), record() and head agree; a prev is the hash before.

    A ledger keeps its entries as columns and makes an Entry when asked, so
    every way of asking must give the same entry.
    """
    entries = list(ledger)
    assert tuple(entries) == ledger.entries
    assert ledger.head == (entries[-1] if entries else None)
    previous = "0" * 64
    for seq, entry in enumerate(entries, start=1):
        assert entry.seq == seq
        assert entry.prev == previous
        assert ledger.entry(seq) == entry
        assert ledger.record(seq) is entry.record
        previous = entry.hash
    for outside in (0, len(entries) + 1):
        with pytest.raises(IndexError):
            ledger.record(outside)
        with pytest.raises(IndexError):
            ledger.entry(outside)
