"""Date spans: JSON forms, three-valued comparisons, arithmetic and free-text parsing."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assurance_ledger import DateSpan, InvalidDate, LedgerError, Truth, parse_date, to_span
from assurance_ledger.dates import MAX_DATE_TEXT
from assurance_ledger.strategies import date_spans, days


@given(date_spans())
def test_json_form_round_trips(span: DateSpan) -> None:
    """Rule: every span reads back equal from its JSON form."""
    assert DateSpan.from_json(span.to_json()) == span


@given(date_spans())
def test_json_form_is_the_most_compact(span: DateSpan) -> None:
    """Rule: a span is written as a day, month or year string whenever it is exactly one."""
    form = span.to_json()
    whole_month = span == DateSpan.month(span.earliest.year, span.earliest.month)
    whole_year = span == DateSpan.year(span.earliest.year)
    if span.is_exact:
        assert form == span.earliest.isoformat()
        assert span.precision == "day"
    elif whole_month:
        assert form == span.earliest.isoformat()[:7]
        assert span.precision == "month"
    elif whole_year:
        assert form == str(span.earliest.year).zfill(4)
        assert span.precision == "year"
    else:
        assert form == {"earliest": span.earliest.isoformat(), "latest": span.latest.isoformat()}
        assert span.precision == "span"


def test_explicit_object_of_one_month_equals_the_month() -> None:
    """Rule: spans are equal when they cover the same days, whatever form they were written in."""
    assert DateSpan.from_json({"earliest": "2020-02-01", "latest": "2020-02-29"}) == (
        DateSpan.from_json("2020-02")
    )
    assert DateSpan.from_json("2020-02").to_json() == "2020-02"
    assert DateSpan.from_json("2021-02").latest == dt.date(2021, 2, 28)


def _truth(values: set[bool]) -> Truth:
    if values == {True}:
        return Truth.YES
    if values == {False}:
        return Truth.NO
    return Truth.MAYBE


def _days(span: DateSpan) -> list[dt.date]:
    return [span.earliest + dt.timedelta(days=i) for i in range(span.length)]


small_spans = date_spans(dt.date(2020, 1, 1), dt.date(2020, 4, 30))


@given(small_spans, small_spans)
def test_comparisons_agree_with_every_reading(a: DateSpan, b: DateSpan) -> None:
    """Rule: YES when every pair of possible days agrees, NO when none does, else MAYBE."""
    pairs = [(x, y) for x in _days(a) for y in _days(b)]
    assert a.before(b) is _truth({x < y for x, y in pairs})
    assert a.on_or_before(b) is _truth({x <= y for x, y in pairs})
    assert a.after(b) is _truth({x > y for x, y in pairs})
    assert a.on_or_after(b) is _truth({x >= y for x, y in pairs})
    assert a.overlaps(b) == any(x == y for x, y in pairs)
    gaps = [(y - x).days for x, y in pairs]
    assert a.days_until(b) == (min(gaps), max(gaps))


@given(date_spans(dt.date(1995, 1, 1), dt.date(2035, 1, 1)), st.integers(-2000, 2000))
def test_plus_days_moves_both_ends(span: DateSpan, n: int) -> None:
    """Rule: adding days shifts the whole span and keeps its length."""
    moved = span.plus_days(n)
    assert moved.earliest == span.earliest + dt.timedelta(days=n)
    assert moved.length == span.length
    assert span.days_until(moved) == (n - (span.length - 1), n + (span.length - 1))


def test_counting_days_example_from_domain() -> None:
    """Rule: released on day 31 after detention on day 1 is 30 days."""
    assert DateSpan.day(2020, 3, 1).days_until(DateSpan.day(2020, 3, 31)) == (30, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30 March 2020", "2020-03-30"),
        ("March 30, 2020", "2020-03-30"),
        ("Monday 30 March 2020", "2020-03-30"),
        ("March 2020", "2020-03"),
        ("Mar 2020", "2020-03"),
        ("2020", "2020"),
        ("2020-03", "2020-03"),
        ("2020-03-30", "2020-03-30"),
        ("  1 February 2021 ", "2021-02-01"),
        ("13/04/2020", "2020-04-13"),
        ("29 February 2020", "2020-02-29"),
    ],
)
def test_parse_date_keeps_precision(text: str, expected: str) -> None:
    """Rule: free text keeps the precision it had; a missing day never becomes the 1st."""
    assert parse_date(text).to_json() == expected


@given(days())
def test_parse_date_reads_written_days(day: dt.date) -> None:
    """Rule: a day written out in words reads back as exactly that day."""
    assert parse_date(day.strftime("%d %B %Y")) == DateSpan(day, day)
    assert parse_date(day.strftime("%B %Y")) == DateSpan.month(day.year, day.month)


def test_parse_date_ambiguous_numeric_needs_dayfirst() -> None:
    """Rule: an all-numeric date that reads both ways is refused unless dayfirst is given."""
    with pytest.raises(InvalidDate, match="dayfirst"):
        parse_date("03/04/2020")
    assert parse_date("03/04/2020", dayfirst=True).to_json() == "2020-04-03"
    assert parse_date("03/04/2020", dayfirst=False).to_json() == "2020-03-04"
    assert parse_date("04/04/2020").to_json() == "2020-04-04"


@pytest.mark.parametrize(
    "text", ["March", "30 March", "not a date", "", "2020-02-30", "31 April 2020", "2020-13"]
)
def test_parse_date_refuses(text: str) -> None:
    """Rule: text without a year, or not a real date, is refused with a LedgerError."""
    with pytest.raises(InvalidDate) as info:
        parse_date(text)
    assert isinstance(info.value, LedgerError)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("1." * 524_288, id="1.-repeated-to-1MiB"),
        pytest.param("30 March 2020" + " " * MAX_DATE_TEXT, id="a-date-padded-past-the-limit"),
        pytest.param("x" * (MAX_DATE_TEXT + 1), id="one-character-over"),
    ],
)
def test_parse_date_refuses_text_over_the_maximum_length(text: str) -> None:
    """Rule: text over MAX_DATE_TEXT characters is refused, before dateutil reads it.

    dateutil's parser takes time quadratic in its input (a megabyte of "1."
    took minutes): such text is an InvalidDate saying how long it was.
    """
    with pytest.raises(InvalidDate) as info:
        parse_date(text)
    assert info.value.expected == f"a date of at most {MAX_DATE_TEXT} characters"
    assert info.value.got == f"{len(text)} characters"
    assert len(str(info.value)) < 200


def test_parse_date_reads_text_up_to_the_maximum_length() -> None:
    """Rule: a date padded with white space to exactly MAX_DATE_TEXT characters is read.

    The limit is far above any date people write ("Wednesday, 30 September
    2020" is 28 characters).
    """
    text = "Wednesday, 30 September 2020".center(MAX_DATE_TEXT)
    assert len(text) == MAX_DATE_TEXT
    assert parse_date(text).to_json() == "2020-09-30"


@pytest.mark.parametrize(
    "value",
    [
        "2020-02-30",
        "2020-3-1",
        "20-03-30",
        "2020/03/30",
        "March 2020",
        2020,
        None,
        [],
        {"earliest": "2020-03-02"},
        {"earliest": "2020-03-02", "latest": "2020-03-01"},
        {"earliest": "2020-03", "latest": "2020-04-01"},
        {"earliest": "2020-03-01", "latest": "2020-04-01", "note": "x"},
    ],
)
def test_from_json_refuses(value: object) -> None:
    """Rule: only the four JSON forms of real days, earliest <= latest, are dates."""
    with pytest.raises(InvalidDate):
        DateSpan.from_json(value)


def test_span_constructor_checks_order_and_type() -> None:
    """Rule: earliest must not be after latest, and both must be dates (not datetimes)."""
    with pytest.raises(InvalidDate, match="earliest on or before latest"):
        DateSpan(dt.date(2020, 3, 2), dt.date(2020, 3, 1))
    with pytest.raises(InvalidDate, match="earliest"):
        DateSpan(dt.datetime(2020, 3, 1, tzinfo=dt.timezone.utc), dt.date(2020, 3, 1))


def test_to_span_accepts_convenient_forms() -> None:
    """Rule: fields accept a DateSpan, a date, or a JSON form, and store a DateSpan."""
    day = DateSpan.day(2020, 3, 30)
    assert to_span(day) is day
    assert to_span(dt.date(2020, 3, 30)) == day
    assert to_span("2020-03-30") == day
    assert to_span({"earliest": "2020-03-30", "latest": "2020-03-30"}) == day


def test_str_is_readable() -> None:
    """Rule: str() of a span is how people write it."""
    assert str(DateSpan.month(2020, 3)) == "2020-03"
    assert str(DateSpan(dt.date(2020, 3, 20), dt.date(2020, 3, 25))) == "2020-03-20..2020-03-25"


def test_year_first_numeric_dates_are_read_year_month_day() -> None:
    """Rule: a numeric date that starts with the year is year-month-day, whatever dayfirst says."""
    for dayfirst in (None, True, False):
        assert parse_date("2020/03/04", dayfirst=dayfirst).to_json() == "2020-03-04"
    assert parse_date("2020.03.04").to_json() == "2020-03-04"


def test_arithmetic_past_the_calendar_stops_at_its_ends() -> None:
    """Rule: moving a span past 9999-12-31 or before 0001-01-01 stops there, never raises.

    Each bound saturates on its own, so a span partly moved past an end keeps
    its other bound (see tests/test_calendar_ends.py for the property).
    """
    assert DateSpan.year(9999).plus_days(1) == DateSpan(dt.date(9999, 1, 2), dt.date.max)
    assert DateSpan.day(1, 1, 1).plus_days(-1) == DateSpan(dt.date.min, dt.date.min)
    assert DateSpan.day(9999, 12, 31).plus_days(10**12) == DateSpan(dt.date.max, dt.date.max)
    assert DateSpan.day(1, 1, 1).plus_days(-(10**12)) == DateSpan(dt.date.min, dt.date.min)


@given(date_spans(), date_spans())
def test_the_comparisons_are_before_turned_around(a: DateSpan, b: DateSpan) -> None:
    """Rule: on_or_before, after and on_or_after are before() with its sides swapped or negated.

    (They are written out for speed; this keeps them the same logic.)
    """
    assert a.on_or_before(b) is ~b.before(a)
    assert a.after(b) is b.before(a)
    assert a.on_or_after(b) is ~a.before(b)


@pytest.mark.parametrize("text", ["1T000000B", "30 March 2020 10:00 XYZ"])
def test_parse_date_refuses_a_text_dateutil_must_guess_at(text: str) -> None:
    """Rule: a text dateutil reads only with a warning (a time zone it does not know) is refused.

    Found by the fuzzer: python-dateutil warns (``UnknownTimezoneWarning``) and
    guesses; a date the library must guess at is not read as a date.
    """
    with pytest.raises(InvalidDate):
        parse_date(text)
