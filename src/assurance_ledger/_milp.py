"""The least and greatest values of linear forms over whole-number solutions (private).

The arithmetic of :mod:`~assurance_ledger.audit`: a :class:`System` of linear
constraints on whole numbers, and a :class:`Solver` that answers, for a linear
form, the least and greatest value it takes over the system's solutions. It
needs scipy (its HiGHS solver, ``scipy.optimize.milp``), imported only when a
:class:`Solver` is made, so that the library runs without it.

A range is found with as few integer programs as possible, but never guessed:

* every solution the solver finds is kept (after checking it, in whole
  numbers, against every constraint), and a form whose kept solutions already
  reach a bound known to hold (the published value's own) needs no solve;
* otherwise the linear relaxation is solved first: its optimum, rounded
  inwards, bounds the whole-number one, and when a kept solution reaches that,
  or the relaxation's own solution is whole, that is the answer;
* only then is the integer program solved, to proven optimality.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

__all__ = ["INSTALL_HINT", "Array", "Form", "Solver", "System", "load_scipy"]

#: A numpy array (numpy comes with scipy, so it is typed loosely here).
Array = Any
#: A linear form: ``(variable, coefficient)`` pairs, each variable at most once.
Form = tuple[tuple[int, int], ...]

#: What the ImportError says when scipy is missing.
INSTALL_HINT = (
    "the audit needs scipy (its HiGHS solver), the audit extra: from a clone, "
    "pip install -e '.[audit]'; once published, pip install 'assurance-ledger[audit]'"
)

# HiGHS works in floating point; counts are whole numbers far below 2**53, so a
# value within this of a whole number is that number.
_EPS = 1e-6


def load_scipy() -> tuple[Any, Any, Any]:
    """``numpy``, ``scipy.optimize`` and ``scipy.sparse``; an ImportError naming the extra."""
    # Imported here, not at the top: scipy is an optional extra, needed only by an audit.
    try:
        import numpy  # noqa: PLC0415
        from scipy import optimize, sparse  # noqa: PLC0415
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    return numpy, optimize, sparse


@attrs.frozen
class System:
    """Whole numbers ``x >= 0`` with ``lower[i] <= rows[i] . x <= upper[i]`` for every ``i``.

    ``None`` in ``lower`` or ``upper`` means no bound on that side.
    """

    size: int
    rows: tuple[Form, ...]
    lower: tuple[int | None, ...]
    upper: tuple[int | None, ...]


class Solver:
    """The range of linear forms over the solutions of one :class:`System`.

    Mutable on purpose: it keeps every solution it has found, so that later
    questions are answered from them when they can be.
    """

    def __init__(self, system: System) -> None:
        """Build the constraint matrix once; raise ImportError without scipy."""
        np, optimize, sparse = load_scipy()
        self._np = np
        self._optimize = optimize
        entries = [(i, j, a) for i, row in enumerate(system.rows) for j, a in row]
        rows, columns, values = zip(*entries, strict=True) if entries else ((), (), ())
        shape = (len(system.rows), system.size)
        self._matrix = sparse.csr_array(
            (
                np.array(values, dtype=float),
                (np.array(rows, dtype=int), np.array(columns, dtype=int)),
            ),
            shape=shape,
        )
        self._lower = np.array([-np.inf if b is None else b for b in system.lower], dtype=float)
        self._upper = np.array([np.inf if b is None else b for b in system.upper], dtype=float)
        self._constraint = optimize.LinearConstraint(self._matrix, self._lower, self._upper)
        self._size = system.size
        self._points: list[Array] = []
        self._stacked: Array | None = None
        self.solves = 0  # integer programs and relaxations solved, for the tests and benchmarks

    # -- solving -------------------------------------------------------------------

    def _solve(
        self,
        objective: Array,
        *,
        whole: bool,
        at_least: Form = (),
        value: int = 0,
        within: Array | None = None,
    ) -> Any:
        """HiGHS on the system: minimise ``objective``.

        With ``at_least``, only solutions where ``at_least . x >= value``; with
        ``within`` (a mask of the variables), only those where every other
        variable is 0.
        """
        self.solves += 1
        np = self._np
        constraints = [self._constraint]
        if at_least:
            constraints.append(
                self._optimize.LinearConstraint(self._objective(at_least, 1), value, np.inf)
            )
        upper = np.inf if within is None else np.where(within, np.inf, 0.0)
        return self._optimize.milp(
            objective,
            constraints=constraints,
            integrality=np.full(self._size, 1 if whole else 0),
            bounds=self._optimize.Bounds(0, upper),
            # A proven optimum, not one within HiGHS's default gap of 0.01%.
            options={"mip_rel_gap": 0.0},
        )

    def _keep(self, x: Array | None) -> bool:
        """Keep ``x`` if it is a whole-number solution (checked exactly); say whether it was."""
        np = self._np
        if x is None:
            return False
        whole = np.rint(x)
        if np.abs(x - whole).max(initial=0.0) > _EPS or (whole < 0).any():
            return False
        values = self._matrix @ whole
        if (values < self._lower).any() or (values > self._upper).any():
            return False
        self._points.append(whole)
        return True

    def feasible(self) -> bool:
        """Whether the system has a whole-number solution (keeping the one found)."""
        if self._points:
            return True
        if not self._size:  # HiGHS needs a variable; the only candidate is the empty solution
            return self._keep(self._np.zeros(0))
        result = self._solve(self._np.zeros(self._size), whole=True)
        return result.status == 0 and self._keep(result.x)

    def _objective(self, form: Form, sign: int) -> Array:
        c = self._np.zeros(self._size)
        for j, a in form:
            c[j] = sign * a
        return c

    def _seen(self, form: Form) -> int | None:
        """The greatest value ``form`` takes at a kept solution (``None``: none kept)."""
        if not self._points:
            return None
        if self._stacked is None or len(self._stacked) != len(self._points):
            self._stacked = self._np.vstack(self._points)
        columns = [j for j, _ in form]
        weights = self._np.array([a for _, a in form], dtype=float)
        return round(float((self._stacked[:, columns] @ weights).max(initial=-self._np.inf)))

    def greatest(self, form: Form, enough: int | None = None) -> int | None:
        """The greatest value of ``form`` over the solutions (``None``: no greatest).

        ``enough`` ends the search when a solution reaches it: pass a bound the
        constraints already impose, and the answer is exact. The system must be
        :meth:`feasible`.
        """
        if not form:
            return 0
        seen = self._seen(form)
        if seen is not None and enough is not None and seen >= enough:
            return seen
        relaxed = self._solve(self._objective(form, -1), whole=False)
        if relaxed.status == 3:
            return None  # unbounded relaxation of rational data: no whole-number maximum either
        if relaxed.status != 0:
            raise RuntimeError(f"the linear relaxation failed: {relaxed.message}")
        cap = math.floor(float(-relaxed.fun) + _EPS)
        if self._keep(relaxed.x) or (seen is not None and seen >= cap):
            return cap
        return self._whole_greatest(form, cap, relaxed.x > _EPS)

    def _whole_greatest(self, form: Form, cap: int, support: Array) -> int:
        """The greatest whole-number value of ``form``, at most ``cap`` (the relaxation's).

        The relaxation's bound is nearly always reached by whole numbers too,
        and one such solution among the variables its solution uses is far
        quicker to find than an optimum is to prove: that is tried first.
        """
        reach = self._solve(
            self._np.zeros(self._size), whole=True, at_least=form, value=cap, within=support
        )
        if reach.status == 0 and self._keep(reach.x):
            return cap
        exact = self._solve(self._objective(form, -1), whole=True)
        if exact.status != 0:
            raise RuntimeError(f"the integer program failed: {exact.message}")
        self._keep(exact.x)
        return round(float(-exact.fun))

    def least(self, form: Form, enough: int | None = None) -> int:
        """The least value of ``form`` over the solutions; ``enough`` as for :meth:`greatest`."""
        negated = tuple((j, -a) for j, a in form)
        value = self.greatest(negated, None if enough is None else -enough)
        if value is None:
            raise RuntimeError("a form bounded below by the constraints had no least value")
        return -value
