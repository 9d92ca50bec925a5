"""The release log: tables published one after the other, each safe beside those before it.

``ReleaseLog.publish`` and the command line's ``stats`` (which keeps
``LEDGER.releases.jsonl`` by default) make each table beside the log's tables of
the same ledger state and day, and log it; the audit (an integer program over
everything published) is the independent judge that nothing hidden is pinned.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _cli_helpers import run_main
from assurance_ledger import (
    DEFAULT_CODEC,
    LOG_SUFFIX,
    ClaimantReturned,
    Ledger,
    ReleaseLog,
    StatsError,
    StatsTable,
    StoreError,
    audit_stats,
    stats,
)
from assurance_ledger.datapackage import datapackage
from assurance_ledger.stats import MEASURES, Suppression
from assurance_ledger.strategies import ledgers

AS_OF = "2020-06-30"
#: Issue 19's attack: by nationality, then by nationality and month.
ATTACK = [["nationality"], ["nationality", "month"]]


def back(i: int, day: str, nation: str) -> ClaimantReturned:
    """Claimant c-i, turned back by CA to the US on ``day``."""
    return ClaimantReturned(
        claimant_id=f"c-{i}", on=day, returned_by="CA", returned_to="US", nationalities=[nation]
    )


def haitians() -> Ledger:
    """7 Haitians (5 in March, 1 in April, 1 in May) and 18 Venezuelans, 6 a month."""
    days = ["2020-03-22"] * 5 + ["2020-04-10", "2020-05-10"]
    ledger = Ledger()
    ledger.extend([back(i, day, "HT") for i, day in enumerate(days)], recorded_by="CA")
    ledger.extend([back(7 + i, f"2020-0{3 + i % 3}-25", "VE") for i in range(18)], recorded_by="CA")
    return ledger


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """The Haitian ledger in a JSON Lines file, alone in its folder."""
    path = tmp_path / "ledger.jsonl"
    haitians().export(path)
    return path


def test_tables_published_through_the_log_pass_the_audit(tmp_path: Path) -> None:
    """Rule: tables published one after the other through a log disclose nothing together.

    Issue 19's attack (by nationality, then by nationality and month) pins the
    April and May Haitians when each table is made alone; through the log it
    pins nothing, and the log holds both tables, in order.
    """
    ledger = haitians()
    alone = [stats(ledger, by, as_of=AS_OF) for by in ATTACK]
    assert not audit_stats(alone).ok
    log = ReleaseLog(tmp_path / "log.jsonl")
    tables = [log.publish(ledger, by, as_of=AS_OF) for by in ATTACK]
    assert audit_stats(tables).disclosures == ()
    assert log.tables() == tuple(tables)


def test_the_command_line_keeps_a_log_beside_the_ledger(stored: Path) -> None:
    """Rule: stats on the command line protects each table beside those it printed before.

    Five tables printed one after the other pass the audit together, and each
    is a line of LEDGER.releases.jsonl.
    """
    printed = []
    for by in [[], ["nationality"], ["month"], ["crossing"], ["nationality", "month"]]:
        status, out, err = run_main(
            "stats", str(stored), *(["--by", *by] if by else []), "--as-of", AS_OF,
            "--format", "json",
        )  # fmt: skip
        assert (status, err) == (0, "")
        printed.append(StatsTable.from_json(json.loads(out)))
    assert audit_stats(printed).disclosures == ()
    log = stored.with_name(stored.name + LOG_SUFFIX)
    assert ReleaseLog(log).tables() == tuple(printed)


def test_the_same_table_again_is_the_same_and_logged_once(tmp_path: Path) -> None:
    """Rule: publishing a table the log holds returns it as it was, and does not log it again."""
    ledger = haitians()
    log = ReleaseLog(tmp_path / "log.jsonl")
    first = log.publish(ledger, "nationality", as_of=AS_OF)
    log.publish(ledger, ["nationality", "month"], as_of=AS_OF)
    assert log.publish(ledger, "nationality", as_of=AS_OF) == first
    assert len(log.tables()) == 2


def test_a_table_nothing_can_protect_is_refused_and_not_logged(tmp_path: Path) -> None:
    """Rule: a table whose listing alone pins a hidden count is refused, naming the cell.

    Four claimants of four nationalities: the total shows returns as --, and a
    table by nationality would list four groups, each at least one return,
    under a total of at most 4: it would pin the total at 4.
    """
    ledger = Ledger()
    ledger.extend(
        [back(i, "2020-03-22", nation) for i, nation in enumerate(["CO", "ER", "HT", "VE"])],
        recorded_by="CA",
    )
    log = ReleaseLog(tmp_path / "log.jsonl")
    log.publish(ledger, as_of=AS_OF)
    before = log.path.read_bytes()
    with pytest.raises(StatsError) as caught:
        log.publish(ledger, "nationality", as_of=AS_OF)
    assert caught.value.field == "published"
    assert "would reveal returns of the total" in str(caught.value)
    assert log.path.read_bytes() == before


def test_earlier_releases_of_the_same_table_are_taken_as_since(tmp_path: Path) -> None:
    """Rule: the log's earlier releases of the same table protect the change since them.

    What the log publishes after the ledger grew is what stats publishes
    since the earlier release.
    """
    exact = Suppression(threshold=4, base=1)
    ledger = Ledger()
    ledger.extend([back(i, "2020-03-22", "HT") for i in range(10)], recorded_by="CA")
    log = ReleaseLog(tmp_path / "log.jsonl")
    march = log.publish(ledger, as_of="2020-03-31", suppression=exact)
    ledger.extend([back(i, "2020-04-02", "HT") for i in range(10, 12)], recorded_by="CA")
    april = log.publish(ledger, as_of="2020-04-30", suppression=exact)
    assert april == stats(ledger, as_of="2020-04-30", suppression=exact, since=march)
    assert april != stats(ledger, as_of="2020-04-30", suppression=exact)


def test_raw_counts_are_never_logged(stored: Path, tmp_path: Path) -> None:
    """Rule: raw counts are refused by a log, and the command line keeps none for them.

    Nor does --no-log write one.
    """
    with pytest.raises(StatsError, match="raw counts"):
        ReleaseLog(tmp_path / "log.jsonl").publish(
            haitians(), as_of=AS_OF, suppression=Suppression.NONE
        )
    assert run_main("stats", str(stored), "--as-of", AS_OF, "--suppression", "none")[0] == 0
    assert run_main("stats", str(stored), "--as-of", AS_OF, "--no-log")[0] == 0
    assert sorted(p.name for p in stored.parent.iterdir()) == ["ledger.jsonl"]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"{not json}\n", "release log line 1: expected a published table as JSON"),
        (b"[" * 100_000 + b"]" * 100_000 + b"\n", "release log line 1: expected a published"),
        (b'{"by": []}\n', "release log line 1: as_of: expected a value"),
        (b"", None),
    ],
)
def test_a_bad_log_is_refused_and_left_as_it_is(
    stored: Path, content: bytes, needle: str | None
) -> None:
    """Rule: a log line that is not a published table exits 2 naming the line; nothing printed.

    The log is left byte for byte (an empty log is fine, and is written).
    """
    log = stored.with_name(stored.name + LOG_SUFFIX)
    log.write_bytes(content)
    status, out, err = run_main("stats", str(stored), "--as-of", AS_OF)
    if needle is None:
        assert status == 0
        assert len(ReleaseLog(log).tables()) == 1
        return
    assert (status, out) == (2, "")
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert log.read_bytes() == content


def test_a_torn_last_line_is_refused(tmp_path: Path) -> None:
    """Rule: a log whose last line is unfinished is refused, naming that line."""
    log = ReleaseLog(tmp_path / "log.jsonl")
    log.publish(haitians(), as_of=AS_OF)
    log.path.write_bytes(log.path.read_bytes() + b'{"by": [')
    with pytest.raises(StatsError, match="release log line 2: expected a whole line"):
        log.tables()


def test_a_log_that_cannot_be_written_publishes_nothing(stored: Path, tmp_path: Path) -> None:
    """Rule: when the log cannot be written, stats exits 2 and prints no table.

    The log named is in a folder that does not exist: it reads as empty, and
    cannot be appended to.
    """
    missing = tmp_path / "no such folder" / "log.jsonl"
    status, out, err = run_main("stats", str(stored), "--as-of", AS_OF, "--log", str(missing))
    assert (status, out) == (2, "")
    assert "the table is not published (keep the log elsewhere with --log LOG" in err
    with pytest.raises(StoreError, match="cannot be written"):
        ReleaseLog(missing).publish(haitians(), as_of=AS_OF)


def test_a_log_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    """Rule: a log that is not a readable file raises StoreError (a ValueError), naming it."""
    (tmp_path / "log.jsonl").mkdir()
    with pytest.raises(StoreError, match=r"log\.jsonl: cannot be read"):
        ReleaseLog(tmp_path / "log.jsonl").tables()


def test_a_table_said_to_be_published_beside_must_be_of_this_state_and_day() -> None:
    """Rule: published= takes tables of this ledger state and day, with its counts; else refused.

    Another day, an altered count, or something that is not a table: a
    StatsError naming published[i].
    """
    ledger = haitians()
    table = stats(ledger, "nationality", as_of=AS_OF)
    other_day = stats(ledger, "nationality", as_of="2020-07-31")
    data = table.to_json()
    data["rows"][1] = {**data["rows"][1], "returns": 30}
    data["rows"][1].pop("intervals")
    altered = StatsTable.from_json(data)
    for published, needle in [
        ([table, other_day], "published[1]: expected a table of this ledger state and day"),
        ([altered], "published[0]: expected a table published of this ledger state and day"),
        ([table, "nationality"], "published[1]: expected a StatsTable"),
        ("nationality", "published: expected a list of StatsTable"),
    ]:
        with pytest.raises(StatsError) as caught:
            stats(ledger, "month", as_of=AS_OF, published=published)  # type: ignore[arg-type]
        assert needle in str(caught.value)


def test_groups_that_fill_an_earlier_total_to_its_top_are_refused() -> None:
    """Rule: a table is refused when its groups, each at least one, reach a published total's top.

    Seven claimants in seven months: the total shows 5 (5 to 7 returns), so a
    table by month listing seven groups, each at least one, would pin every
    group at 1; hiding its cells cannot change that. (Found by a stress run of
    the audit property: an earlier method dropped such a cell once hidden.)
    """
    ledger = Ledger()
    days = [f"2020-{month:02d}-10" for month in range(3, 10)]
    ledger.extend([back(i, day, "HT") for i, day in enumerate(days)], recorded_by="CA")
    total = stats(ledger, as_of=AS_OF.replace("06-30", "12-31"))
    assert total.total.returns == 5
    with pytest.raises(StatsError) as caught:
        stats(ledger, "month", as_of=total.as_of, published=[total])
    assert caught.value.field == "published"
    assert "would reveal returns of the group month 2020-03 of this table" in str(caught.value)


# -- releases written before the steps before a removal were counted ------------------

V1 = Path(__file__).resolve().parent / "published_v1"
EXAMPLE = Path(__file__).resolve().parents[1] / "src/assurance_ledger/data/canada-us-2020.jsonl"
#: The measures a release made before the steps before a removal were counted publishes.
OLD = ("returns", "covered", "unassured", "returned_to_origin", "removed_to_feared")


def older(table: StatsTable) -> StatsTable:
    """``table`` as a release written before the steps before a removal were counted."""
    data = table.to_json()

    def old_row(row: dict[str, object]) -> dict[str, object]:
        intervals = row["intervals"]
        assert isinstance(intervals, dict)
        kept = {k: v for k, v in row.items() if k not in MEASURES or k in OLD}
        return kept | {"intervals": {m: intervals[m] for m in OLD}}

    return StatsTable.from_json(
        data
        | {
            "measures": list(OLD),
            "rows": [old_row(row) for row in data["rows"]],
            "total": old_row(data["total"]),
        }
    )


def example() -> Ledger:
    """The bundled example: it has removal orders and interim measures."""
    ledger = Ledger()
    ledger.extend(DEFAULT_CODEC.read_records(EXAMPLE.read_bytes()), recorded_by="CA")
    return ledger


@pytest.mark.parametrize("path", sorted(V1.glob("*.json")), ids=lambda p: p.stem)
def test_an_old_release_reads_back_with_its_old_meaning(path: Path) -> None:
    """Rule: a release without the steps before a removal reads back as it was written.

    Its five measures keep their values and intervals; it says nothing of the
    three new ones (None), and writes back, as JSON, CSV, records and a data
    package, with its five columns alone.
    """
    data = json.loads(path.read_text())
    table = StatsTable.from_json(data)
    assert table.measures == OLD
    assert all(row.removal_ordered is None for row in (*table.rows, table.total))
    assert table.to_json() == data
    assert table.to_csv().splitlines()[0] == ",".join([*table.by, *OLD])
    assert not {"removal_ordered", "interim_measure_low"} & set(table.to_records()[0])
    fields = datapackage(table)["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == [*table.by, *OLD]


def test_a_release_is_of_the_old_measures_or_of_all_of_them() -> None:
    """Rule: a release's measures are the five of old or all eight; its rows have exactly those."""
    data = json.loads((V1 / "example-total.json").read_text())
    with pytest.raises(StatsError, match="measures"):
        StatsTable.from_json(data | {"measures": [*OLD, "removal_ordered"]})
    with pytest.raises(StatsError, match="total"):
        StatsTable.from_json(data | {"measures": list(MEASURES)})


def test_a_new_table_is_protected_beside_old_releases() -> None:
    """Rule: tables of every measure, made beside old releases of the same day, disclose nothing.

    The old releases constrain only their five measures; the same grouping
    made again beside an old release is a new table of all eight, not the old
    one returned; the audit of them all together finds no disclosure.
    """
    ledger = example()
    old: list[StatsTable] = []
    for by in ([], ["nationality"]):
        old.append(older(stats(ledger, by, as_of=AS_OF, published=old)))
    new: list[StatsTable] = []
    for by in (["nationality"], ["month"], ["final_destination"], ["outcome"]):
        new.append(stats(ledger, by, as_of=AS_OF, published=[*old, *new]))
    assert [t.measures for t in new] == [MEASURES] * 4
    assert new[0].row("HT").values[: len(OLD)] == old[1].row("HT").values
    raw = stats(ledger, as_of=AS_OF, suppression=Suppression.NONE)
    assert raw.total.removal_ordered  # the example has removal orders
    assert raw.total.interim_measure  # and interim measures
    assert audit_stats([*old, *new]).disclosures == ()


def test_a_release_since_an_old_one_is_made() -> None:
    """Rule: a table may be released since an old release of it; it publishes every measure."""
    ledger = example()
    earlier = Ledger.from_lines(list(ledger.lines())[:20])
    before = older(stats(earlier, "nationality", as_of=AS_OF))
    table = stats(ledger, "nationality", as_of=AS_OF, since=before)
    assert table.measures == MEASURES


@settings(max_examples=15, deadline=None)
@given(
    ledger=ledgers(min_size=10, max_size=50, before_removal=True),
    bys=st.lists(
        st.lists(st.sampled_from(["nationality", "month", "outcome", "crossing"]), max_size=2),
        min_size=2,
        max_size=4,
    ),
    old_count=st.integers(min_value=1, max_value=2),
)
def test_old_and_new_releases_together_pin_nothing(
    ledger: Ledger, bys: list[list[str]], old_count: int
) -> None:
    """Rule: old releases and new tables published beside them disclose nothing together.

    The first tables are published, then read as releases written before the
    steps before a removal were counted; the rest are made beside them. A
    table refused as unprotectable publishes nothing. The audit (integer
    programming over all of them) finds no hidden count pinned and no small
    group's members told apart.
    """
    published: list[StatsTable] = []
    refused = []
    for i, by in enumerate(bys):
        try:
            table = stats(ledger, list(dict.fromkeys(by)), as_of=AS_OF, published=published)
        except StatsError as exc:
            refused.append(exc.field)
            continue
        published.append(older(table) if i < old_count else table)
    assert set(refused) <= {"published"}
    assert audit_stats(published).disclosures == ()
