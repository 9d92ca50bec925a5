"""What each published value says on its own: the ``intervals`` of a table's JSON.

A published value (a rounded count, ``--`` or ``x``) stands for a range of
true counts: under the default suppression, ``10`` for 8 to 12, ``--`` for 0 to
4, ``x`` for 1 or more (see :meth:`~assurance_ledger.stats.Suppression.bounds`;
a suppression that shows zeros shows ``0`` for 0 exactly and ``--`` for 1 to 4).
A listed group holds at least one return, and so does the total of a table
that lists one: their ``returns`` say so. A table's JSON states that range
beside each value, so that a reader need not know the rule::

    "intervals": {"returns": [8, 12], "covered": [0, 4], "unassured": [1, null], ...}

``null`` is no upper bound. These are what each value allows *alone* (with the listing); the
relations between a table's cells (and between tables) narrow them further,
which is what :mod:`~assurance_ledger.audit` works out.

This module knows nothing of tables: :mod:`~assurance_ledger.stats` builds
on it, so it only needs a setting's ``bounds``.

>>> from assurance_ledger.stats import Suppression
>>> stated(Suppression.DEFAULT, ("returns", "covered"), (10, "x"))
{'returns': [8, 12], 'covered': [1, None]}
>>> stated(Suppression.DEFAULT, ("returns", "covered"), ("--", "--"), nonempty=True)
{'returns': [1, 4], 'covered': [0, 4]}
>>> expected = {"returns": [8, 12], "covered": [1, None]}
>>> agrees({"covered": [1, None], "returns": [8, 12]}, expected)
True
>>> agrees({"returns": [8.0, 12], "covered": [True, None]}, expected)
False
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

__all__: list[str] = []  # shared by stats and audit; nothing here is public

#: The intervals of one row as JSON: each measure's ``[lowest, highest]`` (``None``: no bound).
Intervals = dict[str, list[int | None]]


class Bounding(Protocol):
    """Anything that says which true counts a published value stands for (a ``Suppression``)."""

    def bounds(self, value: Any) -> tuple[int, int | None]:
        """The lowest and highest true count ``value`` allows (``None``: no highest)."""


def stated(
    setting: Bounding, measures: Sequence[str], values: Sequence[object], *, nonempty: bool = False
) -> Intervals:
    """The intervals of one row: for each measure, the counts its published value allows.

    A ``nonempty`` row (a listed group, or the total of a table that lists
    one) holds at least one return: its ``returns`` interval starts at 1 or more.
    """
    return {
        measure: list(interval(setting, measure, value, nonempty=nonempty))
        for measure, value in zip(measures, values, strict=True)
    }


def interval(
    setting: Bounding, measure: str, value: object, *, nonempty: bool = False
) -> tuple[int, int | None]:
    """What one published value stands for: ``(lowest, highest or None)``.

    The value's own bounds, its ``returns`` at least 1 in a ``nonempty`` row.
    """
    low, high = setting.bounds(value)
    return (max(low, 1) if nonempty and measure == "returns" else low), high


def with_intervals(
    setting: Bounding, measures: Sequence[str], values: Sequence[object], *, nonempty: bool = False
) -> dict[str, Any]:
    """One row's values as JSON, by measure, then their ``intervals`` (see :func:`stated`)."""
    shown = dict(zip(measures, values, strict=True))
    return {**shown, "intervals": stated(setting, measures, values, nonempty=nonempty)}


def agrees(given: object, expected: Mapping[str, Sequence[int | None]]) -> bool:
    """Whether ``given`` (read from JSON) is exactly ``expected``.

    Exactly as JSON: ``true`` is not ``1`` and ``1.0`` is not ``1``, as they
    would be for Python's ``==``; the measures may come in any order.
    """
    if not (isinstance(given, dict) and given.keys() == expected.keys()):
        return False
    for measure, bounds in expected.items():
        got = given[measure]
        if not (isinstance(got, list) and len(got) == len(bounds)):
            return False
        if any(type(a) is not type(b) or a != b for a, b in zip(got, bounds, strict=True)):
            return False
    return True
