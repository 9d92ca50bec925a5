"""Splitting the returned claimants into parts that are checked apart and merged.

A check partitions by claimant: each returned claimant is judged on their own
return and outcomes against the assurances and requests, which every part
reads whole (``docs/scale.md``). So the claimants can be split into parts,
each part checked with ``check(ledger, as_of, claimants=part)`` (in another
process, or on another machine), and the parts' reports joined with
:meth:`~assurance_ledger.report.Report.merge` into the report of the whole.

The split is stable: a claimant's part depends on their id and the number of
parts alone (CRC-32 of the id's UTF-8 bytes), never on the machine, the process
or the Python version (unlike :func:`hash`, which is salted per process).

>>> from assurance_ledger import part_of, partitions
>>> partitions(["c-001", "c-002", "c-003", "c-004"], 2)
(('c-001', 'c-002', 'c-003'), ('c-004',))
>>> part_of("c-004", 2)
1
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from . import records as r
from .errors import PartitionError
from .ledger import Ledger

__all__ = ["part_of", "partitions"]


def part_of(claimant_id: str, parts: int) -> int:
    """The part (from 0 to ``parts - 1``) that ``claimant_id`` falls in, always the same."""
    return zlib.crc32(claimant_id.encode("utf-8", "surrogatepass")) % parts


def partitions(source: Ledger | Iterable[str], parts: int) -> tuple[tuple[str, ...], ...]:
    """The claimant ids of ``source`` split into ``parts`` parts, each sorted.

    ``source`` is a ledger (its returned claimants, every return it holds) or
    claimant ids (each taken once). A part may be empty. Raises
    :class:`~assurance_ledger.errors.PartitionError` for fewer than one part.
    """
    if isinstance(parts, bool) or not isinstance(parts, int) or parts < 1:
        raise PartitionError(f"parts: expected a whole number of at least 1, got {parts!r}")
    if isinstance(source, Ledger):
        ids = {
            fact.record.claimant_id
            for fact in source.facts()
            if isinstance(fact.record, r.ClaimantReturned)
        }
    elif isinstance(source, str):
        raise PartitionError("source: expected a ledger or claimant ids, got one string")
    else:
        ids = set(source)
    split: list[list[str]] = [[] for _ in range(parts)]
    for claimant_id in ids:
        split[part_of(claimant_id, parts)].append(claimant_id)
    return tuple(tuple(sorted(part)) for part in split)
