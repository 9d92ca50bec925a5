"""Plain records, read straight from their canonical JSON text (private).

Reading a stored entry must prove its record valid and its bytes canonical. The
full way (:meth:`~assurance_ledger.codec.Codec.from_json`, then encoding the
record again and comparing bytes) takes some thirty Python calls a record.
Most records are *plain*: one flat JSON object of strings with nothing to
escape, ``true`` or ``false``, whole numbers, dates written as text, and lists
of such strings. For each record class, one regular expression matches
exactly the canonical text of its plain records: every key in sorted order,
no white space, each value in its one canonical form. So one match proves the
text canonical and finds every value. The record is then made without going
through cattrs and the class's ``__init__``, but its values pass the very same
field converters and validators, and the same class checks
(``__attrs_post_init__``), as any record: what a record may hold is decided in
:mod:`~assurance_ledger.records` alone. This module decides only what a plain
record looks like in canonical JSON.

What the expressions do not match is read the full way, which accepts the same
records and says what is wrong with the others: a source, a scope, a
commitment or any other nested object; a date range; a ``null``; a string
with a quote, a backslash or a control character (all escaped in JSON); and
a value equal to its field's default (the canonical form leaves it out, so a
plain reading gives up on it). A class with a required field of any other
kind, or a default made anew for each record (``attrs.Factory``), has no
plain form. Each value is checked as soon as it is set, since a field's
validator reads only its own value; the checks between fields are the
class's, run last. ``tests/test_plain.py`` checks that both ways give equal
records for every record the strategies make, and that no text is read one
way and refused the other.
"""

from __future__ import annotations

import re
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple, get_args, get_origin

import attrs

from .dates import DateSpan
from .errors import InvalidRecord
from .records import Record

__all__ = ["PlainReader", "share"]

# A JSON string as the canonical encoder writes it when nothing in it needs an
# escape (ensure_ascii=False: any other character stands for itself).
_CHARS = r'[^"\\\x00-\x1f]*'
# How each kind of value is written, capturing what is read back.
_STRING = f'"({_CHARS})"'
_BOOLEAN = "(true|false)"
# [0-9], not \d, which matches any script's digits; at most 30 digits, more than
# any entry number (int() refuses thousands of them).
_INTEGER = "(-?(?:0|[1-9][0-9]{0,29}))"
_DATE = '"([0-9]{4}(?:-[0-9]{2}){0,2})"'  # a year, a month or a day: a range is an object
_STRINGS = rf'(\[(?:"{_CHARS}"(?:,"{_CHARS}")*)?\])'  # captured with its brackets

# The kinds of value, by what is done with the text captured.
_TEXT, _BOOL, _INT, _LIST = range(4)


def share(text: str) -> str:
    """One copy of each short text: country codes and tags recur in every record."""
    return _intern(text) if len(text) <= _SHARED else text


_SHARED = 3  # the longest text kept once (country codes)
_intern = sys.intern


class _Field(NamedTuple):
    """How one field of a plain record is read."""

    name: str
    kind: int
    optional: bool  # has a default (left out when it holds it)
    default: Any
    convert: Callable[[Any], Any] | None
    attribute: attrs.Attribute[Any]
    validate: Callable[[Any, attrs.Attribute[Any], Any], None] | None


class _Shape(NamedTuple):
    """A record class's plain form: its expression, its fields in the expression's order."""

    cls: type[Record]
    pattern: re.Pattern[str]
    fields: tuple[_Field, ...]  # one group each, in sorted key order
    defaults: tuple[tuple[str, Any], ...]  # fields a plain record never holds
    check: Callable[[Any], None] | None  # __attrs_post_init__


def _kind(tp: Any) -> tuple[int, str] | None:
    """How a value of type ``tp`` is written in a plain record, or None if it cannot be."""
    args = get_args(tp)
    if get_origin(tp) in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        return _kind(rest[0]) if len(rest) == 1 else None  # null itself is not plain
    if get_origin(tp) is Literal and all(type(a) is str for a in args):
        return _TEXT, _STRING
    if get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _kind(args[0])  # only text (a list of dates, say, is read the full way)
        return (_LIST, _STRINGS) if item == (_TEXT, _STRING) else None
    return _SIMPLE.get(tp)


_SIMPLE: dict[Any, tuple[int, str]] = {
    str: (_TEXT, _STRING),
    bool: (_BOOL, _BOOLEAN),
    int: (_INT, _INTEGER),
    DateSpan: (_TEXT, _DATE),
}


def _shape(cls: type[Record]) -> _Shape | None:
    """The plain form of ``cls``, or None if no record of it can be plain."""
    hints = typing.get_type_hints(cls)
    keyed: list[tuple[str, str, _Field]] = []
    defaults: list[tuple[str, Any]] = []
    for attribute in attrs.fields(cls):
        kind = _kind(hints[attribute.name])
        default = attribute.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            return None  # a default made anew for each record: read the full way
        if kind is None:
            if default is attrs.NOTHING:
                return None  # a required field that is never plain
            defaults.append((attribute.name, default))  # left out, or not plain
            continue
        optional = default is not attrs.NOTHING
        convert = attribute.converter
        validate = attribute.validator
        field = _Field(attribute.name, kind[0], optional, default, convert, attribute, validate)
        keyed.append((attribute.name, kind[1], field))
    keyed.append(("type", f'"{re.escape(cls.TYPE)}"', None))  # type: ignore[arg-type]
    keyed.sort(key=lambda each: each[0])
    parts = []
    always = False  # whether a key that is always there comes before
    for index, (key, value, field) in enumerate(keyed):
        optional = field is not None and field.optional
        if index == 0:
            comma = ""
        elif always:
            comma = ","
        else:  # after the opening brace, or after a comma that follows an earlier key
            comma = "(?:(?<=\\{)|(?<!\\{),)"
        part = f'{comma}"{re.escape(key)}":{value}'
        parts.append(f"(?:{part})?" if optional else part)
        always = always or not optional
    post_init = getattr(cls, "__attrs_post_init__", None)
    return _Shape(
        cls=cls,
        pattern=re.compile("\\{" + "".join(parts) + "\\}"),
        fields=tuple(field for _, _, field in keyed if field is not None),
        defaults=tuple(defaults),
        check=post_init,
    )


class PlainReader:
    """Reads plain records of the given classes (by JSON ``type`` tag) from canonical text."""

    __slots__ = ("_classes", "_shapes")

    def __init__(self, classes: Mapping[str, type[Record]]) -> None:
        """A reader of ``classes``; each class's expression is made at its first record."""
        self._classes = classes
        self._shapes: dict[str, _Shape | None] = {}

    def read(self, text: str) -> Record | None:
        """The record whose canonical JSON is ``text``, if it is a valid plain record, else None.

        None says nothing about the text: read it the full way. Never raises
        for any text.
        """
        start = text.rfind('"type":"') + 8
        name = text[start : text.find('"', start)]
        try:
            shape = self._shapes[name]
        except KeyError:
            cls = self._classes.get(name)
            if cls is None:  # no such type (only known names are kept)
                return None
            shape = self._shapes[name] = _shape(cls)
        if shape is None:
            return None
        found = shape.pattern.fullmatch(text)
        return _make(shape, found.groups()) if found is not None else None


def _make(shape: _Shape, groups: tuple[str | None, ...]) -> Record | None:
    """The record of a plain text's values, or None if it is not valid or not canonical."""
    record = object.__new__(shape.cls)
    put = object.__setattr__
    try:
        for (name, kind, optional, default, convert, attribute, validate), raw in zip(
            shape.fields, groups, strict=True
        ):
            if raw is None:  # left out: the default, valid as it is
                put(record, name, default)
                continue
            if kind == _TEXT:
                value: Any = raw if len(raw) > _SHARED else _intern(raw)  # share(), inline
            elif kind == _BOOL:
                value = raw == "true"
            elif kind == _LIST:
                items = raw[2:-2]  # inside the brackets and the outer quotes
                value = tuple(map(share, items.split('","'))) if raw != "[]" else ()
            else:
                value = int(raw)
            if convert is not None:
                value = convert(value)
            if optional and value == default:
                return None  # not canonical: the canonical form leaves a default out
            put(record, name, value)
            if validate is not None:
                validate(record, attribute, value)
        for name, default in shape.defaults:
            put(record, name, default)
        if shape.check is not None:
            shape.check(record)
    except InvalidRecord:
        return None
    return record
