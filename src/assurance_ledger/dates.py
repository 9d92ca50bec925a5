"""Dates known to a day, a month, a year, or somewhere between two days.

Evidence about returns is often imprecise: a report says "in March 2020". A
:class:`DateSpan` is the set of days a fact may have happened on, from
``earliest`` to ``latest`` inclusive. Comparing two spans answers with a
:class:`~assurance_ledger.truth.Truth`: ``YES`` or ``NO`` when every reading of
both spans agrees, ``MAYBE`` when they allow both answers.

JSON forms (see ``docs/format.md``), always written in the most compact one that fits:

======================================================  ========================
JSON                                                    span
======================================================  ========================
``"2020-03-30"``                                        that day
``"2020-03"``                                           1 to 31 March 2020
``"2020"``                                              1 January to 31 December
``{"earliest": "2020-03-20", "latest": "2020-03-25"}``  those days inclusive
======================================================  ========================

>>> span = DateSpan.from_json("2020-03")
>>> span
DateSpan(earliest=datetime.date(2020, 3, 1), latest=datetime.date(2020, 3, 31))
>>> span.to_json(), span.precision
('2020-03', 'month')
>>> DateSpan.from_json("2020-03-30").before(span)
<Truth.MAYBE: 'maybe'>
>>> parse_date("30 March 2020").to_json(), parse_date("March 2020").to_json()
('2020-03-30', '2020-03')
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import warnings
from collections.abc import Mapping
from typing import Literal

import attrs
from dateutil import parser as du_parser

from .errors import InvalidDate
from .truth import MAYBE, NO, YES, Truth

__all__ = ["MAX_DATE_TEXT", "DateSpan", "Precision", "parse_date", "to_span"]

#: Longest text :func:`parse_date` reads, in characters (white space included).
#: A date people write is far shorter ("Wednesday, 30 September 2020" is 28);
#: dateutil's parser takes time quadratic in its input, so longer text is
#: refused before it gets there.
MAX_DATE_TEXT = 100

#: How precisely a span is known, as :attr:`DateSpan.precision` reports it.
Precision = Literal["day", "month", "year", "span"]

_EXPECTED = (
    "a date as 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY', "
    "or {\"earliest\": 'YYYY-MM-DD', \"latest\": 'YYYY-MM-DD'}"
)
# [0-9], not \d: the format's digits are ASCII (full-width or Arabic-Indic digits are not).
_YEAR = re.compile(r"[0-9]{4}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR_FIRST = re.compile(r"[0-9]{4}\s*[/.\-]")
_NUMERIC = re.compile(r"\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{2,4})\s*")


def _month_end(first: dt.date) -> dt.date:
    # calendar, not relativedelta(day=31): this runs for every date written as JSON.
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _is_day(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _check_span(instance: DateSpan, _: attrs.Attribute[dt.date], latest: dt.date) -> None:
    """Both ends are days (not datetimes), earliest first (one check for both: it runs often)."""
    earliest = instance.earliest
    if type(earliest) is dt.date and type(latest) is dt.date and earliest <= latest:
        return
    for name, value in (("earliest", earliest), ("latest", latest)):
        if not _is_day(value):
            raise InvalidDate((name,), "a datetime.date (not a datetime)", repr(value))
    if earliest > latest:
        raise InvalidDate(
            (),
            "earliest on or before latest",
            f"earliest {earliest.isoformat()} after latest {latest.isoformat()}",
        )


@attrs.frozen
class DateSpan:
    """The days, from ``earliest`` to ``latest`` inclusive, on which something happened.

    Build one with :meth:`day`, :meth:`month`, :meth:`year`, :meth:`between`,
    :meth:`from_json` or :func:`parse_date`. Spans are equal when they cover the
    same days, whatever form they were written in.
    """

    earliest: dt.date
    latest: dt.date = attrs.field(validator=_check_span)

    # -- building -------------------------------------------------------------------

    @classmethod
    def day(cls, year: int, month: int, day: int) -> DateSpan:
        """The single day ``year-month-day``."""
        d = dt.date(year, month, day)
        return cls(d, d)

    @classmethod
    def month(cls, year: int, month: int) -> DateSpan:
        """Every day of one month."""
        first = dt.date(year, month, 1)
        return cls(first, _month_end(first))

    @classmethod
    def year(cls, year: int) -> DateSpan:
        """Every day of one year."""
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def between(cls, earliest: dt.date, latest: dt.date) -> DateSpan:
        """The days from ``earliest`` to ``latest`` inclusive."""
        return cls(earliest, latest)

    @staticmethod
    def cached(earliest: dt.date, latest: dt.date) -> DateSpan:
        """``between(earliest, latest)``, one shared object a span (for code that makes many)."""
        return _span(earliest, latest)

    @classmethod
    def from_json(cls, value: object) -> DateSpan:
        """Read any of the JSON forms; raise :class:`InvalidDate` naming what is wrong."""
        if isinstance(value, str):
            return cls._from_text(value)
        if isinstance(value, Mapping):
            keys = set(value)
            if keys != {"earliest", "latest"}:
                raise InvalidDate((), _EXPECTED, f"an object with keys {sorted(map(str, keys))}")
            earliest = cls._exact_day(value["earliest"], "earliest")
            latest = cls._exact_day(value["latest"], "latest")
            return cls(earliest, latest)
        raise InvalidDate((), _EXPECTED, _short_repr(value))

    @classmethod
    def _exact_day(cls, value: object, key: str) -> dt.date:
        if not isinstance(value, str) or not _DAY.fullmatch(value):
            raise InvalidDate((key,), "a day as 'YYYY-MM-DD'", _short_repr(value))
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidDate((key,), "a real calendar day", repr(value)) from None

    @classmethod
    def _from_text(cls, text: str) -> DateSpan:
        return _span_of_text(text)

    @classmethod
    def _parse_text(cls, text: str) -> DateSpan:
        try:
            if _DAY.fullmatch(text):
                d = dt.date.fromisoformat(text)
                return cls(d, d)
            if m := _MONTH.fullmatch(text):
                return cls.month(int(m[1]), int(m[2]))
            if _YEAR.fullmatch(text):
                return cls.year(int(text))
        except ValueError:
            raise InvalidDate((), "a real calendar date", repr(text)) from None
        raise InvalidDate((), _EXPECTED, _short_repr(text))

    # -- reading --------------------------------------------------------------------

    def to_json(self) -> str | dict[str, str]:
        """The most compact JSON form (see the module docs)."""
        form = _json_form(self.earliest, self.latest)
        return dict(form) if isinstance(form, dict) else form  # a copy: the cache's is shared

    @property
    def precision(self) -> Precision:
        """``"day"``, ``"month"``, ``"year"`` or ``"span"`` (an explicit range)."""
        form = self.to_json()
        if isinstance(form, dict):
            return "span"
        return {10: "day", 7: "month", 4: "year"}[len(form)]  # type: ignore[return-value]

    @property
    def is_exact(self) -> bool:
        """Whether the span is a single known day."""
        return self.earliest == self.latest

    @property
    def length(self) -> int:
        """How many days the span covers (1 for an exact day)."""
        return (self.latest - self.earliest).days + 1

    def __str__(self) -> str:
        """The span as people write it: ``2020-03-30``, ``2020-03``, ``2020-03-20..2020-03-25``."""
        form = self.to_json()
        if isinstance(form, dict):
            return f"{form['earliest']}..{form['latest']}"
        return form

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` is one of the span's days."""
        return self.earliest <= day <= self.latest

    def overlaps(self, other: DateSpan) -> bool:
        """Whether the two spans share at least one day (both could be the same day)."""
        return self.earliest <= other.latest and other.earliest <= self.latest

    # -- comparing ------------------------------------------------------------------

    def before(self, other: DateSpan) -> Truth:
        """Was this strictly before ``other``? ``MAYBE`` when the spans allow both."""
        if self.latest < other.earliest:
            return YES
        if self.earliest >= other.latest:
            return NO
        return MAYBE

    # The three below are "not other.before(self)", "other.before(self)" and
    # "not self.before(other)", written out: the rules call them very often.

    def on_or_before(self, other: DateSpan) -> Truth:
        """Was this on the same day as ``other`` or earlier?"""
        if self.latest <= other.earliest:
            return YES
        if self.earliest > other.latest:
            return NO
        return MAYBE

    def after(self, other: DateSpan) -> Truth:
        """Was this strictly after ``other``?"""
        if other.latest < self.earliest:
            return YES
        if other.earliest >= self.latest:
            return NO
        return MAYBE

    def on_or_after(self, other: DateSpan) -> Truth:
        """Was this on the same day as ``other`` or later?"""
        if self.earliest >= other.latest:
            return YES
        if self.latest < other.earliest:
            return NO
        return MAYBE

    # -- arithmetic -----------------------------------------------------------------

    def plus_days(self, days: int) -> DateSpan:
        """The span moved ``days`` later (earlier when negative), stopping at the calendar's ends.

        A bound that would pass 9999-12-31 (``datetime.date.max``) is 9999-12-31,
        one that would pass 0001-01-01 is 0001-01-01: a deadline beyond the
        calendar is read as "on its last day or later", which no date can be
        after, so every valid record can still be checked (see ``docs/dates.md``).

        >>> str(DateSpan.day(9999, 12, 30).plus_days(7))
        '9999-12-31'
        """
        try:
            delta = dt.timedelta(days=days)
            return _span(self.earliest + delta, self.latest + delta)
        except OverflowError:  # past an end of the calendar (rare: not on the common path)
            return _span(_shift(self.earliest, days), _shift(self.latest, days))

    def days_until(self, other: DateSpan) -> tuple[int, int]:
        """The fewest and most days from this span to ``other`` (negative if ``other`` is earlier).

        >>> DateSpan.day(2020, 3, 1).days_until(DateSpan.day(2020, 3, 31))
        (30, 30)
        >>> DateSpan.day(2020, 3, 1).days_until(DateSpan.month(2020, 4))
        (31, 60)
        """
        return (other.earliest - self.latest).days, (other.latest - self.earliest).days


_FIRST_ORDINAL = dt.date.min.toordinal()
_LAST_ORDINAL = dt.date.max.toordinal()


def _shift(day: dt.date, days: int) -> dt.date:
    """``day`` moved ``days`` later, saturating at ``date.min`` and ``date.max``."""
    ordinal = day.toordinal() + days  # a Python int: it cannot overflow
    return dt.date.fromordinal(min(max(ordinal, _FIRST_ORDINAL), _LAST_ORDINAL))


def _short_repr(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def to_span(value: DateSpan | dt.date | str | Mapping[str, str]) -> DateSpan:
    """Accept a span, a ``datetime.date`` or any JSON form; used by records' fields.

    Anything else is returned unchanged, so that the record's validator can reject
    it with the name of the field.
    """
    if isinstance(value, DateSpan):
        return value
    if type(value) is str:  # a JSON text form, as records read from files have
        try:
            return _span_of_text(value)  # what from_json does with text, memoised
        except InvalidDate:
            return value  # type: ignore[return-value]
    if _is_day(value):
        assert isinstance(value, dt.date)  # noqa: S101 -- narrows the type for mypy
        return DateSpan(value, value)
    try:
        return DateSpan.from_json(value)
    except InvalidDate:
        return value  # type: ignore[return-value]


def parse_date(text: str, *, dayfirst: bool | None = None) -> DateSpan:
    """Read a date written by people, keeping the precision it actually had.

    ``"30 March 2020"`` is that day; ``"March 2020"`` is the whole month (a missing
    day never becomes the 1st); ``"2020"`` is the whole year; the ISO forms of the
    JSON format are read as they are. All-numeric dates such as ``"03/04/2020"``
    are ambiguous between day-first and month-first: pass ``dayfirst`` to say which,
    or they are refused; a numeric date that starts with the year is always read
    year, month, day. A text without a year is refused, and so is one longer
    than :data:`MAX_DATE_TEXT` characters.

    >>> parse_date("March 2020")
    DateSpan(earliest=datetime.date(2020, 3, 1), latest=datetime.date(2020, 3, 31))
    >>> parse_date("03/04/2020", dayfirst=True).to_json()
    '2020-04-03'
    """
    if not isinstance(text, str):
        raise InvalidDate((), "a date written as text", _short_repr(text))
    if len(text) > MAX_DATE_TEXT:
        raise InvalidDate(
            (), f"a date of at most {MAX_DATE_TEXT} characters", f"{len(text)} characters"
        )
    stripped = text.strip()
    try:
        return DateSpan._from_text(stripped)
    except InvalidDate:
        pass
    if _YEAR_FIRST.match(stripped):
        dayfirst = False  # "2020/03/04": year, month, day, as in ISO 8601, always
    numeric = _NUMERIC.fullmatch(stripped)
    if numeric and dayfirst is None:
        first, second = int(numeric[1]), int(numeric[2])
        if first <= 12 and second <= 12 and first != second:
            raise InvalidDate(
                (),
                "an unambiguous date (pass dayfirst=True or dayfirst=False)",
                repr(text),
            )
    # Parse twice with different defaults: a part the text lacks takes the default,
    # so it differs between the two readings. Both default years are leap years so
    # "29 February" without a year still parses and is then refused for its year.
    readings = []
    for default in (dt.datetime(2000, 1, 1), dt.datetime(2004, 2, 2)):
        try:
            # dateutil warns where it guesses (a time zone it does not know, in
            # "1T000000B"): a text it must guess at is not a date, so it is refused.
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                parsed = du_parser.parse(stripped, default=default, dayfirst=bool(dayfirst))
            readings.append(parsed.date())
        except (ValueError, OverflowError, Warning):
            raise InvalidDate(
                (), "a date such as '30 March 2020', 'March 2020' or '2020'", _short_repr(text)
            ) from None
    one, two = readings
    if one.year != two.year:
        raise InvalidDate((), "a date with a year", repr(text))
    if one.month != two.month:
        return DateSpan.year(one.year)
    if one.day != two.day:
        return DateSpan.month(one.year, one.month)
    return DateSpan(one, one)


# Dates repeat: a ledger of a million entries has a few thousand distinct days.
# Both directions of the JSON form are pure functions of immutable values, so
# they are memoised (bounded caches; the results are immutable or copied).


@functools.lru_cache(maxsize=16_384)
def _span_of_text(text: str) -> DateSpan:
    return DateSpan._parse_text(text)


@functools.lru_cache(maxsize=16_384)
def _json_form(e: dt.date, la: dt.date) -> str | dict[str, str]:
    if e == la:
        return e.isoformat()
    if e.day == 1 and la == _month_end(e):
        return e.isoformat()[:7]
    if (e.month, e.day, la.month, la.day) == (1, 1, 12, 31) and e.year == la.year:
        return e.isoformat()[:4]
    return {"earliest": e.isoformat(), "latest": la.isoformat()}


@functools.lru_cache(maxsize=65_536)
def _span(earliest: dt.date, latest: dt.date) -> DateSpan:
    """``DateSpan(earliest, latest)``, one object for each span (the rules make many)."""
    return DateSpan(earliest, latest)
