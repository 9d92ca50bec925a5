"""Checking parts of the claimants in processes of their own (private).

On Linux the parts are checked in forked processes: each child starts with
the parent's memory, so the ledger, already read once into assurances, returns
and outcomes (:func:`~assurance_ledger._engine.gather`), is shared and never
sent; only each part's :class:`~assurance_ledger.report.Report` is pickled
back, its long lists as columns (:mod:`~assurance_ledger._pickling`: a
quarter of the time of pickle's own way, both ways). The parent checks the
first part itself meanwhile. The caller's rules are inherited the same way,
whatever they are (a lambda, a closure). The parts are runs of claimant ids
in order (:func:`runs`), so their reports join without sorting again.

Elsewhere (Windows, macOS, where forking a process that may hold threads of
system frameworks is unsafe, and Python's default is ``spawn``) the parts are
checked one after another in this process: the same report, no faster.
"""

from __future__ import annotations

import contextlib
import operator
import os
import signal
import sys
from bisect import bisect_right
from collections.abc import Sequence
from functools import partial
from itertools import compress
from typing import NamedTuple, NoReturn

import attrs

from . import _engine as engine
from ._gc import collector_paused
from ._merge import merge_reports
from ._pickling import Columns, columns, dumps, instances, loads
from .dates import DateSpan
from .errors import WorkerFailed
from .ledger import Fact
from .report import Report

__all__ = ["FORKS", "check_in_parts", "runs"]

#: Whether parts are checked in forked processes here (else one after another).
FORKS = sys.platform.startswith("linux")


class _Job(NamedTuple):
    gathered: engine.Gathered
    day: DateSpan
    table: engine.RuleTable


def check_in_parts(
    gathered: engine.Gathered,
    day: DateSpan,
    table: engine.RuleTable,
    returns: Sequence[Fact],
    workers: int,
) -> Report:
    """The report of ``returns`` (some of ``gathered``'s), checked in ``workers`` parts at once."""
    parts = runs(returns, workers)
    job = _Job(gathered, day, table)
    if not FORKS:
        return merge_reports((_check_part(job, part) for part in parts), in_order=True)
    children: list[_Child] = []
    try:
        children.extend(_Child(job, part, index) for index, part in enumerate(parts[1:], 1))
        reports = [_check_part(job, parts[0]), *(child.report() for child in children)]
    finally:
        for child in children:
            child.end()
    return merge_reports(reports, in_order=True)


def _check_part(job: _Job, part: Sequence[Fact]) -> Report:
    with collector_paused():
        assessed = engine.assess_returns(job.gathered, part, job.day, job.table)
        return engine.report(job.day, job.gathered.assurances, assessed.values())


class _Child:
    """A forked process checking one part; its report comes back through a pipe.

    Plain ``os.fork`` rather than a ``multiprocessing`` pool: no threads to
    start and stop, nothing to pickle on the way out (the child has the job
    in the memory it inherited), and the child leaves with ``os._exit``,
    never returning into the caller's code. It writes its answer when it is
    done, and the parent reads it once its own part is done.
    """

    def __init__(self, job: _Job, part: Sequence[Fact], index: int) -> None:
        self.index = index
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child
            os.close(read)
            _serve(job, part, write)
        os.close(write)
        self.read: int | None = read

    def report(self) -> Report:
        """The part's report, once the child has sent it; raise what the child raised."""
        assert self.read is not None  # noqa: S101 -- read once
        with os.fdopen(self.read, "rb") as pipe:
            self.read = None
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if not data:
            raise WorkerFailed(self.index, status)
        done, value = loads(data)
        if not done:
            raise value
        return _received(value)

    def end(self) -> None:
        """Stop the child and reap it, if its report was never read (the caller's part failed)."""
        if self.read is not None:
            os.close(self.read)
            self.read = None
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0


def _serve(job: _Job, part: Sequence[Fact], write: int) -> NoReturn:
    """In the child: check ``part``, write its report (or the error) to ``write``, and leave."""
    status = 0
    try:
        try:
            answer: tuple[bool, object] = (True, _sent(_check_part(job, part)))
        except BaseException as exc:
            status, answer = 1, (False, exc)
        try:
            data = dumps(answer)
        except Exception as exc:
            status, data = 1, dumps((False, RuntimeError(f"in a worker: {answer[1]!r} ({exc})")))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(status)


class _Sent(NamedTuple):
    """A part's report as a forked worker sends it back: its long lists as columns."""

    report: Report  # without the lists below
    breaches: Columns
    unassured_returns: Columns
    exposures: Columns
    at_risk: Columns


def _sent(report: Report) -> _Sent:
    short = attrs.evolve(report, breaches=(), unassured_returns=(), exposures=(), at_risk=())
    return _Sent(
        short,
        columns(report.breaches),
        columns(report.unassured_returns),
        columns(report.exposures),
        columns(report.at_risk),
    )


def _received(sent: _Sent) -> Report:
    return attrs.evolve(
        sent.report,
        breaches=tuple(instances(sent.breaches)),
        unassured_returns=tuple(instances(sent.unassured_returns)),
        exposures=tuple(instances(sent.exposures)),
        at_risk=tuple(instances(sent.at_risk)),
    )


#: What pickling a part's report and sending it back costs a forked worker, as
#: a share of checking the whole ledger (0.45 s of 9 s at 1,000,000 entries):
#: the part checked in this process is that much larger, so that all end
#: together.
_SENDING = 0.05
#: The claimant ids sorted to find where the runs are cut: a run's size is
#: then off by about one part in the square root of this.
_SAMPLE = 16384
_CLAIMANT_ID = operator.attrgetter("record.claimant_id")


def runs(returns: Sequence[Fact], count: int) -> list[list[Fact]]:
    """``returns`` in ``count`` runs of claimant ids, in order, of about equal size.

    Each run keeps the ledger's order. The first, checked in this process,
    takes :data:`_SENDING` more of the returns for each of the others. The
    runs are cut where a sample of the ids (every so many, sorted) is cut,
    so that nothing but the sample is sorted; a claimant's returns all fall
    in one run. Runs in the order of ids let the parts' reports merge by
    joining their lists (:func:`~assurance_ledger._merge.merge_reports`),
    without sorting them again; any split gives the same report.
    """
    ids = list(map(_CLAIMANT_ID, returns))
    if not ids:
        return [[] for _ in range(count)]
    sample = sorted(ids[:: max(1, len(ids) // _SAMPLE)])
    first = (1 + (count - 1) * _SENDING) / count
    shares = [first + (1 - first) * index / (count - 1) for index in range(count - 1)]
    starts = [sample[min(int(share * len(sample)), len(sample) - 1)] for share in shares]
    places = list(map(partial(bisect_right, starts), ids))
    return [list(compress(returns, map(place.__eq__, places))) for place in range(count)]
