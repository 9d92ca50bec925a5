"""Three-valued truth, for facts known only within a span of days.

When a date is known only to a month, "was the removal before the decision?" may
be true, false, or impossible to tell. :class:`Truth` carries that third answer
through the rules (Kleene's strong three-valued logic), so a breach that hinges on
an imprecise date can be reported as *possible* instead of being dropped or
overstated.

A ``MAYBE`` also has a reason: what keeps it from being ``YES`` (``docs/format.md``,
"Why only possible"). The tags are named here, once (:data:`REASONS`); a rule
says which of its parts each tag belongs to and :func:`doubts` gathers the tags
of the parts that are in doubt. The rule for gathering, once: a finding is the
*and* of its parts, so it is ``MAYBE`` exactly when no part is ``NO`` and at
least one is ``MAYBE``; the parts that are ``MAYBE`` are then what decides it,
and only their tags are given. A deadline known only to a range of days that
passed long before the evaluation date is a ``YES`` part, and gives no tag.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Final

__all__ = [
    "COVERAGE_UNCERTAIN",
    "DATE_IMPRECISE",
    "EXCUSE_UNCERTAIN",
    "MAYBE",
    "NO",
    "REASONS",
    "RECORD_MISSING",
    "UNEXPLAINED",
    "UNSUBSTANTIATED",
    "YES",
    "Reason",
    "Truth",
    "doubts",
    "sorted_reasons",
]


class Truth(enum.Enum):
    """``YES``, ``NO`` or ``MAYBE``; combine with ``&``, ``|`` and ``~``.

    >>> Truth.YES & Truth.MAYBE
    <Truth.MAYBE: 'maybe'>
    >>> Truth.NO & Truth.MAYBE
    <Truth.NO: 'no'>
    >>> Truth.YES | Truth.MAYBE
    <Truth.YES: 'yes'>
    >>> ~Truth.MAYBE
    <Truth.MAYBE: 'maybe'>
    """

    YES = "yes"
    MAYBE = "maybe"
    NO = "no"

    @classmethod
    def of(cls, value: bool) -> Truth:
        """``YES`` for true, ``NO`` for false."""
        return YES if value else NO

    @property
    def possible(self) -> bool:
        """True unless this is ``NO``: the facts allow it."""
        return self is not NO

    @property
    def certain(self) -> bool:
        """True only for ``YES``: the facts require it."""
        return self is YES

    def __and__(self, other: Truth) -> Truth:
        """Both: ``NO`` if either is ``NO``, else ``MAYBE`` if either is ``MAYBE``."""
        if self is NO or other is NO:
            return NO
        if self is MAYBE or other is MAYBE:
            return MAYBE
        return YES

    def __or__(self, other: Truth) -> Truth:
        """Either: ``YES`` if either is ``YES``, else ``MAYBE`` if either is ``MAYBE``."""
        if self is YES or other is YES:
            return YES
        if self is MAYBE or other is MAYBE:
            return MAYBE
        return NO

    def __invert__(self) -> Truth:
        """Not: swaps ``YES`` and ``NO``; ``MAYBE`` stays."""
        if self is YES:
            return NO
        if self is NO:
            return YES
        return MAYBE

    def __bool__(self) -> bool:
        """Refuse: a three-valued answer must be read with ``.certain`` or ``.possible``."""
        raise TypeError("Truth is three-valued: use .certain or .possible, not bool()")


# The three values as plain names. ``Truth.YES`` goes through the enum's class
# machinery on every use (about ten times slower than a global name), and the
# rules combine truths hundreds of thousands of times a check.

#: ``Truth.YES``: the facts require it.
YES = Truth.YES
#: ``Truth.MAYBE``: the facts allow it, and allow its opposite.
MAYBE = Truth.MAYBE
#: ``Truth.NO``: the facts rule it out.
NO = Truth.NO


#: A tag saying what keeps a finding from being certain (a user's rule may give its own).
Reason = str

#: Whether the assurance covers the return hinges on an imprecise date or an
#: unknown fact (a crossing ``unknown`` against a scope that names crossings).
COVERAGE_UNCERTAIN: Final = "coverage_uncertain"
#: An outcome's or a deadline's span of days allows both readings.
DATE_IMPRECISE: Final = "date_imprecise"
#: It rests on an act not recorded by the evaluation date that may simply be
#: unrecorded: no release, admission, visit or notice.
RECORD_MISSING: Final = "record_missing"
#: An ill-treatment report that is not substantiated.
UNSUBSTANTIATED: Final = "unsubstantiated"
#: Whether an excusing record (a final refusal, a lifted interim measure) came
#: first hinges on dates.
EXCUSE_UNCERTAIN: Final = "excuse_uncertain"
#: Given by the checker to a possible finding of a user's rule that names no
#: reason of its own, so that a finding is certain exactly when it has none.
UNEXPLAINED: Final = "unexplained"

#: The reasons of the format, in the order the docs list them (a report sorts them).
REASONS: tuple[Reason, ...] = (
    COVERAGE_UNCERTAIN,
    DATE_IMPRECISE,
    RECORD_MISSING,
    UNSUBSTANTIATED,
    EXCUSE_UNCERTAIN,
)


def doubts(*parts: tuple[Truth, Reason]) -> tuple[Reason, ...]:
    """The sorted tags of the parts of a finding that are ``MAYBE``.

    Read it only for a finding that is ``MAYBE`` as the *and* of ``parts``
    (see the top of this module): then these are what decide it.

    >>> doubts((YES, DATE_IMPRECISE), (MAYBE, RECORD_MISSING), (MAYBE, DATE_IMPRECISE))
    ('date_imprecise', 'record_missing')
    """
    return tuple(sorted({reason for truth, reason in parts if truth is MAYBE}))


def sorted_reasons(reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    """Reasons as a report holds them: each once, sorted."""
    return tuple(sorted(set(reasons)))
