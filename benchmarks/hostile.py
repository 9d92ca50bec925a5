"""The hostile-shape benchmark (issue 18): ``python benchmarks/hostile.py``.

A counterpart's ledger may be shaped to make the checker slow: valid records
whose number multiplies rather than adds. Each shape is built at N and 2N
entries and checked in turn in one process (medians of 3, so the machine's
drift falls on both sides); the figure is the ratio of the 2N check to the N
check, which is about 2 for a check whose cost grows with the entries and
about 4 for one that tests everything against everything. Target: <= 2.2.

==========================  =====================================================
requests x unassured        N/2 open requests whose scope covers every return,
                            and N/2 claimants returned with no assurance given
idle assurances x returns   N/2 given assurances that cover nobody (windows in
                            the past, other nationalities, minors only, other
                            crossings, other claimants), and N/2 returns
one claimant, many acts     one covered claimant with N/4 detentions, releases,
                            removals and notices (with coerced departures)
==========================  =====================================================

``stats`` of the same ledgers is measured likewise (grouped by nationality and
month). The last row times :func:`~assurance_ledger.dates.parse_date` of 1 MiB
of hostile text (``"1." * 524288``), which must return or refuse in under a
second.

Options: ``--entries N`` (default 16,000). Exits 1 if any target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from assurance_ledger import Ledger, check, parse_date, stats
from assurance_ledger.codec import DEFAULT_CODEC
from assurance_ledger.errors import LedgerError

AS_OF = "2021-12-31"
TARGET = 2.2
PARSE_TARGET = 1.0  # seconds
_NATIONS = ("HT", "VE", "ER", "CO", "SY", "AF", "NG", "TR")
_ALL = [
    {"kind": "non_refoulement", "indirect": True},
    {"kind": "no_removal_before_decision"},
    {"kind": "access_to_procedure", "within_days": 14},
    {"kind": "detention_limit", "max_days": 14},
    {"kind": "notification", "within_days": 7},
    {"kind": "humane_treatment"},
    {"kind": "monitoring_access", "first_visit_within_days": 21, "private": True},
]


def _day(index: int) -> str:
    """A day of 2020 (cycling through the year)."""
    month, day = divmod(index % 336, 28)
    return f"2020-{month + 1:02d}-{day + 1:02d}"


def _returned(index: int) -> dict[str, Any]:
    return {
        "type": "claimant_returned",
        "claimant_id": f"c-{index}",
        "on": _day(index),
        "returned_by": "CA",
        "returned_to": "US",
        "crossing": "between_ports",
        "nationalities": [_NATIONS[index % len(_NATIONS)]],
    }


def requests_and_unassured(entries: int) -> Iterator[dict[str, Any]]:
    """Open requests that would each cover every return, and returns no assurance covers."""
    for index in range(entries // 2):
        yield {
            "type": "assurance_requested",
            "assurance_id": f"req-{index}",
            "requested_by": "CA",
            "requested_of": "US",
            "on": "2020-01-01",
            "commitments": [{"kind": "non_refoulement"}],
            "scope": {"returns_from": "2019-12-01"},
        }
    for index in range(entries // 2):
        yield _returned(index)


def _idle_scope(index: int) -> dict[str, Any]:
    """A scope that covers none of the returns of :func:`_returned`, five ways."""
    way = index % 5
    if way == 0:
        return {"returns_until": "2019-06-30"}
    if way == 1:
        return {"nationalities": ["FR"]}
    if way == 2:
        return {"minors_only": True}
    if way == 3:
        return {"crossings": ["airport"]}
    return {"claimants": [f"someone-else-{index}"]}


def idle_assurances(entries: int) -> Iterator[dict[str, Any]]:
    """Given assurances that cover nobody, and returns."""
    for index in range(entries // 2):
        yield {
            "type": "assurance_given",
            "assurance_id": f"idle-{index}",
            "given_by": "US",
            "given_to": "CA",
            "on": "2020-01-01",
            "form": "diplomatic_note",
            "commitments": _ALL,
            "scope": _idle_scope(index),
        }
    for index in range(entries // 2):
        yield _returned(index)


def one_claimant(entries: int) -> Iterator[dict[str, Any]]:
    """One covered claimant with many detentions, releases, removals and notices."""
    yield {
        "type": "assurance_given",
        "assurance_id": "a-1",
        "given_by": "US",
        "given_to": "CA",
        "on": "2020-01-01",
        "form": "diplomatic_note",
        "commitments": _ALL,
        "scope": {},
    }
    yield {**_returned(0), "on": "2020-01-02", "nationalities": ["HT"]}
    acts = (entries - 2) // 4
    for index in range(acts):
        on = (dt.date(2020, 1, 3) + dt.timedelta(days=index % 700)).isoformat()
        base = {"claimant_id": "c-0", "on": on}
        yield {**base, "type": "detained", "outcome_id": f"d-{index}", "by": "US"}
        yield {**base, "type": "released", "outcome_id": f"r-{index}", "by": "US"}
        if index % 2:
            yield {**base, "type": "removed", "outcome_id": f"m-{index}", "by": "US", "to": "MX"}
        else:
            yield {
                **base,
                "type": "departed",
                "outcome_id": f"m-{index}",
                "to": "MX",
                "coerced": True,
            }
        yield {
            **base,
            "type": "notified",
            "outcome_id": f"n-{index}",
            "by": "US",
            "to": "CA",
            "regarding": f"m-{index}",
        }


SHAPES: dict[str, Callable[[int], Iterator[dict[str, Any]]]] = {
    "requests x unassured": requests_and_unassured,
    "idle assurances x returns": idle_assurances,
    "one claimant, many acts": one_claimant,
}


def build(shape: str, entries: int) -> Ledger:
    """The in-memory ledger of one shape at about ``entries`` entries."""
    ledger = Ledger()
    records = [DEFAULT_CODEC.from_json(data) for data in SHAPES[shape](entries)]
    ledger.extend(records, recorded_by="CA", recorded_at="2021-01-01T00:00:00Z")
    return ledger


def _median(work: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _ratio(small: Ledger, large: Ledger, work: Callable[[Ledger], object]) -> tuple[float, float]:
    """The median times of ``work`` on the two ledgers, measured in turn."""
    times: dict[int, list[float]] = {0: [], 1: []}
    for _ in range(3):
        for side, ledger in enumerate((small, large)):
            times[side].append(_median(lambda ledger=ledger: work(ledger), repeat=1))
    return statistics.median(times[0]), statistics.median(times[1])


def _parse_time() -> tuple[float, str]:
    text = "1." * 524_288
    start = time.perf_counter()
    try:
        parse_date(text)
        outcome = "returned"
    except LedgerError:
        outcome = "refused"
    return time.perf_counter() - start, outcome


def main(argv: list[str] | None = None) -> int:
    """Run every shape at N and 2N, print the ratios, and exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=16_000)
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, str, str]] = []
    failed = False
    for shape in SHAPES:
        small, large = build(shape, args.entries), build(shape, 2 * args.entries)
        for what, work in (
            ("check", lambda ledger: check(ledger, AS_OF)),
            ("stats", lambda ledger: stats(ledger, ("nationality", "month"), as_of=AS_OF)),
        ):
            n_time, n2_time = _ratio(small, large, work)
            ratio = n2_time / n_time
            ok = ratio <= TARGET
            failed |= not ok
            rows.append(
                (
                    f"{what}: {shape}",
                    f"{ratio:.2f} ({n_time * 1000:.0f} -> {n2_time * 1000:.0f} ms)",
                    f"<= {TARGET}",
                    "PASS" if ok else "FAIL",
                )
            )
    seconds, outcome = _parse_time()
    ok = seconds < PARSE_TARGET
    failed |= not ok
    rows.append(
        (
            "parse_date of 1 MiB of '1.'",
            f"{seconds * 1000:.1f} ms ({outcome})",
            f"< {PARSE_TARGET:.0f} s",
            "PASS" if ok else "FAIL",
        )
    )
    print(f"hostile shapes at N = {args.entries:,} and 2N entries")
    width = max(len(row[0]) for row in rows)
    for name, value, target, verdict in rows:
        print(f"{name:<{width}}  {value:<28} {target:<8} {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
