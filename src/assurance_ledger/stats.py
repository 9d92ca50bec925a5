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
* **Rounding and ``--`` alone do not protect.** IRCC's practice (counts from
  0 to 4 shown as ``--``, every other count rounded to the nearest 5) hides a
  cell's value, but the published totals still constrain it: a column ``10,
  10, --`` with a total of ``15`` pins the ``--`` to 1 (the two tens are at
  least 8 each, the total at most 17). And tables of the same returns grouped
  two ways add up against each other.
* **So every hidden count needs a witness,** in every table published of the
  same ledger state and day (``published``, kept by a
  :class:`~assurance_ledger.releases.ReleaseLog`): the tables are laid on the
  finest grouping of all their fields, and :mod:`assurance_ledger._protection`
  finds, for each hidden count, a second set of counts that agrees with
  everything published and differs there, hiding more of the new table (shown
  ``x``) until each has one, or refusing the table when nothing it could hide
  would do. A 0 is hidden too: "none of these three" is about each of them.
* **Releases.** Two releases of the same table, from the same growing ledger,
  reveal the *change* in a cell only where both pin it exactly. A release made
  ``since`` earlier ones names the ledger state each was made from (its head
  hash), recounts that state, and makes sure that no cell is pinned in both
  with a change from 1 to the threshold (either way), suppressing more if one
  is.

The witness search tries small changes (a few counts up or down by one, each
repairing what the previous one broke); when it finds none, it suppresses more,
or refuses, rather than guess, so a failed search costs only information,
never safety.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from . import records as r
from ._engine import date_order
from ._protection import (
    UNPUBLISHED,
    Allowed,
    Cellref,
    Joint,
    Target,
    cell_target,
    protect,
    targets,
    witness,
)
from ._tables import (
    FIELDS,
    INF,
    MEASURES,
    PROTECTING,
    SUPPRESSED,
    Cell,
    StatsRow,
    StatsTable,
    Suppression,
    fields_of,
    make_row,
    short,
)
from .checker import check
from .commitments import Commitment
from .dates import DateSpan
from .display import one_line
from .errors import StatsError
from .intervals import interval
from .ledger import Fact, Ledger
from .moves import MOVES
from .report import Report
from .rules import Rule

# Measure indexes: R = C + U; O, F and the steps before a removal (D, I, T) <= R.
_R, _C, _U, _O, _F, _D, _I, _T = range(8)
#: The outcome each step before a removal counts: a claimant with one of them by the day.
_STEPS: Final = ((_D, r.RemovalOrdered), (_I, r.InterimMeasure), (_T, r.CustodyTransferred))

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
    """True counts: one row per non-empty group (sorted by key), every measure of each."""

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
    # Certainly unassured only: a return some assurance may cover counts as
    # covered, as it always has (the report lists it as unassured, possible).
    unassured = {u.claimant_id for u in report.unassured_returns if u.certainty == "certain"}
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
        moves = [f.record for f in mine if isinstance(f.record, MOVES)]
        # A custody transfer counts as a removal, like a coerced departure.
        forced = [m for m in moves if not isinstance(m, r.Departed) or m.coerced]
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
        for m, kind in _STEPS:
            counts[m] += any(isinstance(f.record, kind) for f in mine)
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


def _allowed(
    suppression: Suppression, values: Sequence[Cell | None], listed: bool
) -> list[Allowed]:
    """What a row's published values allow: its stated intervals (a listed row has a return).

    A measure the row does not publish (``None``) allows any count.
    """
    found = []
    for measure, value in zip(MEASURES, values, strict=True):
        if value is None:
            found.append(UNPUBLISHED)
            continue
        lo, hi = interval(suppression, measure, value, nonempty=listed)
        found.append(Allowed(lo, INF if hi is None else hi))
    return found


def _published_rows(table: StatsTable) -> list[tuple[Cell | None, ...]]:
    """A table's published rows, as laid out (groups, then total), one value per measure.

    A release written before some measures were counted has ``None`` for them.
    """
    return [tuple(getattr(row, m) for m in MEASURES) for row in (*table.rows, table.total)]


def _table_allowed(
    suppression: Suppression,
    values: Sequence[Sequence[Cell | None]],
    keys: Sequence[tuple[str, ...]],
) -> list[list[Allowed]]:
    """What each row of a table (groups, then total) allows, its listing included."""
    return [_allowed(suppression, v, f) for v, f in zip(values, _nonempty(keys), strict=True)]


def _alone(grid: _Grid, table: StatsTable) -> Joint:
    """The model of one table on its own: its groups are the fine cells."""
    _, layout = _project(grid, tuple(table.by), tuple(table.by))
    return Joint(
        fine=list(grid.counts),
        rows=list(layout.cells),
        allowed=_table_allowed(table.suppression, _published_rows(table), layout.keys),
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
) -> list[StatsRow]:
    """The new table's published rows (groups, then total): rounded, ``--``, ``x`` where needed.

    ``fine`` counts the returns by every field of ``fields`` (those of the new
    table and of every table ``beside`` it); the hidden cells of all of them
    get a witness, and so does each cell whose change since an ``earlier``
    release both releases would otherwise pin.
    """
    rows: list[tuple[int, ...]] = []
    allowed: list[list[Allowed]] = []
    shown: list[list[Cell | None]] = []
    labels: list[str] = []
    settings: list[Suppression] = []  # each row's table's suppression
    for other in beside:
        _, layout = _project(fine, fields, other.table.by)
        if layout.keys != tuple(row.key for row in other.table.rows):
            raise StatsError(other.name, *_NOT_THIS)
        values = _published_rows(other.table)
        rows += layout.cells
        allowed += _table_allowed(other.table.suppression, values, layout.keys)
        shown += [list(v) for v in values]
        labels += _labels(other.table.by, layout.keys, f"{other.name} (by {list(other.table.by)})")
        settings += [other.table.suppression] * len(values)
    start = len(rows)
    grid, layout = _project(fine, fields, by)
    rows += layout.cells
    # A row of the same returns as one published already (the total, always) is shown
    # as that one was: it tells nothing new, and one count never reads two ways. A row
    # of an older release, without the steps before a removal, gives the measures it
    # has (fixed), and the row stays open for the others; a row of every measure wins.
    same: dict[tuple[int, ...], int] = {}
    for q in reversed(range(start)):  # the earliest such row is copied
        held = same.get(rows[q])
        if settings[q] == suppression and (
            held is None or None not in shown[q] or None in shown[held]
        ):
            same[rows[q]] = q
    copied = {p: same[rows[p]] for p in range(start, len(rows)) if rows[p] in same}
    whole = {p for p, q in copied.items() if None not in shown[q]}
    new: list[list[Cell | None]] = []
    for p in range(start, len(rows)):
        fresh = [suppression.publish(v) for v in _truth(fine, rows[p])]
        given = shown[copied[p]] if p in copied else [None] * len(fresh)
        new.append([f if g is None else g for f, g in zip(fresh, given, strict=True)])
    joint = Joint(
        fine=list(fine.counts),
        rows=rows,
        allowed=allowed,
        open=frozenset(p for p in range(start, len(rows)) if p not in whole),
        fixed=frozenset(
            Cellref(p, m)
            for p in copied
            if p not in whole
            for m, value in enumerate(shown[copied[p]])
            if value is not None
        ),
    )
    joint.allowed += _table_allowed(suppression, new, layout.keys)
    shown += new
    settings += [suppression] * len(new)
    labels += _labels(by, layout.keys, "this table")
    if not _fits_truth(joint):  # a table said to be published beside it is of other counts
        for b in beside:
            if not _fits_truth(_alone(_project(fine, fields, b.table.by)[0], b.table)):
                raise StatsError(b.name, *_NOT_THIS)
        raise RuntimeError("stats: the new table does not fit its own counts: a bug")
    hidden = [
        Cellref(p, m)
        for p, values in enumerate(shown)
        for m, value in enumerate(values)
        if value in (SUPPRESSED, PROTECTING)
    ]
    # A small group's uniform measure can be protected only where zeros are hidden.
    small = [
        p
        for p, setting in enumerate(settings)
        if setting.hide_zeros and 1 <= joint.truth[p][_R] <= setting.threshold
    ]
    wanted = targets(joint, hidden, small)
    for e in earlier:
        wanted += [
            cell_target(Cellref(start + row, m)) for row, m in _differenced(grid, e, suppression)
        ]
    _protect_all(joint, wanted, labels)
    for cell in joint.hidden:
        shown[cell.row][cell.measure] = PROTECTING
    keys = [*layout.keys, ()]  # the total's key is ()
    published = [[v for v in values if v is not None] for values in shown[start:]]
    return [make_row(key, values) for key, values in zip(keys, published, strict=True)]


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
            if measure not in earlier.table.measures:
                continue  # the earlier release said nothing of it: no change to tell
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


def _truth(fine: _Grid, cells: Sequence[int]) -> list[int]:
    """The true counts of a row made of the fine cells ``cells``."""
    return [sum(fine.counts[f][m] for f in cells) for m in range(len(MEASURES))]


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
        raise StatsError("since", "a StatsTable or a list of them", short(since))
    releases = [(f"since[{i}]", release) for i, release in enumerate(since)]
    for name, release in releases:
        if not isinstance(release, StatsTable):
            raise StatsError(
                name,
                "a StatsTable (read a JSON release with StatsTable.from_json)",
                short(release),
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
        raise StatsError("ledger", "a Ledger", short(ledger))
    fields = fields_of(by)
    if not isinstance(suppression, Suppression):
        raise StatsError(
            "suppression", "a Suppression (such as Suppression.DEFAULT)", short(suppression)
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
        if (other.table.by, other.table.suppression, other.table.measures) == (
            fields,
            suppression,
            MEASURES,
        ):
            return other.table
    together = {f for b in beside for f in b.table.by} | set(fields)
    union = tuple(f for f in FIELDS if f in together)
    fine = _count(ledger, union, report)
    *rows, total = _protect(
        fine, fields=union, by=fields, suppression=suppression, beside=beside, earlier=earlier
    )
    return StatsTable(
        by=fields,
        as_of=report.as_of,
        suppression=suppression,
        ledger_head=head,
        rows=tuple(rows),
        total=total,
    )


def _beside(published: object, head: str | None, as_of: dt.date) -> list[_Beside]:
    """The tables published before, checked to be of this ledger state and day."""
    if isinstance(published, StatsTable):
        published = (published,)
    if isinstance(published, str | bytes | Mapping) or not isinstance(published, Iterable):
        raise StatsError("published", "a list of StatsTable", short(published))
    found = []
    for i, table in enumerate(published):
        name = f"published[{i}]"
        if not isinstance(table, StatsTable):
            raise StatsError(
                name, "a StatsTable (read a JSON release with StatsTable.from_json)", short(table)
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
