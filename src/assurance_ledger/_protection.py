"""Witnesses: why no hidden count of a set of published tables can be worked out.

:func:`~assurance_ledger.stats.stats` shows a count from 0 to the threshold
as ``--`` and rounds the others, but the published numbers still constrain
each other: totals are sums, ``returns = covered + unassured``, and two tables
of the same returns (by nationality, and by nationality and month) are sums of
the same people. This module decides, for a table about to be published
beside the tables already published of the same ledger state and day, which
further cells must be hidden (shown ``x``) so that nothing hidden can be
worked out from all of them together.

How it reasons, once:

* **The model** is the one a disclosure reviewer builds
  (:mod:`~assurance_ledger.audit` builds the same one): the *fine cells* are
  the groups of the finest cross-classification of every table's fields, each
  with seven free counts (covered, unassured, returned to origin, removed to a
  feared country, ordered removed, under an interim measure, transferred in
  custody; its returns are covered + unassured, and none of the last five
  exceeds them). A value a table does not publish (a release written before
  the last three were counted) allows any count. Each published row is the
  sum of the fine cells it holds, and each of its values allows a range of
  true counts (:meth:`~assurance_ledger.stats.Suppression.bounds`); a listed
  group holds at least one return.
* **A witness** for a hidden cell is a second set of fine counts that agrees
  with everything published and differs in that cell. If every hidden cell has
  one, no reasoning from the tables, by subtraction or by integer programming,
  can pin any of them: two truths explain what was published. The same holds
  for a small group's members: when a group of 1 to the threshold returns has
  a measure that counts none of them, or all of them, a witness must show a
  second truth in which it does not, or the tables tell that fact of each
  person (the audit's ``every_member``).
* **Only the new table changes.** The tables already published are facts; the
  new one's cells are hidden further (complementary suppression, shown
  ``x``: 1 or more) until every hidden cell of every table has a witness. The
  loop ends: each pass hides a cell, or shows again for good one that the
  other tables pin (hiding it gave nothing). When even
  hiding every non-zero count of the new table leaves a cell without a
  witness, the table cannot be published beside the others: :func:`protect`
  says which cell, and :func:`~assurance_ledger.stats.stats` refuses it.

The search for a witness is depth-first from a move of one fine count by
one, each further step repairing the first constraint the change broke, with
a bounded depth and budget: when it finds none it hides more rather than
guess, so a failed search costs information, never safety. The witnesses are
all made of the true fine cells (no group that had no returns is invented):
the reviewer's model allows more, so it can only find more room, never less.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Final, NamedTuple

import attrs

__all__ = [
    "INF",
    "MEASURE_COUNT",
    "UNPUBLISHED",
    "Allowed",
    "Cellref",
    "Joint",
    "Target",
    "Unprotectable",
    "cell_target",
    "hideable",
    "protect",
    "targets",
    "witness",
]

#: How many values a row has: returns, covered, unassured, then the bounded measures
#: (returned_to_origin, removed_to_feared, removal_ordered, interim_measure,
#: custody_transferred), as stats.MEASURES orders them.
MEASURE_COUNT: Final = 8
# Measure indexes: R = C + U; each bounded measure <= R in every fine cell.
_R, _C, _U, _O = range(4)
#: The measures that count some of the returns, each at most all of them.
_BOUNDED: Final = tuple(range(_O, MEASURE_COUNT))
#: An upper bound standing for "no bound" (far above any count).
INF: Final = 1 << 60
#: The witness search's rounds: how many repairs deep each goes, and how many changes it
#: may try. A deep round can spend its budget below its first move and miss a witness
#: of one or two moves, so shallow rounds come first; past them, whether a witness is
#: found quickly depends on the depth in ways no one depth suits, so several are tried.
_ROUNDS: Final = ((0, 500), (3, 1_500), (12, 2_500), (20, 2_500))
#: How many witnesses of the relaxed model :func:`_complement` compares.
_CHOICES: Final = 64
#: The counts each measure adds up: returns are covered + unassured.
_PARTS: Final = ((_C, _U), *((m,) for m in range(_C, MEASURE_COUNT)))


def _unit(*ones: int, minus: int | None = None) -> tuple[int, ...]:
    """Coefficients of the fine counts (all but returns): 1 at ``ones``, -1 at ``minus``."""
    return tuple(1 if m in ones else -1 if m == minus else 0 for m in range(_C, MEASURE_COUNT))


#: What "not every member" means for each measure, as coefficients of the fine counts
#: (C, U, then the bounded ones): the returns the measure does not count (returns - measure).
_OTHERS: Final = {_C: _unit(_U), _U: _unit(_C), **{m: _unit(_C, _U, minus=m) for m in _BOUNDED}}
#: Each measure as coefficients of the fine counts.
_FORMS: Final = (_unit(_C, _U), *(_unit(m) for m in range(_C, MEASURE_COUNT)))


class Allowed(NamedTuple):
    """The true counts a published value allows: ``low`` to ``high`` (:data:`INF`: no bound)."""

    low: int
    high: int


#: What a measure a table does not publish allows (a release written before it was counted).
UNPUBLISHED: Final = Allowed(0, INF)


class Cellref(NamedTuple):
    """A published cell: row ``row`` of the model (see :class:`Joint`), measure ``measure``."""

    row: int
    measure: int


class Target(NamedTuple):
    """What a witness must change: a sum over one published row.

    ``form`` gives the coefficients of the row's counts other than returns
    (covered, unassured, then the bounded measures); a witness changes that sum. A
    hidden cell's target is its measure; a small group's "each member" target
    is the returns its measure does not count.
    """

    row: int
    form: tuple[int, ...]
    cell: Cellref  # the published cell the target protects, to name it


class Unprotectable(NamedTuple):
    """A target no suppression of the new table can give a witness."""

    target: Target


@attrs.define
class Joint:
    """The model of a set of published rows over fine cells (see the module's documentation).

    ``fine`` are the true counts of each fine cell (:data:`MEASURE_COUNT`
    measures, returns first); ``rows`` the fine cells each published row adds up; ``allowed``
    what each published row's values allow, measure by measure; ``open`` the
    rows whose cells may still be hidden (the new table's), but for the cells
    ``fixed`` (shown as a table published before shows them), with ``hidden``
    telling which of their cells are hidden already.
    """

    fine: list[tuple[int, ...]]
    rows: list[tuple[int, ...]]
    allowed: list[list[Allowed]]
    open: frozenset[int] = frozenset()
    fixed: frozenset[Cellref] = frozenset()
    hidden: set[Cellref] = attrs.Factory(set)
    # Derived: each row's true values, and the rows each fine cell belongs to.
    truth: list[list[int]] = attrs.field(init=False)
    member: list[list[int]] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        """Add up each row's true values, and index the rows by fine cell."""
        self.truth = [
            [sum(self.fine[f][m] for f in cells) for m in range(MEASURE_COUNT)]
            for cells in self.rows
        ]
        self.member = [[] for _ in self.fine]
        for p, cells in enumerate(self.rows):
            for f in cells:
                self.member[f].append(p)


Delta = dict[tuple[int, int], int]  # (fine cell, measure) -> change


def _moved(joint: Joint, delta: Delta) -> dict[int, list[int]]:
    """The change of each touched row's values."""
    moved: dict[int, list[int]] = {}
    for (f, k), step in delta.items():
        for p in joint.member[f]:
            steps = moved.setdefault(p, [0] * MEASURE_COUNT)
            steps[k] += step
            if k in (_C, _U):
                steps[_R] += step
    return moved


class _Broken(NamedTuple):
    """The first constraint a change breaks: a row's value, or a fine cell's count above R."""

    sign: int  # +1: the value must rise; -1: fall; 0: a fine cell's bounded count exceeds R
    row: int  # the row, or the fine cell when sign is 0
    measure: int


def _fits(joint: Joint, delta: Delta, var: tuple[int, int], step: int) -> bool:
    """Whether a fine count stays 0 or more after the move."""
    f, k = var
    return joint.fine[f][k] + delta.get(var, 0) + step >= 0


def _damage(
    joint: Joint,
    allowed: Sequence[Sequence[Allowed]],
    moved: dict[int, list[int]],
    var: tuple[int, int],
    step: int,
) -> int:
    """How many more rows a move puts outside what they allow than it brings back (gentlest first).

    ``moved`` is the change the search has made so far; a move that mends as
    many rows as it breaks scores 0, one that mends more scores below 0.
    """
    f, k = var
    score = 0
    for p in joint.member[f]:
        now = moved.get(p)
        for m in (_R, k) if k in (_C, _U) else (k,):
            value = joint.truth[p][m] + (now[m] if now else 0)
            lo, hi = allowed[p][m]
            score += (not lo <= value + step <= hi) - (not lo <= value <= hi)
    return score


def _witnesses(
    joint: Joint, allowed: Sequence[Sequence[Allowed]], target: Target
) -> Iterator[Delta]:
    """Changes to the fine counts that keep every published row as allowed and move ``target``.

    Depth-first from a move of one of the target's counts by one, each step
    repairing the first constraint the change broke, in rounds of
    :data:`_ROUNDS` (a depth and a budget each), so the search always ends.
    """
    for depth, budget in _ROUNDS:
        yield from _round(joint, allowed, target, depth, budget)


class _Search:
    """The state of one round of the witness search: a change, and what it breaks.

    Depth-first with backtracking: each move is applied to the change, the rows
    and fine cells it touches are judged again, and it is undone on the way
    back, so that a step costs what it touches, not the whole change.
    """

    def __init__(self, joint: Joint, allowed: Sequence[Sequence[Allowed]], target: Target):
        self.joint, self.allowed, self.target = joint, allowed, target
        self.cells = frozenset(joint.rows[target.row])
        self.delta: Delta = {}
        self.moved: dict[int, list[int]] = {}
        self.broken_rows: set[int] = set()
        self.bad: dict[int, int] = {}  # each broken row: how many of its values
        self.broken_fines: set[int] = set()
        self.change = 0

    def apply(self, var: tuple[int, int], step: int) -> None:
        """Add ``step`` to a fine count, and judge again what it touches."""
        joint, allowed = self.joint, self.allowed
        f, k = var
        value = self.delta.get(var, 0) + step
        if value:
            self.delta[var] = value
        else:
            del self.delta[var]
        measures = (k, _R) if k in (_C, _U) else (k,)
        for p in joint.member[f]:
            steps = self.moved.setdefault(p, [0] * MEASURE_COUNT)
            truth, bounds = joint.truth[p], allowed[p]
            worse = 0  # how many more of the row's values are outside what they allow
            for m in measures:
                lo, hi = bounds[m]
                worse -= not lo <= truth[m] + steps[m] <= hi
                steps[m] += step
                worse += not lo <= truth[m] + steps[m] <= hi
            if worse:
                bad = self.bad.get(p, 0) + worse
                if bad:
                    self.bad[p] = bad
                    self.broken_rows.add(p)
                else:
                    del self.bad[p]
                    self.broken_rows.discard(p)
        counts = [c + self.delta.get((f, m), 0) for m, c in enumerate(joint.fine[f])]
        if max(counts[m] for m in _BOUNDED) > counts[_C] + counts[_U]:
            self.broken_fines.add(f)
        else:
            self.broken_fines.discard(f)
        if f in self.cells:
            self.change += step * self.target.form[k - 1]

    def first_broken(self) -> _Broken | None:
        """The first constraint the change breaks: a fine cell's, then a row's, by number."""
        joint = self.joint
        if self.broken_fines:
            f = min(self.broken_fines)
            counts = [c + self.delta.get((f, m), 0) for m, c in enumerate(joint.fine[f])]
            over = next(m for m in _BOUNDED if counts[m] > counts[_C] + counts[_U])
            return _Broken(0, f, over)
        if self.broken_rows:
            p = min(self.broken_rows)
            steps = self.moved[p]
            for m, (lo, hi) in enumerate(self.allowed[p]):
                value = joint.truth[p][m] + steps[m]
                if value < lo:
                    return _Broken(1, p, m)
                if value > hi:
                    return _Broken(-1, p, m)
        return None

    def ordered(
        self, options: list[tuple[tuple[int, int], int]]
    ) -> list[tuple[tuple[int, int], int]]:
        """The moves that keep every fine count 0 or more, gentlest first."""
        fitting = [o for o in options if _fits(self.joint, self.delta, *o)]
        return sorted(fitting, key=lambda o: _damage(self.joint, self.allowed, self.moved, *o))


def _holds(joint: Joint, target: Target, delta: Delta) -> bool:
    """Whether a witness found before still agrees with what is published, as the search judges."""
    state = _Search(joint, joint.allowed, target)
    for var, step in delta.items():
        state.apply(var, step)
    return state.first_broken() is None


def _round(
    joint: Joint, allowed: Sequence[Sequence[Allowed]], target: Target, deepest: int, most: int
) -> Iterator[Delta]:
    """One round of the witness search: at most ``deepest`` repairs, ``most`` changes tried."""
    state = _Search(joint, allowed, target)
    budget = [most]
    seen: set[frozenset[tuple[tuple[int, int], int]]] = set()

    def search(depth: int) -> Iterator[Delta]:
        budget[0] -= 1
        broken = state.first_broken()
        if broken is None:
            if state.change:
                yield dict(state.delta)
            return
        if depth == 0:
            return
        if broken.sign == 0:
            f, m = broken.row, broken.measure
            options = [((f, m), -1), ((f, _C), 1), ((f, _U), 1)]
        else:
            parts = _PARTS[broken.measure]
            options = [((f, k), broken.sign) for f in joint.rows[broken.row] for k in parts]
        for var, step in state.ordered(options):
            if budget[0] <= 0:
                return
            state.apply(var, step)
            key = frozenset(state.delta.items())
            if key not in seen:
                seen.add(key)
                yield from search(depth - 1)
            state.apply(var, -step)

    starts = [
        ((f, k + 1), sign)
        for f in joint.rows[target.row]
        for k, coefficient in enumerate(target.form)
        if coefficient
        for sign in (1, -1)
    ]
    for var, step in state.ordered(starts):
        if budget[0] <= 0:
            return
        state.apply(var, step)
        seen.add(frozenset(state.delta.items()))
        yield from search(deepest)
        state.apply(var, -step)


def witness(joint: Joint, target: Target) -> bool:
    """Whether a second truth, agreeing with everything published, moves ``target``."""
    return next(_witnesses(joint, joint.allowed, target), None) is not None


def cell_target(cell: Cellref) -> Target:
    """The target of a hidden cell: a witness must change its count."""
    return Target(cell.row, _FORMS[cell.measure], cell)


def targets(joint: Joint, protected: Sequence[Cellref], small: Sequence[int]) -> list[Target]:
    """What needs a witness: each ``protected`` cell, and each ``small`` row's uniform measures.

    A hidden cell of a row with no returns (the total of an empty table) tells
    nothing of anybody and needs none. A small row is a group of 1 to the
    threshold returns; a measure that
    counts none of them is already a hidden cell's target (its 0 is hidden),
    and one that counts all of them needs a truth in which it does not.
    """
    # A row with no returns (the total of an empty table) is about nobody.
    found = [cell_target(c) for c in protected if joint.truth[c.row][_R]]
    for p in small:
        truth = joint.truth[p]
        for m in range(_C, MEASURE_COUNT):
            # A measure the row's table does not publish says nothing of its members.
            if truth[m] == truth[_R] and joint.allowed[p][m] != UNPUBLISHED:
                found.append(Target(p, _OTHERS[m], Cellref(p, m)))
    return list(dict.fromkeys(found))


def protect(joint: Joint, wanted: Sequence[Target]) -> Unprotectable | None:
    """Hide cells of the open rows until every target has a witness.

    Each cell hidden is added to ``joint.hidden`` and allows, from then on,
    any count from 1 up (``x``); it is then a hidden cell too, and needs a
    witness of its own (the witness it was hidden for moves it, so it starts
    with one). Hiding a ``--`` that stood for 0 to the threshold narrows it
    (``x`` is never 0), which can spoil a witness found before: so the
    targets are gone over again, each keeping its witness while it holds,
    until a whole pass changes nothing. A cell hidden here though it showed a
    rounded count, that then has no witness (the other tables pin it), is
    shown again and never hidden after; a target ``wanted`` names is never
    dropped. Return the first target that nothing protects, or ``None`` when
    every target has a witness.
    """
    found: dict[Target, Delta] = {}
    remaining = list(dict.fromkeys(wanted))
    given = set(remaining)  # these must have witnesses; only a cell hidden here may be shown
    primary = {p: list(joint.allowed[p]) for p in joint.open}
    shown_again: set[Cellref] = set()
    changed = True
    while changed:
        changed = False
        for target in list(remaining):
            held = found.get(target)
            if held is not None and _holds(joint, target, held):
                continue
            delta = next(_witnesses(joint, joint.allowed, target), None)
            while delta is None:
                cells: list[Cellref] | None
                relaxed = _complement(joint, target, shown_again)
                if relaxed is not None:
                    cells, delta = relaxed
                else:
                    cells = _fallback(joint, target, shown_again)
                if cells is None:
                    cell = target.cell
                    if target not in given and cell in joint.hidden:
                        joint.hidden.discard(cell)
                        joint.allowed[cell.row][cell.measure] = primary[cell.row][cell.measure]
                        shown_again.add(cell)
                        remaining.remove(target)
                        changed = True
                        break
                    return Unprotectable(target)
                for cell in cells:
                    changed |= joint.allowed[cell.row][cell.measure].low < 1
                    joint.hidden.add(cell)
                    joint.allowed[cell.row][cell.measure] = Allowed(1, INF)
                    hidden = cell_target(cell)
                    if hidden not in remaining:
                        remaining.append(hidden)
                    if delta is not None:
                        found[hidden] = delta
            if delta is not None:
                found[target] = delta
    return None


def _fallback(joint: Joint, target: Target, shown_again: set[Cellref]) -> list[Cellref] | None:
    """When the search finds no witness to hide for: every rounded count near the target.

    The open rows' cells that show a rounded count (hiding them only widens
    what they allow), first in the rows that share a fine cell with the
    target's, then anywhere; ``None`` when none is left to hide.
    """
    wide = [c for c in hideable(joint, shown_again) if joint.allowed[c.row][c.measure].low >= 1]
    near = set(joint.rows[target.row])
    close = [c for c in wide if near.intersection(joint.rows[c.row])]
    return close or wide or None


def hideable(joint: Joint, shown_again: Collection[Cellref] = ()) -> list[Cellref]:
    """The cells of the open rows that may still be hidden as ``x``: non-zero, not hidden yet.

    ``x`` means 1 or more, so a true 0 is never hidden behind one (it stays
    ``--``, which stands for 0 too); nor is a cell shown again because the
    other tables pin it, nor a fixed one.
    """
    return [
        Cellref(p, m)
        for p in sorted(joint.open)
        for m in range(MEASURE_COUNT)
        if joint.truth[p][m] >= 1
        and Cellref(p, m) not in joint.hidden
        and Cellref(p, m) not in shown_again
        and Cellref(p, m) not in joint.fixed
    ]


def _complement(
    joint: Joint, target: Target, shown_again: set[Cellref]
) -> tuple[list[Cellref], Delta] | None:
    """Cells of the open rows to hide so that ``target`` has a witness, and that witness.

    Every :func:`hideable` cell is relaxed to any count from what its value
    allows up, and no lower than 1 unless its value allows 0 (a ``--``, which
    a witness may still take to 0 while it stays ``--``); witnesses are sought
    in that relaxed model, and the cells a witness moves outside what they
    show are the ones it needs hidden: each lands on 1 or more, which ``x``
    allows. The cheapest is chosen: fewest cells, then the smallest counts.
    An empty list: the witness needs nothing hidden. ``None``: even the
    relaxed model has no witness (that the search finds).
    """
    relaxed = [list(row) for row in joint.allowed]
    for cell in hideable(joint, shown_again):
        low = relaxed[cell.row][cell.measure].low
        relaxed[cell.row][cell.measure] = Allowed(min(low, 1), INF)
    best: tuple[tuple[int, int], list[Cellref], Delta] | None = None
    for count, delta in enumerate(_witnesses(joint, relaxed, target)):
        moved = _moved(joint, delta)
        needed = [
            Cellref(p, m)
            for p in sorted(moved)
            for m in range(MEASURE_COUNT)
            if not joint.allowed[p][m].low
            <= joint.truth[p][m] + moved[p][m]
            <= joint.allowed[p][m].high
        ]
        cost = (len(needed), sum(joint.truth[c.row][c.measure] for c in needed))
        if best is None or cost < best[0]:
            best = (cost, needed, delta)
        if count + 1 >= _CHOICES:
            break
    return None if best is None else (best[1], best[2])
