"""The rule tables the checker uses to skip work: READS and NEEDS must be right.

``READS[rule]``: an outcome of a type not listed cannot change the rule's
findings (the Monitor re-runs only the rules that read what changed).
``NEEDS[rule]``: without an outcome of a listed type, the rule finds nothing
(the checker does not run it). Each is tried against the rule itself.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assurance_ledger import (
    NEEDS,
    READS,
    RECORD_TYPES,
    RULES,
    AssuranceGiven,
    Case,
    ClaimantReturned,
    ClaimDecided,
    ContactLost,
    CustodyTransferred,
    DateSpan,
    Departed,
    Detained,
    Fact,
    HumaneTreatment,
    IllTreatment,
    InterimMeasure,
    InterimMeasureLifted,
    Ledger,
    MonitoringVisit,
    Notified,
    Outcome,
    RemovalOrdered,
    Removed,
    Truth,
)
from assurance_ledger import rules as rules_module
from assurance_ledger._engine import date_order
from assurance_ledger.rules import RULE_SPECS, RuleSpec
from assurance_ledger.strategies import Scenario, ledgers_with_breaches, write_ledger

#: Every outcome type of the format.
_OUTCOMES = tuple(cls for cls in RECORD_TYPES.values() if issubclass(cls, Outcome))


def _case(back: Fact, assurance: Fact, outcomes: list[Fact], as_of: dt.date) -> Case:
    """The case the checker would make, with the outcomes in its date order."""
    return Case(
        claimant=back,
        assurance=assurance,
        withdrawal=None,
        outcomes=tuple(sorted(outcomes, key=date_order)),
        as_of=DateSpan.day(as_of.year, as_of.month, as_of.day),
        coverage=Truth.YES,
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
    if cls not in (Departed, ContactLost, InterimMeasureLifted):
        fields["by"] = "US"
    if cls in (Removed, Departed, CustodyTransferred):
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
    if cls is RemovalOrdered:
        fields.update(to=data.draw(st.sampled_from((*back.feared, "MX"))), final=False)
    if cls is InterimMeasure:
        fields.update(by="ECtHR", against="US")
    if cls is InterimMeasureLifted:
        measures = [o.outcome_id for o in outcomes if isinstance(o, InterimMeasure)]
        fields.update(regarding=data.draw(st.sampled_from(measures or ["o-none"])))
    return cls(**fields)  # type: ignore[no-any-return]


@given(ledgers_with_breaches(), st.data())
def test_a_rule_finds_the_same_when_only_outcomes_it_does_not_read_change(
    scenario: Scenario, data: st.DataObject
) -> None:
    """Rule: READS lists every outcome type a built-in rule reads.

    An outcome of a type not listed for a rule, added to a claimant's record,
    leaves that rule's findings unchanged. One outcome of each type is tried,
    at a drawn date, under every given assurance.
    """
    facts = scenario.ledger.facts()
    back = data.draw(st.sampled_from([f for f in facts if isinstance(f.record, ClaimantReturned)]))
    returned = back.record
    assert isinstance(returned, ClaimantReturned)
    outcomes = [f for f in scenario.ledger.facts_of(returned.claimant_id) if f.seq != back.seq]
    mine = [f.record for f in outcomes if isinstance(f.record, Outcome)]
    for cls in _OUTCOMES:
        extra = Fact(10_000, _outcome_near(data, cls, returned, mine, scenario.as_of))
        for assurance in (f for f in facts if isinstance(f.record, AssuranceGiven)):
            before = _case(back, assurance, outcomes, scenario.as_of)
            after = _case(back, assurance, [*outcomes, extra], scenario.as_of)
            for commitment in assurance.record.commitments:  # type: ignore[attr-defined]
                rule = RULES[type(commitment)]
                if cls not in READS[rule]:
                    assert list(rule(before, commitment)) == list(rule(after, commitment))


def test_what_a_rule_needs_it_also_reads() -> None:
    """Rule: NEEDS[rule] is within READS[rule] for every built-in rule.

    The checker takes a rule's earlier findings as they are when no type it
    reads changed, before it asks whether the claimant has what the rule needs:
    that is only right if a type the rule needs is one it reads.
    """
    for rule, needs in NEEDS.items():
        assert needs <= READS[rule], rule.__name__


@given(scenario=ledgers_with_breaches(), data=st.data())
def test_a_rule_that_needs_an_outcome_finds_nothing_without_one(
    scenario: Scenario, data: st.DataObject
) -> None:
    """Rule: NEEDS is right: without an outcome of those types, the rule finds nothing.

    A claimant of a ledger with a planted breach is tried with those outcomes
    taken away, under every given assurance, with the rule alone.
    """
    _needs_holds(scenario.ledger, scenario.as_of, data)


@given(seed=st.integers(0, 2**32 - 1), as_of=st.dates(dt.date(2019, 6, 1), dt.date(2021, 12, 31)))
def test_needs_holds_on_generated_ledgers(seed: int, as_of: dt.date) -> None:
    """Rule: as above, on generated ledgers (coerced departures, third states, corrections)."""
    _needs_holds(write_ledger(60, seed=seed), as_of, None)


def _needs_holds(ledger: Ledger, as_of: dt.date, data: st.DataObject | None) -> None:
    facts = ledger.facts()
    returns = [f for f in facts if isinstance(f.record, ClaimantReturned)]
    chosen = returns if data is None else [data.draw(st.sampled_from(returns))]
    for back in chosen:
        mine = [
            f
            for f in ledger.facts_of(back.record.claimant_id)  # type: ignore[attr-defined]
            if f.seq != back.seq
        ]
        for assurance in (f for f in facts if isinstance(f.record, AssuranceGiven)):
            for commitment in assurance.record.commitments:  # type: ignore[attr-defined]
                rule = RULES[type(commitment)]
                if rule in NEEDS:
                    without = [f for f in mine if type(f.record) not in NEEDS[rule]]
                    case = _case(back, assurance, without, as_of)
                    assert list(rule(case, commitment)) == []


def _rules_table_rows() -> dict[str, str]:
    """The table at the top of ``rules.py``: each kind's "breached when", as one line."""
    doc = rules_module.__doc__ or ""
    lines = doc.split("kind                        breached when")[1].splitlines()
    rows: dict[str, str] = {}
    kind = ""
    for line in lines[2:]:
        if line.startswith("="):
            break
        if line[:1].strip():
            kind, _, text = line.partition(" ")
            rows[kind] = text.strip()
        else:
            rows[kind] += " " + line.strip()
    return rows


def test_the_rules_table_in_the_docstring_is_the_rule_specs() -> None:
    """Rule: each row of the table atop rules.py is its kind's RuleSpec.breached_when, in order."""
    assert _rules_table_rows() == {
        kind.KIND: spec.breached_when for kind, spec in RULE_SPECS.items()
    }
    assert list(_rules_table_rows()) == [kind.KIND for kind in RULE_SPECS]


def test_the_checking_page_lists_the_kinds_of_the_rule_specs() -> None:
    """Rule: the rules table of docs/checking.md has one row for each built-in kind, in order."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "checking.md").read_text("utf-8")
    table = page.split("| `kind` | breached when |")[1].split("\n\n")[0]
    kinds = re.findall(r"^\| `([a-z_]+)` \|", table, re.M)
    assert kinds == [kind.KIND for kind in RULE_SPECS]


def test_rules_reads_and_needs_are_read_from_the_rule_specs() -> None:
    """Rule: RULES, READS and NEEDS say what RULE_SPECS says, kind by kind."""
    assert list(RULES) == list(RULE_SPECS)
    for kind, spec in RULE_SPECS.items():
        assert RULES[kind] is spec.rule
        assert READS.get(spec.rule) == spec.reads
        assert NEEDS.get(spec.rule) == spec.needs
        assert spec.breached_when, kind.KIND


def test_a_rule_spec_must_read_what_it_needs() -> None:
    """Rule: a RuleSpec whose needs are not within its reads is refused when made."""
    rule = RULE_SPECS[HumaneTreatment].rule
    with pytest.raises(ValueError, match="must read what it needs"):
        RuleSpec(rule, reads=frozenset({Detained}), needs=frozenset({IllTreatment}))
    with pytest.raises(ValueError, match="must read what it needs"):
        RuleSpec(rule, needs=frozenset({IllTreatment}))
    assert RuleSpec(rule, reads=frozenset({Detained, IllTreatment}), needs=frozenset({Detained}))


def test_a_bare_function_keeps_a_built_in_rules_record_or_always_runs() -> None:
    """Rule: RuleSpec.of gives a built-in rule its own record, another function one always run."""
    for spec in RULE_SPECS.values():
        assert RuleSpec.of(spec.rule) is spec
    mine = RuleSpec.of(lambda case, commitment: ())
    assert (mine.reads, mine.needs) == (None, None)
