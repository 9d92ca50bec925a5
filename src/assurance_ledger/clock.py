"""Recording times: their canonical form, the clock, and how far ahead of it a time may be.

Every entry's ``recorded_at`` is written by :func:`format_time`: UTC,
microseconds, ``Z``. Canonical times sort as text in time order.

Recording times never go back (see :mod:`~assurance_ledger.ledger`): an entry
appended without a time is stamped now, or with the last entry's time if that
is later. So one time far in the future would be copied onto every later
entry. An append is therefore refused when its recording time is more than
:data:`MAX_CLOCK_SKEW` ahead of the ledger's clock: the allowance for two
states' clocks that disagree, or an offset mistaken in a time written by hand.

Stored ledgers are not refused for it: a ledger opens byte for byte whatever
it held when it was written, and one received from another state may come from
a clock that ran ahead. :func:`~assurance_ledger.chain.verify_lines` counts
such entries instead (:attr:`~assurance_ledger.chain.Verification.future_entries`),
and ``assurance-ledger verify`` warns about them.

A clock is any function that returns the current time as an aware ``datetime``.
A :class:`~assurance_ledger.ledger.Ledger` reads :func:`system_clock` unless it
is given another (``clock=``), which is how tests set the time.

>>> import datetime as dt
>>> latest_time(dt.datetime(2020, 7, 1, 12, tzinfo=dt.timezone.utc))
'2020-07-02T12:00:00.000000Z'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from dateutil import parser as du_parser

from ._validate import short
from .errors import InvalidRecord

__all__ = ["MAX_CLOCK_SKEW", "Clock", "format_time", "system_clock"]

#: How far ahead of the clock a recording time may be: one day, for clocks that
#: disagree (and the dates either side of the date line).
MAX_CLOCK_SKEW = dt.timedelta(days=1)

#: A clock: called with no arguments, it returns the current time, aware of its offset.
Clock = Callable[[], dt.datetime]

# The allowance in words, for messages.
_ALLOWANCE = f"{MAX_CLOCK_SKEW // dt.timedelta(hours=1)} hours"
# The last time a canonical recording time can write.
_END = "9999-12-31T23:59:59.999999Z"


_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


def format_time(value: str | dt.datetime) -> str:
    """The canonical form of a recording time: UTC, microseconds, ``Z``.

    A time with any UTC offset is converted to UTC first; a time without an
    offset is refused, since it could mean any zone.

    >>> format_time("2020-04-01T08:00:00-04:00")
    '2020-04-01T12:00:00.000000Z'
    """
    given = value
    if isinstance(value, str) and _TIME.fullmatch(value):
        try:  # already canonical (as every stored time is): only check it is a real time
            dt.datetime.fromisoformat(value[:-1])
        except ValueError:
            pass  # the full reading below says what is wrong
        else:
            return value
    if isinstance(value, str):
        try:
            value = du_parser.isoparse(value)
        except (ValueError, OverflowError):
            raise InvalidRecord(
                ("recorded_at",),
                "an ISO 8601 time with an offset, like 2020-04-01T12:00:00Z",
                short(given),
            ) from None
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise InvalidRecord(
            ("recorded_at",),
            "a time with a UTC offset or Z (a time without one could be any zone)",
            short(given),
        )
    try:
        return _canonical(value)
    except OverflowError:
        raise InvalidRecord(
            ("recorded_at",), "a time between the years 1 and 9999 in UTC", short(given)
        ) from None


def system_clock() -> dt.datetime:
    """The time now, in UTC: the clock a ledger reads unless it is given another."""
    return dt.datetime.now(dt.timezone.utc)


def _canonical(moment: dt.datetime) -> str:
    """An aware time in the canonical form of recording times (UTC, microseconds, ``Z``)."""
    if moment.utcoffset() is None:  # (format_time refuses these first, as bad input)
        raise TypeError(f"a clock must give an aware datetime (with an offset), got {moment!r}")
    utc = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    # isoformat, not strftime: %Y does not pad years before 1000 to four digits.
    return utc.isoformat(timespec="microseconds") + "Z"


def latest_time(now: dt.datetime) -> str:
    """The latest recording time accepted when the clock reads ``now`` (canonical).

    :data:`MAX_CLOCK_SKEW` after ``now``. Canonical times sort as text in time
    order, so a recording time is compared with this string as it is stored.
    """
    try:
        return _canonical(now + MAX_CLOCK_SKEW)
    except OverflowError:  # a clock within a day of the end of the calendar
        return _END


def next_time(given: str | None, last: str | None, *, seq: int, now: dt.datetime) -> str:
    """The recording time of a batch whose first entry is ``seq``, when the clock reads ``now``.

    ``given`` is the time asked for (canonical), or ``None`` for now; ``last``
    is the last entry's time (``None`` for an empty ledger). A time asked for
    must not be before ``last``; now is never before it (it becomes ``last``
    when the clock is behind). Either way the time must not be more than
    :data:`MAX_CLOCK_SKEW` ahead of ``now``. Raise
    :class:`~assurance_ledger.errors.InvalidRecord` naming ``recorded_at``
    otherwise.
    """
    if given is not None and last is not None and given < last:
        raise InvalidRecord(
            ("recorded_at",), f"a time on or after the last entry's ({last}, seq {seq - 1})", given
        )
    current = _canonical(now)
    time = given if given is not None else max(current, last or "")
    if time <= current:  # the common case: not ahead of the clock at all
        return time
    latest = latest_time(now)
    if time > latest:
        expected = f"a time at most {_ALLOWANCE} ahead of the clock (not after {latest})"
        if given is None:  # the clock is behind the last entry, far behind
            expected += (
                f"; the last entry, seq {seq - 1}, was recorded after that, and recording "
                "times never go back"
            )
        raise InvalidRecord(("recorded_at",), expected, time)
    return time
