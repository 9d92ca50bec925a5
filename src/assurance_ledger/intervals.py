"""What each published value says on its own: the ``intervals`` of a table's JSON.

A published value (a rounded count, ``--``, ``x`` or 0) stands for a range of
true counts: under the default suppression, ``10`` for 8 to 12, ``--`` for 1 to
4, ``x`` for 1 or more, ``0`` for 0 exactly (see
:meth:`~assurance_ledger.stats.Suppression.bounds`). A table's JSON states
that range beside each value, so that a reader need not know the rule::

    "intervals": {"returns": [8, 12], "covered": [1, 4], "unassured": [1, null], ...}

``null`` is no upper bound. These are what each value allows *alone*; the
relations between a table's cells (and between tables) narrow them further,
which is what :mod:`~assurance_ledger.audit` works out.

This module knows nothing of tables: :mod:`~assurance_ledger.stats` builds
on it, so it only needs a setting's ``bounds``.

>>> from assurance_ledger.stats import Suppression
>>> stated(Suppression.DEFAULT, ("returns", "covered"), (10, "x"))
{'returns': [8, 12], 'covered': [1, None]}
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


def stated(setting: Bounding, measures: Sequence[str], values: Sequence[object]) -> Intervals:
    """The intervals of one row: for each measure, the counts its published value allows."""
    return {m: list(setting.bounds(v)) for m, v in zip(measures, values, strict=True)}


def with_intervals(
    setting: Bounding, measures: Sequence[str], values: Sequence[object]
) -> dict[str, Any]:
    """One row's values as JSON, by measure, followed by their ``intervals``."""
    shown = dict(zip(measures, values, strict=True))
    return {**shown, "intervals": stated(setting, measures, values)}


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
