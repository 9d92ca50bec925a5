"""Field validators and converters shared by records and commitments (private).

Each validator has attrs' signature ``(instance, attribute, value)`` and raises
:class:`~assurance_ledger.errors.InvalidRecord` naming the field and what it
expected, so a bad value is reported the same way whether it came from Python
code or from a JSON file. Converters only make values of an obviously right
shape immutable (a list becomes a tuple); anything else passes through
unchanged for the validator to refuse with the field's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, get_args

import attrs

from .countries import is_country, is_party
from .dates import DateSpan
from .errors import InvalidRecord

T = TypeVar("T")
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

#: Longest id accepted: ids are pseudonyms, not documents.
MAX_ID_LENGTH = 200
#: Longest free text accepted (a citation, a reason, an authority).
MAX_TEXT_LENGTH = 10_000
#: Longest URL accepted.
MAX_URL_LENGTH = 2_000
#: Most days any deadline or limit may name (a century).
MAX_DAYS = 36_525
#: Most items in any list field (claimant ids in a scope, commitments, countries).
MAX_ITEMS = 10_000

_SHA256 = re.compile(r"[0-9a-f]{64}")
# Control characters (but tab and line feed), and lone surrogates, which no
# UTF-8 file can hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def short(value: object, limit: int = 60) -> str:
    """A ``repr`` of ``value`` short enough for a one-line error message (tuples as lists)."""
    text = repr(list(value) if isinstance(value, tuple) else value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def fail(attribute: attrs.Attribute[Any], expected: str, value: object) -> InvalidRecord:
    """The error to raise for a bad ``value`` in ``attribute``."""
    return InvalidRecord((attribute.name,), expected, short(value))


def identifier(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An id: non-empty printable text without surrounding spaces."""
    if not (
        isinstance(value, str)
        and 0 < len(value) <= MAX_ID_LENGTH
        and value == value.strip()
        and value.isprintable()
    ):
        raise fail(
            attribute,
            f"a non-empty id of at most {MAX_ID_LENGTH} printable characters "
            "without leading or trailing spaces",
            value,
        )


def text(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Free text: non-empty, trimmed, at most :data:`MAX_TEXT_LENGTH` characters.

    Line breaks and tabs are allowed inside; other control characters are not.
    """
    if not (
        isinstance(value, str)
        and 0 < len(value) <= MAX_TEXT_LENGTH
        and value == value.strip()
        and _CONTROL.search(value) is None
    ):
        raise fail(
            attribute,
            f"non-empty text of at most {MAX_TEXT_LENGTH} characters, without leading or "
            "trailing spaces, control characters (but line breaks and tabs) or lone surrogates",
            value,
        )


def country(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An ISO 3166-1 alpha-2 code in upper case."""
    if not is_country(value):
        raise fail(attribute, "an ISO 3166-1 alpha-2 country code in upper case, like 'CA'", value)


def party(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A country code or an organisation's name (printable, at most 200 characters)."""
    if not is_party(value):
        raise fail(
            attribute,
            "a country code like 'CA' or an organisation's name of at most "
            f"{MAX_ID_LENGTH} printable characters (a two-letter name must be a known "
            "country code in upper case)",
            value,
        )


def url(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A URL: printable, without spaces, at most :data:`MAX_URL_LENGTH` characters."""
    if not (
        isinstance(value, str)
        and 0 < len(value) <= MAX_URL_LENGTH
        and value.isprintable()
        and not any(c.isspace() for c in value)
    ):
        raise fail(
            attribute, f"a URL of at most {MAX_URL_LENGTH} printable characters, no spaces", value
        )


def span(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A :class:`DateSpan` (the field's converter has already read any JSON form)."""
    if not isinstance(value, DateSpan):
        try:
            DateSpan.from_json(value)
        except InvalidRecord as exc:
            raise exc.at((attribute.name,)) from None
        raise fail(attribute, "a date", value)  # pragma: no cover -- the converter read it


def boolean(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``True`` or ``False`` (not 0, 1 or a string)."""
    if not isinstance(value, bool):
        raise fail(attribute, "true or false", value)


def days(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A whole number of days from 0 to :data:`MAX_DAYS`."""
    if not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DAYS):
        raise fail(attribute, f"a whole number of days from 0 to {MAX_DAYS}", value)


def seq(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A ledger entry number: a whole number from 1."""
    if not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        raise fail(attribute, "an entry number (a whole number from 1)", value)


def sha256(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A SHA-256 digest as 64 lower-case hex digits."""
    if not (isinstance(value, str) and _SHA256.fullmatch(value)):
        raise fail(attribute, "a SHA-256 digest as 64 lower-case hex digits", value)


def one_of(literal: object) -> Validator:
    """A validator for one of the strings of a ``Literal[...]`` type."""
    allowed = get_args(literal)
    expected = "one of " + ", ".join(repr(a) for a in allowed)

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value not in allowed or not isinstance(value, str):
            raise fail(attribute, expected, value)

    return check


def optional(validator: Validator) -> Validator:
    """Allow ``None`` as well as whatever ``validator`` allows."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return check


def instance_of(cls: type[Any], what: str) -> Validator:
    """A value of ``cls``; ``what`` names it in the error."""

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, cls):
            raise fail(attribute, what, value)

    return check


def unique_tuple(
    item: Validator,
    what: str,
    *,
    non_empty: bool = False,
    empty_hint: str = "omit the field to mean any",
    max_items: int = MAX_ITEMS,
) -> Validator:
    """A tuple whose items each pass ``item`` and appear once; errors name the index."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise fail(attribute, f"a list of {what}", value)
        if non_empty and not value:
            raise fail(attribute, f"a non-empty list of {what} ({empty_hint})", value)
        if len(value) > max_items:
            raise fail(attribute, f"at most {max_items} {what}", f"{len(value)} items")
        if all(type(each) is str for each in value) and len(set(value)) == len(value):
            # Text, each item once (the common case): only the items' own check is left.
            try:
                for each in value:
                    item(instance, attribute, each)
            except InvalidRecord:
                pass  # the full pass below says at which index
            else:
                return
        seen: set[object] = set()
        for index, each in enumerate(value):
            try:
                item(instance, attribute, each)
            except InvalidRecord as exc:
                raise InvalidRecord((attribute.name, index), exc.expected, exc.got) from None
            key = _key(each)
            if key in seen:
                raise InvalidRecord(
                    (attribute.name, index), f"each of the {what} once", f"{short(each)} again"
                )
            seen.add(key)

    return check


def _key(value: object) -> object:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Make a list (or any iterable but text) a tuple; leave anything else to the validator."""
    kind = type(value)
    if kind is tuple:  # the common case, read first: it runs for every list field
        return value  # type: ignore[return-value]
    if kind is list:
        return tuple(value)
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]
    return tuple(value)


def to_optional_tuple(value: Iterable[Any] | None) -> tuple[Any, ...] | None:
    """Like :func:`to_tuple`, keeping ``None``."""
    return None if value is None else to_tuple(value)
