"""The audit of published tables: its model of the truth, what it finds, and issue 19's attacks.

The audit (``assurance_ledger.audit``) reads published tables as a disclosure
reviewer would and computes, for every published cell, the true counts
consistent with all of them. The tests here check, first, that the model is
right (the truth always lies within every range it claims) and that it finds
the pins issue 19 reported; then they state, as strict expected failures, what
the publication method must achieve and does not yet: they flip to passing
when the method is fixed.
"""

from __future__ import annotations

import itertools
import json
import pickle
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import attrs
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from _cli_helpers import run_command, run_main
from assurance_ledger import (
    DEFAULT_CODEC,
    AssuranceGiven,
    AssuranceRequested,
    AuditError,
    AuditFinding,
    ClaimantReturned,
    Departed,
    Ledger,
    LedgerError,
    NonRefoulement,
    Record,
    Removed,
    Scope,
    StatsAudit,
    StatsTable,
    audit_stats,
)
from assurance_ledger import audit as audit_module
from assurance_ledger.stats import FIELDS, MEASURES, StatsError, Suppression, stats
from assurance_ledger.strategies import ledgers

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "assurance_ledger" / "data" / "canada-us-2020.jsonl"
AS_OF = "2020-06-30"
LATE = "2030-01-01"  # after every generated date
#: 1 to 4 hidden and no rounding: every other count exact, so combining tables pins more.
EXACT = Suppression(threshold=4, base=1)
PRESETS = (Suppression.DEFAULT, Suppression.STRICT, EXACT)

#: A grouping: no field (the total alone), one, or two.
groupings = st.lists(st.sampled_from(FIELDS), max_size=2, unique=True).map(
    lambda fields: tuple(sorted(fields, key=FIELDS.index))
)
as_of_days = st.sampled_from(["2020-03-31", "2020-06-30", LATE])


def pinned(audit: StatsAudit) -> list[AuditFinding]:
    """The protected cells the audit found pinned to one value."""
    return [f for f in audit.findings if f.kind == "pinned"]


def back(i: int, on: str, nationality: str, crossing: str = "unknown") -> ClaimantReturned:
    """Claimant c-i, turned back by CA to the US on ``on``."""
    return ClaimantReturned(
        claimant_id=f"c-{i}",
        on=on,
        returned_by="CA",
        returned_to="US",
        crossing=crossing,
        nationalities=[nationality],
    )


def haitian_ledger() -> Ledger:
    """Issue 19's ledger: 7 Haitian returns (5 in March, 1 in April, 1 in May), and others."""
    groups = [("HT", "2020-03-22", 5), ("HT", "2020-04-10", 1), ("HT", "2020-05-10", 1)]
    groups += [("VE", day, 6) for day in ("2020-03-25", "2020-04-11", "2020-05-11")]
    groups += [("CO", "2020-03-26", 8), ("CO", "2020-05-02", 9)]
    returns = [(nation, day) for nation, day, count in groups for _ in range(count)]
    ledger = Ledger()
    ledger.extend([back(i, day, n) for i, (n, day) in enumerate(returns)], recorded_by="CA")
    return ledger


PROMISE = [NonRefoulement()]
#: An assurance given for returns at ports of entry only.
ASSURANCE = [
    AssuranceRequested(
        assurance_id="a-1",
        requested_by="CA",
        requested_of="US",
        on="2020-03-19",
        commitments=PROMISE,
    ),
    AssuranceGiven(
        assurance_id="a-1",
        given_by="US",
        given_to="CA",
        on="2020-03-20",
        form="diplomatic_note",
        commitments=PROMISE,
        scope=Scope(returns_from="2020-03-21", crossings=["port_of_entry"]),
    ),
]


def two_unassured_haitians() -> Ledger:
    """Two Haitians flown back (the assurance covers ports of entry only) and 10 Venezuelans."""
    ledger = Ledger()
    ledger.extend(
        [
            *ASSURANCE,
            *(back(i, "2020-03-22", "HT", crossing="airport") for i in range(2)),
            *(back(i, "2020-03-22", "VE", crossing="port_of_entry") for i in range(2, 12)),
        ],
        recorded_by="CA",
    )
    return ledger


NATIONS = ("HT", "VE", "CO", "ER")
DAYS = ("2020-03-22", "2020-03-25", "2020-04-02", "2020-04", "2020-05-03")
CROSSINGS = ("port_of_entry", "between_ports", "airport")


def _population(people: list[tuple[str, str, str, str]]) -> Ledger:
    """Returns of ``(nationality, day, crossing, fate)``; fate is stay, home or third (MX)."""
    removals = [
        Removed(
            outcome_id=f"o-{i}",
            claimant_id=f"c-{i}",
            on="2020-06-10",
            by="US",
            to=nation if fate == "home" else "MX",
        )
        for i, (nation, _, _, fate) in enumerate(people)
        if fate != "stay"
    ]
    returns = [back(i, day, n, crossing) for i, (n, day, crossing, _) in enumerate(people)]
    ledger = Ledger()
    ledger.extend([*ASSURANCE, *returns, *removals], recorded_by="CA")
    return ledger


#: Ledgers of up to 60 claimants of few kinds: counts pass the threshold, and rounding matters.
populations = st.lists(
    st.tuples(
        st.sampled_from(NATIONS),
        st.sampled_from(DAYS),
        st.sampled_from(CROSSINGS),
        st.sampled_from(("stay", "home", "third")),
    ),
    max_size=60,
).map(_population)
#: The project's generated ledgers (every record type, the steps before a removal among
#: them, corrections, imprecise dates) or populations.
any_ledgers = ledgers(max_size=50) | ledgers(max_size=50, before_removal=True) | populations


def example_ledger() -> Ledger:
    """The bundled example, loaded as docs/stats.md loads it."""
    records = DEFAULT_CODEC.read_records(EXAMPLE.read_bytes())
    ledger = Ledger()
    ledger.extend(records[:20], recorded_by="CA", recorded_at="2020-06-01T12:00:00Z")
    ledger.extend(records[20:], recorded_by="CA", recorded_at="2020-06-29T12:00:00Z")
    return ledger


def publish(
    ledger: Ledger,
    bys: Sequence[tuple[str, ...]],
    as_of: str = AS_OF,
    suppression: Suppression = Suppression.DEFAULT,
) -> list[StatsTable]:
    """The tables ``stats`` publishes for each grouping, each on its own (not together)."""
    return [stats(ledger, by, as_of=as_of, suppression=suppression) for by in bys]


def publish_together(
    ledger: Ledger,
    bys: Sequence[tuple[str, ...]],
    as_of: str = AS_OF,
    suppression: Suppression = Suppression.DEFAULT,
    refused: Literal["raise", "skip"] = "raise",
) -> list[StatsTable]:
    """The tables published one after the other, each beside those before it (the method).

    A refused table raises, unless ``refused`` is ``"skip"``: then it is left out.
    """
    tables: list[StatsTable] = []
    for by in bys:
        try:
            table = stats(ledger, by, as_of=as_of, suppression=suppression, published=tables)
        except StatsError as exc:
            if refused != "skip" or exc.field != "published":
                raise
            continue
        tables.append(table)
    return tables


#: Tables that version 0.1's method published of the example as of 2020-06-30, each alone
#: (zeros shown, no release log): kept as published, the attacks of issue 19 on them.
V1 = Path(__file__).resolve().parent / "published_v1"


def v1(name: str) -> StatsTable:
    """The earlier method's table of the example: ``total``, or the name of its grouping field."""
    return StatsTable.from_json(json.loads((V1 / f"example-{name}.json").read_text()))


#: The earlier look: 1 to 4 shown as --, others rounded to 5, a 0 shown as 0.
ZEROS_SHOWN = Suppression(threshold=4, base=5, hide_zeros=False)


# -- the model ---------------------------------------------------------------------------------


@settings(max_examples=100)
@given(
    ledger=any_ledgers,
    bys=st.lists(groupings, min_size=1, max_size=4, unique=True),
    presets=st.lists(st.sampled_from(PRESETS), min_size=4, max_size=4),
    as_of=as_of_days,
)
def test_the_truth_lies_within_every_range(
    ledger: Ledger, bys: list[tuple[str, ...]], presets: list[Suppression], as_of: str
) -> None:
    """Rule: every true count lies within the feasible range the audit gives its cell.

    The true counts are one solution of the model, so a range that excluded
    them would mean the model assumes something the method does not do. Each
    table is published with its own suppression, as a reader may combine any.
    """
    tables = [
        stats(ledger, by, as_of=as_of, suppression=preset)
        for by, preset in zip(bys, presets, strict=False)
    ]
    audit = audit_stats(tables)
    truth = {}
    for t, by in enumerate(bys):
        raw = stats(ledger, by, as_of=as_of, suppression=Suppression.NONE)
        for row in (*raw.rows, raw.total):
            truth.update({(t, row.key, m): v for m, v in zip(MEASURES, row.values, strict=True)})
    assert len(audit.cells) == len(truth)
    for cell in audit.cells:
        count = truth[cell.table, cell.key, cell.measure]
        assert cell.low <= count, cell  # type: ignore[operator]
        assert cell.high is None or count <= cell.high, cell  # type: ignore[operator]


@settings(max_examples=100)
@given(ledger=any_ledgers, by=groupings, preset=st.sampled_from(PRESETS), as_of=as_of_days)
def test_each_table_alone_has_nothing_pinned(
    ledger: Ledger, by: tuple[str, ...], preset: Suppression, as_of: str
) -> None:
    """Rule: one table on its own pins no protected cell (the method's one-table guarantee).

    The audit's integer programming is an attacker independent of the
    method's witness search: it must agree that each table alone holds.
    """
    table = stats(ledger, by, as_of=as_of, suppression=preset)
    assert pinned(audit_stats([table])) == []


def _person(i: int, nation: str, month: str, kind: tuple[bool, bool, bool]) -> list[Record]:
    """Claimant c-i, returned in ``month``: ``kind`` says covered, returned to origin, to feared.

    Covered means turned back at a port of entry (the assurance's scope).
    Returned to origin and not to a feared country: a departure home that was
    not coerced; the reverse: a removal to MX, which this claimant fears.
    """
    covered, home, feared = kind
    claimant = attrs.evolve(
        back(i, f"{month}-22", nation, "port_of_entry" if covered else "airport"),
        feared_countries=[nation, "MX"],
    )
    c, o = f"c-{i}", f"o-{i}"
    if home and feared:
        return [claimant, Removed(outcome_id=o, claimant_id=c, on="2020-06-10", by="US", to=nation)]
    if home:
        return [claimant, Departed(outcome_id=o, claimant_id=c, on="2020-06-10", to=nation)]
    if feared:
        return [claimant, Removed(outcome_id=o, claimant_id=c, on="2020-06-10", by="US", to="MX")]
    return [claimant]


KINDS = list(itertools.product((False, True), repeat=3))
SMALL_BYS = [(), ("nationality",), ("month",), ("nationality", "month")]


@settings(max_examples=15)
@given(
    people=st.lists(
        st.tuples(st.sampled_from(("HT", "VE")), st.sampled_from(("2020-03", "2020-04"))),
        max_size=4,
    ).flatmap(
        lambda people: st.tuples(
            st.just(people),
            st.lists(st.sampled_from(KINDS), min_size=len(people), max_size=len(people)),
        )
    ),
    bys=st.lists(st.sampled_from(SMALL_BYS), min_size=1, max_size=4, unique=True),
    preset=st.sampled_from((Suppression.DEFAULT, EXACT)),
)
def test_every_range_is_exactly_what_some_population_explains(
    people: tuple[list[tuple[str, str]], list[tuple[bool, bool, bool]]],
    bys: list[tuple[str, ...]],
    preset: Suppression,
) -> None:
    """Rule: each range's ends are reached by some population of claimants, and no count beyond.

    An independent attacker, by brute force rather than integer programming:
    every population of up to 4 claimants (each with one of the listed
    nationalities and months, covered or not, returned to origin or not, to a
    feared country or not, with the steps before a removal or not) whose
    tables fit every published value. The least
    and greatest count of each cell over them must be the audit's range: the
    model assumes nothing the rules do not say, and misses nothing they do.
    """
    places, kinds = people
    ledger = Ledger()
    ledger.extend(
        [*ASSURANCE, *(r for i, p in enumerate(places) for r in _person(i, *p, kinds[i]))],
        recorded_by="CA",
    )
    tables = publish(ledger, bys, suppression=preset)
    # Populations are enumerated up to 4 claimants: what a total shown -- or 0 allows.
    assume(all(t.total.returns in ("--", 0) for t in tables))
    audit = audit_stats(tables)
    listed = {
        f: sorted({row.key[t.by.index(f)] for t in tables if f in t.by for row in t.rows})
        for f in ("nationality", "month")
    }
    # The claimants have no steps before a removal, so every table shows -- for each
    # of removal_ordered, interim_measure and custody_transferred: one flag per person,
    # ``steps``, moving the three together, reaches each one's every count.
    steps_shown = {
        getattr(row, m) for t in tables for row in (*t.rows, t.total) for m in MEASURES[5:]
    }
    assert steps_shown == {"--"}
    types = [
        (n, m, *kind)
        for n in listed["nationality"] or ["HT"]
        for m in listed["month"] or ["2020-03"]
        for kind in KINDS
    ]
    ranges: dict[tuple[int, tuple[str, ...], str], list[int]] = {}
    for size in range(5):  # every total shown is -- or 0: 4 at most
        for people_of in itertools.combinations_with_replacement(types, size):
            counts = _counts([(*p, False) for p in people_of], tables)
            if counts is None:
                continue
            # Each -- of a step allows 0 to 4, so with 4 people or fewer every choice of
            # whom to flag fits too: a step's cell reaches from 0 to its row's returns.
            flagged = _counts([(*p, True) for p in people_of], tables)
            assert flagged is not None
            for cell, count in counts.items():
                for reached in (count, flagged[cell]):
                    low, high = ranges.setdefault(cell, [reached, reached])
                    ranges[cell] = [min(low, reached), max(high, reached)]
    assert ranges, "the true population fits"
    for cell in audit.cells:
        assert [cell.low, cell.high] == ranges[cell.table, cell.key, cell.measure], cell


def _counts(
    population: Sequence[tuple[str, str, bool, bool, bool, bool]], tables: Sequence[StatsTable]
) -> dict[tuple[int, tuple[str, ...], str], int] | None:
    """The cells ``population`` gives every table, or None if one does not fit what was shown.

    Each person is counted in returns, covered or unassured, returned to
    origin, removed to a feared country, and (``steps``) in each of the three
    steps before a removal.
    """
    counts = {}
    width = len(MEASURES)
    for t, table in enumerate(tables):
        groups: dict[tuple[str, ...], list[int]] = {}
        total = [0] * width
        for nation, month, covered, home, feared, steps in population:
            values = {"nationality": nation, "month": month}
            person = [1, int(covered), int(not covered), int(home), int(feared), *[int(steps)] * 3]
            key = tuple(values[f] for f in table.by)
            here = groups.get(key, [0] * width)
            groups[key] = [a + b for a, b in zip(here, person, strict=True)]
            total = [a + b for a, b in zip(total, person, strict=True)]
        if table.by and set(groups) != {row.key for row in table.rows}:
            return None  # a listed group is empty, or a non-empty one is not listed
        for row, got in [*((row, groups[row.key]) for row in table.rows), (table.total, total)]:
            for measure, value, count in zip(table.measures, row.values, got, strict=True):
                low, high = table.suppression.bounds(value)
                if not low <= count <= (count if high is None else high):
                    return None
                counts[t, row.key, measure] = count
    return counts


def test_the_audit_finds_the_april_pin() -> None:
    """Rule: issue 19's attack is found: by nationality and by nationality x month pin April to 1.

    Haitian returns shown 5 (5 to 7), March 5 (5 to 7), April and May -- (at
    least 1 each): only 5 in March, 1 in April and 1 in May fit. The tables
    are what the current method publishes, so this proves the auditor works on
    them.
    """
    tables = publish(haitian_ledger(), [("nationality",), ("nationality", "month")])
    assert tables[1].row("HT", "2020-04").returns == "--"
    audit = audit_stats(tables)
    haitians = audit.cell(0, ("HT",), "returns")
    assert (haitians.shown, haitians.low, haitians.high) == (5, 7, 7)  # large counts may be pinned
    for month in ("2020-04", "2020-05"):
        cell = audit.cell(1, ("HT", month), "returns")
        assert (cell.low, cell.high, cell.shown) == (1, 1, "--")
        assert any(f.cell == cell and f.kind == "pinned" for f in audit.findings)
    assert not audit.ok
    assert audit.cell(1, ("HT", "2020-03"), "returns").high == 5  # and March is 5, exactly


def test_total_and_nationality_of_the_example_pin_fourteen_cells() -> None:
    """Rule: the documented example's total and nationality tables pin 14 protected cells.

    The total shows covered as --, the nationality table as x: together, the
    covered total is 4, and the one-person groups are pinned (issue 19). The
    tables are those the earlier method published, each alone.
    """
    audit = audit_stats([v1("total"), v1("nationality")])
    assert len(pinned(audit)) == 14
    assert audit.cell(1, (), "covered").shown == "x"
    assert (audit.cell(1, (), "covered").low, audit.cell(1, (), "covered").high) == (4, 4)


def hand_made(rows: list[dict[str, object]], total: dict[str, object]) -> StatsTable:
    """A table by nationality (or the total alone, without rows), as a JSON release states it."""
    return StatsTable.from_json(
        {
            "by": ["nationality"] if rows else [],
            "as_of": AS_OF,
            "suppression": {"threshold": 4, "base": 5},
            "ledger_head": None,
            # A hand-made release may be an old one, without the steps before a removal.
            "measures": [m for m in MEASURES if m in total],
            "rows": rows,
            "total": total,
        }
    )


def test_a_narrowed_dash_is_reported_but_is_not_a_disclosure() -> None:
    """Rule: a -- whose range is narrower than 1 to 4 is a narrowed finding; ok stays true.

    A total of -- returns, -- covered and -- unassured: covered and unassured
    are each at least 1, so returns is 2 to 4, and each of them 1 to 3.
    """
    audit = audit_stats([hand_made([], dict.fromkeys(MEASURES, "--"))])
    assert audit.ok
    assert [(f.kind, f.cell.measure, f.cell.low, f.cell.high) for f in audit.findings] == [
        ("narrowed", "returns", 2, 4),
        ("narrowed", "covered", 1, 3),
        ("narrowed", "unassured", 1, 3),
    ]
    assert audit.cell(0, (), "returned_to_origin").high == 4


def test_a_count_nothing_bounds_has_no_highest() -> None:
    """Rule: a range nothing published bounds above has no high end (None; null in JSON)."""
    total = {"returns": "x", "covered": "x", "unassured": 0}
    audit = audit_stats([hand_made([], total | dict.fromkeys(MEASURES[3:], 0))])
    returns = audit.cell(0, (), "returns")
    assert (returns.low, returns.high) == (1, None)
    assert returns.to_json()["range"] == [1, None]
    assert audit.ok
    assert audit.findings == ()


def test_a_shown_zero_beside_a_dash_is_found() -> None:
    """Rule: returns -- with covered 0 tells each member's coverage: an every_member finding.

    Two Haitians, unassured, next to 10 covered Venezuelans: the nationality
    table, with zeros shown, shows HT returns --, covered 0, unassured --.
    """
    ledger = two_unassured_haitians()
    audit = audit_stats(publish(ledger, [("nationality",)], suppression=ZEROS_SHOWN))
    found = [f for f in audit.findings if f.kind == "every_member" and f.cell.key == ("HT",)]
    assert {f.cell.measure for f in found} >= {"covered", "unassured"}
    assert not audit.ok
    assert "none of this group's 1 to 4 returns was covered" in audit.to_text()


def test_a_fact_shared_by_a_larger_group_is_not_the_small_groups() -> None:
    """Rule: every_member is not reported when a published group known to be larger shares it.

    Nobody is covered anywhere (no assurance): the total's covered 0 already
    tells it of everybody, and the small groups add nothing.
    """
    audit = audit_stats(publish(haitian_ledger(), [("nationality", "month")]))
    assert [f for f in audit.findings if f.kind == "every_member"] == []


# -- issue 19: what the method must achieve (strict expected failures until it does) -----------


def test_a_grouping_and_its_refinement_pin_nothing() -> None:
    """Rule: by nationality and by nationality x month, published together, pin no small count."""
    tables = publish_together(haitian_ledger(), [("nationality",), ("nationality", "month")])
    audit = audit_stats(tables)
    assert pinned(audit) == []


def test_the_documented_example_passes_the_audit() -> None:
    """Rule: the tables docs/stats.md publishes of the example, audited together, disclose nothing.

    The total, and one table per grouping field, as of 2020-06-30: the audit
    finds no protected cell pinned and no small group's members told apart.
    """
    audit = audit_stats(publish_together(example_ledger(), [(), *((f,) for f in FIELDS)]))
    assert audit.disclosures == ()


def test_a_shown_zero_beside_a_dash_tells_nothing_of_each_member() -> None:
    """Rule: no published table tells a measure of every member of a group of 1 to 4 returns.

    Two unassured Haitians beside 10 covered Venezuelans, by nationality:
    covered 0 next to returns -- must not be published as it is.
    """
    ledger = two_unassured_haitians()
    assert audit_stats(publish(ledger, [("nationality",)])).ok


@settings(max_examples=50)
@given(
    ledger=ledgers(min_size=10, max_size=60)
    | ledgers(min_size=10, max_size=60, before_removal=True)
    | populations,
    bys=st.lists(groupings, min_size=3, max_size=6, unique=True),
    as_of=as_of_days,
)
@example(
    ledger=haitian_ledger(),
    bys=[(), ("nationality",), ("month",), ("nationality", "month")],
    as_of=AS_OF,
)
def test_tables_published_for_one_day_pin_nothing(
    ledger: Ledger, bys: list[tuple[str, ...]], as_of: str
) -> None:
    """Rule: any 3 to 6 groupings of one ledger, published together for one day, disclose nothing.

    Published one after the other, each beside those before it: the audit
    finds no protected cell pinned, and no small group's members told apart.
    A table that would pin a cell whatever it hid (its groups alone, each at
    least one return, add up to what an earlier table caps) is refused, and so
    is not published.
    """
    tables = publish_together(ledger, bys, as_of, refused="skip")
    assert audit_stats(tables).disclosures == ()


# -- the value, and what it refuses ------------------------------------------------------------


def test_the_audit_is_a_value_and_renders() -> None:
    """Rule: an audit is immutable; its JSON and text name each finding's table, row and range."""
    tables = publish(haitian_ledger(), [("nationality",), ("nationality", "month")])
    audit = audit_stats(tables)
    with pytest.raises(AttributeError):
        audit.findings = ()  # type: ignore[misc]
    data = json.loads(json.dumps(audit.to_json(["nat.json", "nat-month.json"])))
    assert data["ok"] is False
    assert [t["name"] for t in data["tables"]] == ["nat.json", "nat-month.json"]
    first = next(f for f in data["findings"] if f["key"] == ["HT", "2020-04"])
    assert first == {
        "kind": "pinned",
        "table": 1,
        "by": ["nationality", "month"],
        "key": ["HT", "2020-04"],
        "measure": "returns",
        "shown": "--",
        "range": [1, 1],
        "explanation": "shown --, but only 1 fits every table published",
    }
    assert len(data["cells"]) == len(audit.cells) == len(MEASURES) * (4 + 9)
    text = audit.to_text(["nat.json", "nat-month.json"])
    assert "pinned: nat-month.json, nationality HT, month 2020-04, returns: shown --" in text
    assert str(audit) == audit.to_text()


def test_text_escapes_what_a_table_holds() -> None:
    """Rule: group values and table names are printed on one line, controls visible."""
    zeros = {"returned_to_origin": 0, "removed_to_feared": 0}
    table = hand_made(
        [
            {"nationality": "HT\nAll clear.", "returns": "--", "covered": 0, "unassured": "--"}
            | zeros,
            {"nationality": "VE", "returns": 10, "covered": 10, "unassured": 0} | zeros,
        ],
        {"returns": 10, "covered": 10, "unassured": "--"} | zeros,
    )
    audit = audit_stats([table])
    assert not audit.ok
    text = audit.to_text(["a\rb.json"])
    assert "every_member: a\\rb.json, nationality HT\\nAll clear., covered: shown 0" in text
    assert all(line.isprintable() for line in text.splitlines())
    assert len(text.splitlines()) == 3 + len(audit.findings)


def test_tables_that_cannot_be_audited_together_are_refused() -> None:
    """Rule: no tables, a non-table, another day, another ledger state: AuditError naming it."""
    ledger = example_ledger()
    table = stats(ledger, as_of=AS_OF)
    later = stats(ledger, as_of="2020-07-31")
    other = Ledger()
    other.extend(DEFAULT_CODEC.read_records(EXAMPLE.read_bytes())[:8], recorded_by="US")
    cases: list[tuple[object, int | None, str]] = [
        ([], None, "at least one table"),
        ("tables", None, "a list of StatsTable"),
        ([table, table.to_json()], 1, "a StatsTable"),
        ([table, later], 1, "a table as of 2020-06-30"),
        ([table, stats(other, as_of=AS_OF)], 1, "the same ledger state"),
    ]
    for tables, index, needle in cases:
        with pytest.raises(AuditError) as caught:
            audit_stats(tables)  # type: ignore[arg-type]
        assert caught.value.table == index
        assert needle in str(caught.value)
        assert isinstance(caught.value, LedgerError)
        assert isinstance(caught.value, ValueError)
    assert audit_stats(table).tables == (table,)  # one table alone is a list of one


def test_tables_no_ledger_could_publish_are_refused() -> None:
    """Rule: tables no true counts fit together (one altered) are refused, not audited.

    The second table says 20 to 22 Haitians; the first, 5 to 7.
    """
    tables = publish(haitian_ledger(), [("nationality",), ("nationality", "month")])
    data = tables[0].to_json()
    data["rows"][1] = {**data["rows"][1], "returns": 20, "unassured": 20}
    del data["rows"][1]["intervals"]
    with pytest.raises(AuditError, match="no counts fit") as caught:
        audit_stats([StatsTable.from_json(data), tables[1]])
    assert caught.value.table is None
    again = pickle.loads(pickle.dumps(caught.value))
    assert (type(again), str(again), again.table) == (AuditError, str(caught.value), None)


def test_too_many_combinations_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: tables whose groupings make more combinations than the audit takes are refused.

    (Each combination is four unknowns of every integer program: the limit
    keeps an audit from running for hours; it is lowered here to test it.)
    """
    monkeypatch.setattr(audit_module, "MAX_COMBINATIONS", 9)
    with pytest.raises(AuditError, match="at most 9 combinations") as caught:
        audit_stats(publish(example_ledger(), [("nationality",), ("month",)]))
    assert caught.value.table is None
    assert "more than 9 by nationality, month" in str(caught.value)


def test_scipy_is_not_needed_until_an_audit_runs() -> None:
    """Rule: without scipy (and numpy), the package imports and publishes tables as before."""
    code = (
        "import sys; sys.modules['scipy'] = sys.modules['numpy'] = None\n"
        "import assurance_ledger as a\n"
        "print(a.stats(a.Ledger(), as_of='2020-06-30').total.returns)\n"
        "try:\n"
        "    a.audit_stats([a.stats(a.Ledger(), as_of='2020-06-30')])\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "--"
    assert "pip install 'assurance-ledger[audit]'" in done.stdout


def test_without_scipy_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: without scipy, the audit raises ImportError saying which extra to install."""
    monkeypatch.setitem(sys.modules, "scipy", None)
    with pytest.raises(ImportError, match=r"pip install 'assurance-ledger\[audit\]'") as caught:
        audit_stats([stats(example_ledger(), as_of=AS_OF)])
    assert "pip install -e '.[audit]'" in str(caught.value)


# -- the command line --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of tables as ``stats --format json`` writes them, of the example.

    ``total`` and ``nationality`` are what the earlier method published, each
    alone: together they disclose (issue 19).
    """
    folder = tmp_path_factory.mktemp("published")
    ledger = example_ledger()
    for name in ("total", "nationality"):  # the earlier method's, each published alone
        (folder / f"{name}.json").write_bytes((V1 / f"example-{name}.json").read_bytes())
    table = stats(ledger, as_of="2020-07-31")
    (folder / "july.json").write_text(json.dumps(table.to_json(), indent=2))
    (folder / "garbage.json").write_text("{not json")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "other.json").write_text('{"breaches": []}')
    return folder


def test_cli_exits_0_when_nothing_is_disclosed(published: Path) -> None:
    """Rule: stats-audit exits 0 and says so when the tables disclose nothing."""
    done = run_command("stats-audit", "total.json", cwd=published)
    assert (done.returncode, done.stderr) == (0, "")
    assert "nothing disclosed, nothing narrowed" in done.stdout
    assert "total.json: the total" in done.stdout


def test_cli_exits_1_when_something_is_disclosed(published: Path) -> None:
    """Rule: stats-audit exits 1 and lists each disclosed cell by file, row and measure."""
    done = run_command("stats-audit", "total.json", "nationality.json", cwd=published)
    assert (done.returncode, done.stderr) == (1, "")
    assert "pinned: nationality.json, nationality ER, returns: shown --, but only 1" in done.stdout
    done = run_command(
        "stats-audit", "total.json", "nationality.json", "--format", "json", cwd=published
    )
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["ok"] is False
    assert sum(f["kind"] == "pinned" for f in data["findings"]) == 14


@pytest.mark.parametrize(
    ("files", "needle"),
    [
        (["garbage.json"], "garbage.json: expected a stats release as JSON"),
        (
            ["deep.json"],
            "deep.json: expected a stats release as JSON (as stats --format json "
            "writes it), got JSON nested too deep",
        ),
        (["other.json"], "other.json: not a stats release: breaches: expected no such field"),
        (["missing.json"], "missing.json"),
        (["total.json", "july.json"], "july.json: expected a table as of 2020-06-30"),
    ],
)
def test_cli_bad_input_exits_2(published: Path, files: list[str], needle: str) -> None:
    """Rule: a file that is not JSON, not a stats table, missing, or of another day: exit 2.

    One message, naming the file, and no traceback.
    """
    done = run_command("stats-audit", *files, cwd=published)
    assert done.returncode == 2
    assert done.stdout == ""
    assert needle in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_cli_without_scipy_exits_2_naming_the_extra(
    published: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: without scipy, stats-audit exits 2 with one message naming the audit extra."""
    monkeypatch.setitem(sys.modules, "scipy", None)
    status, out, err = run_main("stats-audit", str(published / "total.json"))
    assert (status, out) == (2, "")
    assert "pip install 'assurance-ledger[audit]'" in err
    assert len(err.strip().splitlines()) == 1
