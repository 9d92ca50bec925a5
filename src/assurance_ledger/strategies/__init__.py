"""Hypothesis strategies that generate valid values of every type in this library.

For property-based tests, the library's own and its users': every strategy here
generates only values that validate, so a test can start from "any valid record"
and change exactly one thing. Needs the ``hypothesis`` package (install
``assurance-ledger[strategies]``).

>>> from hypothesis import given
>>> from assurance_ledger import DEFAULT_CODEC
>>> @given(records())
... def test_round_trip(record):
...     assert DEFAULT_CODEC.loads(DEFAULT_CODEC.dumps(record)) == record
>>> test_round_trip()

Three private modules hold them: ``_values`` the strategies of single values,
``_writer`` whole valid ledgers (:func:`ledgers`, :func:`write_ledger`), and
``_planted`` ledgers with known breaches (:func:`ledgers_with_breaches`). Import
them from here.
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401 -- only to name the extra when it is missing
except ImportError as exc:  # pragma: no cover -- exercised by a subprocess test
    raise ImportError(
        "assurance_ledger.strategies needs hypothesis, the strategies extra: from a clone, "
        "pip install -e '.[strategies]'; once published, pip install 'assurance-ledger[strategies]'"
    ) from exc

from ._planted import PLANTABLE, Scenario, clean_ledgers, ledgers_with_breaches
from ._values import (
    COMMITMENT_STRATEGIES,
    RECORD_STRATEGIES,
    commitments,
    countries,
    date_spans,
    days,
    identifiers,
    parties,
    records,
    scopes,
    sources,
)
from ._writer import ledgers, write_ledger, write_steps

__all__ = [
    "COMMITMENT_STRATEGIES",
    "PLANTABLE",
    "RECORD_STRATEGIES",
    "Scenario",
    "clean_ledgers",
    "commitments",
    "countries",
    "date_spans",
    "days",
    "identifiers",
    "ledgers",
    "ledgers_with_breaches",
    "parties",
    "records",
    "scopes",
    "sources",
    "write_ledger",
    "write_steps",
]
