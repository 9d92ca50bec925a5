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
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Final, Literal, TypeAlias, cast

import attrs

from . import records as r
from . import statstext
from ._protection import (
    INF,
    Allowed,
    Cellref,
    Joint,
    Target,
    cell_target,
    protect,
    targets,
    witness,
)
from .checker import _date_order, check
from .commitments import Commitment
from .dates import DateSpan
from .display import one_line
from .errors import StatsError
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
_INF = INF


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

    A count from 0 to ``threshold`` is shown as ``--`` (``hide_zeros``, the
    default whenever there is a threshold: a 0 is hidden like any small count,
    as IRCC does, since "none of this group" can be as telling as "one");
    every other count is rounded to the nearest multiple of ``base`` (an exact
    half, possible only with an even base, rounds up). Cells that would let a
    hidden count be worked out are shown as ``x`` (see :func:`stats`).

    Presets: :attr:`DEFAULT` (IRCC's practice for these figures: 0 to 4
    hidden, others rounded to 5), :attr:`STRICT` (0 to 10 hidden, others
    rounded to 5) and :attr:`NONE` (raw counts). ``threshold`` is 0 (nothing
    hidden) or at least 2 (a ``--`` that can only mean 1 would reveal it), and
    at least the largest count that rounds to 0. ``hide_zeros=False`` (what
    releases made before zeros were hidden say, read back) shows a 0 as 0:
    then a 0 beside a ``--`` tells each member of that group's fact, which
    nothing else can mend.

    >>> Suppression.DEFAULT.publish(0), Suppression.DEFAULT.publish(3)
    ('--', '--')
    >>> Suppression.DEFAULT.publish(12)
    10
    >>> Suppression.DEFAULT.bounds(10), Suppression.DEFAULT.bounds("--")
    ((8, 12), (0, 4))
    """

    threshold: int = attrs.field(validator=_whole("threshold"))
    base: int = attrs.field(validator=_whole("base"))
    hide_zeros: bool = attrs.field(
        default=attrs.Factory(lambda self: self.threshold > 0, takes_self=True)
    )

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
        if not isinstance(self.hide_zeros, bool):
            raise StatsError("hide_zeros", "true or false", _short(self.hide_zeros))
        if self.hide_zeros and not self.threshold:
            raise StatsError("hide_zeros", "false when nothing is hidden (threshold 0)", "true")
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
        if (1 if not self.hide_zeros else 0) <= count <= self.threshold:
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
            return (0 if self.hide_zeros else 1), self.threshold
        if value == PROTECTING:
            return 1, _INF
        if isinstance(value, int) and not isinstance(value, bool) and value % self.base == 0:
            lo = max(value - self.base // 2, 0)
            hi = value + self._rounds_to_zero
            if self.threshold:
                lo = 0 if value == 0 else max(lo, self.threshold + 1)
                hi = 0 if value == 0 else hi
            if 0 <= lo <= hi and not (value == 0 and self.hide_zeros):
                return lo, hi
        shown = ", ".join(
            ([f"'{SUPPRESSED}'"] if self.threshold else [])
            + [f"'{PROTECTING}'"]
            + ([] if self.hide_zeros else ["0"])
            + [f"a multiple of {self.base}"]
        )
        above = f" above {self.threshold}" if self.threshold else ""
        raise StatsError("value", f"{shown}{above}", _short(value))

    def describe(self) -> str:
        """The setting in words, for the heading of a table."""
        if not self.threshold and self.base == 1:
            return "raw counts, nothing suppressed"
        parts = []
        if self.threshold:
            low = 0 if self.hide_zeros else 1
            parts.append(f"counts from {low} to {self.threshold} shown as {SUPPRESSED}")
        if self.base > 1:
            others = "others" if self.threshold else "counts"
            parts.append(f"{others} rounded to the nearest {self.base}")
        parts.append(f"{PROTECTING}: suppressed to protect another count")
        return "; ".join(parts)

    def to_json(self) -> dict[str, int | str]:
        """The setting as JSON: ``{"threshold": ..., "base": ..., "zeros": "hidden"}``.

        ``zeros`` is there when zeros are hidden; without it (as releases made
        before zeros were hidden were written), a 0 is shown as 0.
        """
        data: dict[str, int | str] = {"threshold": self.threshold, "base": self.base}
        if self.hide_zeros:
            data["zeros"] = "hidden"
        return data


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
                    **with_intervals(self.suppression, MEASURES, row.values, nonempty=True),
                }
                for row in self.rows
            ],
            "total": with_intervals(
                self.suppression, MEASURES, self.total.values, nonempty=bool(self.rows)
            ),
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
    rows = _read_rows(data["rows"], by, suppression)
    return StatsTable(
        by=by,
        as_of=_read_day(data["as_of"]),
        suppression=suppression,
        ledger_head=head,
        rows=rows,
        total=_row((), _read_values(suppression, total, "total.", nonempty=bool(rows))),
    )


def _read_day(value: object) -> dt.date:
    if not (isinstance(value, str) and _DAY.fullmatch(value)):
        raise StatsError("as_of", "a day written YYYY-MM-DD", _short(value))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise StatsError("as_of", "a real calendar day", _short(value)) from None


def _read_suppression(value: object) -> Suppression:
    if not (
        isinstance(value, dict)
        and set(value) in ({"threshold", "base"}, {"threshold", "base", "zeros"})
        and value.get("zeros", "hidden") == "hidden"
    ):
        raise StatsError(
            "suppression",
            'an object {"threshold": ..., "base": ...} with "zeros": "hidden" or without it',
            _short(value),
        )
    try:
        return Suppression(
            threshold=value["threshold"], base=value["base"], hide_zeros="zeros" in value
        )
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
        rows.append(_row(key, _read_values(suppression, item, f"{where}.", nonempty=True)))
    keys = [row.key for row in rows]
    if keys != sorted(set(keys)):
        raise StatsError("rows", "one row per group, sorted by group", None)
    return tuple(rows)


def _read_values(
    suppression: Suppression, item: Mapping[str, object], where: str, *, nonempty: bool
) -> list[Cell]:
    """A row's values; its intervals, which older releases lack, must be what they stand for."""
    for m in MEASURES:
        try:
            suppression._bounds(item[m])
        except StatsError as exc:
            raise StatsError(f"{where}{m}", exc.expected, exc.got) from None
    values, given = [cast(Cell, item[m]) for m in MEASURES], item.get("intervals", ...)
    expected = stated(suppression, MEASURES, values, nonempty=nonempty)
    if given is not ... and not agrees(given, expected):
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
        """The published rows' true counts: the groups (when listed), then the total."""
        total = tuple(sum(column) for column in zip(*self.counts, strict=True)) or (0,) * len(
            MEASURES
        )
        return [*self.counts, total] if self.listed else [total]


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
        mine = sorted(outcomes.get(back.claimant_id, ()), key=_date_order)  # the checker's order
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


# -- the model of everything published together --------------------------------------
#
# The witnesses themselves are _protection.py's; here each table is laid on the fine
# cells of the finest grouping of every table published together.


@attrs.frozen
class _Layout:
    """Where a table's rows sit on the fine cells: its groups, and the fine cells of each row.

    ``cells`` has a tuple per group, in the order of ``keys``, then one for the
    total; a table with no grouping has the total alone.
    """

    keys: tuple[tuple[str, ...], ...]
    cells: tuple[tuple[int, ...], ...]


def _project(fine: _Grid, fields: tuple[str, ...], by: tuple[str, ...]) -> tuple[_Grid, _Layout]:
    """The table grouped ``by`` (a subset of ``fields``, the fine cells' fields), and its layout."""
    pick = [fields.index(f) for f in by]
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, key in enumerate(fine.keys):
        groups.setdefault(tuple(key[j] for j in pick), []).append(i)
    keys = tuple(sorted(groups))
    counts = tuple(
        tuple(sum(fine.counts[i][m] for i in groups[k]) for m in range(len(MEASURES))) for k in keys
    )
    every = tuple(range(len(fine.keys)))
    if by:
        layout = _Layout(keys=keys, cells=(*(tuple(groups[k]) for k in keys), every))
    else:
        layout = _Layout(keys=(), cells=(every,))
    return _Grid(keys=keys, counts=counts, listed=bool(by)), layout


def _nonempty(keys: Sequence[tuple[str, ...]]) -> list[bool]:
    """Which rows of a table (its groups, then its total) are known to hold a return.

    A listed group is never empty, nor is the total of a table that lists one.
    """
    return [True] * len(keys) + [bool(keys)]


def _allowed(suppression: Suppression, values: Sequence[Cell], listed: bool) -> list[Allowed]:
    """What a row's published values allow; a row known to hold a return has at least one."""
    allowed = []
    for m, value in enumerate(values):
        lo, hi = suppression._bounds(value)
        allowed.append(Allowed(max(lo, 1) if listed and m == _R else lo, hi))
    return allowed


def _published_rows(table: StatsTable) -> list[tuple[Cell, ...]]:
    """A table's published rows, as laid out: its groups, then its total."""
    return [*(row.values for row in table.rows), table.total.values]


def _alone(grid: _Grid, table: StatsTable) -> Joint:
    """The model of one table on its own: its groups are the fine cells."""
    _, layout = _project(grid, tuple(table.by), tuple(table.by))
    rows = _published_rows(table)
    listed = _nonempty(layout.keys)
    return Joint(
        fine=list(grid.counts),
        rows=list(layout.cells),
        allowed=[_allowed(table.suppression, v, f) for v, f in zip(rows, listed, strict=True)],
    )


def _fits_truth(joint: Joint) -> bool:
    """Whether every row's true values are within what it publishes."""
    return all(
        lo <= value <= hi
        for truth, allowed in zip(joint.truth, joint.allowed, strict=True)
        for value, (lo, hi) in zip(truth, allowed, strict=True)
    )


@attrs.frozen
class _Earlier:
    """An earlier release of the same table: its true counts (recounted) and what it published."""

    grid: _Grid
    table: StatsTable
    name: str  # how errors name it: since, or since[i] in a list


@attrs.frozen
class _Beside:
    """A table published before, of the same ledger state and day: how errors name it."""

    table: StatsTable
    name: str  # published[i]


def _protect(
    fine: _Grid,
    *,
    fields: tuple[str, ...],
    by: tuple[str, ...],
    suppression: Suppression,
    beside: Sequence[_Beside],
    earlier: Sequence[_Earlier],
) -> list[list[Cell]]:
    """The new table's published values: rounded, ``--`` for small counts, ``x`` where needed.

    ``fine`` counts the returns by every field of ``fields`` (those of the new
    table and of every table ``beside`` it); the hidden cells of all of them
    get a witness, and so does each cell whose change since an ``earlier``
    release both releases would otherwise pin.
    """
    rows: list[tuple[int, ...]] = []
    allowed: list[list[Allowed]] = []
    shown: list[list[Cell]] = []
    thresholds: list[int] = []
    labels: list[str] = []
    settings: list[Suppression] = []
    for other in beside:
        _, layout = _project(fine, fields, other.table.by)
        if layout.keys != tuple(row.key for row in other.table.rows):
            raise StatsError(other.name, *_NOT_THIS)
        values = _published_rows(other.table)
        listed = _nonempty(layout.keys)
        rows += layout.cells
        allowed += [
            _allowed(other.table.suppression, v, f) for v, f in zip(values, listed, strict=True)
        ]
        shown += [list(v) for v in values]
        thresholds += [other.table.suppression.threshold] * len(values)
        labels += _labels(other.table.by, layout.keys, f"{other.name} (by {list(other.table.by)})")
        settings += [other.table.suppression] * len(values)
    start = len(rows)
    grid, layout = _project(fine, fields, by)
    rows += layout.cells
    # A row of the same returns as one published already (the total, always) is shown
    # as that one was: it tells nothing new, and one count never reads two ways.
    same = {}
    for q in reversed(range(start)):
        if settings[q] == suppression:
            same[rows[q]] = q
    copied = {p: same[rows[p]] for p in range(start, len(rows)) if rows[p] in same}
    joint = Joint(
        fine=list(fine.counts),
        rows=rows,
        allowed=allowed,
        open=frozenset(p for p in range(start, len(rows)) if p not in copied),
    )
    new = [
        list(shown[copied[p]]) if p in copied else [suppression.publish(v) for v in joint.truth[p]]
        for p in range(start, len(rows))
    ]
    listed = _nonempty(layout.keys)
    joint.allowed += [_allowed(suppression, v, f) for v, f in zip(new, listed, strict=True)]
    shown += new
    thresholds += [suppression.threshold] * len(new)
    labels += _labels(by, layout.keys, "this table")
    if not _fits_truth(joint):
        bad = next(
            b
            for b in beside
            if not _fits_truth(_alone(_project(fine, fields, b.table.by)[0], b.table))
        )
        raise StatsError(bad.name, *_NOT_THIS)
    hidden = [
        Cellref(p, m)
        for p, values in enumerate(shown)
        for m, value in enumerate(values)
        if value in (SUPPRESSED, PROTECTING)
    ]
    small = [
        p
        for p, values in enumerate(shown)
        if 1 <= joint.truth[p][_R] <= thresholds[p] and _hides_zeros(p, beside, suppression, start)
    ]
    wanted = targets(joint, hidden, small)
    for e in earlier:
        wanted += [
            cell_target(Cellref(start + row, m)) for row, m in _differenced(grid, e, suppression)
        ]
    _protect_all(joint, wanted, labels)
    for cell in joint.hidden:
        shown[cell.row][cell.measure] = PROTECTING
    return shown[start:]


def _differenced(grid: _Grid, earlier: _Earlier, suppression: Suppression) -> list[Cellref]:
    """Cells of the new table whose change since ``earlier`` (1 to threshold) both releases pin.

    Rows are numbered as :meth:`_Grid.rows` lays them out. An earlier cell is
    pinned unless it has a witness in that release; the cells returned must get
    one in the new release. A cell the new release cannot unpin (a group gone
    from the table) next to a small count the earlier release pinned means the
    earlier release itself revealed that count: that is an error.
    """
    t = suppression.threshold
    if not t:
        return []
    old = _alone(earlier.grid, earlier.table)
    old_truth, new_truth = earlier.grid.rows(), grid.rows()
    old_index = {key: g for g, key in enumerate(earlier.grid.keys)} if grid.listed else {}
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
            if old_g is not None and witness(old, cell_target(Cellref(old_g, m))):
                continue
            if new_g is None or (after == 0 and not suppression.hide_zeros):
                where = f"the group {key}" if key is not None else "the total"
                raise StatsError(
                    earlier.name,
                    "an earlier release that does not itself reveal a small count",
                    f"one that pins {measure} of {where} (as of {earlier.table.as_of})",
                )
            found.append(Cellref(new_g, m))
    return found


#: The error for a table said to be published beside this one that it cannot be.
_NOT_THIS: Final = (
    "a table published of this ledger state and day (the same ledger_head and as_of)",
    "one whose counts differ from this ledger's",
)


def _hides_zeros(p: int, beside: Sequence[_Beside], suppression: Suppression, start: int) -> bool:
    """Whether the table of row ``p`` hides zeros (only then can its small groups be protected)."""
    if p >= start:
        return suppression.hide_zeros
    for b in beside:  # rows are laid out table after table
        count = len(b.table.rows) + 1
        if p < count:
            return b.table.suppression.hide_zeros
        p -= count
    return False  # pragma: no cover -- every row belongs to a table


def _labels(by: tuple[str, ...], keys: Sequence[tuple[str, ...]], name: str) -> list[str]:
    """How a refusal names each row of a table: its group, or its total."""
    groups = [
        f"the group {', '.join(f'{f} {one_line(v)}' for f, v in zip(by, key, strict=True))}"
        for key in keys
    ]
    return [f"{text} of {name}" for text in [*groups, "the total"]]


def _protect_all(joint: Joint, wanted: list[Target], labels: Sequence[str]) -> None:
    """Protect every target, or refuse: a cell this table would reveal, with those beside it."""
    failed = protect(joint, wanted)
    if failed is not None:
        target = failed.target
        raise StatsError(
            "published",
            "a table that reveals no hidden count beside the tables already published "
            "of this ledger state and day",
            f"one that would reveal {MEASURES[target.cell.measure]} of {labels[target.row]} "
            "(publish a coarser table, or start a new release log)",
        )


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
    published: Iterable[StatsTable] = (),
    since: StatsTable | Iterable[StatsTable] | None = None,
    rules: Mapping[type[Commitment], Rule] | None = None,
) -> StatsTable:
    """Count the ledger's returns as of one day, grouped ``by`` fields, ready to publish.

    ``by`` is a field of :data:`FIELDS` or a list of them (none: the total
    alone). ``as_of`` is the evaluation day, as for
    :func:`~assurance_ledger.checker.check` (``rules`` too is passed on to it).
    ``suppression`` decides what is shown (:attr:`Suppression.DEFAULT`: 0 to 4
    as ``--``, others rounded to 5; :attr:`Suppression.NONE`: raw counts).

    ``published`` are the tables already published of the same ledger state
    and day, grouped any way: the new table is protected together with them,
    so that no hidden count of any of them can be worked out from all of them
    (a :class:`~assurance_ledger.releases.ReleaseLog` keeps them for you). A
    table that no further suppression makes safe beside them is refused; the
    same table published again is returned as it was. ``since`` is an earlier
    release of the same table (or a list of them) from an earlier state of the
    same ledger: no cell's change since then is revealed either. Raise
    :class:`StatsError` for a bad argument or release, or a refused table.
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
    head = ledger.head.hash if ledger.head is not None else None
    beside = _beside(published, head, report.as_of)
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
    for other in beside:
        if (other.table.by, other.table.suppression) == (fields, suppression):
            return other.table
    together = {f for b in beside for f in b.table.by} | set(fields)
    union = tuple(f for f in FIELDS if f in together)
    fine = _count(ledger, union, report)
    shown = _protect(
        fine, fields=union, by=fields, suppression=suppression, beside=beside, earlier=earlier
    )
    keys = _project(fine, union, fields)[0].keys
    return StatsTable(
        by=fields,
        as_of=report.as_of,
        suppression=suppression,
        ledger_head=head,
        rows=tuple(_row(key, shown[g]) for g, key in enumerate(keys)) if fields else (),
        total=_row((), shown[-1]),
    )


def _beside(published: object, head: str | None, as_of: dt.date) -> list[_Beside]:
    """The tables published before, checked to be of this ledger state and day."""
    if isinstance(published, StatsTable):
        published = (published,)
    if isinstance(published, str | bytes | Mapping) or not isinstance(published, Iterable):
        raise StatsError("published", "a list of StatsTable", _short(published))
    found = []
    for i, table in enumerate(published):
        name = f"published[{i}]"
        if not isinstance(table, StatsTable):
            raise StatsError(
                name, "a StatsTable (read a JSON release with StatsTable.from_json)", _short(table)
            )
        if (table.ledger_head, table.as_of) != (head, as_of):
            raise StatsError(
                name,
                f"a table of this ledger state and day (as of {as_of.isoformat()})",
                f"one of another state or day (as of {table.as_of.isoformat()})",
            )
        found.append(_Beside(table=table, name=name))
    return found


def _check_release(grid: _Grid, release: StatsTable, name: str) -> None:
    """Refuse an earlier release whose published values its ledger state cannot explain."""
    keys = tuple(row.key for row in release.rows)
    if (grid.listed and keys != grid.keys) or not _fits_truth(_alone(grid, release)):
        raise StatsError(
            name,
            "a release whose counts match the ledger state it names",
            f"one whose counts differ from this ledger's as of {release.as_of}",
        )
