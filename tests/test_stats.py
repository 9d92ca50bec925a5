"""Publication statistics: the counts, their suppression, and what an attacker can recover.

The attacker here is written independently of the library. It reads only a
published table (its JSON), works out from the rounding rule alone which true
counts each shown value allows, and then tries every subtraction the table
offers: each total minus the other cells of its column, each ``returns``
minus ``covered`` or ``unassured`` in its row, each measure bounded by
``returns``, repeated until nothing narrows any more. A count is *recovered*
when that leaves exactly one possible value. Across two releases it subtracts
what it knows of a cell in one from what it knows in the other.

A second, stronger check searches exhaustively (settling, then trying every
value of the least-known count in turn) for another table of whole counts that
fits everything published and differs in a small count: if none existed, any
reasoning at all could pin it.

The ledgers are the project's generated ones (``ledgers()``, ``write_ledger``)
and *populations*: many claimants of few kinds, so that counts grow past the
threshold and rounding matters.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import _story
from _cli_helpers import installed_command, run_main
from _example import with_example
from assurance_ledger import DEFAULT_CODEC, Ledger, check
from assurance_ledger.commitments import NonRefoulement
from assurance_ledger.errors import LedgerError
from assurance_ledger.records import (
    ClaimantReturned,
    Correction,
    CustodyTransferred,
    Departed,
    Detained,
    InterimMeasure,
    Record,
    RemovalOrdered,
    Removed,
    Scope,
)
from assurance_ledger.stats import (
    FIELDS,
    MEASURES,
    StatsError,
    StatsTable,
    Suppression,
    stats,
)
from assurance_ledger.strategies import ledgers, write_ledger

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "assurance_ledger" / "data" / "canada-us-2020.jsonl"
LATE = "2030-01-01"  # after every generated date
INF = 10**9
TOTAL = ("<total>",)
#: Suppression without rounding: every shown count is exact, so complementary
#: suppression and the protection between releases are needed far more often
#: than under the presets, and a mistake in either shows at once.
EXACT = Suppression(threshold=4, base=1)
PROTECTED = (Suppression.DEFAULT, Suppression.STRICT, EXACT)


# -- the independent attacker ----------------------------------------------------------


def shown(count: int, threshold: int, base: int, zeros: bool = False) -> int | str:
    """What the rule publishes for ``count``: "--" for 1..threshold, else round half up.

    With ``zeros`` hidden, 0 is shown "--" too.
    """
    if (0 if zeros else 1) <= count <= threshold:
        return "--"
    return (2 * count + base) // (2 * base) * base


def allowed(value: object, threshold: int, base: int, zeros: bool = False) -> tuple[int, int]:
    """The true counts a published value allows, found by trying every count near it."""
    if value == "--":
        return (0 if zeros else 1), threshold
    if value == "x":
        return 1, INF
    assert isinstance(value, int)
    counts = [c for c in range(value + base + 1) if shown(c, threshold, base, zeros) == value]
    assert counts, f"{value} is never published"
    return min(counts), max(counts)


Bounds = dict[tuple[tuple[str, ...], str], tuple[int, int]]


def published_rows(table: Mapping[str, Any]) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """The rows of a published table by key, the total last under TOTAL."""
    by = table["by"]
    rows = [(tuple(row[f] for f in by), row) for row in table["rows"]]
    return [*rows, (TOTAL, table["total"])]


Cellkey = tuple[tuple[str, ...], str]
Sums = list[tuple[list[Cellkey], Cellkey]]
AtMost = list[tuple[Cellkey, Cellkey]]


def relations(table: Mapping[str, Any]) -> tuple[Bounds, Sums, AtMost]:
    """What a published table says: each count's bounds, and the relations any table obeys.

    Each total is the sum of its column (when the table is grouped),
    ``returns = covered + unassured`` in every row, every measure after those
    three is at most ``returns``, and a listed group has at least one return.
    """
    t, base = table["suppression"]["threshold"], table["suppression"]["base"]
    zeros = table["suppression"].get("zeros") == "hidden"
    rows = published_rows(table)
    # A release written before the steps before a removal were counted publishes fewer.
    measures = [m for m in MEASURES if m in table["total"]]
    bounds: Bounds = {
        (key, m): allowed(row[m], t, base, zeros) for key, row in rows for m in measures
    }
    for key, _ in rows[:-1]:
        lo, hi = bounds[key, "returns"]
        bounds[key, "returns"] = (max(lo, 1), hi)
    sums: Sums = [([(key, "covered"), (key, "unassured")], (key, "returns")) for key, _ in rows]
    if table["by"]:
        groups = [key for key, _ in rows[:-1]]
        sums += [([(g, m) for g in groups], (TOTAL, m)) for m in measures]
    at_most: AtMost = [((key, m), (key, "returns")) for key, _ in rows for m in measures[3:]]
    return bounds, sums, at_most


def settle(bounds: Bounds, sums: Sums, at_most: AtMost) -> Bounds | None:
    """Every subtraction the relations offer, repeated until nothing narrows (None: impossible).

    A total minus the least (most) the other cells of its column can be bounds
    a cell from above (below); a sum is bounded by its parts; a measure by
    ``returns``, and ``returns`` by it.
    """
    bounds = dict(bounds)

    def narrow(cell: Cellkey, lo: int, hi: int) -> bool:
        old = bounds[cell]
        bounds[cell] = (max(old[0], lo), min(old[1], hi if hi < INF // 2 else INF))
        return bounds[cell] != old

    for _ in range(10_000):
        changed = False
        for parts, whole in sums:
            low = sum(bounds[p][0] for p in parts)
            high = sum(bounds[p][1] for p in parts)
            changed |= narrow(whole, low, high)
            for p in parts:
                others_low = low - bounds[p][0]
                others_high = high - bounds[p][1]
                changed |= narrow(p, bounds[whole][0] - others_high, bounds[whole][1] - others_low)
        for small, big in at_most:
            changed |= narrow(small, 0, bounds[big][1])
            changed |= narrow(big, bounds[small][0], INF)
        if any(lo > hi for lo, hi in bounds.values()):
            return None
        if not changed:
            return bounds
    raise AssertionError("the subtractions did not settle")  # pragma: no cover


def attack(table: Mapping[str, Any]) -> Bounds:
    """What subtraction reveals of each count of a published table."""
    bounds = settle(*relations(table))
    assert bounds is not None, "the published table contradicts itself"
    return bounds


def consistent_table_exists(bounds: Bounds, sums: Sums, at_most: AtMost, cap: int) -> bool:
    """Whether whole counts (none above ``cap``) fit every bound and relation: exhaustive search.

    Settle, then try each value of the least-known count in turn; complete,
    because every count is bounded by ``cap``.
    """
    settled = settle({c: (lo, min(hi, cap)) for c, (lo, hi) in bounds.items()}, sums, at_most)
    if settled is None:
        return False
    open_cells = [c for c, (lo, hi) in settled.items() if lo < hi]
    if not open_cells:
        return True
    cell = min(open_cells, key=lambda c: settled[c][1] - settled[c][0])
    lo, hi = settled[cell]
    return any(
        consistent_table_exists({**settled, cell: (v, v)}, sums, at_most, cap)
        for v in range(lo, hi + 1)
    )


def truth_of(table: StatsTable) -> dict[tuple[tuple[str, ...], str], int]:
    """The counts of an unsuppressed table, keyed like :func:`attack`'s bounds."""
    return {(key, m): row[m] for key, row in published_rows(table.to_json()) for m in MEASURES}


def hidden(table: StatsTable, raw: StatsTable, cell: Cellkey, count: int) -> bool:
    """Whether ``count`` of ``cell`` is one the rule hides: 1 to the threshold, or 0.

    0 only where zeros are hidden, and not in a row with no returns (an empty
    table's total, which is about nobody).
    """
    low = 0 if table.suppression.hide_zeros else 1
    key, _ = cell
    row = raw.total if key == TOTAL else raw.row(*key)
    return low <= count <= table.suppression.threshold and row.returns != 0


def assert_nothing_small_recovered(table: StatsTable, raw: StatsTable) -> Bounds:
    """No hidden count (0 or 1 to the threshold) is pinned; every count stays possible."""
    bounds = attack(table.to_json())
    for cell, count in truth_of(raw).items():
        lo, hi = bounds[cell]
        assert lo <= count <= hi, f"{cell}: {count} is outside what is published ({lo}..{hi})"
        if hidden(table, raw, cell, count):
            assert lo < hi, f"{cell}: the count {count} is recovered from the published table"
    return bounds


def assert_no_change_recovered(
    first: StatsTable, second: StatsTable, first_raw: StatsTable, second_raw: StatsTable
) -> None:
    """No cell's change between two releases is pinned to 1..threshold (either way).

    A group missing from a release had no returns then: all its counts were 0.
    """
    t = second.suppression.threshold
    before, after = attack(first.to_json()), attack(second.to_json())
    old, new = truth_of(first_raw), truth_of(second_raw)
    for cell in {*before, *after}:
        lo1, hi1 = before.get(cell, (0, 0))
        lo2, hi2 = after.get(cell, (0, 0))
        least, most = lo2 - hi1, hi2 - lo1
        change = new.get(cell, 0) - old.get(cell, 0)
        assert least <= change <= most
        if least == most:
            assert not 1 <= abs(change) <= t, f"{cell}: the change {change} is recovered"


# -- ledgers with larger counts ------------------------------------------------------------

NATIONS = ("HT", "VE", "ER", "CO")
RETURN_DAYS = (
    "2020-03-22",
    "2020-03-25",
    "2020-04-02",
    "2020-04",
    "2020",
    {"earliest": "2020-03-30", "latest": "2020-04-02"},
)
CROSSINGS = ("port_of_entry", "between_ports", "airport", "unknown")
FATES = ("stay", "home", "third", "third_then_home", "left_home", "forced_home", "feared_third")


def story(i: int, nation: int, day: int, crossing: str, fate: str) -> list[Record]:
    """One claimant's return and outcomes; ``nation`` 4 is stateless (origin PS)."""
    c = f"c-{i}"
    origin = NATIONS[nation] if nation < len(NATIONS) else "PS"
    back = _story.returned(
        c,
        RETURN_DAYS[day],
        crossing=crossing,
        nationalities=[origin] if nation < len(NATIONS) else [],
        country_of_origin=None if nation < len(NATIONS) else origin,
        feared_countries=[origin, "MX"] if fate == "feared_third" else None,
    )
    o = f"o-{i}-"
    moves: dict[str, list[Record]] = {
        "stay": [Detained(outcome_id=o + "1", claimant_id=c, on="2020-05-02", by="US")],
        "home": [Removed(outcome_id=o + "1", claimant_id=c, on="2020-05", by="US", to=origin)],
        "third": [Removed(outcome_id=o + "1", claimant_id=c, on="2020-05-10", by="US", to="MX")],
        "third_then_home": [
            Removed(outcome_id=o + "1", claimant_id=c, on="2020-05-10", by="US", to="MX"),
            Removed(outcome_id=o + "2", claimant_id=c, on="2020-06-20", by="MX", to=origin),
        ],
        "left_home": [Departed(outcome_id=o + "1", claimant_id=c, on="2020-06", to=origin)],
        "forced_home": [
            Departed(outcome_id=o + "1", claimant_id=c, on="2020-06-01", to=origin, coerced=True)
        ],
        "feared_third": [
            Removed(outcome_id=o + "1", claimant_id=c, on="2020-05-10", by="US", to="MX")
        ],
    }
    return [back, *moves[fate]]


ASSURANCE = [
    _story.requested(on="2020-03-19", commitments=[NonRefoulement()]),
    _story.given(
        commitments=[NonRefoulement()],
        scope=Scope(returns_from="2020-03-21", crossings=["port_of_entry", "between_ports"]),
    ),
]


@st.composite
def populations(draw: st.DrawFn, max_claimants: int = 80) -> list[list[Record]]:
    """Stories of up to ``max_claimants`` claimants, few kinds of each, so counts grow large."""
    count = draw(st.integers(0, max_claimants))
    weights = draw(st.lists(st.integers(1, 4), min_size=len(FATES), max_size=len(FATES)))
    fates = [f for f, w in zip(FATES, weights, strict=True) for _ in range(w)]
    return [
        story(
            i,
            draw(st.integers(0, len(NATIONS))),
            draw(st.integers(0, len(RETURN_DAYS) - 1)),
            draw(st.sampled_from(CROSSINGS)),
            draw(st.sampled_from(fates)),
        )
        for i in range(count)
    ]


def build(stories: Sequence[list[Record]], returns: int, outcomes: int) -> list[Record]:
    """The records of the first ``returns`` returns and the first ``outcomes`` outcomes."""
    backs = [s[0] for s in stories[:returns]]
    later = [o for s in stories[:returns] for o in s[1:]][:outcomes]
    return [*ASSURANCE, *backs, *later]


groupings = st.lists(st.sampled_from(FIELDS), max_size=3, unique=True).map(tuple)
as_of_days = st.sampled_from(["2020-03-31", "2020-05-15", "2020-06-30", LATE])


# -- the counts --------------------------------------------------------------------------


def returns_in(ledger: Ledger, as_of: str) -> int:
    """Returns in the current view that could have happened by ``as_of``."""
    day = dt.date.fromisoformat(as_of)
    return sum(
        1
        for f in ledger.facts()
        if isinstance(f.record, ClaimantReturned) and f.record.on.earliest <= day
    )


@given(ledger=ledgers(max_size=40), by=groupings, as_of=as_of_days)
def test_unsuppressed_totals_count_every_return(
    ledger: Ledger, by: tuple[str, ...], as_of: str
) -> None:
    """Rule: unsuppressed, the returns total is the number of returns, for any grouping.

    Every column total is the sum of its column (groups partition the
    returns), covered + unassured = returns in every row, and no measure
    exceeds returns.
    """
    table = stats(ledger, by, as_of=as_of, suppression=Suppression.NONE)
    assert table.total.returns == returns_in(ledger, as_of)
    assert table.total.returns == check(ledger, as_of).summary.returns
    for m in MEASURES:
        assert sum(getattr(row, m) for row in table.rows) == (getattr(table.total, m) if by else 0)
    for row in (*table.rows, table.total):
        assert row.covered + row.unassured == row.returns  # type: ignore[operator]
        assert row.returned_to_origin <= row.returns  # type: ignore[operator]
        assert row.removed_to_feared <= row.returns  # type: ignore[operator]
    assert all(row.returns >= 1 for row in table.rows)  # type: ignore[operator]


def independent_counts(ledger: Ledger, as_of: str) -> dict[str, int]:
    """Every measure counted straight from the facts, by its definition."""
    day = dt.date.fromisoformat(as_of)
    records = [f.record for f in ledger.facts()]
    backs = [r for r in records if isinstance(r, ClaimantReturned) and r.on.earliest <= day]
    # Unassured: certainly (a return some assurance may cover counts as covered).
    unassured = {
        u.claimant_id for u in check(ledger, as_of).unassured_returns if u.certainty == "certain"
    }
    home, feared = set(), set()
    steps: dict[type, set[str]] = {RemovalOrdered: set(), InterimMeasure: set()}
    steps[CustodyTransferred] = set()
    for r in records:
        back = next((b for b in backs if b.claimant_id == getattr(r, "claimant_id", None)), None)
        if back is None or isinstance(r, ClaimantReturned) or r.on.earliest > day:
            continue
        for kind, claimants in steps.items():
            if isinstance(r, kind):
                claimants.add(back.claimant_id)
        # A custody transfer counts as a removal, by the state that hands the person over.
        if not isinstance(r, Removed | Departed | CustodyTransferred):
            continue
        if r.to == back.origin:
            home.add(r.claimant_id)
        forced = not isinstance(r, Departed) or r.coerced
        if forced and r.to in back.feared:
            feared.add(r.claimant_id)
    return {
        "returns": len(backs),
        "covered": len(backs) - len(unassured),
        "unassured": len(unassured),
        "returned_to_origin": len(home),
        "removed_to_feared": len(feared),
        "removal_ordered": len(steps[RemovalOrdered]),
        "interim_measure": len(steps[InterimMeasure]),
        "custody_transferred": len(steps[CustodyTransferred]),
    }


@given(ledger=ledgers(max_size=40, before_removal=True), as_of=as_of_days)
def test_each_measure_counts_what_it_says(ledger: Ledger, as_of: str) -> None:
    """Rule: each measure is its definition, counted per claimant from the current view.

    returned_to_origin counts any removal, custody transfer or departure to
    the country of origin, so it is at least the checker's
    removed_to_country_of_origin (removals, custody transfers and coerced
    departures only). removal_ordered, interim_measure and
    custody_transferred count the returned claimants with at least one such
    record by the day.
    """
    table = stats(ledger, as_of=as_of, suppression=Suppression.NONE)
    assert dict(zip(MEASURES, table.total.values, strict=True)) == independent_counts(ledger, as_of)
    summary = check(ledger, as_of).summary
    assert table.total.returned_to_origin >= summary.removed_to_country_of_origin  # type: ignore[operator]


@pytest.fixture(scope="module")
def example() -> Ledger:
    """The bundled example (as tests/test_example.py loads it)."""
    return with_example()


def test_the_2020_question_on_the_example(example: Ledger) -> None:
    """Rule: 4 of the example's 7 returned claimants were returned to their country of origin.

    c-002 removed to VE, c-003 removed by MX on to ER, c-004's coerced
    departure to CO, c-006 removed to ER (despite an interim measure); c-007 is
    only ordered removed. Published under the default suppression, 4 shows as
    -- and the 7 returns round to 5.
    """
    raw = stats(example, as_of="2020-06-30", suppression=Suppression.NONE)
    assert raw.total.returned_to_origin == 4
    assert raw.total.returns == 7
    assert (raw.total.covered, raw.total.unassured, raw.total.removed_to_feared) == (6, 1, 4)
    published = stats(example, as_of="2020-06-30")
    assert published.total.returned_to_origin == "--"
    assert published.total.returns == 5


def test_groups_of_the_example(example: Ledger) -> None:
    """Rule: each grouping field gives each claimant one value, as documented."""

    def keys(field: str) -> dict[tuple[str, ...], int]:
        table = stats(example, field, as_of="2020-06-30", suppression=Suppression.NONE)
        return {row.key: row.returns for row in table.rows}  # type: ignore[misc]

    assert keys("nationality") == {
        ("AF",): 1,
        ("CO",): 1,
        ("ER",): 2,
        ("HT",): 1,
        ("VE",): 1,
        ("stateless",): 1,
    }
    assert keys("month") == {("2020-03",): 3, ("2020-04",): 3, ("2020-05",): 1}
    assert keys("final_destination") == {("CO",): 1, ("ER",): 2, ("VE",): 1, ("none",): 3}
    assert keys("outcome") == {
        ("claim_decided",): 1,
        ("departed",): 1,
        ("interim_measure",): 1,  # c-007's last outcome: ordered removed, then the measure
        ("monitoring_visit",): 1,
        ("removed",): 3,
    }
    assert keys("crossing") == {("airport",): 3, ("between_ports",): 3, ("port_of_entry",): 1}
    assert keys("returned_by") == {("CA",): 7}


@pytest.mark.parametrize(
    ("on", "month"),
    [
        ("2020-03-30", "2020-03"),
        ("2020-03", "2020-03"),
        ("2020", "2020"),
        ({"earliest": "2020-03-30", "latest": "2020-04-02"}, "2020"),
        ({"earliest": "2019-12-30", "latest": "2020-01-02"}, "unknown"),
    ],
)
def test_month_of_an_imprecise_return(on: object, month: str) -> None:
    """Rule: a return counts in its month, its year if the month is unsure, else unknown."""
    ledger = Ledger()
    ledger.append(
        ClaimantReturned(
            claimant_id="c-1", on=on, returned_by="CA", returned_to="US", nationalities=[]
        ),
        recorded_by="CA",
    )
    table = stats(ledger, "month", as_of=LATE, suppression=Suppression.NONE)
    assert [row.key for row in table.rows] == [(month,)]


# -- suppression -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "default", "strict"),
    [
        (0, "--", "--"),
        (1, "--", "--"),
        (4, "--", "--"),
        (5, 5, "--"),
        (7, 5, "--"),
        (8, 10, "--"),
        (10, 10, "--"),
        (11, 10, 10),
        (12, 10, 10),
        (13, 15, 15),
        (102, 100, 100),
    ],
)
def test_the_presets_publish_counts_as_documented(
    count: int, default: object, strict: object
) -> None:
    """Rule: default shows 0-4 as --, others rounded to 5; strict hides 0-10."""
    assert Suppression.DEFAULT.publish(count) == default
    assert Suppression.STRICT.publish(count) == strict
    assert Suppression.NONE.publish(count) == count


def test_halves_round_up_with_an_even_base() -> None:
    """Rule: with an even base an exact half rounds up (15 to 20 with base 10)."""
    tens = Suppression(threshold=5, base=10)
    assert [tens.publish(c) for c in (14, 15, 24, 25)] == [10, 20, 20, 30]
    assert tens.bounds(20) == (15, 24)


@pytest.mark.parametrize(
    ("threshold", "base", "field"),
    [
        (1, 5, "threshold"),
        (2, 10, "threshold"),
        (4, 0, "base"),
        (-1, 5, "threshold"),
        (True, 5, "threshold"),
        (4, "5", "base"),
    ],
)
def test_settings_that_could_reveal_a_count_are_refused(
    threshold: object, base: object, field: str
) -> None:
    """Rule: a threshold of 1, one below what rounds to 0, or a base below 1 is refused."""
    with pytest.raises(StatsError) as caught:
        Suppression(threshold=threshold, base=base)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, LedgerError)


@given(count=st.integers(0, 500), preset=st.sampled_from([*PROTECTED, Suppression.NONE]))
def test_bounds_are_what_the_rule_allows(count: int, preset: Suppression) -> None:
    """Rule: a published value's bounds are exactly the counts the rule shows that way."""
    value = preset.publish(count)
    lo, hi = preset.bounds(value)
    assert (lo, hi) == allowed(value, preset.threshold, preset.base, preset.hide_zeros)
    assert lo <= count <= (hi if hi is not None else INF)


@given(
    ledger=ledgers(max_size=40),
    by=groupings,
    as_of=as_of_days,
    preset=st.sampled_from(PROTECTED),
)
def test_no_small_count_is_recovered_from_a_generated_ledger(
    ledger: Ledger, by: tuple[str, ...], as_of: str, preset: Suppression
) -> None:
    """Rule: no count from 1 to the threshold can be worked out by subtraction.

    And every published value is true: the unsuppressed count lies within
    what it allows (a shown number is the rounded count, or x / --).
    """
    table = stats(ledger, by, as_of=as_of, suppression=preset)
    raw = stats(ledger, by, as_of=as_of, suppression=Suppression.NONE)
    assert_nothing_small_recovered(table, raw)
    for row, raw_row in zip((*table.rows, table.total), (*raw.rows, raw.total), strict=True):
        assert row.key == raw_row.key
        for value, count in zip(row.values, raw_row.values, strict=True):
            assert value in (preset.publish(count), "x")  # type: ignore[arg-type]


def _population_ledger(stories: Sequence[list[Record]], returns: int, outcomes: int) -> Ledger:
    ledger = Ledger()
    ledger.extend(build(stories, returns, outcomes), recorded_by="CA")
    return ledger


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    stories=populations(max_claimants=50),
    by=groupings,
    as_of=as_of_days,
    preset=st.sampled_from(PROTECTED),
)
def test_no_small_count_is_recovered_from_large_tables(
    stories: list[list[Record]], by: tuple[str, ...], as_of: str, preset: Suppression
) -> None:
    """Rule: with counts large enough to be rounded, subtraction still recovers no small count."""
    ledger = _population_ledger(stories, len(stories), 10**6)
    table = stats(ledger, by, as_of=as_of, suppression=preset)
    raw = stats(ledger, by, as_of=as_of, suppression=Suppression.NONE)
    assert_nothing_small_recovered(table, raw)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    stories=populations(max_claimants=40),
    by=st.lists(st.sampled_from(FIELDS), max_size=1).map(tuple),
    as_of=as_of_days,
    preset=st.sampled_from(PROTECTED),
)
def test_no_small_count_is_pinned_by_any_reasoning(
    stories: list[list[Record]], by: tuple[str, ...], as_of: str, preset: Suppression
) -> None:
    """Rule: for every hidden count (0 to the threshold), a second table fits the release.

    Not only subtraction: an exhaustive search over whole counts finds another
    table that obeys every relation and every published value, and differs in
    that count, so no reasoning from the release can pin it.
    """
    ledger = _population_ledger(stories, len(stories), 10**6)
    table = stats(ledger, by, as_of=as_of, suppression=preset)
    raw = stats(ledger, by, as_of=as_of, suppression=Suppression.NONE)
    bounds, sums, at_most = relations(table.to_json())
    cap = raw.total.returns + 10  # type: ignore[operator]
    for cell, count in truth_of(raw).items():
        if hidden(table, raw, cell, count):
            lo, hi = bounds[cell]
            assert any(
                consistent_table_exists({**bounds, cell: other}, sums, at_most, cap)
                for other in ((lo, count - 1), (count + 1, hi))
                if other[0] <= other[1]
            ), f"{cell}: no other table has a different count than {count}"


def test_rounding_and_dashes_alone_would_leak() -> None:
    """Rule: a column 10, 10, -- under a total of 15 pins the -- to 1, so stats suppresses more.

    The attacker finds the leak in the table rounding alone would publish, and
    none in the table stats publishes for the same counts.
    """
    naive = {
        "by": ["nationality"],
        "suppression": {"threshold": 4, "base": 5},
        "rows": [
            {
                "nationality": n,
                "returns": v,
                "covered": v,
                "unassured": 0,
                "returned_to_origin": 0,
                "removed_to_feared": 0,
            }
            for n, v in (("CO", "--"), ("ER", 10), ("HT", 10))
        ],
        "total": {
            "returns": 15,
            "covered": 15,
            "unassured": 0,
            "returned_to_origin": 0,
            "removed_to_feared": 0,
        },
    }
    assert attack(naive)[("CO",), "returns"] == (1, 1)
    stories = [story(i, 1, 0, "port_of_entry", "stay") for i in range(8)]
    stories += [story(8 + i, 2, 0, "port_of_entry", "stay") for i in range(8)]
    stories += [story(16, 3, 0, "port_of_entry", "stay")]
    ledger = _population_ledger(stories, 17, 0)
    table = stats(ledger, "nationality", as_of=LATE)
    raw = stats(ledger, "nationality", as_of=LATE, suppression=Suppression.NONE)
    assert [r.returns for r in raw.rows] == [1, 8, 8]
    assert_nothing_small_recovered(table, raw)
    assert "x" in [v for row in (*table.rows, table.total) for v in row.values]


def test_no_measure_above_returns_is_a_relation_too() -> None:
    """Rule: a count pinned only because no measure exceeds returns is protected too.

    ER: 13 returns, 9 covered, 4 unassured, all 13 removed to a feared third
    country. Shown 10 covered and 15 removed to a feared country, returns must
    be at least 13; with the covered total shown, that pins the 4 unassured.
    """
    stories = [story(i, 3, 0, "port_of_entry", "stay") for i in range(13)]
    stories += [
        story(13 + i, 2, 0, "port_of_entry" if i < 9 else "airport", "feared_third")
        for i in range(13)
    ]
    ledger = _population_ledger(stories, 26, 10**6)
    table = stats(ledger, "nationality", as_of=LATE)
    raw = stats(ledger, "nationality", as_of=LATE, suppression=Suppression.NONE)
    assert raw.row("ER").values == (13, 9, 4, 0, 13, 0, 0, 0)
    assert_nothing_small_recovered(table, raw)
    bounds, sums, at_most = relations(table.to_json())
    cell = (("ER",), "unassured")
    assert any(
        consistent_table_exists({**bounds, cell: other}, sums, at_most, 40)
        for other in ((0, 3), (5, 40))
    )


# -- successive releases -------------------------------------------------------------------


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    stories=populations(max_claimants=50),
    cut=st.tuples(st.floats(0, 1), st.floats(0, 1)),
    by=groupings,
    as_ofs=st.tuples(as_of_days, as_of_days),
    preset=st.sampled_from(PROTECTED),
)
def test_no_change_is_recovered_between_releases_of_a_growing_ledger(
    stories: list[list[Record]],
    cut: tuple[float, float],
    by: tuple[str, ...],
    as_ofs: tuple[str, str],
    preset: Suppression,
) -> None:
    """Rule: a release made since an earlier one lets no cell's change of 1..threshold be pinned.

    The ledger grows between the releases (more returns, and outcomes that
    move claimants between groups); the attacker subtracts what each release
    reveals of every cell and total.
    """
    records = build(stories, len(stories), 10**6)
    first_len = len(ASSURANCE) + round(cut[0] * (len(records) - len(ASSURANCE)))
    ledger = Ledger()
    ledger.extend(records[:first_len], recorded_by="CA")
    first = stats(ledger, by, as_of=as_ofs[0], suppression=preset)
    first_raw = stats(ledger, by, as_of=as_ofs[0], suppression=Suppression.NONE)
    ledger.extend(records[first_len:], recorded_by="CA")
    second = stats(ledger, by, as_of=as_ofs[1], suppression=preset, since=first)
    second_raw = stats(ledger, by, as_of=as_ofs[1], suppression=Suppression.NONE)
    assert_nothing_small_recovered(second, second_raw)
    assert_no_change_recovered(first, second, first_raw, second_raw)


@given(
    size=st.integers(0, 60),
    grow=st.integers(0, 60),
    seed=st.integers(0, 2**32 - 1),
    by=groupings,
    preset=st.sampled_from(PROTECTED),
)
def test_no_change_is_recovered_between_releases_of_a_generated_ledger(
    size: int, grow: int, seed: int, by: tuple[str, ...], preset: Suppression
) -> None:
    """Rule: the same, for a generated ledger and its prefix (with corrections, retractions).

    The second release is also made since a JSON round trip of the first, as
    the command line reads it.
    """
    before, after = write_ledger(size, seed), write_ledger(size + grow, seed)
    first = stats(before, by, as_of=LATE, suppression=preset)
    first_raw = stats(before, by, as_of=LATE, suppression=Suppression.NONE)
    again = StatsTable.from_json(json.loads(json.dumps(first.to_json())))
    second = stats(after, by, as_of=LATE, suppression=preset, since=[again])
    second_raw = stats(after, by, as_of=LATE, suppression=Suppression.NONE)
    assert_no_change_recovered(first, second, first_raw, second_raw)


def test_a_cell_pinned_in_both_releases_is_protected() -> None:
    """Rule: a count pinned in two releases whose change is small is suppressed in the second.

    With rounding switched off (threshold 4, base 1) every shown count is
    exact: 10 returns, then 12 (5 covered, the others flown back unassured).
    Made since the first, the second release may not show both 12 and what
    pins it.
    """
    exact = Suppression(threshold=4, base=1)
    crossings = ["port_of_entry"] * 5 + ["airport"] * 7
    stories = [story(i, 0, 0, crossing, "stay") for i, crossing in enumerate(crossings)]
    ledger = _population_ledger(stories, 10, 0)
    first = stats(ledger, as_of=LATE, suppression=exact)
    first_raw = stats(ledger, as_of=LATE, suppression=Suppression.NONE)
    assert first.total.returns == 10
    ledger.extend(build(stories, 12, 0)[len(ASSURANCE) + 10 :], recorded_by="CA")
    alone = stats(ledger, as_of=LATE, suppression=exact)
    assert alone.total.returns == 12  # made alone, it would reveal the 2 new returns
    second = stats(ledger, as_of=LATE, suppression=exact, since=first)
    second_raw = stats(ledger, as_of=LATE, suppression=Suppression.NONE)
    assert second.total.returns == "x"
    assert_no_change_recovered(first, second, first_raw, second_raw)


def test_since_refuses_an_earlier_release_that_revealed_a_small_count() -> None:
    """Rule: if an earlier release pinned a small count that is now 0, stats says so and stops.

    The earlier table here was published by hand, without complementary
    suppression: 5 returns of HT, -- of VE, a total of 6 pins VE at 1. The VE
    return is then retracted: no later table could hide that it went from 1 to 0.
    """
    exact = Suppression(threshold=4, base=1)
    ledger = Ledger()
    ledger.extend(
        [
            ClaimantReturned(
                claimant_id=f"c-{i}",
                on="2020-03-22",
                returned_by="CA",
                returned_to="US",
                nationalities=["VE" if i == 5 else "HT"],
            )
            for i in range(6)
        ],
        recorded_by="CA",
    )
    naive = stats(ledger, "nationality", as_of=LATE, suppression=exact).to_json()
    naive["rows"][1] = {**naive["rows"][1], "returns": "--", "unassured": "--"}
    naive["total"] = {**naive["total"], "returns": 6, "unassured": 6}
    for row in (*naive["rows"], naive["total"]):  # by hand, as before tables stated intervals
        del row["intervals"]
    assert attack(naive)[("VE",), "returns"] == (1, 1)
    ledger.append(Correction(target=6, replacement=None, reason="counted twice"), recorded_by="CA")
    with pytest.raises(StatsError, match="does not itself reveal a small count") as caught:
        stats(
            ledger,
            "nationality",
            as_of=LATE,
            suppression=exact,
            since=[StatsTable.from_json(naive)],
        )
    assert caught.value.field == "since[0]"


def test_since_refuses_a_release_of_another_table(example: Ledger) -> None:
    """Rule: since needs a release of the same grouping and suppression, from this ledger."""
    release = stats(example, "month", as_of="2020-06-30")
    with pytest.raises(StatsError, match="grouped by"):
        stats(example, "nationality", as_of="2020-06-30", since=release)
    with pytest.raises(StatsError, match="same suppression"):
        stats(example, "month", as_of="2020-06-30", suppression=Suppression.STRICT, since=release)
    other = Ledger()
    other.extend(DEFAULT_CODEC.read_records(EXAMPLE.read_bytes())[:5], recorded_by="US")
    with pytest.raises(StatsError, match="not in this ledger"):
        stats(other, "month", as_of="2020-06-30", since=release)
    total = {**release.to_json()["total"], "returns": 10}
    total["intervals"] = {**total["intervals"], "returns": [8, 12]}  # a consistent forgery
    forged = StatsTable.from_json({**release.to_json(), "total": total})
    with pytest.raises(StatsError, match="counts differ"):
        stats(example, "month", as_of="2020-06-30", since=forged)


# -- rendering -------------------------------------------------------------------------------


@given(
    ledger=ledgers(max_size=30),
    by=groupings,
    preset=st.sampled_from([*PROTECTED, Suppression.NONE]),
)
def test_json_and_csv_render_and_read_back(
    ledger: Ledger, by: tuple[str, ...], preset: Suppression
) -> None:
    """Rule: the JSON reads back as an equal table; the CSV holds the same rows and total."""
    table = stats(ledger, by, as_of=LATE, suppression=preset)
    assert StatsTable.from_json(json.loads(json.dumps(table.to_json()))) == table
    lines = list(csv.reader(io.StringIO(table.to_csv())))
    assert lines[0] == [*by, *MEASURES]
    expected = [[*row.key, *map(str, row.values)] for row in table.rows]
    label = ["Total", *[""] * (len(by) - 1)] if by else []
    assert lines[1:] == [*expected, [*label, *map(str, table.total.values)]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"by": "month"}, "by"),
        ({"by": ["colour"]}, "by"),
        ({"as_of": "2020-06"}, "as_of"),
        ({"suppression": {"threshold": 1, "base": 5}}, "suppression.threshold"),
        ({"ledger_head": "abc"}, "ledger_head"),
        ({"measures": ["returns"]}, "measures"),
        ({"total": {"returns": 3}}, "total"),
        ({"extra": 1}, "extra"),
    ],
)
def test_a_bad_release_is_refused_naming_the_field(
    example: Ledger, change: dict[str, Any], field: str
) -> None:
    """Rule: reading a release that is not one raises StatsError naming the field."""
    data = {**stats(example, "month", as_of="2020-06-30").to_json(), **change}
    with pytest.raises(StatsError) as caught:
        StatsTable.from_json(data)
    assert caught.value.field == field


def test_a_value_the_rule_never_shows_is_refused(example: Ledger) -> None:
    """Rule: a count the suppression would never publish (3 under the default) is refused."""
    data = stats(example, "month", as_of="2020-06-30").to_json()
    data["rows"][0]["returns"] = 3
    with pytest.raises(StatsError, match=r"rows\[0\]\.returns: expected '--', 'x', a multiple"):
        StatsTable.from_json(data)


def test_html_escapes_every_value(example: Ledger) -> None:
    """Rule: the notebook table escapes every value (here a hostile group read from a file)."""
    data = stats(example, "month", as_of="2020-06-30").to_json()
    data["rows"] = [{**data["rows"][0], "month": "<script>x</script>"}]
    page = StatsTable.from_json(data)._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert page.startswith("<table>")


def test_text_states_the_suppression(example: Ledger) -> None:
    """Rule: the text table says how its counts were published, then one line per row."""
    text = stats(example, "month", as_of="2020-06-30").to_text()
    lines = text.splitlines()
    assert lines[0].startswith("Returns as of 2020-06-30, by month (counts from 0 to 4 shown as --")
    assert lines[1].split() == ["month", *MEASURES]
    # 7 returns and 6 covered round to 5; 1 unassured, 4 removed home, 2 ordered removed
    # and 2 under an interim measure are --.
    assert lines[-1].split() == ["Total", "5", "5", *["--"] * 6]
    assert str(stats(example, as_of="2020-06-30", suppression=Suppression.NONE)).endswith(
        "7        6          1                   4                  4"
        "                2                2                    0"
    )


@pytest.mark.parametrize(
    ("by", "field"), [(["colour"], "by"), (["month", "month"], "by"), ([3], "by")]
)
def test_a_bad_grouping_is_refused(example: Ledger, by: list[Any], field: str) -> None:
    """Rule: an unknown or repeated grouping field raises StatsError naming by."""
    with pytest.raises(StatsError) as caught:
        stats(example, by, as_of="2020-06-30")
    assert caught.value.field == field


# -- the command line --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory, example: Ledger) -> Path:
    """The example ledger in a JSON Lines file."""
    path = tmp_path_factory.mktemp("stats") / "ledger.jsonl"
    example.export(path)
    return path


def test_cli_stats_in_every_format(stored: Path) -> None:
    """Rule: stats prints the table as text, JSON or CSV, the same counts in each (exit 0)."""
    status, text, _ = run_main("stats", str(stored), "--by", "month", "--as-of", "2020-06-30")
    assert status == 0
    assert text.splitlines()[-1].split() == ["Total", "5", "5", *["--"] * 6]
    status, out, _ = run_main(
        "stats", str(stored), "--by", "month", "--as-of", "2020-06-30", "--format", "json"
    )
    assert status == 0
    table = StatsTable.from_json(json.loads(out))
    assert table.by == ("month",)
    status, out, _ = run_main(
        "stats",
        str(stored),
        "--by",
        "month",
        "--as-of",
        "2020-06-30",
        "--format",
        "csv",
        "--suppression",
        "none",
    )
    assert status == 0
    assert out.splitlines()[-1] == "Total,7,6,1,4,4,2,2,0"


def test_cli_stats_since_a_previous_release(stored: Path, tmp_path: Path) -> None:
    """Rule: --since reads what --format json wrote; the same table again is accepted as is.

    (Nothing changed between the two, so nothing more needs hiding.)
    """
    status, out, _ = run_main("stats", str(stored), "--as-of", "2020-06-30", "--format", "json")
    assert status == 0
    previous = tmp_path / "previous.json"
    previous.write_text(out)
    status, again, err = run_main(
        "stats", str(stored), "--as-of", "2020-06-30", "--format", "json", "--since", str(previous)
    )
    assert (status, err) == (0, "")
    assert json.loads(again) == json.loads(out)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--by", "colour"], "by: expected fields among returned_by"),
        (["--since", "{missing}"], "missing.json"),
        (["--since", "{garbage}"], "garbage.json: expected a stats release as JSON"),
        (["--since", "{other}"], "other.json: expected a release grouped by []"),
        (["--suppression", "loose"], "invalid choice: 'loose'"),
    ],
)
def test_cli_stats_bad_input_exits_2(
    stored: Path, tmp_path: Path, args: list[str], needle: str
) -> None:
    """Rule: a bad field, a bad --since file or a bad option exits 2 with one message."""
    (tmp_path / "garbage.json").write_text("{not json")
    status, out, _ = run_main(
        "stats", str(stored), "--by", "month", "--as-of", "2020-06-30", "--format", "json"
    )
    (tmp_path / "other.json").write_text(out)
    files = {k: str(tmp_path / f"{k}.json") for k in ("missing", "garbage", "other")}
    status, out, err = run_main(
        "stats", str(stored), "--as-of", "2020-06-30", *[a.format(**files) for a in args]
    )
    assert status == 2
    assert out == ""
    assert needle in err
    assert "Traceback" not in err
    if "invalid choice" not in needle:
        assert len(err.strip().splitlines()) == 1


def test_installed_command_runs_stats(stored: Path, tmp_path: Path) -> None:
    """Rule: the installed entry point runs stats (exit 0) and refuses a missing ledger (exit 2)."""
    done = subprocess.run(
        [
            *installed_command(),
            "stats",
            str(stored),
            "--as-of",
            "2020-06-30",
            "--by",
            "nationality",
            "--suppression",
            "strict",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == ",".join(["nationality", *MEASURES])
    missing = subprocess.run(
        [*installed_command(), "stats", str(tmp_path / "missing.jsonl"), "--as-of", "2020-06-30"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert len(missing.stderr.strip().splitlines()) == 1
    assert "missing.jsonl" in missing.stderr
    assert "Traceback" not in missing.stderr
