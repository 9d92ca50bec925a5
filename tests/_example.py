"""The bundled example (``examples/canada-us-2020.jsonl``) in a ledger, loaded one way.

The suites that read the whole example (its report, its statistics, checking
it in parts) load it here: its records appended as one batch, recorded by
Canada at one fixed time, so that their reports agree.
"""

from __future__ import annotations

from pathlib import Path

from assurance_ledger import DEFAULT_CODEC, Ledger

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "canada-us-2020.jsonl"


def with_example(
    ledger: Ledger | None = None, *, recorded_at: str = "2020-06-30T12:00:00Z"
) -> Ledger:
    """``ledger`` (a new one in memory if None) with the example's records appended by Canada."""
    ledger = Ledger() if ledger is None else ledger
    ledger.extend(
        DEFAULT_CODEC.read_records(EXAMPLE.read_bytes()),
        recorded_by="CA",
        recorded_at=recorded_at,
    )
    return ledger
