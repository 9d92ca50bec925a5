"""Which returns a scope covers: the rule, and indexes that find covering scopes fast.

The rule (:func:`covers`) decides whether one scope covers one return. A
ledger may hold many assurances and requests and many returns, and testing
each against each grows with their product: a counterpart's file of eight
thousand assurances that cover nobody and eight thousand returns would take
minutes. So the checker asks the indexes here, as a database would:

* :class:`ScopeIndex` holds scopes (of given assurances) by what a return must
  match: a scope that lists claimants under each of them; every other scope
  under each nationality it names (or under "any"), each crossing it admits
  (or "any"), and whether it takes minors only; and, in each of those groups,
  by its window of return dates. :meth:`ScopeIndex.candidates` looks only in
  the groups a return can match and, in each, only at the windows that reach
  the return's dates. What it gives is then judged by :func:`covers`.
* :class:`ReturnCounts` counts, for a request's scope, the returns it may
  cover, without listing them: the returns matching the scope's filters are
  kept once per distinct set of filters, in order of their dates, and the
  window is counted with two binary searches.

The limit, stated rather than hidden: a return is still tested against every
scope of its groups whose window reaches it; a scope that excludes
nationalities is found under "any" and then judged by :func:`covers`. A ledger
whose assurances all take the same returns but exclude the returned
claimants' nationalities costs assurances x returns; so does one whose
requests each list a different set of nationalities or crossings.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

import attrs

from . import records as r
from .dates import DateSpan
from .truth import MAYBE, NO, YES, Truth

__all__ = ["ReturnCounts", "ScopeIndex", "covers"]

T = TypeVar("T")

#: A group smaller than this is read through; a larger one gets a tree of windows.
_SMALL = 32


def covers(
    scope: r.Scope, returned: r.ClaimantReturned, *, withdrawn: DateSpan | None = None
) -> Truth:
    """Whether a scope covers a return (``withdrawn``: the date a withdrawal took effect).

    >>> from assurance_ledger import Scope, ClaimantReturned
    >>> back = ClaimantReturned(claimant_id="c-1", on="2020-03", returned_by="CA",
    ...                         returned_to="US", nationalities=["HT"])
    >>> covers(Scope(returns_from="2020-03-21"), back)
    <Truth.MAYBE: 'maybe'>
    >>> covers(Scope(nationalities=["VE"]), back)
    <Truth.NO: 'no'>
    """
    truth = filters(scope, returned)
    if truth is NO:
        return NO
    if scope.returns_from is not None:
        truth = truth & returned.on.on_or_after(scope.returns_from)
    if scope.returns_until is not None:
        truth = truth & returned.on.on_or_before(scope.returns_until)
    if withdrawn is not None:
        truth = truth & ~returned.on.after(withdrawn)
    return truth


def filters(scope: r.Scope, returned: r.ClaimantReturned) -> Truth:
    """Whether a return matches every filter of a scope but its window of dates.

    A crossing recorded as ``unknown`` *maybe* matches a scope that names
    crossings; every other filter matches or not. :func:`covers` adds the
    window; the index and the counts below read this same rule.
    """
    # Loops over tuples, not sets: both lists are a few countries (at most the
    # 250 or so codes, each once), and this runs for every return and scope.
    nationalities = returned.nationalities
    listed = scope.nationalities
    if listed is not None and not any(n in listed for n in nationalities):
        return NO
    excluded = scope.exclude_nationalities
    if excluded and any(n in excluded for n in nationalities):
        return NO
    if (scope.claimants is not None and returned.claimant_id not in scope.claimants) or (
        scope.minors_only and not returned.minor
    ):
        return NO
    if scope.crossings is not None and returned.crossing not in scope.crossings:
        return MAYBE if returned.crossing == "unknown" else NO
    return YES


def window(scope: r.Scope) -> tuple[dt.date, dt.date]:
    """The first and last day a return may be on and still be covered by ``scope``."""
    first = scope.returns_from.earliest if scope.returns_from is not None else dt.date.min
    last = scope.returns_until.latest if scope.returns_until is not None else dt.date.max
    return first, last


class _Windows(Generic[T]):
    """Items with windows of days; which windows reach a span, in time that grows with the answer.

    The windows are sorted by their first day, over a tree that keeps the
    latest last day of each run of them: a query walks down only into runs
    that can reach the span.
    """

    __slots__ = ("_firsts", "_items", "_lasts", "_size", "_tree")

    def __init__(self, entries: Sequence[tuple[int, dt.date, dt.date, T]]) -> None:
        ordered = sorted(entries, key=lambda e: e[1])
        self._firsts = [e[1] for e in ordered]
        self._lasts = [e[2] for e in ordered]
        self._items = [(e[0], e[3]) for e in ordered]
        size = 1
        while size < len(ordered):
            size *= 2
        self._size = size
        tree = [dt.date.min] * (2 * size)
        tree[size : size + len(ordered)] = self._lasts
        for node in range(size - 1, 0, -1):
            tree[node] = max(tree[2 * node], tree[2 * node + 1])
        self._tree = tree

    def reaching(self, span: DateSpan, out: list[tuple[int, T]]) -> None:
        """Add to ``out`` every item whose window overlaps ``span``."""
        stop = bisect.bisect_right(self._firsts, span.latest)  # windows that start in time
        if not stop:
            return
        tree, size, earliest = self._tree, self._size, span.earliest
        nodes = [(1, 0, size)]
        while nodes:
            node, lo, hi = nodes.pop()
            if lo >= stop or tree[node] < earliest:
                continue
            if node >= size:
                out.append(self._items[lo])
                continue
            mid = (lo + hi) // 2
            nodes.append((2 * node + 1, mid, hi))
            nodes.append((2 * node, lo, mid))


class _Group(Generic[T]):
    """The scopes of one group: read through while few, then by a tree of windows."""

    __slots__ = ("_entries", "_windows")

    def __init__(self) -> None:
        self._entries: list[tuple[int, dt.date, dt.date, T]] = []
        self._windows: _Windows[T] | None = None

    def add(self, order: int, first: dt.date, last: dt.date, item: T) -> None:
        self._entries.append((order, first, last, item))
        self._windows = None

    def reaching(self, span: DateSpan, out: list[tuple[int, T]]) -> None:
        entries = self._entries
        if len(entries) < _SMALL:
            for order, first, last, item in entries:
                if first <= span.latest and last >= span.earliest:
                    out.append((order, item))
            return
        if self._windows is None:
            self._windows = _Windows(entries)
        self._windows.reaching(span, out)


#: The key of a group of scopes: a nationality they name (None: any), a
#: crossing they admit (None: any), and whether they take minors only.
_Key = tuple[str | None, str | None, bool]


class ScopeIndex(Generic[T]):
    """Scopes, each with an item, found by the returns they may cover.

    >>> from assurance_ledger import Scope, ClaimantReturned
    >>> index = ScopeIndex([("old", Scope(returns_until="2019-12-31")),
    ...                     ("haiti", Scope(nationalities=["HT"])),
    ...                     ("anyone", Scope())])
    >>> back = ClaimantReturned(claimant_id="c-1", on="2020-03-22", returned_by="CA",
    ...                         returned_to="US", nationalities=["HT"])
    >>> index.candidates(back)
    ['haiti', 'anyone']

    :meth:`candidates` may give a scope that does not cover the return (one
    that excludes its nationality, say): judge each with :func:`covers`. It
    never leaves out one that may.
    """

    __slots__ = ("_by_claimant", "_entries", "_groups")

    def __init__(self, entries: Iterable[tuple[T, r.Scope]] = ()) -> None:
        """Index each ``(item, scope)``; :meth:`candidates` gives items in this order."""
        self._entries: list[_Entry[T]] = []
        # The groups are made at the first look among many scopes (a few are
        # read through: most ledgers hold a handful of assurances per pair).
        self._by_claimant: dict[str, list[tuple[int, T]]] | None = None
        self._groups: dict[_Key, _Group[T]] = {}
        for item, scope in entries:
            self.add(item, scope)

    def __len__(self) -> int:
        """How many scopes are indexed."""
        return len(self._entries)

    def add(self, item: T, scope: r.Scope) -> None:
        """Index one more scope, with its item."""
        self._entries.append(_Entry.of(item, scope))
        self._by_claimant = None

    def _group(self) -> dict[str, list[tuple[int, T]]]:
        by_claimant: dict[str, list[tuple[int, T]]] = {}
        groups: dict[_Key, _Group[T]] = {}
        self._groups = groups
        for order, entry in enumerate(self._entries):
            item, scope, first, last = entry.item, entry.scope, entry.first, entry.last
            if scope.claimants is not None:
                for claimant in scope.claimants:
                    by_claimant.setdefault(claimant, []).append((order, item))
                continue
            nations: Iterable[str | None] = scope.nationalities or (None,)
            # A return whose crossing is unknown may match any list of crossings.
            crossings: Iterable[str | None] = (
                (None,) if scope.crossings is None else {*scope.crossings, "unknown"}
            )
            for nation in nations:
                for crossing in crossings:
                    key = (nation, crossing, scope.minors_only)
                    group = groups.get(key)
                    if group is None:
                        group = groups[key] = _Group()
                    group.add(order, first, last, item)
        self._by_claimant = by_claimant
        return by_claimant

    def candidates(self, back: r.ClaimantReturned) -> list[T]:
        """The items whose scope may cover ``back`` (and perhaps a few more), in order added."""
        entries = self._entries
        if len(entries) < _SMALL:
            return [entry.item for entry in entries if entry.may_cover(back)]
        by_claimant = self._by_claimant if self._by_claimant is not None else self._group()
        found: list[tuple[int, T]] = list(by_claimant.get(back.claimant_id, ()))
        groups = self._groups
        minors = (False, True) if back.minor else (False,)
        for nation in (*back.nationalities, None):
            for crossing in (back.crossing, None):
                for minor in minors:
                    group = groups.get((nation, crossing, minor))
                    if group is not None:
                        group.reaching(back.on, found)
        if len(found) > 1:
            found = sorted(dict(found).items())  # a dual national may find one twice
        return [item for _, item in found]


@attrs.frozen
class _Entry(Generic[T]):
    """A scope as the index holds it, ready for a quick look (private).

    The quick look (:meth:`may_cover`) reads the window and the filters that
    decide alone, from sets made once, rather than calling :func:`filters` for
    every return: it runs for every return and scope of a pair (about 5% of a full
    check's instructions). It may only say no where :func:`filters` or the
    window would; the property tests of the index hold it to that.
    """

    item: T
    scope: r.Scope
    first: dt.date
    last: dt.date
    nations: frozenset[str] | None
    excluded: frozenset[str]
    claimants: frozenset[str] | None

    @classmethod
    def of(cls, item: T, scope: r.Scope) -> _Entry[T]:
        """The entry of ``item`` with ``scope``."""
        return cls(
            item,
            scope,
            *window(scope),
            None if scope.nationalities is None else frozenset(scope.nationalities),
            frozenset(scope.exclude_nationalities),
            None if scope.claimants is None else frozenset(scope.claimants),
        )

    def may_cover(self, back: r.ClaimantReturned) -> bool:
        """False only where :func:`covers` certainly says ``NO`` (crossings aside)."""
        on = back.on
        return not (
            on.latest < self.first
            or on.earliest > self.last
            or (self.claimants is not None and back.claimant_id not in self.claimants)
            or (self.scope.minors_only and not back.minor)
            or (self.nations is not None and self.nations.isdisjoint(back.nationalities))
            or not self.excluded.isdisjoint(back.nationalities)
        )


#: A scope's filters without its window: crossings, nationalities, exclusions, minors only.
_Filters = tuple[tuple[str, ...] | None, tuple[str, ...] | None, tuple[str, ...], bool]


class ReturnCounts:
    """How many of a set of returns each scope may cover, counted without listing them.

    >>> from assurance_ledger import Scope, ClaimantReturned
    >>> backs = [ClaimantReturned(claimant_id=f"c-{day}", on=f"2020-03-{day:02d}",
    ...                           returned_by="CA", returned_to="US", nationalities=["HT"])
    ...          for day in range(1, 31)]
    >>> counts = ReturnCounts(backs)
    >>> counts.count(Scope(returns_from="2020-03-21"))
    10
    >>> counts.count(Scope(nationalities=["VE"]))
    0
    """

    __slots__ = ("_by_id", "_filtered", "_returns")

    def __init__(self, returns: Iterable[r.ClaimantReturned]) -> None:
        """Count among ``returns``."""
        self._returns = list(returns)
        self._by_id: dict[str, list[r.ClaimantReturned]] = {}
        for back in self._returns:
            self._by_id.setdefault(back.claimant_id, []).append(back)
        # For each set of filters (a scope without its window): the earliest and
        # the latest days of the returns they may take, each sorted.
        self._filtered: dict[_Filters, tuple[list[dt.date], list[dt.date]]] = {}

    def count(self, scope: r.Scope) -> int:
        """How many of the returns ``scope`` may cover (``covers`` is not ``NO``)."""
        if scope.claimants is not None:
            return sum(
                covers(scope, back).possible
                for claimant in scope.claimants
                for back in self._by_id.get(claimant, ())
            )
        key = (
            scope.crossings,
            scope.nationalities,
            scope.exclude_nationalities,
            scope.minors_only,
        )
        days = self._filtered.get(key)
        if days is None:
            taken = [back.on for back in self._returns if filters(scope, back) is not NO]
            days = self._filtered[key] = (
                sorted(on.earliest for on in taken),
                sorted(on.latest for on in taken),
            )
        earliest, latest = days
        first, last = window(scope)
        # Reaching the window: not ending before its first day, not starting after
        # its last. A return that ends before the first day starts before the last
        # (the first is never after the last), so the two can be counted apart.
        starts_in_time = bisect.bisect_right(earliest, last)
        ends_too_soon = bisect.bisect_left(latest, first)
        return starts_in_time - ends_too_soon
