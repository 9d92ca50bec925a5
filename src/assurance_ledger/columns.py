r"""The columns of each record type in a spreadsheet, made from its JSON Schema.

A table (CSV or a spreadsheet) holds one record a row. Its header names the
JSON fields: ``type``, then a record's own fields, nested ones as dotted names
(``scope.returns_from``, ``source.citation``). What a cell holds depends on its
column's kind, read from the record's JSON Schema
(:func:`~assurance_ledger.schema.json_schema`), never from a list kept here:

========== ================================================ ==========================
kind       a cell holds                                     JSON value
========== ================================================ ==========================
text       the text itself                                  ``"CA"``
integer    a whole number                                   ``3``
boolean    ``true`` or ``false`` (any case)                 ``true``
date       a date, or a range ``EARLIEST..LATEST``          ``"2020-03"``,
                                                            ``{"earliest": ...}``
list       items joined with ``|``; ``[]`` for an empty     ``["HT", "CD"]``
           list; or a JSON array (starting with ``[``)
json       JSON text (``commitments``, a correction's       the parsed value
           ``replacement``)
========== ================================================ ==========================

An empty cell is an absent field. The columns of a type come in a fixed order
(:func:`columns`): ``type``; the record's required fields; its other plain
fields; then each nested object's fields (``scope``, then ``source`` last),
required ones first; fields in the order of the record class.

>>> print(*(c.name for c in columns("detained")))
type outcome_id claimant_id on by source.citation source.url source.reliability source.credibility
>>> cells = to_cells({"type": "claimant_returned", "claimant_id": "c-1", "on": "2020-03",
...                   "returned_by": "CA", "returned_to": "US", "nationalities": ["HT", "CD"]})
>>> cells["nationalities"], cells["on"]
('HT|CD', '2020-03')
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from .codec import canonical_json
from .records import RECORD_TYPES
from .schema import json_schema

__all__ = ["Column", "ColumnKind", "columns", "example", "to_cells"]

#: What a column's cells hold (see the module).
ColumnKind = Literal["text", "integer", "boolean", "date", "list", "json"]

_REF = "#/$defs/"
# The definitions whose values are objects of several kinds told apart by a
# tag: written as JSON in one cell, not spread over columns.
_TAGGED = ("allOf",)


@attrs.frozen
class Column:
    """One column of a record type's table.

    ``name`` is the header (``scope.nationalities``), ``path`` the field's place
    in the JSON record (``("scope", "nationalities")``), ``kind`` what its
    cells hold, ``item`` the kind of a list's items (``text`` or ``integer``;
    ``None`` for any other kind), and ``required`` whether the record (or,
    for a nested field, its object) must have it.
    """

    name: str
    path: tuple[str, ...]
    kind: ColumnKind
    item: ColumnKind | None = None
    required: bool = False


def _defs() -> dict[str, Any]:
    defs: dict[str, Any] = json_schema("record")["$defs"]
    return defs


def _target(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """A nullable value's schema without its null: ``anyOf [X, null]`` is X."""
    options = schema.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        if len(rest) == 1:
            return _target(rest[0])
    return schema


def _ref(schema: Mapping[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.removeprefix(_REF) if isinstance(ref, str) else None


def _kind(  # noqa: PLR0911 -- one return for each kind of schema
    schema: Mapping[str, Any], defs: Mapping[str, Any]
) -> tuple[ColumnKind, ColumnKind | None]:
    """The kind of a (non-object) value's cells, and of its items for a list."""
    schema = _target(schema)
    name = _ref(schema)
    if name == "date":
        return "date", None
    if name is not None:
        found = defs[name]
        if any(key in found for key in _TAGGED) or "properties" in found:
            return "json", None
        return _kind(found, defs)
    if "enum" in schema:
        numbers = all(type(v) is int for v in schema["enum"])
        return ("integer" if numbers else "text"), None
    kind = schema.get("type")
    if kind == "array":
        item, _ = _kind(schema["items"], defs)
        return ("json", None) if item not in ("text", "integer") else ("list", item)
    if kind in ("boolean", "integer"):
        return kind, None
    if kind == "string" or "const" in schema:
        return "text", None
    options = schema.get("anyOf")
    if isinstance(options, list) and all(_kind(o, defs) == ("text", None) for o in options):
        return "text", None
    raise TypeError(f"no column kind for the schema {schema!r}")


def _nested(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The object definition a field spreads over dotted columns, if it is one."""
    name = _ref(_target(schema))
    if name is None or name == "date":
        return None
    found: Mapping[str, Any] = defs[name]
    return found if "properties" in found and not any(k in found for k in _TAGGED) else None


def _fields(
    obj: Mapping[str, Any], prefix: tuple[str, ...], defs: Mapping[str, Any]
) -> list[Column]:
    """The plain columns of one object: required first, each group in field order."""
    required = set(obj.get("required", ()))
    found = []
    for name, schema in obj["properties"].items():
        if _nested(schema, defs) is None:
            kind, item = _kind(schema, defs)
            path = (*prefix, name)
            found.append(Column(".".join(path), path, kind, item, name in required))
    return [c for c in found if c.required] + [c for c in found if not c.required]


@functools.cache
def columns(type_name: str) -> tuple[Column, ...]:
    """The columns of a record type, in their order (see the module).

    Raise ``KeyError`` for a type the format does not have.
    """
    if type_name not in RECORD_TYPES:
        raise KeyError(type_name)
    defs = _defs()
    record = defs[type_name]
    found = _fields(record, (), defs)
    objects = [
        (name, inner)
        for name, schema in record["properties"].items()
        if (inner := _nested(schema, defs)) is not None
    ]
    objects.sort(key=lambda pair: pair[0] == "source")  # stable: source last
    for name, inner in objects:
        found.extend(_fields(inner, (name,), defs))
    return tuple(found)


def _cell(value: Any, column: Column) -> str:
    """A JSON value as the text of its cell (see the module's table)."""
    kind = column.kind
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "date" and isinstance(value, dict):
        return f"{value['earliest']}..{value['latest']}"
    if kind == "list":
        items = [str(item) for item in value]
        # A list whose items a | would split, or which reads as JSON, is JSON.
        if not items or items[0].startswith("[") or any("|" in i or not i for i in items):
            return canonical_json(value).decode("utf-8")
        return "|".join(items)
    if kind == "json":
        return canonical_json(value).decode("utf-8")
    return str(value)


def to_cells(record: Mapping[str, Any]) -> dict[str, str]:
    """The cells of a record's JSON object (as ``Codec.to_json`` writes it), by column name.

    Only the fields the record has: an absent field has no cell (an empty
    one when written). Reading the cells back gives the same record.
    """
    cells = {}
    for column in columns(str(record["type"])):
        value: Any = record
        for step in column.path:
            value = value.get(step) if isinstance(value, dict) else None
        # A required null (a correction's replacement, to retract) is written: null.
        if value is not None or (len(column.path) == 1 and column.path[0] in record):
            cells[column.name] = _cell(value, column)
    return cells


# Example values of the string definitions, by name. States are given in turn
# (see _example_value), so that a record's two parties differ.
_EXAMPLES: Mapping[str, str] = {
    "date": "2020-03-30",
    "sha256": "0" * 64,
    "url": "https://example.org/",
}
_STATES = ("CA", "US", "MX", "HT")


def _example_value(
    schema: Mapping[str, Any], name: str, defs: Mapping[str, Any], used: list[str]
) -> Any:
    """A valid example of a value of ``schema``, for the field ``name``."""
    ref = _ref(schema)
    if {"type": "null"} in schema.get("anyOf", ()):
        value: Any = None
    elif ref in ("country", "party"):
        value = _STATES[len(used) % len(_STATES)]
        used.append(value)
    elif ref == "id":
        value = name.removesuffix("_id") + "-1"
    elif ref is not None:
        value = _EXAMPLES.get(ref) or _example_value(defs[ref], name, defs, used)
    elif "const" in schema or "enum" in schema:
        value = schema.get("const", (schema.get("enum") or [None])[0])
    elif "allOf" in schema and "properties" in schema:  # a tagged family: its first kind
        value = _example_value(schema["allOf"][0]["then"], name, defs, used)
    elif schema.get("type") == "object":
        required = schema.get("required", ())
        value = {
            key: _example_value(inner, key, defs, used)
            for key, inner in schema["properties"].items()
            if key in required
        }
    elif schema.get("type") == "array":
        value = [_example_value(schema["items"], name, defs, used)]
    else:
        value = {"boolean": False, "integer": max(1, schema.get("minimum", 1))}.get(
            schema.get("type", ""), name.replace("_", " ")
        )
    return value


def example(type_name: str) -> dict[str, Any]:
    """An example record of a type, as JSON: its required fields, each given a valid value.

    Made from the record's JSON Schema. Raise ``KeyError`` for an unknown type.
    """
    if type_name not in RECORD_TYPES:
        raise KeyError(type_name)
    defs = _defs()
    value: dict[str, Any] = _example_value(defs[type_name], type_name, defs, [])
    return value
