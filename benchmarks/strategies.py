"""How fast the hypothesis strategies make ledgers: ``python benchmarks/strategies.py``.

Target (issue 6): at least 200 ledgers of about 50 entries a second on the
2-core reference machine, drawn through hypothesis as a user's test would draw
them. Also shown, measured in the same run: the same ledgers written without
hypothesis (``write_ledger``), and read back from their stored lines
(``Ledger.from_lines``), as floors to compare with.

Each figure is the median of several rounds. Prints one table; exits 1 if the
target is missed.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings

from assurance_ledger import Ledger
from assurance_ledger.strategies import ledgers, write_ledger

SIZE = 50
LEDGERS = 200
ROUNDS = 5
TARGET = 200.0  # ledgers a second, drawn through hypothesis


def _rate(work: Callable[[], int]) -> float:
    rates = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        count = work()
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)


def _drawn() -> int:
    made = []

    @settings(
        max_examples=LEDGERS,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(ledgers(min_size=SIZE, max_size=SIZE))
    def draw(ledger: Ledger) -> None:
        made.append(len(ledger))

    draw()
    return len(made)


def _written() -> int:
    for seed in range(LEDGERS):
        write_ledger(SIZE, seed)
    return LEDGERS


LINES = [list(write_ledger(SIZE, seed).lines()) for seed in range(LEDGERS)]


def _read() -> int:
    for lines in LINES:
        Ledger.from_lines(lines)
    return LEDGERS


def main() -> int:
    """Measure and print the table; 1 if the target is missed."""
    drawn, written, read = _rate(_drawn), _rate(_written), _rate(_read)
    ok = drawn >= TARGET
    print(f"{'measure':<44} {'ledgers/s':>10} {'vs read':>8}  target")
    print(
        f"{'drawn through hypothesis (ledgers())':<44} {drawn:>10.0f} {drawn / read:>8.2f}  "
        f">= {TARGET:.0f}/s {'PASS' if ok else 'FAIL'}"
    )
    print(
        f"{'written without hypothesis (write_ledger)':<44} {written:>10.0f} {written / read:>8.2f}"
    )
    print(f"{'read back and verified (Ledger.from_lines)':<44} {read:>10.0f} {1:>8.2f}")
    print(f"({SIZE} entries a ledger, median of {ROUNDS} rounds of {LEDGERS} ledgers)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
