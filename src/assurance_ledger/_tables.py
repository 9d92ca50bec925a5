"""Published tables as values: what :func:`~assurance_ledger.stats.stats` returns and reads back.

The names here are :mod:`~assurance_ledger.stats`'s (which re-exports them):
the grouping fields and measures, the :class:`Suppression` that decides what
a count is shown as, and the :class:`StatsTable` of :class:`StatsRow` values
with its JSON, CSV, text and HTML forms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Final, Literal, TypeAlias, cast

import attrs

from . import flat, statstext
from ._protection import INF
from .errors import StatsError
from .intervals import agrees, stated, with_intervals
from .statstext import TOTAL

__all__ = [
    "FIELDS",
    "INF",
    "MEASURES",
    "MEASURES_V1",
    "PROTECTING",
    "SUPPRESSED",
    "Cell",
    "StatsRow",
    "StatsTable",
    "Suppression",
    "fields_of",
    "make_row",
    "short",
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
    "removal_ordered",
    "interim_measure",
    "custody_transferred",
)
#: The columns of releases written before the steps before a removal were counted: they
#: read back with these alone, and say nothing of the others.
MEASURES_V1: tuple[str, ...] = MEASURES[:5]
#: Shown for a count from 1 to the threshold (primary suppression).
SUPPRESSED: Final = "--"
#: Shown for a count suppressed to protect another one (complementary suppression).
PROTECTING: Final = "x"
#: A published value: a (rounded) count, ``"--"`` or ``"x"``.
Cell: TypeAlias = int | Literal["--", "x"]

_HEX64 = re.compile(r"[0-9a-f]{64}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _whole(name: str) -> Any:
    def validate(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise StatsError(name, "a whole number, 0 or more", short(value))

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
            raise StatsError("base", "a whole number, 1 or more", short(self.base))
        if self.threshold == 1:
            raise StatsError(
                "threshold", "0 or at least 2 (a '--' that can only mean 1 reveals it)", "1"
            )
        if not isinstance(self.hide_zeros, bool):
            raise StatsError("hide_zeros", "true or false", short(self.hide_zeros))
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
                "suppression", f"one of {', '.join(cls.PRESETS)}", short(name)
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
        return lo, (None if hi >= INF else hi)

    def _bounds(self, value: object) -> tuple[int, int]:
        if value == SUPPRESSED and self.threshold:
            return (0 if self.hide_zeros else 1), self.threshold
        if value == PROTECTING:
            return 1, INF
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
        raise StatsError("value", f"{shown}{above}", short(value))

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

    The total row has an empty ``key``. ``removal_ordered``,
    ``interim_measure`` and ``custody_transferred`` are ``None`` in a row of a
    release written before they were counted (whose measures are the first
    five): it says nothing of them.
    """

    key: tuple[str, ...]
    returns: Cell
    covered: Cell
    unassured: Cell
    returned_to_origin: Cell
    removed_to_feared: Cell
    removal_ordered: Cell | None = None
    interim_measure: Cell | None = None
    custody_transferred: Cell | None = None

    def __attrs_post_init__(self) -> None:
        """Refuse a row that publishes some of the steps before a removal but not all."""
        steps = (self.removal_ordered, self.interim_measure, self.custody_transferred)
        if len({value is None for value in steps}) > 1:
            raise StatsError("row", f"the measures {list(MEASURES)} or {list(MEASURES_V1)}", None)

    @property
    def measures(self) -> tuple[str, ...]:
        """The measures this row publishes: :data:`MEASURES`, or the first five alone."""
        return MEASURES_V1 if self.removal_ordered is None else MEASURES

    @property
    def values(self) -> tuple[Cell, ...]:
        """The published values, in the order of :attr:`measures`."""
        found = tuple(getattr(self, m) for m in self.measures)
        return cast(tuple[Cell, ...], found)


def make_row(key: tuple[str, ...], values: Sequence[Cell]) -> StatsRow:
    measures = MEASURES if len(values) == len(MEASURES) else MEASURES_V1
    return StatsRow(key=key, **dict(zip(measures, values, strict=True)))


@attrs.frozen(kw_only=True)
class StatsTable:
    """A published table of counts: what :func:`stats` returns (a value).

    ``rows`` are the non-empty groups, sorted by key (none when ``by`` is
    empty); ``total`` sums every return. ``ledger_head`` is the hash of the
    last entry of the ledger it was counted from (``None`` for an empty one):
    it names that state, so that a later release can be made ``since`` this one.
    ``measures`` are the columns it publishes: :data:`MEASURES`, or its first
    five for a release written before the steps before a removal were
    counted, read back.
    """

    by: tuple[str, ...]
    as_of: dt.date
    suppression: Suppression
    ledger_head: str | None
    rows: tuple[StatsRow, ...]
    total: StatsRow

    MEASURES: ClassVar[tuple[str, ...]] = MEASURES

    def __attrs_post_init__(self) -> None:
        """Refuse rows that do not all publish the same measures."""
        if any(row.measures != self.measures for row in self.rows):
            raise StatsError("rows", f"rows of the measures {list(self.measures)}", None)

    @property
    def measures(self) -> tuple[str, ...]:
        """The columns this table publishes, in order (see :attr:`StatsRow.measures`)."""
        return self.total.measures

    def row(self, *key: str) -> StatsRow:
        """The row of the group ``key`` (one value per grouping field); ``()`` is the total."""
        if not key:
            return self.total
        for row in self.rows:
            if row.key == key:
                return row
        raise StatsError("key", f"a group of this table ({', '.join(self.by)})", short(key))

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
            "measures": list(self.measures),
            "rows": [
                {
                    **dict(zip(self.by, row.key, strict=True)),
                    **with_intervals(self.suppression, self.measures, row.values, nonempty=True),
                }
                for row in self.rows
            ],
            "total": with_intervals(
                self.suppression, self.measures, self.total.values, nonempty=bool(self.rows)
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

    def to_records(self) -> list[dict[str, Any]]:
        """One flat row per group, then the total, for ``pandas.DataFrame``.

        Each measure's count is an ``int``, or ``None`` when suppressed (``--``
        or ``x``), beside its ``_status`` (``shown``, ``rounded`` or
        ``suppressed``) and the ``_low`` and ``_high`` true counts the
        published value stands for (see :mod:`~assurance_ledger.intervals`).
        """
        return flat.stats_rows(self)

    def to_pandas(self) -> Any:
        """The rows of :meth:`to_records` as a ``pandas.DataFrame`` (the ``pandas`` extra).

        Counts and their bounds are nullable integers (``Int64``): a suppressed
        count is ``<NA>``.
        """
        counts = [c for m in self.measures for c in (m, f"{m}_low", f"{m}_high")]
        return flat.dataframe(self.to_records(), flat.stats_columns(self), integers=counts)

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
_VALUES = ["the measures", "intervals (optional)"]
_STATED = "the counts its values stand for, [lowest, highest or null] for each measure"


def _read_table(data: object) -> StatsTable:
    if not isinstance(data, dict):
        raise StatsError("(top level)", "a JSON object with " + ", ".join(_KEYS), short(data))
    unknown = sorted(set(data) - set(_KEYS), key=str)
    if unknown:
        raise StatsError(str(unknown[0]), f"no such field (the fields are: {', '.join(_KEYS)})")
    missing = [key for key in _KEYS if key not in data]
    if missing:
        raise StatsError(missing[0], "a value", None)
    if not isinstance(data["by"], list):
        raise StatsError("by", f"a list of fields among {', '.join(FIELDS)}", short(data["by"]))
    by = fields_of(data["by"])
    suppression = _read_suppression(data["suppression"])
    head = data["ledger_head"]
    if head is not None and not (isinstance(head, str) and _HEX64.fullmatch(head)):
        raise StatsError("ledger_head", "null or 64 lower-case hex digits", short(head))
    # A release written before the steps before a removal were counted reads back
    # with its five measures, and says nothing of the others.
    if data["measures"] not in (list(MEASURES), list(MEASURES_V1)):
        raise StatsError(
            "measures",
            f"the list {list(MEASURES)} (or {list(MEASURES_V1)})",
            short(data["measures"]),
        )
    measures = tuple(data["measures"])
    total = data["total"]
    if not (isinstance(total, dict) and set(total) - {"intervals"} == set(measures)):
        raise StatsError(
            "total", f"an object with the keys {[*measures, _VALUES[1]]}", short(total)
        )
    rows = _read_rows(data["rows"], by, suppression, measures)
    return StatsTable(
        by=by,
        as_of=_read_day(data["as_of"]),
        suppression=suppression,
        ledger_head=head,
        rows=rows,
        total=make_row(
            (), _read_values(suppression, total, "total.", measures, nonempty=bool(rows))
        ),
    )


def _read_day(value: object) -> dt.date:
    if not (isinstance(value, str) and _DAY.fullmatch(value)):
        raise StatsError("as_of", "a day written YYYY-MM-DD", short(value))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise StatsError("as_of", "a real calendar day", short(value)) from None


def _read_suppression(value: object) -> Suppression:
    if not (
        isinstance(value, dict)
        and set(value) in ({"threshold", "base"}, {"threshold", "base", "zeros"})
        and value.get("zeros", "hidden") == "hidden"
    ):
        raise StatsError(
            "suppression",
            'an object {"threshold": ..., "base": ...} with "zeros": "hidden" or without it',
            short(value),
        )
    try:
        return Suppression(
            threshold=value["threshold"], base=value["base"], hide_zeros="zeros" in value
        )
    except StatsError as exc:
        raise StatsError(f"suppression.{exc.field}", exc.expected, exc.got) from None


def _read_rows(
    value: object, by: tuple[str, ...], suppression: Suppression, measures: tuple[str, ...]
) -> tuple[StatsRow, ...]:
    if not isinstance(value, list):
        raise StatsError("rows", "a list of objects", short(value))
    if not by and value:
        raise StatsError("rows", "an empty list (the table is not grouped)", short(value))
    rows = []
    for i, item in enumerate(value):
        where = f"rows[{i}]"
        if not (isinstance(item, dict) and set(item) - {"intervals"} == {*by, *measures}):
            wanted = [*by, *measures, _VALUES[1]]
            raise StatsError(where, f"an object with the keys {wanted}", short(item))
        for field in by:
            group = item[field]
            if not (isinstance(group, str) and group and group != TOTAL):
                raise StatsError(f"{where}.{field}", "a group value (text)", short(group))
        key = tuple(str(item[field]) for field in by)
        values = _read_values(suppression, item, f"{where}.", measures, nonempty=True)
        rows.append(make_row(key, values))
    keys = [row.key for row in rows]
    if keys != sorted(set(keys)):
        raise StatsError("rows", "one row per group, sorted by group", None)
    return tuple(rows)


def _read_values(
    suppression: Suppression,
    item: Mapping[str, object],
    where: str,
    measures: tuple[str, ...],
    *,
    nonempty: bool,
) -> list[Cell]:
    """A row's values; its intervals, which older releases lack, must be what they stand for."""
    for m in measures:
        try:
            suppression._bounds(item[m])
        except StatsError as exc:
            raise StatsError(f"{where}{m}", exc.expected, exc.got) from None
    values, given = [cast(Cell, item[m]) for m in measures], item.get("intervals", ...)
    expected = stated(suppression, measures, values, nonempty=nonempty)
    if given is not ... and not agrees(given, expected):
        raise StatsError(f"{where}intervals", _STATED, short(given))
    return values


def fields_of(by: object, name: str = "by") -> tuple[str, ...]:
    if isinstance(by, str):
        by = (by,)
    if not isinstance(by, Sequence) or isinstance(by, str | bytes):
        raise StatsError(name, f"a list of fields among {', '.join(FIELDS)}", short(by))
    fields = tuple(by)
    for field in fields:
        if field not in FIELDS:
            raise StatsError(name, f"fields among {', '.join(FIELDS)}", short(field))
    if len(set(fields)) != len(fields):
        raise StatsError(name, "each field at most once", short(list(fields)))
    return fields
