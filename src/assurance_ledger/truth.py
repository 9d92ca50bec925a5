"""Three-valued truth, for facts known only within a span of days.

When a date is known only to a month, "was the removal before the decision?" may
be true, false, or impossible to tell. :class:`Truth` carries that third answer
through the rules (Kleene's strong three-valued logic), so a breach that hinges on
an imprecise date can be reported as *possible* instead of being dropped or
overstated.
"""

from __future__ import annotations

import enum

__all__ = ["MAYBE", "NO", "YES", "Truth"]


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
