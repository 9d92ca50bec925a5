"""JSON Schemas (Draft 2020-12) of a record, a ledger entry, a report and a profile.

The schemas are made when asked for, from the record and commitment classes
themselves (their attrs fields, type annotations and validators), so a
commitment kind a user registers with a :class:`~assurance_ledger.codec.Codec`
is in the schema that codec gives (:meth:`~assurance_ledger.codec.Codec.json_schema`).

A schema is a faithful but weaker check than the codec: every value the codec
accepts is valid under it, and it refuses every bad country, tag, field, type
and malformed date the codec refuses on its own. A few rules cannot be said in
JSON Schema; each schema's ``description`` lists them (for a record: a date
span's ``earliest`` on or before its ``latest``, a real calendar day such as
no 30 February, two parties of a record differing). Only the codec, and the
ledger (unique ids, references to claimants on record), decide those.

>>> schema = json_schema("record")
>>> schema["$schema"]
'https://json-schema.org/draft/2020-12/schema'
>>> sorted(schema["$defs"]["detained"]["required"])
['by', 'claimant_id', 'on', 'outcome_id', 'type']
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal, get_args, get_origin

import attrs

from . import _validate as v
from .commitments import BUILTIN_COMMITMENTS, Commitment
from .countries import COUNTRIES, MAX_PARTY_LENGTH
from .dates import DateSpan
from .errors import InvalidRecord
from .records import RECORD_TYPES, Correction, Factor, FactorFinding, Record, Scope, Source
from .report import RISK_GROUNDS
from .truth import REASONS

__all__ = ["SCHEMA_KINDS", "SchemaKind", "json_schema"]

#: What a schema can be asked for.
SchemaKind = Literal["record", "entry", "report", "profile"]
#: Every :data:`SchemaKind`, in the order the command line lists them.
SCHEMA_KINDS: Final[tuple[SchemaKind, ...]] = get_args(SchemaKind)

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_REF = "#/$defs/"

# A pattern is searched, not matched whole, and Python's ``$`` also matches
# before a final line break: so each rule is written as a pattern that must
# NOT be found anywhere (a forbidden character, a space at either end), which
# reads the same in Python and in ECMA-262 regular expressions.
_CONTROL_BUT_BREAKS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]"
# Controls, lone surrogates and the common invisible format characters:
# the part of ``str.isprintable`` a pattern can say portably.
_UNPRINTABLE = r"[\x00-\x1f\x7f-\x9f\xad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ud800-\udfff]"
_EDGE_SPACE = [{"pattern": r"^\s"}, {"pattern": r"\s$"}]


def _forbid(*patterns: str) -> dict[str, Any]:
    return {"not": {"anyOf": [*_EDGE_SPACE, *({"pattern": p} for p in patterns)]}}


def _string(minimum: int, maximum: int, description: str, *forbidden: str) -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": minimum,
        "maxLength": maximum,
        "description": description,
        **_forbid(*forbidden),
    }


def _values() -> dict[str, dict[str, Any]]:
    """The value types of the format, as named definitions."""
    day = r"^(?!0000)[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    exact_day = {"type": "string", "minLength": 10, "maxLength": 10, "pattern": day}
    return {
        "country": {
            "description": "An ISO 3166-1 alpha-2 country code in upper case.",
            "enum": sorted(COUNTRIES),
        },
        "party": {
            "description": "A country code, or an organisation's name: printable text "
            f"of at most {MAX_PARTY_LENGTH} characters without surrounding spaces; a "
            "two-letter name must be a country code.",
            "anyOf": [
                {"$ref": _REF + "country"},
                {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_PARTY_LENGTH,
                    **_forbid(_UNPRINTABLE, "^[A-Za-z]{2}$"),
                },
            ],
        },
        "id": _string(
            1,
            v.MAX_ID_LENGTH,
            "An id (a pseudonym): printable text without surrounding spaces. Python's "
            "str.isprintable decides; the pattern refuses control and common invisible "
            "characters only.",
            _UNPRINTABLE,
        ),
        "text": _string(
            1,
            v.MAX_TEXT_LENGTH,
            "Free text without surrounding spaces or control characters (line breaks "
            "and tabs inside are allowed).",
            _CONTROL_BUT_BREAKS,
        ),
        "url": _string(1, v.MAX_URL_LENGTH, "A URL: printable, no spaces.", _UNPRINTABLE, r"\s"),
        "sha256": {
            "description": "A SHA-256 digest as 64 lower-case hex digits.",
            "type": "string",
            "minLength": 64,
            "maxLength": 64,
            "pattern": "^[0-9a-f]{64}",
        },
        "day": {**exact_day, "description": "A day, YYYY-MM-DD."},
        "date": {
            "description": "A span of possible days: a day, a month (YYYY-MM), a year "
            "(YYYY) or {earliest, latest}. Not expressible here, checked by the codec: "
            "a real calendar day (no 30 February) and earliest on or before latest.",
            "anyOf": [
                {"$ref": _REF + "day"},
                {
                    "type": "string",
                    "minLength": 7,
                    "maxLength": 7,
                    "pattern": r"^(?!0000)[0-9]{4}-(0[1-9]|1[0-2])",
                },
                {"type": "string", "minLength": 4, "maxLength": 4, "pattern": "^(?!0000)[0-9]{4}"},
                {
                    "type": "object",
                    "properties": {
                        "earliest": {"$ref": _REF + "day"},
                        "latest": {"$ref": _REF + "day"},
                    },
                    "required": ["earliest", "latest"],
                    "additionalProperties": False,
                },
            ],
        },
    }


# The validators whose values a schema names, by the definition it names.
_NAMED: Mapping[Callable[..., None], str] = {
    v.country: "country",
    v.party: "party",
    v.identifier: "id",
    v.text: "text",
    v.url: "url",
    v.sha256: "sha256",
}
# The other annotations, by the schema of their value. A correction's
# replacement (typed Record) is any record but a correction.
_PLAIN: Mapping[Any, dict[str, str]] = {
    bool: {"type": "boolean"},
    float: {"type": "number"},
    DateSpan: {"$ref": _REF + "date"},
    Source: {"$ref": _REF + "source"},
    Scope: {"$ref": _REF + "scope"},
    Commitment: {"$ref": _REF + "commitment"},
    Record: {"$ref": _REF + "replacement"},
}
_BOUNDS: Mapping[Callable[..., None], dict[str, int]] = {
    v.days: {"minimum": 0, "maximum": v.MAX_DAYS},
    v.seq: {"minimum": 1},
}


def _inner(validator: Any) -> list[Any]:
    """``validator`` and every function it wraps (``optional``, ``unique_tuple``)."""
    found: list[Any] = []
    todo = [validator]
    while todo:
        fn = todo.pop()
        if not callable(fn) or fn in found:
            continue
        found.append(fn)
        cells = getattr(fn, "__closure__", None) or ()
        todo.extend(c.cell_contents for c in reversed(cells) if callable(c.cell_contents))
    return found


def _dispatch(tag: str, defs: Mapping[str, str]) -> dict[str, Any]:
    """One of several objects told apart by ``tag``: each checked only against its own.

    (``if``/``then`` rather than ``oneOf``, so that a validator names the bad
    field of the record, not every record type it is not.)
    """
    return {
        "type": "object",
        "properties": {tag: {"enum": list(defs)}},
        "required": [tag],
        "allOf": [
            {
                "if": {"properties": {tag: {"const": name}}, "required": [tag]},
                "then": {"$ref": _REF + target},
            }
            for name, target in defs.items()
        ],
    }


class _Builder:
    """Writes the definitions of the record and commitment classes of one codec."""

    def __init__(self, commitments: Mapping[str, type[Commitment]]) -> None:
        self.commitments = commitments
        self.defs: dict[str, dict[str, Any]] = _values()

    def value(self, tp: Any, attribute: attrs.Attribute[Any]) -> dict[str, Any]:
        """The schema of one field's value of annotation ``tp``."""
        origin, args = get_origin(tp), get_args(tp)
        validators = _inner(attribute.validator)
        schema: dict[str, Any]
        if origin in (types.UnionType, typing.Union):
            kinds = [a for a in args if a is not type(None)]
            schema = {"anyOf": [self.value(kinds[0], attribute), {"type": "null"}]}
        elif origin is Literal:
            schema = {"enum": list(args)}
        elif origin is tuple:
            schema = self.array(args[0], attribute, validators)
        elif tp is int:
            schema = {
                "type": "integer",
                **next((_BOUNDS[f] for f in validators if f in _BOUNDS), {}),
            }
        elif tp is str:
            name = next((_NAMED[f] for f in validators if f in _NAMED), None)
            schema = {"$ref": _REF + name} if name else {"type": "string"}
        elif tp in _PLAIN:
            schema = dict(_PLAIN[tp])
        else:
            raise TypeError(f"no JSON Schema for field {attribute.name!r} of type {tp!r}")
        return schema

    def array(
        self, item: Any, attribute: attrs.Attribute[Any], validators: list[Any]
    ) -> dict[str, Any]:
        """A list field: its items, at most :data:`~assurance_ledger.codec.MAX_ITEMS`."""
        schema: dict[str, Any] = {
            "type": "array",
            "items": self.value(item, attribute),
            "maxItems": v.MAX_ITEMS,
        }
        if any(f.__qualname__.startswith("unique_tuple.") for f in validators):
            schema["uniqueItems"] = True
        try:  # asked of the field's own validator: does it take an empty list?
            attribute.validator(None, attribute, ())  # type: ignore[misc]
        except InvalidRecord:
            schema["minItems"] = 1
        if item is Commitment:  # each kind at most once
            schema["allOf"] = [
                {
                    "contains": {"properties": {"kind": {"const": kind}}},
                    "minContains": 0,
                    "maxContains": 1,
                }
                for kind in self.commitments
            ]
        return schema

    def object(self, cls: type[Any], tag: str = "", name: str = "") -> dict[str, Any]:
        """The schema of an attrs class: its fields, the required ones, no others."""
        hints = typing.get_type_hints(cls)
        properties: dict[str, Any] = {tag: {"const": name}} if tag else {}
        required = [tag] if tag else []
        for attribute in attrs.fields(cls):
            properties[attribute.name] = self.value(hints[attribute.name], attribute)
            if attribute.default is attrs.NOTHING:
                required.append(attribute.name)
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        doc = (cls.__doc__ or "").strip().split("\n\n")[0]
        if doc:
            schema["description"] = " ".join(doc.split())
        schema["required"] = required
        schema["additionalProperties"] = False
        return schema

    def build(self) -> dict[str, dict[str, Any]]:
        """Every definition: values, source, scope, commitments and records."""
        self.defs["source"] = self.object(Source)
        self.defs["scope"] = self.object(Scope)
        # A user's kind may take any name: prefixed, it cannot clash with a record's.
        for kind, commitment in self.commitments.items():
            self.defs["kind_" + kind] = self.object(commitment, "kind", kind)
        self.defs["commitment"] = _dispatch("kind", {k: "kind_" + k for k in self.commitments})
        for name, record in RECORD_TYPES.items():
            self.defs[name] = self.object(record, "type", name)
        others = {n: n for n, c in RECORD_TYPES.items() if c is not Correction}
        self.defs["replacement"] = _dispatch("type", others)
        self.defs["record"] = _dispatch("type", {n: n for n in RECORD_TYPES})
        return self.defs


_RECORD_LIMITS = (
    "Checked by the codec, not expressible here: a date span's earliest on or before "
    "its latest, and a real calendar day; two parties of a record differing (given_by "
    "and given_to, returned_by and returned_to, by and to); returns_from on or before "
    "returns_until; no country both in nationalities and exclude_nationalities; an "
    "outcome's regarding naming another outcome; a whole number written as 1, not 1.0; "
    "JSON nested at most 32 deep and a line of at most 1 MiB. Checked by the ledger: "
    "ids unique per kind, outcomes of claimants on record."
)


def _document(title: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": _DRAFT,
        "title": title,
        "description": description,
        **body,
    }


def _record(commitments: Mapping[str, type[Commitment]]) -> dict[str, Any]:
    defs = _Builder(commitments).build()
    return _document(
        "An assurance-ledger record",
        "One record of the interchange format, tagged by type. " + _RECORD_LIMITS,
        {"$ref": _REF + "record", "$defs": defs},
    )


def _entry(commitments: Mapping[str, type[Commitment]]) -> dict[str, Any]:
    defs = _Builder(commitments).build()
    hex64 = {"$ref": _REF + "sha256"}
    time = {
        "type": "string",
        "minLength": 27,
        "maxLength": 27,
        "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z",
        "description": "When it was recorded, in UTC to the microsecond.",
    }
    return _document(
        "An assurance-ledger entry",
        "One stored line of a ledger. Not expressible here, checked by verify: hash is "
        "the SHA-256 of the canonical JSON of the other five keys, prev the hash of the "
        "entry before (64 zeros for seq 1), seq one more than the entry before's. "
        + _RECORD_LIMITS,
        {
            "type": "object",
            "properties": {
                "seq": {"type": "integer", "minimum": 1},
                "recorded_at": time,
                "recorded_by": {"$ref": _REF + "party"},
                "record": {"$ref": _REF + "record"},
                "prev": hex64,
                "hash": hex64,
            },
            "required": ["hash", "prev", "record", "recorded_at", "recorded_by", "seq"],
            "additionalProperties": False,
            "$defs": defs,
        },
    )


def _closed(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _report() -> dict[str, Any]:
    defs = _values()
    ref = {name: {"$ref": _REF + name} for name in ("id", "country", "date", "day")}
    count = {"type": "integer", "minimum": 0}
    evidence = {"type": "array", "items": {"type": "integer", "minimum": 1}}
    certainty = {"enum": ["certain", "possible"]}
    reasons = {
        "type": "array",
        "items": {"type": "string", "minLength": 1},
        "uniqueItems": True,
        "description": "What keeps a possible finding from being certain (sorted; empty "
        "exactly when certain): " + ", ".join(REASONS) + ", or a user rule's own tag.",
    }
    text = {"type": "string"}
    body = _closed(
        {
            "as_of": ref["day"],
            "pending_requests": {
                "type": "array",
                "items": _closed(
                    {
                        "assurance_id": ref["id"],
                        "requested_by": ref["country"],
                        "requested_of": ref["country"],
                        "on": ref["date"],
                        "unassured_in_scope": count,
                    }
                ),
            },
            "breaches": {
                "type": "array",
                "items": _closed(
                    {
                        "assurance_id": ref["id"],
                        "commitment": {"type": "string"},
                        "claimant_id": ref["id"],
                        "certainty": certainty,
                        "reasons": reasons,
                        "evidence": evidence,
                        "explanation": text,
                    }
                ),
            },
            "unassured_returns": {
                "type": "array",
                "items": _closed(
                    {"claimant_id": ref["id"], "certainty": certainty, "reasons": reasons}
                ),
            },
            "exposures": {
                "type": "array",
                "items": _closed(
                    {
                        "claimant_id": ref["id"],
                        "returned_by": ref["country"],
                        "certainty": certainty,
                        "reasons": reasons,
                        "evidence": evidence,
                        "explanation": text,
                    }
                ),
            },
            "at_risk": {
                "type": "array",
                "items": _closed(
                    {
                        "claimant_id": ref["id"],
                        "order": {"type": "integer", "minimum": 1},
                        "to": {"anyOf": [ref["country"], {"type": "null"}]},
                        "grounds": {
                            "type": "array",
                            "items": {"enum": list(RISK_GROUNDS)},
                            "uniqueItems": True,
                            "minItems": 1,
                            "description": "Why the claimant is at risk now (sorted).",
                        },
                        "covered_by": {"type": "array", "items": ref["id"], "uniqueItems": True},
                        "evidence": evidence,
                        "explanation": text,
                    }
                ),
            },
            "summary": _closed(
                {
                    "returns": count,
                    "covered": count,
                    "possibly_covered": count,
                    "unassured": count,
                    "removed_to_country_of_origin": count,
                    "breaches": {
                        "type": "object",
                        "description": "Breaches counted by commitment kind, then certainty.",
                        "additionalProperties": {
                            "type": "object",
                            "propertyNames": certainty,
                            "additionalProperties": count,
                        },
                    },
                }
            ),
        }
    )
    return _document(
        "An assurance-ledger report",
        "What check found as of a day (Report.to_json, check --format json). Not "
        "expressible here: evidence names entries of the ledger checked, breaches "
        "are sorted by claimant, assurance and commitment, and at_risk by claimant, "
        "then order (the seq of the removal_ordered entry).",
        {**body, "$defs": defs},
    )


def _profile() -> dict[str, Any]:
    defs = _values()
    count = {"type": "integer", "minimum": 0}
    findings = list(get_args(FactorFinding))
    body = _closed(
        {
            "assurance_id": {"$ref": _REF + "id"},
            "as_of": {"$ref": _REF + "day"},
            "factors": {
                "type": "array",
                "minItems": len(get_args(Factor)),
                "maxItems": len(get_args(Factor)),
                "prefixItems": [
                    _closed(
                        {
                            "factor": {"const": factor},
                            "finding": {"enum": findings},
                            "basis": {"enum": ["assessed", "computed", "none"]},
                            "evidence": {
                                "type": "array",
                                "items": {"type": "integer", "minimum": 1},
                            },
                            "explanation": {"type": "string"},
                        }
                    )
                    for factor in get_args(Factor)
                ],
            },
            "summary": _closed(dict.fromkeys(findings, count)),
        }
    )
    return _document(
        "An assurance-ledger Othman profile",
        "The profile of a given assurance as of a day (Profile.to_json, profile --format "
        "json): the eleven factors of Othman v UK (ECtHR 2012, para. 189) in order. Not "
        "expressible here: evidence names entries of the ledger, and the summary counts "
        "the factors' findings.",
        {**body, "$defs": defs},
    )


def json_schema(
    what: SchemaKind = "record",
    commitments: Mapping[str, type[Commitment]] = BUILTIN_COMMITMENTS,
) -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) of a ``record``, ledger ``entry``, ``report`` or ``profile``.

    ``commitments`` are the commitment kinds a record may hold, by ``kind`` tag
    (default: the built-in ones); :meth:`Codec.json_schema
    <assurance_ledger.codec.Codec.json_schema>` passes its own. A new dict each
    call. Raise ``ValueError`` for any other ``what``.
    """
    if what == "record":
        return _record(commitments)
    if what == "entry":
        return _entry(commitments)
    if what == "report":
        return _report()
    if what == "profile":
        return _profile()
    raise ValueError(f"no schema of {what!r}: one of {', '.join(SCHEMA_KINDS)}")
