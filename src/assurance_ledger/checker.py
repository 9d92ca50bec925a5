"""Checking a ledger: which returns each assurance covers, and which outcomes breach it.

:func:`check` makes one pass over the ledger's current view, grouping outcomes
by claimant, and for each returned claimant looks only at the assurances given
between the two states of that return: the cost grows with the entries, not
with assurances times outcomes. The work is the checking engine's
(:mod:`~assurance_ledger.engine`); this module is its one-report client.

Coverage (``docs/format.md``, "Deciding a breach"): an assurance *given* by G to R
covers a claimant returned by R to G when the return date falls in its scope
window and matches every filter of its scope; a withdrawal stops it covering
returns after the withdrawal date. Coverage is three-valued too: a return dated
"March 2020" against a scope from 21 March is *maybe* covered, and every breach
that rests on it is then at most *possible*. A crossing recorded as
``unknown`` maybe matches a scope that names crossings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from . import _engine as engine
from ._gc import collector_paused
from ._workers import FORKS, check_in_parts
from .commitments import Commitment
from .coverage import covers
from .dates import DateSpan
from .errors import PartitionError
from .ledger import Fact, Ledger
from .report import Report
from .rules import Rule, RuleSpec

__all__ = ["check", "covers"]


def check(
    ledger: Ledger | Iterable[Fact],
    as_of: dt.date | str | DateSpan,
    *,
    rules: Mapping[type[Commitment], Rule | RuleSpec] | None = None,
    claimants: Iterable[str] | None = None,
    workers: int = 1,
) -> Report:
    """Check a ledger's current view as of one day; return the :class:`~.report.Report`.

    ``as_of`` is the evaluation date: facts dated after it are not yet facts,
    and deadlines are measured against it. ``rules`` adds (or replaces) the
    rule of a commitment kind: ``{MyKind: my_rule}``, or ``{MyKind:
    RuleSpec(my_rule, ...)}`` (see :mod:`.rules`). To reproduce a report as it
    could have been made at an earlier time, check
    ``ledger.as_recorded(time)``. To keep a report up to date while a ledger
    grows, see :class:`~assurance_ledger.monitor.Monitor`.

    ``claimants`` checks only those returned claimants (their ids): the report
    is the one of a ledger holding only their returns and outcomes, with every
    assurance and request; :meth:`.Report.merge` joins the reports of disjoint
    parts into the report of the whole. ``workers`` checks the claimants in
    that many parts (runs of their ids) at once, in forked processes on
    Linux, and merges them into the same report ``workers=1`` makes; elsewhere
    it checks them all in this process (``docs/scale.md``).
    """
    day = engine.evaluation_day(as_of)
    table = engine.rule_table(rules)
    if claimants is None and workers == 1:  # the default path, first: nothing added to it
        with collector_paused():
            return engine.checked(ledger, day, table)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise PartitionError(f"workers: expected a whole number of at least 1, got {workers!r}")
    if isinstance(claimants, str):
        raise PartitionError("claimants: expected claimant ids, got one string")
    wanted = None if claimants is None else frozenset(claimants)
    with collector_paused():
        if workers > 1 and FORKS:
            facts = ledger.facts() if isinstance(ledger, Ledger) else tuple(ledger)
            return check_in_parts(facts, day, table, wanted, workers)
        # One process: any split of the claimants gives the same report as all at once.
        return engine.checked(ledger, day, table, wanted)
