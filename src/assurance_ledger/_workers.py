"""Checking parts of the claimants in processes of their own (private).

On Linux the parts are checked in forked processes: each child starts with
the parent's memory, so the ledger's facts are shared and never sent. Each
part is a run of claimant ids (:func:`runs`, cut where the claimant ids of a
sample of the facts are cut), and each process reads the facts itself for
its run's returns and outcomes (:func:`~assurance_ledger._engine.gather`
``within``): each makes the pass over the facts, but grouping its claimants'
outcomes, most of reading them (a twentieth of a check), is shared out. The
parent checks the first part meanwhile, all with the cycle collector paused
(the children inherit the pause). Only each part's
:class:`~assurance_ledger.report.Report` comes back, pickled with its long
lists as columns (:mod:`~assurance_ledger._pickling`: a quarter of the time
of pickle's own way, both ways), through a file in memory
(``memfd_create``) rather than a pipe, whose small buffer would hold the
child until the parent read. The caller's rules are inherited the same way,
whatever they are (a lambda, a closure). As the parts are runs of ids in
order, their reports join without sorting again.

Elsewhere (Windows, macOS, where forking a process that may hold threads of
system frameworks is unsafe, and Python's default is ``spawn``) the claimants
are checked in this process, all at once: the same report, no faster.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import signal
import sys
from collections.abc import Sequence
from typing import NamedTuple, NoReturn

import attrs

from . import _engine as engine
from . import records as r
from ._gc import collector_paused
from ._merge import merge_reports
from ._pickling import Columns, columns, dumps, instances, loads
from .dates import DateSpan
from .errors import WorkerFailed
from .ledger import Fact
from .report import Report

__all__ = ["FORKS", "check_in_parts", "runs"]

#: Whether parts are checked in forked processes here (else all at once, in this one).
FORKS = sys.platform.startswith("linux") and hasattr(os, "memfd_create")


class _Job(NamedTuple):
    facts: Sequence[Fact]
    day: DateSpan
    table: engine.RuleTable
    #: The claimants to check (None: every one returned).
    wanted: frozenset[str] | None


def check_in_parts(
    facts: Sequence[Fact],
    day: DateSpan,
    table: engine.RuleTable,
    wanted: frozenset[str] | None,
    workers: int,
) -> Report:
    """The report of the claimants returned in ``facts`` (those ``wanted``), in ``workers`` runs."""
    job = _Job(facts, day, table, wanted)
    parts = runs(facts, workers)
    children: list[_Child] = []
    with collector_paused():  # forked inside: each child starts paused too
        try:
            children.extend(_Child(job, part, index) for index, part in enumerate(parts[1:], 1))
            reports = [_check_part(job, parts[0]), *(child.report() for child in children)]
            return merge_reports(reports, in_order=True)
        finally:
            for child in children:
                child.end()


def _check_part(job: _Job, part: engine.IdRun) -> Report:
    return engine.checked(job.facts, job.day, job.table, job.wanted, within=part)


class _Child:
    """A forked process checking one part; its report comes back in a file in memory.

    Plain ``os.fork`` rather than a ``multiprocessing`` pool: no threads to
    start and stop, nothing to pickle on the way out (the child has the job
    in the memory it inherited), and the child leaves with ``os._exit``,
    never returning into the caller's code. It writes its answer to an
    anonymous file in memory (``memfd_create``), then one byte to a pipe to
    say so; the parent reads the file once its own part is done. A pipe
    alone would hold the child at its small buffer until then, and the
    whole answer (26 MB from one of two workers at 1,000,000 entries)
    would pass after the parent's part, a tenth of a second more. The
    parent reaps the child last, as its memory is still being given back.
    """

    def __init__(self, job: _Job, part: engine.IdRun, index: int) -> None:
        self.index = index
        self.answer = os.memfd_create(f"assurance-ledger-part-{index}", os.MFD_CLOEXEC)
        read, write = os.pipe()
        try:
            self.pid = os.fork()
        except BaseException:  # no child: nothing will read or write these
            for fd in (read, write, self.answer):
                os.close(fd)
            raise
        if self.pid == 0:  # the child
            os.close(read)
            _serve(job, part, self.answer, write)
        os.close(write)
        self.done: int | None = read

    def report(self) -> Report:
        """The part's report, once the child has written it; raise what the child raised."""
        assert self.done is not None  # noqa: S101 -- read once
        said = os.read(self.done, 1)
        os.close(self.done)
        self.done = None
        if not said:  # the child ended without its answer
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            raise WorkerFailed(self.index, status)
        size = os.fstat(self.answer).st_size
        with (
            mmap.mmap(self.answer, size, access=mmap.ACCESS_READ) as data,
            memoryview(data) as view,
        ):
            done, value = loads(view)
        if not done:
            raise value
        return _received(value)

    def end(self) -> None:
        """Reap the child; first stop it if its report was never read (the caller's part failed)."""
        if self.done is not None:
            os.close(self.done)
            self.done = None
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        if self.pid:
            os.waitpid(self.pid, 0)
            self.pid = 0
        os.close(self.answer)


def _serve(job: _Job, part: engine.IdRun, answer: int, done: int) -> NoReturn:
    """In the child: check ``part``, write its report (or the error) to ``answer``, and leave."""
    status = 0
    try:
        try:
            said: tuple[bool, object] = (True, _sent(_check_part(job, part)))
        except BaseException as exc:
            status, said = 1, (False, exc)
        try:
            data = dumps(said)
        except Exception as exc:
            status, data = 1, dumps((False, RuntimeError(f"in a worker: {said[1]!r} ({exc})")))
        with os.fdopen(answer, "wb") as file:
            file.write(data)
        os.write(done, b"\n")
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
#: a share of checking the whole ledger (0.4 s of 10 s at 1,000,000 entries):
#: the part checked in this process is that much larger, so that all end
#: together.
_SENDING = 0.05
#: About how many facts are looked at to find where the runs are cut: a run's
#: share is then off by about one part in the square root of the claimants'
#: facts among them.
_SAMPLE = 65536
#: The facts about one claimant: what checking them costs grows with their number.
_CLAIMANTS = (r.ClaimantReturned, r.Outcome)


def runs(facts: Sequence[Fact], count: int) -> list[engine.IdRun]:
    """``count`` runs of claimant ids, in order, each with about as many claimants' ``facts``.

    Not as many claimants: checking one costs about as much as their return
    and outcomes, and where claimants with many outcomes are in the order of
    ids is anyone's guess (the first claimants returned may have more). The
    first run, checked in this process, takes :data:`_SENDING` more for
    each of the others. The runs are cut where the claimant ids of a sample
    of the facts (every so many) are cut, so that only those are read and
    sorted here, before the parts are shared out. A claimant's return and
    outcomes all fall in one run. Runs in the order of ids let the parts'
    reports merge by joining their lists
    (:func:`~assurance_ledger._merge.merge_reports`), without sorting them
    again; any split gives the same report.
    """
    sample = sorted(
        fact.record.claimant_id
        for fact in facts[:: max(1, len(facts) // _SAMPLE)]
        if isinstance(fact.record, _CLAIMANTS)
    )
    if count == 1 or not sample:
        return [*[engine.IdRun("", "")] * (count - 1), engine.IdRun("", None)]
    first = (1 + (count - 1) * _SENDING) / count
    shares = [first + (1 - first) * index / (count - 1) for index in range(count - 1)]
    cuts = [sample[min(int(share * len(sample)), len(sample) - 1)] for share in shares]
    return [engine.IdRun(low, high) for low, high in zip(["", *cuts], [*cuts, None], strict=True)]
