"""Keeping a check up to date while a ledger grows, without checking it all again.

Everything :func:`~assurance_ledger.checker.check` decides about a returned
claimant depends on three things only: the claimant's own facts (their return
and outcomes, as corrected), the assurances between the two states of the
return, and the evaluation date. So when an entry is appended:

* an outcome, a return, or a correction of one, changes what is known about one
  claimant (two, for a correction that moves an outcome to another claimant):
  only they are checked again; and when only their outcomes changed, the
  assurances that cover them are not looked for again (coverage depends on the
  return alone), and only the rules that read outcomes of those types are run
  again (:attr:`~assurance_ledger.rules.RuleSpec.reads`; a rule of your own
  that does not say what it reads always runs);
* an assurance record, or a correction of one, may change every claimant's
  coverage: everything is checked again (assurances are few, claimants many);
* a checkpoint changes nothing.

A :class:`Monitor` keeps each claimant's result, takes in the entries appended
since it last looked (:meth:`Monitor.update`), and returns what changed. Its
:attr:`Monitor.report` is always equal to ``check(ledger, as_of)``: the test
suite checks that, entry by entry, on generated ledgers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping

import attrs

from . import records as r
from ._engine import (
    Assessment,
    Earlier,
    assess,
    assess_all,
    evaluation_day,
    is_returned,
    rule_table,
)
from ._engine import (
    report as make_report,
)
from ._gc import collector_paused
from .commitments import Commitment
from .dates import DateSpan
from .ledger import Ledger
from .report import BREACH_ORDER, Breach, Report
from .rules import Rule, RuleSpec

__all__ = ["Changes", "Monitor"]


@attrs.frozen
class Changes:
    """What one :meth:`Monitor.update` changed: breaches found and breaches gone.

    ``entries`` is how many entries the update took in. A breach whose
    certainty or evidence changed (say, a detention's release was recorded) is
    in both: the old one gone, the new one found. Both are in the order of
    :attr:`~assurance_ledger.report.Report.breaches`.
    """

    entries: int
    added: tuple[Breach, ...]
    removed: tuple[Breach, ...]

    def __bool__(self) -> bool:
        """Whether any breach was found or is gone."""
        return bool(self.added or self.removed)


class Monitor:
    """A check of a ledger, as of one day, kept up to date as the ledger grows.

    >>> from assurance_ledger import Ledger, ClaimantReturned, Removed
    >>> from assurance_ledger.monitor import Monitor
    >>> ledger = Ledger()
    >>> monitor = Monitor(ledger, as_of="2020-06-30")
    >>> _ = ledger.append(ClaimantReturned(claimant_id="c-1", on="2020-03-22",
    ...                   returned_by="CA", returned_to="US", nationalities=["HT"]),
    ...                   recorded_by="CA")
    >>> monitor.update()
    Changes(entries=1, added=(), removed=())
    >>> monitor.report.summary.unassured
    1

    The monitor holds the ledger and each claimant's result; it is not a
    value, and it is not safe to share between threads.
    """

    __slots__ = ("_assurances", "_day", "_ledger", "_results", "_seen", "_table")

    def __init__(
        self,
        ledger: Ledger,
        as_of: dt.date | str | DateSpan,
        *,
        rules: Mapping[type[Commitment], Rule | RuleSpec] | None = None,
    ) -> None:
        """Check ``ledger`` as of ``as_of`` (with ``rules`` as for ``check``), once, in full."""
        self._ledger = ledger
        self._day = evaluation_day(as_of)
        self._table = rule_table(rules)
        with collector_paused():
            self._assurances, self._results = assess_all(ledger, self._day, self._table)
        self._seen = len(ledger)

    @property
    def ledger(self) -> Ledger:
        """The ledger being watched."""
        return self._ledger

    @property
    def as_of(self) -> dt.date:
        """The evaluation date."""
        return self._day.earliest

    @property
    def report(self) -> Report:
        """The report as of the last update: always equal to ``check(ledger, as_of)`` then."""
        return make_report(self._day, self._assurances, self._results.values())

    def update(self) -> Changes:
        """Take in the entries appended since the last update; return what changed."""
        start, end = self._seen, len(self._ledger)
        claimants = self._touched(start, end)
        if claimants is None:  # an assurance changed: everyone
            before = [b for a in self._results.values() for b in a.breaches]
            self._recheck_all()
            after = [b for a in self._results.values() for b in a.breaches]
        else:
            before, after = [], []
            for claimant_id, changed in claimants.items():
                old = self._results.pop(claimant_id, None)
                earlier = None
                if old is not None and changed is not None:
                    earlier = Earlier(old, frozenset(changed))
                new = self._recheck(claimant_id, earlier)
                if new is not None:
                    self._results[claimant_id] = new
                # Only the parts made again can differ: a part kept is the same object.
                old_parts = old.parts if old is not None else {}
                new_parts = new.parts if new is not None else {}
                for key, part in old_parts.items():
                    if new_parts.get(key) is not part:
                        before.extend(part)
                for key, part in new_parts.items():
                    if old_parts.get(key) is not part:
                        after.extend(part)
        self._seen = end
        return _changes(end - start, before, after)

    def _touched(self, start: int, end: int) -> dict[str, set[type[r.Outcome]] | None] | None:
        """Who entries ``start + 1`` to ``end`` touch, or ``None`` if an assurance changed.

        Each claimant comes with the outcome types that changed, or ``None``
        when their return did (everything about them is checked again).
        """
        claimants: dict[str, set[type[r.Outcome]] | None] = {}
        recorded = self._ledger.record
        for seq in range(start + 1, end + 1):
            record = recorded(seq)
            touched: Iterable[r.Record | None] = (record,)
            if isinstance(record, r.Correction):
                touched = (recorded(record.target), record.replacement)
            for each in touched:
                if isinstance(each, r.Outcome):  # first: most entries are outcomes
                    changed = claimants.setdefault(each.claimant_id, set())
                    if changed is not None:
                        changed.add(type(each))
                elif isinstance(each, r.ClaimantReturned):
                    claimants[each.claimant_id] = None
                elif isinstance(each, r.AssuranceRecord):
                    return None
        return claimants

    def _recheck(self, claimant_id: str, earlier: Earlier | None) -> Assessment | None:
        facts = self._ledger.facts_of(claimant_id)
        # The return comes first: the append rules refuse an outcome (or a
        # correction that moves one) before the claimant's return.
        if not facts or not isinstance(facts[0].record, r.ClaimantReturned):
            return None
        back = facts[0]
        if not is_returned(back, self._day):
            return None
        return assess(self._assurances, back, facts[1:], self._day, self._table, earlier=earlier)

    def _recheck_all(self) -> None:
        with collector_paused():
            self._assurances, self._results = assess_all(self._ledger, self._day, self._table)
        self._seen = len(self._ledger)

    def __repr__(self) -> str:
        """What is watched, as of when."""
        return f"<Monitor of {self._ledger!r} as of {self.as_of}: {len(self._results)} claimants>"


#: What most updates of one entry return (a value: it is immutable).
_ONE_UNCHANGED = Changes(entries=1, added=(), removed=())


def _changes(entries: int, before: list[Breach], after: list[Breach]) -> Changes:
    if before == after:  # the common case: nothing found, nothing gone
        if entries == 1:
            return _ONE_UNCHANGED
        return Changes(entries=entries, added=(), removed=())
    old, new = Counter(before), Counter(after)
    return Changes(
        entries=entries,
        added=tuple(sorted((new - old).elements(), key=BREACH_ORDER)),
        removed=tuple(sorted((old - new).elements(), key=BREACH_ORDER)),
    )
