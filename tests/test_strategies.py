"""The hypothesis strategies themselves: valid values, honoured options, small counterexamples."""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import Phase, find, given, seed, settings
from hypothesis import strategies as st

from assurance_ledger import (
    BUILTIN_COMMITMENTS,
    DEFAULT_CODEC,
    AssuranceGiven,
    AssuranceRecord,
    AssuranceRequested,
    ClaimantReturned,
    Commitment,
    ContactLost,
    Correction,
    DateSpan,
    Ledger,
    Notified,
    Outcome,
    Record,
    Removed,
    is_country,
    is_party,
)
from assurance_ledger.strategies import (
    COMMITMENT_STRATEGIES,
    PLANTABLE,
    RECORD_STRATEGIES,
    Scenario,
    clean_ledgers,
    commitments,
    countries,
    date_spans,
    days,
    identifiers,
    ledgers,
    ledgers_with_breaches,
    parties,
    records,
    scopes,
    sources,
    write_ledger,
)

CERTAINTIES = ("certain", "possible")
# The countries the ledger writer itself draws nationalities, removals and third
# states from. A giver among them can be "removed to itself" (see
# test_a_giver_among_the_writers_countries_still_gives_valid_ledgers), so the
# option tests below pick recipient and giver outside them.
_WRITER_COUNTRIES = frozenset(
    {"HT", "VE", "ER", "CO", "SY", "AF", "SO", "CD", "NG", "TR", "IR", "PS"}
    | {"MX", "GT", "PA", "HN", "SV"}
)


def _rebuild(value: Any) -> Any:
    """Build an attrs value again from its fields, all the way down, so every validator runs."""
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return type(value)(
            **{f.alias: _rebuild(getattr(value, f.name)) for f in fields if f.init},
        )
    if isinstance(value, tuple):
        return tuple(_rebuild(item) for item in value)
    return value


def _all_records(ledger: Ledger) -> list[Record]:
    """Every record in the ledger's entries, and every replacement a correction carries."""
    found: list[Record] = []
    for entry in ledger:
        found.append(entry.record)
        if isinstance(entry.record, Correction) and entry.record.replacement is not None:
            found.append(entry.record.replacement)
    return found


def _holds(cls: type[Record]) -> Callable[[Ledger], bool]:
    return lambda ledger: any(isinstance(entry.record, cls) for entry in ledger)


def _holds_all(*classes: type[Record]) -> Callable[[Ledger], bool]:
    return lambda ledger: all(_holds(cls)(ledger) for cls in classes)


def _find(strategy: st.SearchStrategy[Any], condition: Callable[[Any], bool]) -> Any:
    """The minimal example, reproducibly: no example database, a fixed random source."""
    return find(
        strategy,
        condition,
        settings=settings(database=None, max_examples=1_000),
        random=random.Random(0),  # noqa: S311 -- test data, not cryptography
    )


# -- values and records -----------------------------------------------------------------


@given(countries(), parties())
def test_countries_and_parties_are_known(country: str, party: str) -> None:
    """Rule: countries() gives known ISO codes; parties() gives a country or an organisation."""
    assert is_country(country)
    assert is_party(party)


@given(identifiers(), identifiers("c-"))
def test_identifiers_are_valid_ids(plain: str, prefixed: str) -> None:
    """Rule: every identifier is accepted as an id (here as an outcome's and a claimant's)."""
    ContactLost(outcome_id=plain, claimant_id=prefixed, on="2020-03-30")


@given(st.data())
def test_days_and_spans_stay_within_their_bounds(data: st.DataObject) -> None:
    """Rule: days(min, max) and date_spans(min, max) give only days between the bounds."""
    low, high = sorted(data.draw(st.lists(st.dates(), min_size=2, max_size=2)))
    day = data.draw(days(low, high))
    assert low <= day <= high
    span = data.draw(date_spans(low, high))
    assert isinstance(span, DateSpan)
    assert low <= span.earliest <= span.latest <= high
    assert _rebuild(span) == span


@given(sources(), scopes(), commitments())
def test_sources_scopes_and_commitments_build_again(source: Any, scope: Any, promise: Any) -> None:
    """Rule: a source, scope or commitment built again from its fields validates and is equal."""
    assert _rebuild(source) == source
    assert _rebuild(scope) == scope
    assert _rebuild(promise) == promise
    assert DEFAULT_CODEC.from_json(DEFAULT_CODEC.to_json(promise), Commitment) == promise


@pytest.mark.parametrize("kind", sorted(COMMITMENT_STRATEGIES))
@given(data=st.data())
def test_each_commitment_strategy_gives_its_kind(kind: str, data: st.DataObject) -> None:
    """Rule: COMMITMENT_STRATEGIES[kind] gives valid commitments of exactly that kind."""
    promise = data.draw(COMMITMENT_STRATEGIES[kind])
    assert isinstance(promise, BUILTIN_COMMITMENTS[kind])
    assert _rebuild(promise) == promise


@pytest.mark.parametrize("tag", sorted(RECORD_STRATEGIES))
@given(data=st.data())
def test_each_record_strategy_gives_valid_records_of_its_type(
    tag: str, data: st.DataObject
) -> None:
    """Rule: RECORD_STRATEGIES[tag] gives records of that type that build again and round-trip."""
    record = data.draw(RECORD_STRATEGIES[tag])
    assert tag == record.TYPE
    assert _rebuild(record) == record
    assert DEFAULT_CODEC.loads(DEFAULT_CODEC.dumps(record)) == record


@given(records())
def test_any_record_round_trips(record: Record) -> None:
    """Rule: records() gives valid records: a round trip through DEFAULT_CODEC never raises."""
    assert DEFAULT_CODEC.loads(DEFAULT_CODEC.dumps(record)) == record


@given(records(Removed, AssuranceGiven))
def test_records_of_given_types_only(record: Record) -> None:
    """Rule: records(*types) gives only records of those classes."""
    assert type(record) in (Removed, AssuranceGiven)


# -- whole ledgers -----------------------------------------------------------------------


@settings(max_examples=30)
@given(st.data())
def test_ledger_sizes_lie_between_min_and_max(data: st.DataObject) -> None:
    """Rule: ledgers(min_size=m, max_size=n) gives ledgers of m to n entries."""
    low = data.draw(st.integers(0, 20), label="min_size")
    high = data.draw(st.integers(low, 25), label="max_size")
    ledger = data.draw(ledgers(min_size=low, max_size=high))
    assert low <= len(ledger) <= high


@settings(max_examples=30)
@given(st.data())
def test_every_return_is_by_the_recipient_to_the_giver(data: st.DataObject) -> None:
    """Rule: every return (and every assurance) is between ``recipient`` and ``giver``."""
    others = countries().filter(lambda c: c not in _WRITER_COUNTRIES)
    recipient, giver = data.draw(st.lists(others, min_size=2, max_size=2, unique=True))
    ledger = data.draw(ledgers(min_size=5, max_size=30, recipient=recipient, giver=giver))
    for record in _all_records(ledger):
        if isinstance(record, ClaimantReturned):
            assert (record.returned_by, record.returned_to) == (recipient, giver)
        elif isinstance(record, AssuranceGiven):
            assert (record.given_by, record.given_to) == (giver, recipient)
        elif isinstance(record, AssuranceRequested):
            assert (record.requested_by, record.requested_of) == (recipient, giver)
    assert all(entry.recorded_by == recipient for entry in ledger)


def test_a_giver_among_the_writers_countries_still_gives_valid_ledgers() -> None:
    """Rule: any two distinct countries are valid recipient and giver (here CA and MX)."""
    ledger = write_ledger(60, 5, recipient="CA", giver="MX")
    assert len(ledger) == 60


@settings(max_examples=30)
@given(st.data())
def test_returns_fall_in_the_window(data: st.DataObject) -> None:
    """Rule: with ``window``, every return (and assurance) is dated within it."""
    start = data.draw(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), label="start")
    end = start + dt.timedelta(days=data.draw(st.integers(0, 900), label="length"))
    ledger = data.draw(ledgers(min_size=5, max_size=30, window=(start, end)))
    returns = {}
    for record in _all_records(ledger):
        if isinstance(record, ClaimantReturned | AssuranceRecord):
            assert start <= record.on.earliest <= record.on.latest <= end, record
        if isinstance(record, ClaimantReturned):
            returns[record.claimant_id] = record
        elif isinstance(record, Outcome):  # outcomes come after their returns
            assert record.on.earliest >= returns[record.claimant_id].on.earliest


@settings(max_examples=30)
@given(st.data())
def test_assurances_promise_only_the_chosen_kinds(data: st.DataObject) -> None:
    """Rule: with ``commitment_kinds``, every assurance's commitments are of those kinds."""
    kinds = data.draw(st.sets(st.sampled_from(sorted(BUILTIN_COMMITMENTS)), min_size=1))
    ledger = data.draw(ledgers(min_size=10, max_size=40, commitment_kinds=kinds))
    for record in _all_records(ledger):
        if isinstance(record, AssuranceGiven | AssuranceRequested):
            assert record.commitments
            assert {c.KIND for c in record.commitments} <= kinds


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"window": (dt.date(2020, 3, 2), dt.date(2020, 3, 1))}, "ends before it starts"),
        ({"commitment_kinds": []}, "commitment_kinds must be built-in kinds"),
        ({"commitment_kinds": ["my_own_kind"]}, "commitment_kinds must be built-in kinds"),
    ],
)
def test_bad_options_are_refused_when_the_strategy_is_made(
    options: dict[str, Any], message: str
) -> None:
    """Rule: a window that ends before it starts, or no built-in kind, is a ValueError at once."""
    with pytest.raises(ValueError, match=message):
        ledgers(**options)


@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 2**32 - 1))
def test_write_ledger_is_deterministic_and_grows_by_prefix(
    small: int, large: int, number: int
) -> None:
    """Rule: write_ledger(size, seed) always writes the same lines; a smaller size, a prefix."""
    small, large = sorted((small, large))
    lines = list(write_ledger(large, number).lines())
    assert len(lines) == large
    assert list(write_ledger(large, number).lines()) == lines
    assert list(write_ledger(small, number).lines()) == lines[:small]


def test_the_same_seed_writes_the_same_ledger_in_every_version() -> None:
    """Rule: a seed keeps writing the same ledger, byte for byte, from one version to the next.

    Users keep the seeds of failing examples (``write_steps([...])``) in their
    own regression tests: changing what a seed writes breaks them. Pinned by
    the head hash, which covers every byte of every entry.
    """
    assert write_ledger(30, 7).head.hash == (  # type: ignore[union-attr]
        "23c026d8e3ee0f4a7a00274a93ca2cf38a067dae50a17b3bb162c6965cfbd7b7"
    )


@given(ledgers(max_size=40))
def test_generated_ledgers_verify_and_reopen(ledger: Ledger) -> None:
    """Rule: every generated ledger verifies and reopens from its lines with the same facts."""
    assert ledger.verify().ok
    again = Ledger.from_lines(ledger.lines())
    assert again.facts() == ledger.facts()
    assert list(again.lines()) == list(ledger.lines())


@settings(max_examples=30)
@given(st.one_of(clean_ledgers(), ledgers_with_breaches()))
def test_scenario_ledgers_verify_and_reopen(scenario: Scenario) -> None:
    """Rule: every scenario's ledger verifies and reopens from its lines with the same facts."""
    assert scenario.ledger.verify().ok
    again = Ledger.from_lines(scenario.ledger.lines())
    assert again.facts() == scenario.ledger.facts()


# -- ledgers with known breaches ---------------------------------------------------------


def _planted(kind: str, certainty: str) -> set[tuple[str, str, tuple[str, ...]]]:
    """The (kind, certainty, reasons) of 40 breaches planted of one kind and certainty."""
    seen: set[tuple[str, str, tuple[str, ...]]] = set()

    @seed(20200318)
    @settings(max_examples=40, database=None, phases=[Phase.generate], deadline=None)
    @given(ledgers_with_breaches(kinds=(kind,), certainties=(certainty,)))
    def collect(scenario: Scenario) -> None:
        ((_, _, k, c),) = scenario.breaches
        ((_, _, _, why),) = scenario.reasons
        seen.add((k, c, why))

    collect()
    return seen


def test_planted_breaches_cover_every_kind_and_certainty() -> None:
    """Rule: ledgers_with_breaches() plants every kind of PLANTABLE, each certain and possible.

    A possible one with each of its two sources of doubt (the kind's own, and
    uncertain coverage), named alone in its reasons; a certain one with none.
    """
    for kind in PLANTABLE:
        assert _planted(kind, "certain") == {(kind, "certain", ())}
        assert _planted(kind, "possible") == {
            (kind, "possible", ("coverage_uncertain",)),
            (kind, "possible", (_OWN_DOUBT[kind],)),
        }, kind


#: Each kind's own source of doubt when planted possible (see strategies/_planted.py).
_OWN_DOUBT = {
    "non_refoulement": "date_imprecise",
    "no_removal_before_decision": "excuse_uncertain",
    "access_to_procedure": "record_missing",
    "detention_limit": "date_imprecise",
    "notification": "record_missing",
    "humane_treatment": "unsubstantiated",
    "monitoring_access": "date_imprecise",
    "respect_interim_measures": "date_imprecise",
    "access_to_counsel": "date_imprecise",
}


@pytest.mark.parametrize(
    ("kinds", "certainties"),
    [
        (("notification",), ("certain",)),
        (("detention_limit", "humane_treatment"), ("possible",)),
        (PLANTABLE, ("possible",)),
    ],
)
@settings(max_examples=30)
@given(data=st.data())
def test_planted_breaches_keep_to_the_options(
    kinds: tuple[str, ...], certainties: tuple[str, ...], data: st.DataObject
) -> None:
    """Rule: ``kinds`` and ``certainties`` restrict the one planted breach to those."""
    scenario = data.draw(ledgers_with_breaches(kinds=kinds, certainties=certainties))
    ((claimant, assurance, kind, certainty),) = scenario.breaches
    assert kind in kinds
    assert certainty in certainties
    assert any(
        isinstance(f.record, ClaimantReturned) and f.record.claimant_id == claimant
        for f in scenario.ledger.facts()
    )
    assert any(
        isinstance(f.record, AssuranceGiven) and f.record.assurance_id == assurance
        for f in scenario.ledger.facts()
    )


@settings(max_examples=20)
@given(clean_ledgers())
def test_clean_ledgers_plant_nothing(scenario: Scenario) -> None:
    """Rule: clean_ledgers() has an empty oracle."""
    assert scenario.breaches == frozenset()
    assert len(scenario.ledger) >= 3  # the request, the giving, one return at least


# -- shrinking ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "condition"),
    [
        ("a correction and an outcome", _holds_all(Correction, Outcome)),
        ("a notice", _holds(Notified)),
        ("an outcome", _holds(Outcome)),
    ],
)
def test_a_failing_ledger_shrinks_small(name: str, condition: Callable[[Ledger], bool]) -> None:
    """Rule: a property that fails on ledgers holding something shrinks to a handful of entries."""
    ledger = _find(ledgers(max_size=60), condition)
    assert condition(ledger)
    assert len(ledger) <= 6, f"{name}: {len(ledger)} entries"


@pytest.mark.parametrize(
    "cls", [Removed, Notified, Correction, AssuranceGiven], ids=lambda c: c.TYPE
)
def test_a_failing_ledger_shrinks_to_its_shortest_failing_prefix(cls: type[Record]) -> None:
    """Rule: the minimal ledger is the shortest failing prefix: without its last entry it passes."""
    condition = _holds(cls)
    ledger = _find(ledgers(max_size=60), condition)
    assert condition(ledger)
    assert not condition(Ledger.from_lines(list(ledger.lines())[:-1]))


def test_a_ledger_with_a_removal_shrinks_small() -> None:
    """Rule: a property failing on any removal shrinks to a handful of entries (return, removal)."""
    ledger = _find(ledgers(max_size=60), _holds(Removed))
    assert len(ledger) <= 6, f"{len(ledger)} entries"


@pytest.mark.parametrize("kind", ["detention_limit", "non_refoulement"])
def test_a_failing_scenario_shrinks_to_one_claimant(kind: str) -> None:
    """Rule: a scenario failing on a planted kind shrinks to one claimant's story and its assurance.

    The assurance is requested and given; a shrunk story keeps only what the
    breach needs, at most six entries (the longest: return, admission, visit,
    decision, removal, notice).
    """
    scenario = _find(ledgers_with_breaches(), lambda s: any(b[2] == kind for b in s.breaches))
    returns = [e for e in scenario.ledger if isinstance(e.record, ClaimantReturned)]
    assert len(returns) == 1
    assert len(scenario.ledger) <= 2 + 6


# -- hypothesis is an optional extra -----------------------------------------------------

_BLOCK_HYPOTHESIS = """
import sys
from importlib.abc import MetaPathFinder

class NoHypothesis(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "hypothesis" or name.startswith("hypothesis."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoHypothesis())
for name in [n for n in sys.modules if n == "hypothesis" or n.startswith("hypothesis.")]:
    del sys.modules[name]
"""


def _run_without_hypothesis(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BLOCK_HYPOTHESIS + code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_strategies_without_hypothesis_name_the_extra() -> None:
    """Rule: without hypothesis, importing the strategies raises ImportError naming the extra."""
    done = _run_without_hypothesis(
        "try:\n"
        "    import assurance_ledger.strategies\n"
        "except ImportError as exc:\n"
        "    print('ImportError:', exc)\n"
        "else:\n"
        "    print('imported')\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ImportError:"), done.stdout
    assert "assurance-ledger[strategies]" in done.stdout


def test_the_library_imports_without_hypothesis() -> None:
    """Rule: ``import assurance_ledger`` (and checking a ledger) needs no hypothesis."""
    done = _run_without_hypothesis(
        "import assurance_ledger\n"
        "report = assurance_ledger.check(assurance_ledger.Ledger(), '2020-06-30')\n"
        "assert not any(n.startswith('hypothesis') for n in sys.modules)\n"
        "print(report.summary.returns)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
