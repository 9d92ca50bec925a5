"""What published tables say together: an audit of a set of :func:`stats` releases.

:func:`~assurance_ledger.stats.stats` protects each table on its own. A reader
with several tables of the same ledger and day (the total, by nationality, by
nationality and month, ...) can combine them. :func:`audit_stats` reads any set
of published tables as a statistics office's disclosure reviewer would, with
nothing but the published values and the documented rules, and works out for
every published cell its *feasible range*: the least and the greatest true
count consistent with all the tables at once.

The model, once:

* **The unknowns** are the true counts of the finest cross-classification the
  tables allow: a *fine cell* for each combination of values of the fields any
  of them is grouped by, with seven counts (covered, unassured, returned to
  origin, removed to a feared country, ordered removed, under an interim
  measure, transferred in custody; its returns are covered + unassured).
  A combination is kept only when every table grouped by some of its fields
  lists the group it falls in: a group a table does not list had no returns.
* **Each published value is a sum** of fine cells' counts, and lies within
  what the value stands for (:meth:`~assurance_ledger.stats.Suppression.bounds`);
  a listed group has at least one return; in every fine cell no measure but
  covered and unassured exceeds returns; every count is a whole number, 0 or
  more. A measure a table does not publish (a release written before the
  steps before a removal were counted) is no constraint, and no cell of it.
  The relations inside one table (totals are sums, ``returns = covered +
  unassured``) follow from these.
* **A feasible range** is the least and the greatest of a cell's sum over
  every whole-number solution, found by integer programming (scipy's HiGHS;
  install the ``audit`` extra). The truth is always one of the solutions, so
  it always lies within every range.

What is reported (:class:`AuditFinding`, by ``kind``):

``pinned``
    a protected cell (shown ``--`` or ``x``) whose range holds one count: the
    tables together tell it. A disclosure.
``every_member``
    a group of few returns (from 1 to the threshold, in every solution) of
    which a measure counts none, or every one, in every solution: the tables
    tell that fact of each person in it (a shown 0 beside a ``--``, say). A
    disclosure, unless a published group known to be larger, holding this
    one, has the same fact (nobody covered in the whole table, say): then it
    is that group's fact, not this one's.
``narrowed``
    a ``--`` whose range is narrower than the counts ``--`` stands for: a
    partial disclosure, reported so that it is seen, not counted against
    :attr:`StatsAudit.ok`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Final, Literal

import attrs

from ._milp import Form, Solver, System
from .display import one_line
from .errors import AuditError
from .intervals import interval
from .stats import MEASURES, PROTECTING, SUPPRESSED, Cell, StatsRow, StatsTable, Suppression

__all__ = [
    "DISCLOSING",
    "MAX_COMBINATIONS",
    "AuditFinding",
    "CellRange",
    "Kind",
    "StatsAudit",
    "audit_stats",
]

#: What a finding is: see the module's documentation.
Kind = Literal["pinned", "every_member", "narrowed"]
#: The kinds of finding that are disclosures (:attr:`StatsAudit.ok` is false when one is found).
DISCLOSING: Final = frozenset({"pinned", "every_member"})

#: The most combinations of grouping values (fine cells) one audit takes. Each is seven
#: unknowns of every integer program, and tables by several fields multiply them:
#: about 1,700 take a minute or so (docs/stats.md, Auditing what you publish).
MAX_COMBINATIONS: Final = 20_000

#: What each measure, other than returns, says of a person, for the explanations.
_SAYS = {
    "covered": "covered by an assurance",
    "unassured": "unassured",
    "returned_to_origin": "returned to their country of origin",
    "removed_to_feared": "removed to a country they fear",
    "removal_ordered": "ordered removed",
    "interim_measure": "the subject of an interim measure",
    "custody_transferred": "transferred in custody to another state",
}
# Each fine cell's counts are variables _SIZE * k to _SIZE * k + _SIZE - 1: covered,
# unassured, then every other measure but returns, in the order of MEASURES.
_C, _U = range(2)
_SIZE: Final = len(MEASURES) - 1
_VARIABLES: dict[str, tuple[int, ...]] = {"returns": (_C, _U)}
_VARIABLES |= {measure: (v,) for v, measure in enumerate(MEASURES[1:])}
#: The measures that count some of the returns: each at most returns, in every fine cell.
_BOUNDED: Final = tuple(range(_U + 1, _SIZE))


@attrs.frozen(kw_only=True)
class CellRange:
    """One published cell and the true counts that every audited table allows there.

    ``table`` is the position (from 0) of its table in :attr:`StatsAudit.tables`,
    ``by`` that table's grouping, ``key`` the group (``()``: the total),
    ``shown`` the published value; ``low`` and ``high`` bound the feasible
    range (``high`` is ``None`` when nothing published bounds it).
    """

    table: int
    by: tuple[str, ...]
    key: tuple[str, ...]
    measure: str
    shown: Cell
    low: int
    high: int | None

    @property
    def protected(self) -> bool:
        """Whether the value shown hides the count: ``--`` or ``x``."""
        return self.shown in (SUPPRESSED, PROTECTING)

    @property
    def pinned(self) -> bool:
        """Whether the published tables allow one count only."""
        return self.low == self.high

    def to_json(self) -> dict[str, Any]:
        """The cell as JSON: ``table``, ``by``, ``key``, ``measure``, ``shown``, ``range``."""
        return {
            "table": self.table,
            "by": list(self.by),
            "key": list(self.key),
            "measure": self.measure,
            "shown": self.shown,
            "range": [self.low, self.high],
        }


@attrs.frozen(kw_only=True)
class AuditFinding:
    """A published cell that tells more than its protection promises.

    ``kind`` is ``pinned``, ``every_member`` or ``narrowed`` (see
    :mod:`~assurance_ledger.audit`); ``cell`` is the cell with its feasible
    range; ``explanation`` says what a reader learns, in one line.
    """

    kind: Kind
    cell: CellRange
    explanation: str

    @property
    def discloses(self) -> bool:
        """Whether this finding is a disclosure (its kind is in :data:`DISCLOSING`)."""
        return self.kind in DISCLOSING

    def to_json(self) -> dict[str, Any]:
        """The finding as JSON: ``kind``, the cell's fields and ``explanation``."""
        return {"kind": self.kind, **self.cell.to_json(), "explanation": self.explanation}


def _names(names: Sequence[str] | None, count: int) -> list[str]:
    if names is None:
        return [f"table {i + 1}" for i in range(count)]
    if len(names) != count:
        raise ValueError(f"{len(names)} names for {count} tables")
    return [one_line(name) for name in names]


def _row_text(cell: CellRange) -> str:
    if not cell.key:
        return "Total"
    return ", ".join(f"{f} {one_line(v)}" for f, v in zip(cell.by, cell.key, strict=True))


@attrs.frozen(kw_only=True)
class StatsAudit:
    """What :func:`audit_stats` found: an immutable value.

    ``tables`` are the audited tables, in the order given (all as of ``as_of``,
    from the ledger state ``ledger_head``); ``cells`` every published cell with
    its feasible range, table by table, row by row (the total last), measure by
    measure; ``findings`` the cells that tell more than their protection
    promises, in the same order.
    """

    as_of: dt.date
    ledger_head: str | None
    tables: tuple[StatsTable, ...]
    cells: tuple[CellRange, ...]
    findings: tuple[AuditFinding, ...]

    @property
    def ok(self) -> bool:
        """Whether nothing is disclosed (``narrowed`` findings alone leave it true)."""
        return not self.disclosures

    @property
    def disclosures(self) -> tuple[AuditFinding, ...]:
        """The findings that are disclosures: ``pinned`` and ``every_member``."""
        return tuple(f for f in self.findings if f.discloses)

    def cell(self, table: int, key: Sequence[str], measure: str) -> CellRange:
        """The range of one cell: table ``table``'s row ``key`` (``()``: the total), ``measure``.

        Raise KeyError when the audit has no such cell.
        """
        for cell in self.cells:
            if (cell.table, cell.key, cell.measure) == (table, tuple(key), measure):
                return cell
        raise KeyError((table, tuple(key), measure))

    def to_json(self, names: Sequence[str] | None = None) -> dict[str, Any]:
        """The audit as JSON: every cell's range, the findings, and ``ok``.

        ``names`` (one per table, such as file names; ValueError if not) are
        given beside each table's grouping.
        """
        tables: list[dict[str, Any]] = [{"by": list(t.by)} for t in self.tables]
        if names is not None:
            _names(names, len(self.tables))  # the same check as to_text's
            tables = [{**t, "name": name} for t, name in zip(tables, names, strict=True)]
        return {
            "as_of": self.as_of.isoformat(),
            "ledger_head": self.ledger_head,
            "tables": tables,
            "ok": self.ok,
            "findings": [f.to_json() for f in self.findings],
            "cells": [c.to_json() for c in self.cells],
        }

    def to_text(self, names: Sequence[str] | None = None) -> str:
        """The findings for people, one a line, disclosures first.

        ``names`` name the tables (default: ``table 1``, ``table 2``, ...);
        they, and the groups, are escaped with :func:`~assurance_ledger.display.one_line`.
        """
        labels = _names(names, len(self.tables))
        head = self.ledger_head[:12] + "…" if self.ledger_head else "an empty ledger"
        count = len(self.tables)
        lines = [
            f"Audit of {count} table{'s' if count != 1 else ''} as of {self.as_of.isoformat()} "
            f"(ledger head {head}): {len(self.cells)} published cells"
        ]
        for label, table in zip(labels, self.tables, strict=True):
            lines.append(f"  {label}: {'by ' + ', '.join(table.by) if table.by else 'the total'}")
        disclosed, narrowed = len(self.disclosures), len(self.findings) - len(self.disclosures)
        lines.append(f"{disclosed or 'nothing'} disclosed, {narrowed or 'nothing'} narrowed")
        # Disclosures first: they are what a publisher must act on.
        lines += [
            f"{f.kind}: {labels[f.cell.table]}, {_row_text(f.cell)}, {f.cell.measure}: "
            f"{f.explanation}"
            for f in sorted(self.findings, key=lambda f: not f.discloses)
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        """The findings as plain text."""
        return self.to_text()


# -- the tables ----------------------------------------------------------------------


def _given(tables: object) -> tuple[StatsTable, ...]:
    """The tables to audit, checked: at least one, all of one ledger state and day."""
    if isinstance(tables, StatsTable):
        tables = (tables,)
    if isinstance(tables, str | bytes) or not isinstance(tables, Iterable):
        raise AuditError(None, "a list of StatsTable", type(tables).__name__)
    given = tuple(tables)
    if not given:
        raise AuditError(None, "at least one table")
    for i, table in enumerate(given):
        if not isinstance(table, StatsTable):
            raise AuditError(
                i,
                "a StatsTable (read a JSON release with StatsTable.from_json)",
                type(table).__name__,
            )
    first = given[0]
    for i, table in enumerate(given[1:], 1):
        if table.as_of != first.as_of:
            raise AuditError(
                i,
                f"a table as of {first.as_of.isoformat()}, as the first is",
                f"one as of {table.as_of.isoformat()}",
            )
        if table.ledger_head != first.ledger_head:
            raise AuditError(
                i,
                "a table of the same ledger state as the first (the same ledger_head)",
                f"one of {_head(table.ledger_head)}, not {_head(first.ledger_head)}",
            )
    return given


def _head(head: str | None) -> str:
    return f"{head[:12]}…" if head else "an empty ledger"


def _rows(table: StatsTable) -> tuple[StatsRow, ...]:
    """A table's published rows: its groups, then its total."""
    return (*table.rows, table.total)


# -- the model -----------------------------------------------------------------------


@attrs.frozen
class _Model:
    """The fine cells, and each published row's share of them."""

    fields: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]
    # For each table, each of its rows (groups then total): the fine cells it sums.
    covers: tuple[tuple[tuple[int, ...], ...], ...]

    @classmethod
    def of(cls, tables: Sequence[StatsTable]) -> _Model:
        """The finest cross-classification of ``tables``: every combination all of them allow."""
        fields = tuple(dict.fromkeys(f for t in tables for f in t.by))
        listed = [{row.key for row in t.rows} for t in tables]
        cells: list[tuple[str, ...]] = [()]
        for n, field in enumerate(fields, 1):
            known = fields[:n]
            values = set.intersection(
                *({row.key[t.by.index(field)] for row in t.rows} for t in tables if field in t.by)
            )
            # The tables that can now judge a combination: grouped by this field, and
            # by no field not yet given a value.
            judges = [
                ([known.index(f) for f in t.by], listed[i])
                for i, t in enumerate(tables)
                if field in t.by and set(t.by) <= set(known)
            ]
            ordered = sorted(values)
            cells = [
                cell
                for cell in ((*c, v) for c in cells for v in ordered)
                if all(tuple(cell[p] for p in places) in keys for places, keys in judges)
            ]
            if len(cells) > MAX_COMBINATIONS:
                raise AuditError(
                    None,
                    f"tables whose groupings make at most {MAX_COMBINATIONS:,} combinations of "
                    "values (audit fewer groupings, or fewer groups, together)",
                    f"more than {MAX_COMBINATIONS:,} by {', '.join(known)}",
                )
        covers = []
        for table in tables:
            places = [fields.index(f) for f in table.by]
            index: dict[tuple[str, ...], list[int]] = {}
            for k, cell in enumerate(cells):
                index.setdefault(tuple(cell[p] for p in places), []).append(k)
            groups = [tuple(index.get(row.key, ())) for row in table.rows]
            covers.append((*groups, tuple(range(len(cells)))))
        return cls(fields=fields, cells=tuple(cells), covers=tuple(covers))

    @staticmethod
    def form(cells: Iterable[int], measure: str) -> Form:
        """The linear form that sums ``measure`` over the fine cells ``cells``."""
        return tuple((_SIZE * k + v, 1) for k in cells for v in _VARIABLES[measure])

    def system(self, tables: Sequence[StatsTable]) -> System:
        """Every published value's bounds, and the relations inside each fine cell."""
        bounds: dict[Form, tuple[int, int | None]] = {}
        for table, covers in zip(tables, self.covers, strict=True):
            for g, row in enumerate(_rows(table)):
                listed = g < len(table.rows)
                for measure, value in zip(table.measures, row.values, strict=True):
                    lo, hi = table.suppression.bounds(value)
                    if listed and measure == "returns":
                        lo = max(lo, 1)  # a listed group is not empty
                    form = self.form(covers[g], measure)
                    old_lo, old_hi = bounds.get(form, (0, None))
                    bounds[form] = (max(lo, old_lo), _least(hi, old_hi))
        rows = list(bounds)
        lower: list[int | None] = [lo for lo, _ in bounds.values()]
        upper = [hi for _, hi in bounds.values()]
        for k in range(len(self.cells)):
            for v in _BOUNDED:  # covered + unassured - measure >= 0
                rows.append(((_SIZE * k + _C, 1), (_SIZE * k + _U, 1), (_SIZE * k + v, -1)))
                lower.append(0)
                upper.append(None)
        return System(
            size=_SIZE * len(self.cells), rows=tuple(rows), lower=tuple(lower), upper=tuple(upper)
        )


def _least(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


# -- the audit -----------------------------------------------------------------------


def _count(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"{lo} or more returns"
    if lo == hi:
        return f"{lo} return{'s' if lo != 1 else ''}"
    return f"{lo} to {hi} returns"


def _span(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"{lo} or more"
    return str(lo) if lo == hi else f"{lo} to {hi}"


class _Ranges:
    """Feasible ranges of linear forms, each found once."""

    def __init__(self, solver: Solver) -> None:
        self._solver = solver
        self._known: dict[Form, tuple[int, int | None]] = {}
        self._equal: dict[Form, bool] = {}

    def of(self, form: Form, lo: int, hi: int | None) -> tuple[int, int | None]:
        """The range of ``form``, known to lie within ``lo`` to ``hi`` (the published bounds)."""
        key = tuple(sorted(form))
        if key not in self._known:
            low = self._solver.least(key, enough=lo)
            high = self._solver.greatest(key, enough=hi)
            self._known[key] = (low, high)
        return self._known[key]

    def always_equal(self, form: Form, other: Form) -> bool:
        """Whether ``form`` equals ``other`` in every solution, given ``form >= other`` in all."""
        combined: dict[int, int] = {}
        for j, a in form:
            combined[j] = combined.get(j, 0) + a
        for j, a in other:
            combined[j] = combined.get(j, 0) - a
        difference = tuple(sorted((j, a) for j, a in combined.items() if a))
        if difference not in self._equal:
            self._equal[difference] = self._solver.greatest(difference, enough=1) == 0
        return self._equal[difference]


def audit_stats(tables: Iterable[StatsTable]) -> StatsAudit:
    """Audit published tables together: every cell's feasible range, and what they disclose.

    ``tables`` are :class:`~assurance_ledger.stats.StatsTable` values (read a
    published JSON table with ``StatsTable.from_json``), all as of one day and
    from one ledger state (the same ``as_of`` and ``ledger_head``), grouped any
    way, with any suppression. Raise :class:`~assurance_ledger.errors.AuditError`
    for tables that cannot be audited together, or that no counts fit (no
    ledger could have published them all), and ImportError without scipy.
    """
    given = _given(tables)
    model = _Model.of(given)
    solver = Solver(model.system(given))
    if not solver.feasible():
        raise AuditError(
            None,
            "tables that one ledger state could have published",
            "tables that no counts fit together (was one altered, or made from another ledger?)",
        )
    ranges = _Ranges(solver)
    rows: list[_Row] = []
    for t, (table, covers) in enumerate(zip(given, model.covers, strict=True)):
        for g, row in enumerate(_rows(table)):
            forms = {m: model.form(covers[g], m) for m in MEASURES}
            cells = {}
            for measure, value in zip(table.measures, row.values, strict=True):
                low, high = ranges.of(forms[measure], *table.suppression.bounds(value))
                cells[measure] = CellRange(
                    table=t,
                    by=table.by,
                    key=row.key,
                    measure=measure,
                    shown=value,
                    low=low,
                    high=high,
                )
            rows.append(_Row(cover=frozenset(covers[g]), forms=forms, cells=cells))
    table_rows = [t.rows for t in given]
    findings = []
    for published in rows:
        suppression = given[published.cells["returns"].table].suppression
        if published.cells["returns"].high == 0:
            continue  # a row of nobody (an empty table's total) tells nothing of anybody
        for cell in published.cells.values():
            findings += _judge(cell, _stands_for(suppression, cell, bool(table_rows[cell.table])))
        findings += _every_member(published, rows, suppression.threshold, ranges)
    return StatsAudit(
        as_of=given[0].as_of,
        ledger_head=given[0].ledger_head,
        tables=given,
        cells=tuple(c for row in rows for c in row.cells.values()),
        findings=tuple(findings),
    )


@attrs.frozen
class _Row:
    """A published row: the fine cells it sums, its measures' forms, and its cells' ranges."""

    cover: frozenset[int]
    forms: dict[str, Form]
    cells: dict[str, CellRange]


def _every_member(
    row: _Row, rows: Sequence[_Row], threshold: int, ranges: _Ranges
) -> list[AuditFinding]:
    """What the tables say of every member of a small group, and of no larger one around it.

    A group is small when every solution gives it from 1 to ``threshold``
    returns. A fact that a published group known to be larger, holding this
    one, shares (everybody in the whole table unassured, say) is not this
    group's to tell, and is not reported here.
    """
    returns = row.cells["returns"]
    if not (threshold and returns.low >= 1 and returns.high is not None):
        return []
    if returns.high > threshold:
        return []
    found = []
    for measure in [m for m in row.cells if m != "returns"]:
        fact = _fact(row, measure, ranges)
        if fact is None:
            continue
        if any(
            other.cover >= row.cover
            and other.cells["returns"].low > threshold
            and measure in other.cells
            and _fact(other, measure, ranges) == fact
            for other in rows
        ):
            continue
        cell = row.cells[measure]
        group = f"{fact} of this group's {_count(returns.low, returns.high)} was"
        found.append(
            AuditFinding(
                kind="every_member",
                cell=cell,
                explanation=f"shown {cell.shown}, but the tables say {group} {_SAYS[measure]}: "
                "in so small a group, that is said of each person",
            )
        )
    return found


def _fact(row: _Row, measure: str, ranges: _Ranges) -> Literal["none", "each"] | None:
    """Whether every solution counts none, or each, of the row's returns in ``measure``."""
    if row.cells[measure].high == 0:
        return "none"
    if ranges.always_equal(row.forms["returns"], row.forms[measure]):
        return "each"
    return None


def _stands_for(suppression: Suppression, cell: CellRange, listing: bool) -> tuple[int, int | None]:
    """What a cell's value stands for: its stated interval (a listed row has a return)."""
    return interval(suppression, cell.measure, cell.shown, nonempty=listing)


def _judge(cell: CellRange, stands_for: tuple[int, int | None]) -> list[AuditFinding]:
    """The finding about one cell's own range, if any: pinned, or a narrowed ``--``."""
    if cell.protected and cell.pinned:
        return [
            AuditFinding(
                kind="pinned",
                cell=cell,
                explanation=f"shown {cell.shown}, but only {cell.low} fits every table published",
            )
        ]
    if cell.shown == SUPPRESSED and (cell.low, cell.high) != stands_for:
        return [
            AuditFinding(
                kind="narrowed",
                cell=cell,
                explanation=f"shown {cell.shown}, which stands for {_span(*stands_for)}, but only "
                f"{_span(cell.low, cell.high)} fit every table published",
            )
        ]
    return []
