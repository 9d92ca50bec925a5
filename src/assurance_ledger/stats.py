"""Publication statistics: counts of returns and their outcomes, safe to publish.

In March 2020 the public question was a count: how many of the people Canada
turned back were returned to their countries of origin? :func:`stats` answers
questions of that kind from a ledger's current view, grouped by any of
:data:`FIELDS`, in the columns of :data:`MEASURES`, and publishes the counts
under a :class:`Suppression` so that no small count can be recovered.

How it reasons, once:

* **The unit is the returned claimant.** Every grouping field gives each return
  exactly one value (the *latest* outcome, not every outcome; the *first*
  nationality, or ``stateless``), so the groups partition the returns: the
  column totals count claimants, never records, and unsuppressed, the
  ``returns`` total is the number of returns whatever the grouping. Facts are
  judged as :func:`~assurance_ledger.checker.check` judges them, as of one day,
  and coverage is the checker's own.
* **Rounding and ``--`` alone do not protect.** IRCC's practice in 2020 (counts
  from 1 to 4 shown as ``--``, every other count rounded to the nearest 5) hides
  a cell's value, but the published totals still constrain it: a column ``10,
  10, --`` with a total of ``15`` pins the ``--`` to 1 (the two tens are at
  least 8 each, the total at most 17).
* **So every small count needs a witness.** Before a table is published, each
  count from 1 to the threshold (in a cell or a total) must have a *witness*: a
  second table, different in that cell, that agrees with everything published
  (each shown number, each ``--`` and ``x``, and the relations any table obeys:
  totals are sums, ``returns = covered + unassured``, no measure exceeds
  ``returns``, a listed group is not empty). Then no reasoning from the table,
  by subtraction or otherwise, can pin the cell: both tables explain what was
  published. When a cell has no witness, another cell is suppressed (shown
  ``x``: complementary suppression) and the search is repeated. Suppressing
  only widens what a published value allows, so a witness, once found, stays
  one, and with every non-zero count suppressed a witness always exists: the
  loop ends. A 0 is never suppressed: a shown 0 is a true 0, about nobody.
* **Releases.** Two releases of the same table, from the same growing ledger,
  reveal the *change* in a cell only where both pin it exactly. A release made
  ``since`` earlier ones names the ledger state each was made from (its head
  hash), recounts that state, and makes sure that no cell is pinned in both
  with a change from 1 to the threshold (either way), suppressing more if one
  is.

The witness search tries small changes (a few counts up or down by one, each
repairing what the previous one broke); when it finds none, it suppresses more
rather than guess, so a failed search costs only information, never safety.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Final, Literal, TypeAlias, cast

import attrs

from . import records as r
from . import statstext
from .checker import check
from .commitments import Commitment
from .dates import DateSpan
from .display import one_line
from .engine import date_order
from .errors import LedgerError
from .intervals import agrees, stated, with_intervals
from .ledger import Fact, Ledger
from .report import Report
from .rules import Rule
from .statstext import TOTAL

__all__ = [
    "FIELDS",
    "MEASURES",
    "PROTECTING",
    "SUPPRESSED",
    "Cell",
    "StatsError",
    "StatsRow",
    "StatsTable",
    "Suppression",
    "stats",
]

#: The fields a table can be grouped by, in the order the documentation lists them.
FIELDS: tuple[str, ...] = (
    "returned_by",
    "returned_to",
    "nationality",
    "crossing",
    "month",
    "outcome",
    "final_destination",
)
#: The columns of every table, in order: each counts returned claimants.
MEASURES: tuple[str, ...] = (
    "returns",
    "covered",
    "unassured",
    "returned_to_origin",
    "removed_to_feared",
)
#: Shown for a count from 1 to the threshold (primary suppression).
SUPPRESSED: Final = "--"
#: Shown for a count suppressed to protect another one (complementary suppression).
PROTECTING: Final = "x"
#: A published value: a (rounded) count, ``"--"`` or ``"x"``.
Cell: TypeAlias = int | Literal["--", "x"]

_HEX64 = re.compile(r"[0-9a-f]{64}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Measure indexes: R = C + U; O <= R; F <= R.
_R, _C, _U, _O, _F = range(5)
#: An upper bound standing for "no bound" (far above any count).
_INF = 1 << 60
#: How many small changes the witness search may try, and how many repairs deep.
_BUDGET = 2_000
_DEPTH = 4


class StatsError(LedgerError, ValueError):
    """A bad argument or release for :func:`stats`: ``field`` was not ``expected``.

    ``got`` is a short representation of what was found (or ``None``).
    """

    field: str
    expected: str
    got: str | None

    def __init__(self, field: str, expected: str, got: str | None = None) -> None:
        """Build the error; the message is ``field: expected ..., got ...``."""
        self.field = field
        self.expected = expected
        self.got = got
        found = f", got {got}" if got is not None else ""
        super().__init__(f"{one_line(field)}: expected {expected}{found}")

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by the data."""
        return (type(self), (self.field, self.expected, self.got))


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _whole(name: str) -> Any:
    def validate(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise StatsError(name, "a whole number, 0 or more", _short(value))

    return validate


@attrs.frozen
class Suppression:
    """How counts are published: which are hidden, and what the others are rounded to.

    A count from 1 to ``threshold`` is shown as ``--``; every other count is
    rounded to the nearest multiple of ``base`` (an exact half, possible only
    with an even base, rounds up); 0 is shown as 0. Cells that would let a
    hidden count be worked out are shown as ``x`` (see :func:`stats`).

    Presets: :attr:`DEFAULT` (IRCC's practice for these figures in 2020: 1 to 4
    hidden, others rounded to 5), :attr:`STRICT` (1 to 10 hidden, others rounded
    to 5) and :attr:`NONE` (raw counts). ``threshold`` is 0 (nothing hidden) or
    at least 2 (a ``--`` that can only mean 1 would reveal it), and at least
    the largest count that rounds to 0, so that a published 0 is a true 0.

    >>> Suppression.DEFAULT.publish(3), Suppression.DEFAULT.publish(12)
    ('--', 10)
    >>> Suppression.DEFAULT.bounds(10), Suppression.DEFAULT.bounds("--")
    ((8, 12), (1, 4))
    """

    threshold: int = attrs.field(validator=_whole("threshold"))
    base: int = attrs.field(validator=_whole("base"))

    DEFAULT: ClassVar[Suppression]
    STRICT: ClassVar[Suppression]
    NONE: ClassVar[Suppression]
    #: The presets by name, as the command line names them.
    PRESETS: ClassVar[Mapping[str, Suppression]]

    def __attrs_post_init__(self) -> None:
        """Refuse settings under which a published value could reveal a count."""
        if self.base < 1:
            raise StatsError("base", "a whole number, 1 or more", _short(self.base))
        if self.threshold == 1:
            raise StatsError(
                "threshold", "0 or at least 2 (a '--' that can only mean 1 reveals it)", "1"
            )
        if 0 < self.threshold < self._rounds_to_zero:
            raise StatsError(
                "threshold",
                f"0 or at least {self._rounds_to_zero}, the largest count that rounds to 0 "
                f"with base {self.base}",
                str(self.threshold),
            )

    @classmethod
    def preset(cls, name: str) -> Suppression:
        """The preset called ``name``: ``default``, ``strict`` or ``none``."""
        try:
            return cls.PRESETS[name]
        except KeyError:
            raise StatsError(
                "suppression", f"one of {', '.join(cls.PRESETS)}", _short(name)
            ) from None

    @property
    def _rounds_to_zero(self) -> int:
        """The largest count that rounds to 0 (base 5: 2; base 10: 4)."""
        return self.base - 1 - self.base // 2

    def _round(self, count: int) -> int:
        return (count + self.base // 2) // self.base * self.base

    def publish(self, count: int) -> Cell:
        """What this setting shows for ``count`` on its own (before complementary suppression)."""
        if 1 <= count <= self.threshold:
            return SUPPRESSED
        return self._round(count)

    def bounds(self, value: Cell) -> tuple[int, int | None]:
        """The true counts a published ``value`` allows: ``(lowest, highest)``.

        ``highest`` is ``None`` for ``x``, which allows any count from 1 up.
        Raise :class:`StatsError` for a value this setting never publishes.
        """
        lo, hi = self._bounds(value)
        return lo, (None if hi >= _INF else hi)

    def _bounds(self, value: object) -> tuple[int, int]:
        if value == SUPPRESSED and self.threshold:
            return 1, self.threshold
        if value == PROTECTING:
            return 1, _INF
        if isinstance(value, int) and not isinstance(value, bool) and value % self.base == 0:
            lo = max(value - self.base // 2, 0)
            hi = value + self._rounds_to_zero
            if self.threshold:
                lo = 0 if value == 0 else max(lo, self.threshold + 1)
                hi = 0 if value == 0 else hi
            if 0 <= lo <= hi:
                return lo, hi
        shown = ", ".join(
            ([f"'{SUPPRESSED}'"] if self.threshold else [])
            + [f"'{PROTECTING}'", "0", f"a multiple of {self.base}"]
        )
        above = f" above {self.threshold}" if self.threshold else ""
        raise StatsError("value", f"{shown}{above}", _short(value))

    def describe(self) -> str:
        """The setting in words, for the heading of a table."""
        if not self.threshold and self.base == 1:
            return "raw counts, nothing suppressed"
        parts = []
        if self.threshold:
            parts.append(f"counts from 1 to {self.threshold} shown as {SUPPRESSED}")
        if self.base > 1:
            others = "others" if self.threshold else "counts"
            parts.append(f"{others} rounded to the nearest {self.base}")
        parts.append(f"{PROTECTING}: suppressed to protect another count")
        return "; ".join(parts)

    def to_json(self) -> dict[str, int]:
        """The setting as JSON: ``{"threshold": ..., "base": ...}``."""
        return {"threshold": self.threshold, "base": self.base}


Suppression.DEFAULT = Suppression(threshold=4, base=5)
Suppression.STRICT = Suppression(threshold=10, base=5)
Suppression.NONE = Suppression(threshold=0, base=1)
Suppression.PRESETS = MappingProxyType(
    {"default": Suppression.DEFAULT, "strict": Suppression.STRICT, "none": Suppression.NONE}
)


@attrs.frozen(kw_only=True)
class StatsRow:
    """One row of a table: the group's ``key`` (one value per grouping field) and its counts.

    The total row has an empty ``key``.
    """

    key: tuple[str, ...]
    returns: Cell
    covered: Cell
    unassured: Cell
    returned_to_origin: Cell
    removed_to_feared: Cell

    @property
    def values(self) -> tuple[Cell, ...]:
        """The published values, in the order of :data:`MEASURES`."""
        return (
            self.returns,
            self.covered,
            self.unassured,
            self.returned_to_origin,
            self.removed_to_feared,
        )


def _row(key: tuple[str, ...], values: Sequence[Cell]) -> StatsRow:
    return StatsRow(key=key, **dict(zip(MEASURES, values, strict=True)))


@attrs.frozen(kw_only=True)
class StatsTable:
    """A published table of counts: what :func:`stats` returns (a value).

    ``rows`` are the non-empty groups, sorted by key (none when ``by`` is
    empty); ``total`` sums every return. ``ledger_head`` is the hash of the
    last entry of the ledger it was counted from (``None`` for an empty one):
    it names that state, so that a later release can be made ``since`` this one.
    """

    by: tuple[str, ...]
    as_of: dt.date
    suppression: Suppression
    ledger_head: str | None
    rows: tuple[StatsRow, ...]
    total: StatsRow

    MEASURES: ClassVar[tuple[str, ...]] = MEASURES

    def row(self, *key: str) -> StatsRow:
        """The row of the group ``key`` (one value per grouping field); ``()`` is the total."""
        if not key:
            return self.total
        for row in self.rows:
            if row.key == key:
                return row
        raise StatsError("key", f"a group of this table ({', '.join(self.by)})", _short(key))

    def to_json(self) -> dict[str, Any]:
        """The table as JSON: what :meth:`from_json` reads back (and ``--since`` expects).

        Each row's values, and the total's, come with their ``intervals`` (see
        :mod:`~assurance_ledger.intervals`).
        """
        return {
            "by": list(self.by),
            "as_of": self.as_of.isoformat(),
            "suppression": self.suppression.to_json(),
            "ledger_head": self.ledger_head,
            "measures": list(MEASURES),
            "rows": [
                {
                    **dict(zip(self.by, row.key, strict=True)),
                    **with_intervals(self.suppression, MEASURES, row.values),
                }
                for row in self.rows
            ],
            "total": with_intervals(self.suppression, MEASURES, self.total.values),
        }

    @classmethod
    def from_json(cls, data: object) -> StatsTable:
        """Read a table written by :meth:`to_json`; raise :class:`StatsError` if it is not one."""
        return _read_table(data)

    def to_csv(self) -> str:
        """The table as CSV: a header, one line per group, and the total last.

        The total's first grouping column reads ``Total`` (with no grouping, the
        one line is the total). Groups are neutralised against spreadsheet
        formulas (see :mod:`~assurance_ledger.csvout`); counts are not.
        """
        return statstext.to_csv(self)

    def to_text(self) -> str:
        """The table for people, in plain text, with the suppression stated above it."""
        return statstext.to_text(self)

    def __str__(self) -> str:
        """The plain-text table."""
        return self.to_text()

    def _repr_html_(self) -> str:
        """The table as HTML for notebooks; every value is escaped."""
        return statstext.to_html(self)


# -- reading a table back ------------------------------------------------------------


_KEYS = ("by", "as_of", "suppression", "ledger_head", "measures", "rows", "total")
_VALUES = [*MEASURES, "intervals (optional)"]
_STATED = "the counts its values stand for, [lowest, highest or null] for each measure"


def _read_table(data: object) -> StatsTable:
    if not isinstance(data, dict):
        raise StatsError("(top level)", "a JSON object with " + ", ".join(_KEYS), _short(data))
    unknown = sorted(set(data) - set(_KEYS), key=str)
    if unknown:
        raise StatsError(str(unknown[0]), f"no such field (the fields are: {', '.join(_KEYS)})")
    missing = [key for key in _KEYS if key not in data]
    if missing:
        raise StatsError(missing[0], "a value", None)
    if not isinstance(data["by"], list):
        raise StatsError("by", f"a list of fields among {', '.join(FIELDS)}", _short(data["by"]))
    by = _fields(data["by"])
    suppression = _read_suppression(data["suppression"])
    head = data["ledger_head"]
    if head is not None and not (isinstance(head, str) and _HEX64.fullmatch(head)):
        raise StatsError("ledger_head", "null or 64 lower-case hex digits", _short(head))
    if data["measures"] != list(MEASURES):
        raise StatsError("measures", f"the list {list(MEASURES)}", _short(data["measures"]))
    total = data["total"]
    if not (isinstance(total, dict) and set(total) - {"intervals"} == set(MEASURES)):
        raise StatsError("total", f"an object with the keys {_VALUES}", _short(total))
    return StatsTable(
        by=by,
        as_of=_read_day(data["as_of"]),
        suppression=suppression,
        ledger_head=head,
        rows=_read_rows(data["rows"], by, suppression),
        total=_row((), _read_values(suppression, total, "total.")),
    )


def _read_day(value: object) -> dt.date:
    if not (isinstance(value, str) and _DAY.fullmatch(value)):
        raise StatsError("as_of", "a day written YYYY-MM-DD", _short(value))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise StatsError("as_of", "a real calendar day", _short(value)) from None


def _read_suppression(value: object) -> Suppression:
    if not (isinstance(value, dict) and set(value) == {"threshold", "base"}):
        raise StatsError("suppression", 'an object {"threshold": ..., "base": ...}', _short(value))
    try:
        return Suppression(threshold=value["threshold"], base=value["base"])
    except StatsError as exc:
        raise StatsError(f"suppression.{exc.field}", exc.expected, exc.got) from None


def _read_rows(
    value: object, by: tuple[str, ...], suppression: Suppression
) -> tuple[StatsRow, ...]:
    if not isinstance(value, list):
        raise StatsError("rows", "a list of objects", _short(value))
    if not by and value:
        raise StatsError("rows", "an empty list (the table is not grouped)", _short(value))
    rows = []
    for i, item in enumerate(value):
        where = f"rows[{i}]"
        if not (isinstance(item, dict) and set(item) - {"intervals"} == {*by, *MEASURES}):
            raise StatsError(where, f"an object with the keys {[*by, *_VALUES]}", _short(item))
        for field in by:
            group = item[field]
            if not (isinstance(group, str) and group and group != TOTAL):
                raise StatsError(f"{where}.{field}", "a group value (text)", _short(group))
        key = tuple(str(item[field]) for field in by)
        rows.append(_row(key, _read_values(suppression, item, f"{where}.")))
    keys = [row.key for row in rows]
    if keys != sorted(set(keys)):
        raise StatsError("rows", "one row per group, sorted by group", None)
    return tuple(rows)


def _read_values(suppression: Suppression, item: Mapping[str, object], where: str) -> list[Cell]:
    """A row's values; its intervals, which older releases lack, must be what they stand for."""
    for m in MEASURES:
        try:
            suppression._bounds(item[m])
        except StatsError as exc:
            raise StatsError(f"{where}{m}", exc.expected, exc.got) from None
    values, given = [cast(Cell, item[m]) for m in MEASURES], item.get("intervals", ...)
    if given is not ... and not agrees(given, stated(suppression, MEASURES, values)):
        raise StatsError(f"{where}intervals", _STATED, _short(given))
    return values


def _fields(by: object, name: str = "by") -> tuple[str, ...]:
    if isinstance(by, str):
        by = (by,)
    if not isinstance(by, Sequence) or isinstance(by, str | bytes):
        raise StatsError(name, f"a list of fields among {', '.join(FIELDS)}", _short(by))
    fields = tuple(by)
    for field in fields:
        if field not in FIELDS:
            raise StatsError(name, f"fields among {', '.join(FIELDS)}", _short(field))
    if len(set(fields)) != len(fields):
        raise StatsError(name, "each field at most once", _short(list(fields)))
    return fields


# -- counting ------------------------------------------------------------------------


def _month(on: DateSpan) -> str:
    """The month of a return: ``2020-03``; ``2020`` if only the year is sure; else ``unknown``."""
    first, last = on.earliest, on.latest
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.year:04d}-{first.month:02d}"
    if first.year == last.year:
        return f"{first.year:04d}"
    return "unknown"


@attrs.frozen
class _Grid:
    """True counts: one row per non-empty group (sorted by key), five measures each."""

    keys: tuple[tuple[str, ...], ...]
    counts: tuple[tuple[int, ...], ...]
    listed: bool  # whether the group rows are published (not when ungrouped)

    def rows(self) -> list[tuple[int, ...]]:
        """The group rows, then the total."""
        total = tuple(sum(column) for column in zip(*self.counts, strict=True)) or (0,) * len(
            MEASURES
        )
        return [*self.counts, total]


def _count(ledger: Ledger, by: tuple[str, ...], report: Report) -> _Grid:
    day = report.as_of
    unassured = {u.claimant_id for u in report.unassured_returns}
    returns: list[r.ClaimantReturned] = []
    outcomes: dict[str, list[Fact]] = defaultdict(list)
    for fact in ledger.facts():
        record = fact.record
        if isinstance(record, r.ClaimantReturned) and record.on.earliest <= day:
            returns.append(record)
        elif isinstance(record, r.Outcome) and record.on.earliest <= day:
            outcomes[record.claimant_id].append(fact)
    groups: dict[tuple[str, ...], list[int]] = {}
    for back in returns:
        mine = sorted(outcomes.get(back.claimant_id, ()), key=date_order)  # the checker's order
        moves = [f.record for f in mine if isinstance(f.record, r.Removed | r.Departed)]
        forced = [m for m in moves if isinstance(m, r.Removed) or m.coerced]
        values = {
            "returned_by": back.returned_by,
            "returned_to": back.returned_to,
            "nationality": back.nationalities[0] if back.nationalities else "stateless",
            "crossing": back.crossing,
            "month": _month(back.on),
            "outcome": mine[-1].record.TYPE if mine else "none",
            "final_destination": moves[-1].to if moves else "none",
        }
        counts = groups.setdefault(tuple(values[f] for f in by), [0] * len(MEASURES))
        covered = back.claimant_id not in unassured
        counts[_R] += 1
        counts[_C] += covered
        counts[_U] += not covered
        counts[_O] += back.origin is not None and any(m.to == back.origin for m in moves)
        counts[_F] += any(m.to in back.feared for m in forced)
    keys = tuple(sorted(groups))
    return _Grid(keys=keys, counts=tuple(tuple(groups[k]) for k in keys), listed=bool(by))


# -- the witness search --------------------------------------------------------------
#
# A table is rows g = 0..n-1 (the groups) and n (the total), five measures each.
# The free counts are C, U, O and F of each group; R = C + U, and each total is
# the sum of its column. A change ``delta`` maps free counts to +-k; a witness
# for a cell is a change that moves the cell and keeps every published count
# inside what its published value allows, with O <= R and F <= R in every row.

Cellref = tuple[int, int]
Domains = list[list[tuple[int, int]]]


def _components(n: int, cell: Cellref) -> list[Cellref]:
    g, m = cell
    rows = range(n) if g == n else (g,)
    measures = (_C, _U) if m == _R else (m,)
    return [(row, k) for row in rows for k in measures]


def _shift(n: int, delta: Mapping[Cellref, int], cell: Cellref) -> int:
    g, m = cell
    measures = (_C, _U) if m == _R else (m,)
    return sum(v for (row, k), v in delta.items() if k in measures and g in (n, row))


def _violation(
    truth: Sequence[Sequence[int]], dom: Domains, delta: Mapping[Cellref, int]
) -> tuple[int, Cellref] | None:
    """The first broken constraint: (+1 if the cell must rise, -1 if fall, 0 for O/F > R)."""
    n = len(truth) - 1
    moved: dict[int, list[int]] = {}
    for (g, m), step in delta.items():
        moved.setdefault(g, [0] * len(MEASURES))[m] += step
    total = [sum(steps) for steps in zip(*moved.values(), strict=True)] or [0] * len(MEASURES)
    moved[n] = total
    for g in sorted(moved):
        steps = moved[g]
        steps[_R] = steps[_C] + steps[_U]
        values = [count + step for count, step in zip(truth[g], steps, strict=True)]
        for m, value in enumerate(values):
            lo, hi = dom[g][m]
            if value < lo:
                return 1, (g, m)
            if value > hi:
                return -1, (g, m)
        if g < n:
            for m in (_O, _F):
                if values[m] > values[_R]:
                    return 0, (g, m)
    return None


def _fits(
    truth: Sequence[Sequence[int]],
    dom: Domains,
    delta: Mapping[Cellref, int],
    var: Cellref,
    sign: int,
) -> bool:
    g, m = var
    lo, hi = dom[g][m]
    return lo <= truth[g][m] + delta.get(var, 0) + sign <= hi


def _witnesses(
    truth: Sequence[Sequence[int]], dom: Domains, target: Cellref
) -> Iterator[dict[Cellref, int]]:
    """Changes to ``truth`` that keep it consistent with ``dom`` and move ``target``.

    Depth-first from a move of one of the target's counts by one, each step
    repairing the first constraint the change broke; at most :data:`_DEPTH`
    repairs deep and :data:`_BUDGET` changes in all, so the search always ends.
    """
    n = len(truth) - 1
    lo, hi = dom[target[0]][target[1]]
    if lo == hi:
        return  # what it shows allows one count only: no witness can move it
    budget = [_BUDGET]
    seen: set[frozenset[tuple[Cellref, int]]] = set()

    def search(delta: dict[Cellref, int], depth: int) -> Iterator[dict[Cellref, int]]:
        budget[0] -= 1
        broken = _violation(truth, dom, delta)
        if broken is None:
            if _shift(n, delta, target):
                yield delta
            return
        if depth == 0:
            return
        sign, (g, m) = broken
        if sign == 0:
            options = [((g, m), -1), ((g, _C), 1), ((g, _U), 1)]
        else:
            options = [(var, sign) for var in _components(n, (g, m))]
        for var, step in options:
            if budget[0] <= 0:
                return
            if not _fits(truth, dom, delta, var, step):
                continue
            changed = {**delta, var: delta.get(var, 0) + step}
            if not changed[var]:
                del changed[var]
            key = frozenset(changed.items())
            if key not in seen:
                seen.add(key)
                yield from search(changed, depth - 1)

    for var in _components(n, target):
        for sign in (1, -1):
            if budget[0] > 0 and _fits(truth, dom, {}, var, sign):
                seen.add(frozenset({(var, sign)}))
                yield from search({var: sign}, _DEPTH)


def _witness(truth: Sequence[Sequence[int]], dom: Domains, target: Cellref) -> bool:
    """Whether a second table, consistent with ``dom``, differs from ``truth`` in ``target``."""
    return next(_witnesses(truth, dom, target), None) is not None


def _domains(suppression: Suppression, values: Sequence[Sequence[Cell] | None]) -> Domains:
    """What each published row allows (``None``: a row not published, which allows anything).

    (A listed group is not empty; with a threshold above 0, what its
    ``returns`` shows already says so: ``--`` and ``x`` mean at least 1, a
    number at least the threshold plus 1.)
    """
    return [
        [(0, _INF)] * len(MEASURES) if row is None else [suppression._bounds(v) for v in row]
        for row in values
    ]


def _shown(grid: _Grid, table: StatsTable) -> list[Sequence[Cell] | None]:
    """A release's published rows, row for row of ``grid`` (same groups, checked)."""
    if grid.listed:
        return [row.values for row in (*table.rows, table.total)]
    return [*([None] * len(grid.keys)), table.total.values]


@attrs.frozen
class _Earlier:
    """An earlier release: its true counts (recounted) and what it published."""

    grid: _Grid
    table: StatsTable
    name: str  # how errors name it: since, or since[i] in a list


def _protect(
    grid: _Grid, suppression: Suppression, earlier: Sequence[_Earlier]
) -> list[list[Cell]]:
    """The published values: rounded, ``--`` for small counts, ``x`` where a witness needs it."""
    truth = grid.rows()
    n = len(truth) - 1
    shown: list[list[Cell]] = [[suppression.publish(v) for v in row] for row in truth]
    dom = _domains(
        suppression, [row if grid.listed or g == n else None for g, row in enumerate(shown)]
    )
    published = [
        (g, m) for g in range(n + 1) for m in range(len(MEASURES)) if grid.listed or g == n
    ]
    small = [c for c in published if 1 <= truth[c[0]][c[1]] <= suppression.threshold]
    targets = small + [c for e in earlier for c in _differenced(grid, e, suppression)]
    for target in dict.fromkeys(targets):
        while not _witness(truth, dom, target):
            cells = _complement(truth, dom, shown, published, target)
            if not cells:
                break  # the relaxed search found a witness that needs nothing more
            for g, m in cells:
                shown[g][m] = PROTECTING
                dom[g][m] = (1, _INF)
    return shown


#: How many witnesses of the relaxed table :func:`_complement` compares.
_CHOICES = 64


def _complement(
    truth: Sequence[Sequence[int]],
    dom: Domains,
    shown: Sequence[Sequence[Cell]],
    published: Sequence[Cellref],
    target: Cellref,
) -> list[Cellref]:
    """Cells to suppress so that ``target`` has a witness: as few as the search finds.

    Every non-zero count not yet suppressed is relaxed to what ``x`` allows (a
    shown 0 is a true 0 and is never suppressed), and witnesses are sought in
    that relaxed table; the cells a witness moves outside what they show are
    the ones it needs suppressed. The cheapest is chosen: fewest cells, then
    fewest totals, then the smallest counts. With every non-zero count relaxed,
    a witness is one or two moves away, so one is always found; should the
    search still come back empty, the whole row and column are suppressed. An
    empty list means the witness found needs nothing more: it is one already.
    """
    n = len(truth) - 1
    open_ = [c for c in published if truth[c[0]][c[1]] >= 1 and shown[c[0]][c[1]] != PROTECTING]
    relaxed = [list(row) for row in dom]
    for g, m in open_:
        relaxed[g][m] = (1, _INF)
    best: tuple[tuple[int, int, int], list[Cellref]] | None = None
    for count, delta in enumerate(_witnesses(truth, relaxed, target)):
        rows = {g for g, _ in delta} | {n}
        needed = [
            (g, m)
            for g in sorted(rows)
            for m in range(len(MEASURES))
            if not dom[g][m][0] <= truth[g][m] + _shift(n, delta, (g, m)) <= dom[g][m][1]
        ]
        cost = (len(needed), sum(g == n for g, _ in needed), sum(truth[g][m] for g, m in needed))
        if best is None or cost < best[0]:
            best = (cost, needed)
        if count + 1 >= _CHOICES:
            break
    if best is not None:
        return best[1]
    near = [c for c in open_ if target[0] in (c[0], n) or c[1] == target[1]] or open_
    if not near:  # pragma: no cover -- with every count suppressed, a witness is one move away
        raise LedgerError(
            f"stats: no witness for the cell {target}: this is a bug, please report it"
        )
    return near


def _differenced(grid: _Grid, earlier: _Earlier, suppression: Suppression) -> list[Cellref]:
    """Cells whose change since ``earlier`` (1 to threshold, either way) both releases pin.

    An earlier cell is pinned unless it has a witness in that release; the
    cells returned must get one in the new release. A cell the new release
    cannot unpin (a 0) next to a small count the earlier release pinned means
    the earlier release itself revealed that count: that is an error.
    """
    t = suppression.threshold
    if not t:
        return []
    old_truth = earlier.grid.rows()
    old_dom = _domains(suppression, _shown(earlier.grid, earlier.table))
    old_index = {key: g for g, key in enumerate(earlier.grid.keys)} if grid.listed else {}
    new_truth = grid.rows()
    new_index = {key: g for g, key in enumerate(grid.keys)} if grid.listed else {}
    places: list[tuple[int | None, int | None, tuple[str, ...] | None]] = [
        (old_index.get(key), new_index.get(key), key) for key in sorted({*old_index, *new_index})
    ]
    places.append((len(old_truth) - 1, len(new_truth) - 1, None))
    found = []
    for old_g, new_g, key in places:
        for m, measure in enumerate(MEASURES):
            before = old_truth[old_g][m] if old_g is not None else 0
            after = new_truth[new_g][m] if new_g is not None else 0
            if not 1 <= abs(after - before) <= t:
                continue
            if old_g is not None and _witness(old_truth, old_dom, (old_g, m)):
                continue
            if new_g is None or after == 0:
                where = f"the group {key}" if key is not None else "the total"
                raise StatsError(
                    earlier.name,
                    "an earlier release that does not itself reveal a small count",
                    f"one that pins {measure} of {where} (as of {earlier.table.as_of})",
                )
            found.append((new_g, m))
    return found


# -- the function --------------------------------------------------------------------


def _state(ledger: Ledger, head: str | None, name: str) -> Ledger:
    """The ledger as it stood when its last entry had the hash ``head``."""
    if head is None:
        return Ledger(codec=ledger.codec)
    for entry in ledger.entries:
        if entry.hash == head:
            if entry.seq == len(ledger):
                return ledger
            return Ledger.from_lines(
                itertools.islice(ledger.lines(), entry.seq), codec=ledger.codec
            )
    raise StatsError(
        name,
        "a release made from an earlier state of this ledger",
        f"one made from a ledger whose head is {head[:12]}…, not in this ledger",
    )


def _releases(since: StatsTable | Iterable[StatsTable] | None) -> list[tuple[str, StatsTable]]:
    """The earlier releases, each with the name errors give it: ``since``, or ``since[i]``."""
    if since is None:
        return []
    if isinstance(since, StatsTable):
        return [("since", since)]
    if isinstance(since, str | bytes | Mapping) or not isinstance(since, Iterable):
        raise StatsError("since", "a StatsTable or a list of them", _short(since))
    releases = [(f"since[{i}]", release) for i, release in enumerate(since)]
    for name, release in releases:
        if not isinstance(release, StatsTable):
            raise StatsError(
                name,
                "a StatsTable (read a JSON release with StatsTable.from_json)",
                _short(release),
            )
    return releases


def stats(
    ledger: Ledger,
    by: str | Sequence[str] = (),
    *,
    as_of: dt.date | str | DateSpan,
    suppression: Suppression = Suppression.DEFAULT,
    since: StatsTable | Iterable[StatsTable] | None = None,
    rules: Mapping[type[Commitment], Rule] | None = None,
) -> StatsTable:
    """Count the ledger's returns as of one day, grouped ``by`` fields, ready to publish.

    ``by`` is a field of :data:`FIELDS` or a list of them (none: the total
    alone). ``as_of`` is the evaluation day, as for
    :func:`~assurance_ledger.checker.check` (``rules`` too is passed on to it).
    ``suppression`` decides what is shown (:attr:`Suppression.DEFAULT`: 1 to 4
    as ``--``, others rounded to 5; :attr:`Suppression.NONE`: raw counts).
    ``since`` is an earlier release of the same table (or a list of them) from
    an earlier state of the same ledger: no cell's change since then is
    revealed either. Raise :class:`StatsError` for a bad argument or release.
    """
    if not isinstance(ledger, Ledger):
        raise StatsError("ledger", "a Ledger", _short(ledger))
    fields = _fields(by)
    if not isinstance(suppression, Suppression):
        raise StatsError(
            "suppression", "a Suppression (such as Suppression.DEFAULT)", _short(suppression)
        )
    releases = _releases(since)
    report = check(ledger, as_of, rules=rules)
    earlier = []
    for name, release in releases:
        if release.by != fields:
            raise StatsError(
                name, f"a release grouped by {list(fields)}", f"one grouped by {list(release.by)}"
            )
        if release.suppression != suppression:
            raise StatsError(
                name,
                f"a release made with the same suppression ({suppression.to_json()})",
                f"one made with {release.suppression.to_json()}",
            )
        state = _state(ledger, release.ledger_head, name)
        grid = _count(state, fields, check(state, release.as_of, rules=rules))
        _check_release(grid, release, name)
        earlier.append(_Earlier(grid=grid, table=release, name=name))
    grid = _count(ledger, fields, report)
    shown = _protect(grid, suppression, earlier)
    head = ledger.head
    return StatsTable(
        by=fields,
        as_of=report.as_of,
        suppression=suppression,
        ledger_head=head.hash if head is not None else None,
        rows=tuple(_row(key, shown[g]) for g, key in enumerate(grid.keys)) if fields else (),
        total=_row((), shown[-1]),
    )


def _check_release(grid: _Grid, release: StatsTable, name: str) -> None:
    """Refuse an earlier release whose published values its ledger state cannot explain."""
    keys = tuple(row.key for row in release.rows)
    fits = not grid.listed or keys == grid.keys
    if fits:
        dom = _domains(release.suppression, _shown(grid, release))
        fits = all(
            lo <= value <= hi
            for row, bounds in zip(grid.rows(), dom, strict=True)
            for value, (lo, hi) in zip(row, bounds, strict=True)
        )
    if not fits:
        raise StatsError(
            name,
            "a release whose counts match the ledger state it names",
            f"one whose counts differ from this ledger's as of {release.as_of}",
        )
