"""The checker against generated ledgers whose breaches are known by construction."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assurance_ledger import check
from assurance_ledger.strategies import Scenario, clean_ledgers, ledgers_with_breaches


def _found(scenario: Scenario) -> set[tuple[str, str, str, str]]:
    report = check(scenario.ledger, scenario.as_of)
    return {(b.claimant_id, b.assurance_id, b.commitment, b.certainty) for b in report.breaches}


@given(clean_ledgers())
def test_clean_ledgers_have_no_breach(scenario: Scenario) -> None:
    """Rule: a story that keeps every commitment breaches nothing.

    Claimants admitted, visited and released in time, removed only after a final
    decision, to a country they do not fear, and notified in time.
    """
    report = check(scenario.ledger, scenario.as_of)
    assert report.breaches == ()
    assert report.exposures == ()
    assert report.summary.covered == report.summary.returns


# At least 500 examples in every profile: this is the checker's main oracle.
@settings(max_examples=max(500, settings().max_examples))
@given(ledgers_with_breaches())
def test_exactly_the_planted_breach_is_found(scenario: Scenario) -> None:
    """Rule: one breach planted in a clean ledger is found, with its certainty, and nothing else.

    And with its reasons: a possible one planted with exactly one source of
    doubt has exactly that one tag; a certain one has none.
    """
    assert _found(scenario) == scenario.breaches
    report = check(scenario.ledger, scenario.as_of)
    assert {
        (b.claimant_id, b.assurance_id, b.commitment, b.reasons) for b in report.breaches
    } == scenario.reasons


@pytest.mark.parametrize("certainty", ["certain", "possible"])
@pytest.mark.parametrize("kind", ["respect_interim_measures", "access_to_counsel"])
@given(data=st.data())
def test_the_steps_before_a_removal_are_planted_and_found(
    kind: str, certainty: str, data: st.DataObject
) -> None:
    """Rule: a planted breach of each commitment on the steps before a removal is found exactly.

    Certain and possible alike: an interim measure indicated on or before a
    removal (or one that may come after it); counsel denied after the giving
    (or on days straddling it).
    """
    scenario = data.draw(ledgers_with_breaches(kinds=(kind,), certainties=(certainty,)))
    (planted,) = scenario.breaches
    assert planted[2:] == (kind, certainty)
    assert _found(scenario) == scenario.breaches
