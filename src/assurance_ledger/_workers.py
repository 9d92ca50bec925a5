"""Checking parts of the claimants in processes of their own (private).

On Linux the parts are checked in forked processes: each child starts with
the parent's memory, so the ledger, already read once into assurances, returns
and outcomes (:func:`~assurance_ledger._engine.gather`), is shared and never
sent; only each part's :class:`~assurance_ledger.report.Report` is pickled
back. The parent checks the first part itself meanwhile. The caller's rules
are inherited the same way, whatever they are (a lambda, a closure).

Elsewhere (Windows, macOS, where forking a process that may hold threads of
system frameworks is unsafe, and Python's default is ``spawn``) the parts are
checked one after another in this process: the same report, no faster.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from typing import NamedTuple

from . import _engine as engine
from ._gc import collector_paused
from .dates import DateSpan
from .ledger import Fact
from .report import Report

__all__ = ["FORKS", "check_parts"]

#: Whether parts are checked in forked processes here (else one after another).
FORKS = sys.platform.startswith("linux")


class _Job(NamedTuple):
    gathered: engine.Gathered
    day: DateSpan
    table: engine.RuleTable
    parts: Sequence[Sequence[Fact]]


#: The checks under way, by token: a forked child finds its job here, in the
#: memory it inherited (several threads may each be checking in parts).
_JOBS: dict[int, _Job] = {}
_TOKENS = itertools.count()


def _check_part(token: int, index: int) -> Report:
    job = _JOBS[token]
    with collector_paused():
        assessed = engine.assess_returns(job.gathered, job.parts[index], job.day, job.table)
        return engine.report(job.day, job.gathered.assurances, assessed.values())


def check_parts(
    gathered: engine.Gathered,
    day: DateSpan,
    table: engine.RuleTable,
    parts: Sequence[Sequence[Fact]],
) -> list[Report]:
    """The report of each part of the returns (a list of return facts each), in order."""
    token = next(_TOKENS)
    _JOBS[token] = _Job(gathered, day, table, parts)
    try:
        if not FORKS or len(parts) < 2:
            return [_check_part(token, index) for index in range(len(parts))]
        # Imported here: a check with one worker, the default, never needs it.
        import multiprocessing  # noqa: PLC0415

        context = multiprocessing.get_context("fork")
        with context.Pool(len(parts) - 1) as pool:
            others = pool.starmap_async(
                _check_part, [(token, index) for index in range(1, len(parts))]
            )
            first = _check_part(token, 0)
            return [first, *others.get()]
    finally:
        del _JOBS[token]
