"""Malformed records are refused with an error that names the bad field.

Every case in :data:`CASES` is one of the valid base records below with exactly one
planted defect, so each case checks that one defect and nothing else.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any, ClassVar

import attrs
import pytest

from assurance_ledger import (
    DEFAULT_CODEC,
    AccessToProcedure,
    AssuranceGiven,
    Checkpoint,
    ClaimantReturned,
    Commitment,
    Correction,
    InvalidRecord,
    InvalidRecords,
    LedgerError,
    Removed,
    Scope,
    Source,
    loads_json,
)
from assurance_ledger.codec import MAX_DEPTH

# -- valid base records ------------------------------------------------------------

GIVEN: dict[str, Any] = {
    "type": "assurance_given",
    "assurance_id": "a-1",
    "given_by": "US",
    "given_to": "CA",
    "on": "2020-03-20",
    "form": "diplomatic_note",
    "commitments": [
        {"kind": "non_refoulement"},
        {"kind": "access_to_procedure", "within_days": 30},
        {"kind": "detention_limit", "max_days": 14},
        {"kind": "monitoring_access", "first_visit_within_days": 7, "private": True},
    ],
    "scope": {
        "returns_from": "2020-03-18",
        "returns_until": "2020-06",
        "crossings": ["between_ports"],
        "nationalities": ["HT", "VE"],
        "exclude_nationalities": ["MX"],
        "claimants": ["c-1", "c-2"],
        "minors_only": False,
    },
    "authority": "Department of State",
    "disclosure": "public",
    "text_sha256": "0123456789abcdef" * 4,
    "source": {
        "citation": "Reuters, 20 March 2020",
        "url": "https://example.org/report",
        "reliability": "B",
        "credibility": 2,
    },
}

REQUESTED: dict[str, Any] = {
    "type": "assurance_requested",
    "assurance_id": "a-1",
    "requested_by": "CA",
    "requested_of": "US",
    "on": "2020-03-18",
    "commitments": [{"kind": "humane_treatment"}],
    "scope": {},
}

WITHDRAWN: dict[str, Any] = {
    "type": "assurance_withdrawn",
    "assurance_id": "a-1",
    "on": "2020-05-01",
    "releases_existing": True,
}

RETURNED: dict[str, Any] = {
    "type": "claimant_returned",
    "claimant_id": "c-1",
    "on": "2020-03-30",
    "returned_by": "CA",
    "returned_to": "US",
    "crossing": "between_ports",
    "nationalities": ["HT"],
    "country_of_origin": "HT",
    "feared_countries": ["HT"],
    "grounds": ["political_opinion"],
    "torture_risk": True,
    "minor": False,
}

REMOVED: dict[str, Any] = {
    "type": "removed",
    "outcome_id": "o-1",
    "claimant_id": "c-1",
    "on": "2020-04",
    "by": "US",
    "to": "HT",
}

DECIDED: dict[str, Any] = {
    "type": "claim_decided",
    "outcome_id": "o-2",
    "claimant_id": "c-1",
    "on": {"earliest": "2020-04-10", "latest": "2020-04-12"},
    "by": "US",
    "decision": "refused",
    "final": True,
}

DEPARTED: dict[str, Any] = {
    "type": "departed",
    "outcome_id": "o-3",
    "claimant_id": "c-1",
    "on": "2020-04-02",
    "to": "MX",
    "coerced": True,
}

NOTIFIED: dict[str, Any] = {
    "type": "notified",
    "outcome_id": "o-4",
    "claimant_id": "c-1",
    "on": "2020-04-03",
    "by": "US",
    "to": "CA",
    "regarding": "o-1",
}

VISIT: dict[str, Any] = {
    "type": "monitoring_visit",
    "outcome_id": "o-5",
    "claimant_id": "c-1",
    "on": "2020-04-01",
    "by": "UNHCR",
    "private": True,
    "medical_examination": False,
}

CHECKPOINT: dict[str, Any] = {
    "type": "checkpoint",
    "ledger_of": "US",
    "seq": 12,
    "hash": "0" * 64,
}

CORRECTION: dict[str, Any] = {
    "type": "correction",
    "target": 3,
    "replacement": copy.deepcopy(REMOVED),
    "reason": "the removal was in April, not March",
}

BASES: dict[str, dict[str, Any]] = {
    "given": GIVEN,
    "requested": REQUESTED,
    "withdrawn": WITHDRAWN,
    "returned": RETURNED,
    "removed": REMOVED,
    "decided": DECIDED,
    "departed": DEPARTED,
    "notified": NOTIFIED,
    "visit": VISIT,
    "checkpoint": CHECKPOINT,
    "correction": CORRECTION,
}

# -- planting one defect -----------------------------------------------------------

Key = str | int


def _parent(record: Any, path: tuple[Key, ...]) -> Any:
    """The container holding the value at ``path`` (every step must exist)."""
    node = record
    for step in path[:-1]:
        node = node[step]
    return node


def put(base: dict[str, Any], path: tuple[Key, ...], value: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with the value at ``path`` set to ``value`` (the one defect)."""
    record = copy.deepcopy(base)
    parent = _parent(record, path)
    if isinstance(parent, list):
        assert isinstance(path[-1], int)
        assert 0 <= path[-1] < len(parent)
    parent[path[-1]] = value
    return record


def drop(base: dict[str, Any], path: tuple[Key, ...]) -> dict[str, Any]:
    """A deep copy of ``base`` without the key at ``path`` (which must be there)."""
    record = copy.deepcopy(base)
    parent = _parent(record, path)
    assert path[-1] in parent
    del parent[path[-1]]
    return record


def append(base: dict[str, Any], path: tuple[Key, ...], item: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with ``item`` added to the end of the list at ``path``."""
    record = copy.deepcopy(base)
    target = _parent(record, path)[path[-1]]
    assert isinstance(target, list)
    target.append(item)
    return record


def case(value: Any, path: str, case_id: str) -> Any:
    """One table row: a malformed JSON value and the field path its error must name."""
    return pytest.param(value, path, id=case_id)


# -- the table: one planted defect each --------------------------------------------

CASES = [
    # countries
    case(put(GIVEN, ("given_by",), "ZZ"), "given_by", "country-unknown-code"),
    case(put(GIVEN, ("given_by",), "us"), "given_by", "country-lower-case"),
    case(put(GIVEN, ("given_by",), 840), "given_by", "country-a-number"),
    case(put(RETURNED, ("returned_to",), "USA"), "returned_to", "country-alpha-3"),
    case(put(RETURNED, ("returned_by",), "CA "), "returned_by", "country-trailing-space"),
    case(put(RETURNED, ("feared_countries",), ["ht"]), "feared_countries[0]", "country-in-list"),
    case(put(RETURNED, ("country_of_origin",), "XX"), "country_of_origin", "country-of-origin"),
    case(put(REMOVED, ("to",), None), "to", "country-null"),
    case(
        put(GIVEN, ("scope", "exclude_nationalities"), ["Mexico"]),
        "scope.exclude_nationalities[0]",
        "country-name-in-scope",
    ),
    # dates (ASCII digits only: other scripts' digits are not the format's)
    case(put(GIVEN, ("on",), "\uff12\uff10\uff12\uff10"), "on", "date-fullwidth-digits"),
    case(put(GIVEN, ("on",), "2020-\uff10\uff13"), "on", "date-fullwidth-month"),
    case(put(GIVEN, ("on",), "\u0662\u0660\u0662\u0660"), "on", "date-arabic-indic-digits"),
    # nested objects of the wrong JSON type say what they should be
    case(put(GIVEN, ("scope",), None), "scope", "scope-null"),
    # parties: a two-letter name is a country code; names are printable
    case(put(VISIT, ("by",), "ca"), "by", "party-lower-case-code"),
    case(put(VISIT, ("by",), "UN\nHCR"), "by", "party-newline"),
    case(put(CHECKPOINT, ("ledger_of",), "x" * 201), "ledger_of", "party-too-long"),
    case(put(GIVEN, ("source", "url"), "https://example.org/a b"), "source.url", "url-space"),
    # a notice is from one state to another, about another outcome
    case(put(NOTIFIED, ("to",), NOTIFIED["by"]), "to", "notified-to-itself"),
    case(put(NOTIFIED, ("regarding",), NOTIFIED["outcome_id"]), "regarding", "notified-self"),
    # dates
    case(put(GIVEN, ("on",), "2020-02-30"), "on", "date-no-such-day"),
    case(put(RETURNED, ("on",), "2020-13"), "on", "date-month-13"),
    case(put(REMOVED, ("on",), "March 2020"), "on", "date-free-text"),
    case(put(RETURNED, ("on",), "30/03/2020"), "on", "date-numeric-free-text"),
    case(put(DEPARTED, ("on",), "2020-04-02T12:00:00Z"), "on", "date-with-time"),
    case(put(NOTIFIED, ("on",), 20200403), "on", "date-a-number"),
    case(put(VISIT, ("on",), None), "on", "date-null"),
    case(put(WITHDRAWN, ("on",), ""), "on", "date-empty"),
    case(
        put(DECIDED, ("on",), {"earliest": "2020-04-12", "latest": "2020-04-10"}),
        "on",
        "date-earliest-after-latest",
    ),
    case(
        put(DECIDED, ("on", "precision"), "day"),
        "on",
        "date-object-extra-key",
    ),
    case(drop(DECIDED, ("on", "latest")), "on", "date-object-missing-latest"),
    case(put(DECIDED, ("on", "earliest"), "2020-04"), "on.earliest", "date-object-month-earliest"),
    case(put(DECIDED, ("on", "latest"), "2020"), "on.latest", "date-object-year-latest"),
    case(put(DECIDED, ("on", "earliest"), "2020-02-30"), "on.earliest", "date-object-bad-day"),
    case(
        put(GIVEN, ("scope", "returns_from"), "2020-00"),
        "scope.returns_from",
        "date-scope-month-zero",
    ),
    # missing required fields, unknown fields
    case(drop(GIVEN, ("form",)), "form", "missing-form"),
    case(drop(RETURNED, ("nationalities",)), "nationalities", "missing-nationalities"),
    case(drop(DECIDED, ("final",)), "final", "missing-final"),
    case(drop(CORRECTION, ("replacement",)), "replacement", "missing-replacement"),
    case(drop(CHECKPOINT, ("hash",)), "hash", "missing-hash"),
    case(drop(REMOVED, ("claimant_id",)), "claimant_id", "missing-claimant-id"),
    case(put(RETURNED, ("name",), "John Doe"), "name", "unknown-field-name"),
    case(put(GIVEN, ("scope", "region"), "north"), "scope.region", "unknown-field-in-scope"),
    case(put(GIVEN, ("source", "page"), 3), "source.page", "unknown-field-in-source"),
    case(
        put(GIVEN, ("commitments", 1, "days"), 30),
        "commitments[1].days",
        "unknown-field-in-commitment",
    ),
    case(put(CORRECTION, ("replacement", "via"), "MX"), "replacement.via", "unknown-field-nested"),
    # type and kind tags
    case(put(GIVEN, ("type",), "assurance_gvien"), "type", "type-misspelt"),
    case(drop(REMOVED, ("type",)), "type", "type-missing"),
    case(put(REMOVED, ("type",), 7), "type", "type-a-number"),
    case(put(REMOVED, ("type",), "Removed"), "type", "type-class-name"),
    case(
        put(CORRECTION, ("replacement", "type"), "removal"),
        "replacement.type",
        "type-of-replacement",
    ),
    case(
        put(GIVEN, ("commitments", 0, "kind"), "nonrefoulement"),
        "commitments[0].kind",
        "kind-unknown",
    ),
    case(drop(GIVEN, ("commitments", 0, "kind")), "commitments[0].kind", "kind-missing"),
    case(
        put(GIVEN, ("commitments", 2, "kind"), "notification"),
        "commitments[2].within_days",
        "kind-with-another-kinds-parameters",
    ),
    case(put(REMOVED, ("type",), "claim_decided"), "decision", "type-with-another-types-fields"),
    # ids
    case(put(GIVEN, ("assurance_id",), ""), "assurance_id", "id-empty"),
    case(put(GIVEN, ("assurance_id",), " a-1 "), "assurance_id", "id-surrounding-spaces"),
    case(put(RETURNED, ("claimant_id",), "c-1\n"), "claimant_id", "id-trailing-newline"),
    case(put(REMOVED, ("outcome_id",), "o\t1"), "outcome_id", "id-control-character"),
    case(put(REMOVED, ("outcome_id",), "o" * 201), "outcome_id", "id-too-long"),
    case(put(NOTIFIED, ("regarding",), ""), "regarding", "id-regarding-empty"),
    case(put(RETURNED, ("claimant_id",), 1), "claimant_id", "id-a-number"),
    case(put(GIVEN, ("scope", "claimants"), ["c-1", "c-1"]), "scope.claimants[1]", "id-repeated"),
    # wrong JSON types
    case(
        put(GIVEN, ("commitments", 1, "within_days"), "30"),
        "commitments[1].within_days",
        "string-where-int",
    ),
    case(
        put(GIVEN, ("commitments", 1, "within_days"), 30.0),
        "commitments[1].within_days",
        "float-where-int",
    ),
    case(
        put(GIVEN, ("commitments", 2, "max_days"), True),
        "commitments[2].max_days",
        "bool-where-int",
    ),
    case(put(CHECKPOINT, ("seq",), "12"), "seq", "string-where-seq"),
    case(
        put(GIVEN, ("commitments", 0, "absolute"), 1),
        "commitments[0].absolute",
        "int-where-bool",
    ),
    case(put(RETURNED, ("torture_risk",), 1), "torture_risk", "int-where-bool-torture-risk"),
    case(put(DECIDED, ("final",), "true"), "final", "string-where-bool"),
    case(put(WITHDRAWN, ("releases_existing",), 0), "releases_existing", "zero-where-bool"),
    case(put(DEPARTED, ("coerced",), None), "coerced", "null-where-bool"),
    case(put(VISIT, ("private",), "yes"), "private", "yes-where-bool"),
    case(
        put(GIVEN, ("scope", "minors_only"), "no"), "scope.minors_only", "string-where-bool-scope"
    ),
    case(
        put(GIVEN, ("scope", "crossings"), "between_ports"),
        "scope.crossings",
        "string-where-list",
    ),
    case(put(RETURNED, ("nationalities",), "HT"), "nationalities", "string-where-list-nationality"),
    case(put(RETURNED, ("grounds",), "race"), "grounds", "string-where-list-grounds"),
    case(
        put(GIVEN, ("commitments",), {"kind": "humane_treatment"}),
        "commitments",
        "object-where-list",
    ),
    case(put(GIVEN, ("scope",), []), "scope", "list-where-object-scope"),
    case(put(GIVEN, ("source",), ["Reuters"]), "source", "list-where-object-source"),
    case(put(GIVEN, ("commitments", 0), []), "commitments[0]", "list-where-object-commitment"),
    case(put(CORRECTION, ("replacement",), []), "replacement", "list-where-object-replacement"),
    case(
        put(GIVEN, ("commitments", 0), "non_refoulement"),
        "commitments[0]",
        "string-where-commitment",
    ),
    case(put(GIVEN, ("source", "credibility"), "2"), "source.credibility", "string-credibility"),
    # days
    case(
        put(GIVEN, ("commitments", 1, "within_days"), -1),
        "commitments[1].within_days",
        "days-negative",
    ),
    case(
        put(GIVEN, ("commitments", 2, "max_days"), 36_526),
        "commitments[2].max_days",
        "days-over-a-century",
    ),
    case(
        put(GIVEN, ("commitments", 3, "first_visit_within_days"), -7),
        "commitments[3].first_visit_within_days",
        "days-negative-first-visit",
    ),
    # commitments lists
    case(
        append(GIVEN, ("commitments",), {"kind": "non_refoulement", "absolute": True}),
        "commitments[4]",
        "commitment-kind-twice",
    ),
    case(
        append(GIVEN, ("commitments",), {"kind": "non_refoulement"}),
        "commitments[4]",
        "commitment-repeated-exactly",
    ),
    case(put(GIVEN, ("commitments",), []), "commitments", "commitments-empty"),
    case(put(REQUESTED, ("commitments",), None), "commitments", "commitments-null"),
    # scope
    case(
        put(GIVEN, ("scope", "returns_until"), "2020-03-01"),
        "scope.returns_until",
        "scope-until-before-from",
    ),
    case(
        put(GIVEN, ("scope", "exclude_nationalities"), ["HT"]),
        "scope.exclude_nationalities",
        "scope-nationality-in-and-out",
    ),
    case(put(GIVEN, ("scope", "crossings"), []), "scope.crossings", "scope-crossings-empty"),
    case(
        put(GIVEN, ("scope", "crossings"), ["by_sea"]),
        "scope.crossings[0]",
        "scope-crossing-unknown",
    ),
    case(
        put(GIVEN, ("scope", "nationalities"), []),
        "scope.nationalities",
        "scope-nationalities-empty",
    ),
    case(
        put(GIVEN, ("scope", "nationalities"), ["HT", "HT"]),
        "scope.nationalities[1]",
        "scope-nationality-twice",
    ),
    case(put(GIVEN, ("scope", "claimants"), []), "scope.claimants", "scope-claimants-empty"),
    # form, disclosure, hash, authority
    case(put(GIVEN, ("form",), "letter"), "form", "form-unknown"),
    case(put(GIVEN, ("form",), "Diplomatic_Note"), "form", "form-wrong-case"),
    case(put(GIVEN, ("disclosure",), "secret"), "disclosure", "disclosure-unknown"),
    case(put(GIVEN, ("text_sha256",), "0123456789ABCDEF" * 4), "text_sha256", "sha256-upper"),
    case(put(GIVEN, ("text_sha256",), "0" * 63), "text_sha256", "sha256-too-short"),
    case(put(GIVEN, ("text_sha256",), "g" * 64), "text_sha256", "sha256-not-hex"),
    case(put(GIVEN, ("authority",), ""), "authority", "authority-empty"),
    # source
    case(put(GIVEN, ("source", "reliability"), "G"), "source.reliability", "reliability-g"),
    case(put(GIVEN, ("source", "reliability"), "b"), "source.reliability", "reliability-lower"),
    case(put(GIVEN, ("source", "credibility"), 7), "source.credibility", "credibility-7"),
    case(put(GIVEN, ("source", "credibility"), 0), "source.credibility", "credibility-0"),
    case(put(GIVEN, ("source", "credibility"), True), "source.credibility", "credibility-bool"),
    case(drop(GIVEN, ("source", "citation")), "source.citation", "source-missing-citation"),
    case(put(GIVEN, ("source", "citation"), " Reuters"), "source.citation", "citation-padded"),
    case(put(GIVEN, ("source", "url"), ""), "source.url", "source-url-empty"),
    # the same state on both sides
    case(put(GIVEN, ("given_to",), "US"), "given_to", "same-giver-and-recipient"),
    case(put(REQUESTED, ("requested_of",), "CA"), "requested_of", "same-requester-and-requested"),
    case(put(RETURNED, ("returned_to",), "CA"), "returned_to", "same-returned-by-and-to"),
    case(put(REMOVED, ("to",), "US"), "to", "same-removed-by-and-to"),
    # corrections
    case(put(CORRECTION, ("replacement",), copy.deepcopy(CORRECTION)), "replacement", "nested"),
    case(put(CORRECTION, ("target",), 0), "target", "correction-target-0"),
    case(put(CORRECTION, ("target",), -3), "target", "correction-target-negative"),
    case(put(CORRECTION, ("reason",), ""), "reason", "correction-reason-empty"),
    case(put(CORRECTION, ("replacement", "to"), "US"), "replacement.to", "replacement-same-state"),
    case(put(CORRECTION, ("replacement", "by"), "ZZ"), "replacement.by", "replacement-bad-country"),
    # checkpoints
    case(put(CHECKPOINT, ("hash",), "xyz"), "hash", "checkpoint-hash-short"),
    case(put(CHECKPOINT, ("hash",), "0" * 64 + "\n"), "hash", "checkpoint-hash-newline"),
    case(put(CHECKPOINT, ("seq",), 0), "seq", "checkpoint-seq-0"),
    case(put(CHECKPOINT, ("seq",), 1.5), "seq", "checkpoint-seq-fraction"),
    case(put(CHECKPOINT, ("ledger_of",), "ZZ"), "ledger_of", "checkpoint-unknown-country"),
    case(put(CHECKPOINT, ("ledger_of",), ""), "ledger_of", "checkpoint-party-empty"),
    # decisions, claimants, visits
    case(put(DECIDED, ("decision",), "denied"), "decision", "decision-unknown"),
    case(put(DECIDED, ("decision",), "Refused"), "decision", "decision-capitalised"),
    case(put(RETURNED, ("nationalities",), ["HT", "HT"]), "nationalities[1]", "nationality-twice"),
    case(put(RETURNED, ("grounds",), ["gender"]), "grounds[0]", "ground-unknown"),
    case(put(RETURNED, ("grounds",), ["race", "race"]), "grounds[1]", "ground-twice"),
    case(put(RETURNED, ("crossing",), "sea"), "crossing", "crossing-unknown"),
    case(put(VISIT, ("by",), "ZZ"), "by", "visit-by-unknown-country"),
    case(put(VISIT, ("by",), "  UNHCR"), "by", "visit-by-padded"),
    # the whole value
    case([], "(top level)", "top-level-empty-list"),
    case([copy.deepcopy(REMOVED)], "(top level)", "top-level-list-of-record"),
    case("claimant_returned", "(top level)", "top-level-string"),
    case(None, "(top level)", "top-level-null"),
    case(42, "(top level)", "top-level-number"),
    case(True, "(top level)", "top-level-bool"),
]


def _canonical(value: Any) -> str:
    """A JSON form of ``value`` that is equal for equal values."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def test_the_table_is_large_and_distinct() -> None:
    """The table holds at least 45 cases, with distinct ids and no value repeated."""
    values = [_canonical(p.values[0]) for p in CASES]
    ids = [p.id for p in CASES]
    assert len(CASES) >= 45
    assert len(set(values)) == len(values)
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("name", sorted(BASES))
def test_base_records_are_valid(name: str) -> None:
    """Each base record reads without error, so a case fails only for its planted defect."""
    base = BASES[name]
    record = DEFAULT_CODEC.from_json(copy.deepcopy(base))
    assert base["type"] == type(record).TYPE
    assert DEFAULT_CODEC.from_json(DEFAULT_CODEC.to_json(record)) == record


@pytest.mark.parametrize(("value", "path"), CASES)
def test_malformed_record_is_refused_naming_the_field(value: Any, path: str) -> None:
    """A malformed record raises a LedgerError that is a ValueError and names the bad field."""
    with pytest.raises(LedgerError) as info:
        DEFAULT_CODEC.from_json(value)
    exc = info.value
    assert isinstance(exc, ValueError)
    if isinstance(exc, InvalidRecords):
        assert path in [e.field for e in exc.errors]
    else:
        assert isinstance(exc, InvalidRecord)
        assert exc.field == path
    assert path in str(exc)


# -- many records at once ----------------------------------------------------------

GOOD_LINES = [json.dumps(base) for base in BASES.values()]
BAD_BY = json.dumps(put(REMOVED, ("by",), "ZZ"))


def _bad_sample(count: int) -> list[tuple[str, str]]:
    """``count`` cases spread over the table: (JSON line, expected path)."""
    step = len(CASES) / count
    chosen = [CASES[int(i * step)] for i in range(count)]
    return [(json.dumps(p.values[0]), p.values[1]) for p in chosen]


def _interleave(bad: list[str], good_every: int = 3) -> tuple[str, list[int]]:
    """JSON Lines text with good lines between the ``bad`` ones; also the bad line numbers."""
    lines: list[str] = []
    bad_numbers: list[int] = []
    for index, line in enumerate(bad):
        lines.append(GOOD_LINES[index % len(GOOD_LINES)])
        if index % good_every == 0:
            lines.append(GOOD_LINES[(index + 1) % len(GOOD_LINES)])
        lines.append(line)
        bad_numbers.append(len(lines))
    lines.append(GOOD_LINES[0])
    return "\n".join(lines) + "\n", bad_numbers


def test_read_records_reports_every_bad_line() -> None:
    """With 25 bad lines among good ones, one InvalidRecords lists each bad line and its field."""
    sample = _bad_sample(25)
    text, bad_numbers = _interleave([line for line, _ in sample])
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records(text)
    exc = info.value
    assert not exc.truncated
    assert {e.line for e in exc.errors} == set(bad_numbers)
    assert all(e.field for e in exc.errors)
    for number, (_, path) in zip(bad_numbers, sample, strict=True):
        assert path in [e.field for e in exc.errors if e.line == number]
        assert f"line {number}: {path}:" in str(exc)


def test_read_records_stops_at_the_limit() -> None:
    """More bad lines than ``limit``: exactly ``limit`` errors, the first ones, and truncated."""
    text, bad_numbers = _interleave([BAD_BY] * 30)
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records(text, limit=10)
    exc = info.value
    assert exc.truncated
    assert len(exc.errors) == 10
    assert [e.line for e in exc.errors] == bad_numbers[:10]
    assert all(e.field == "by" for e in exc.errors)


def test_read_records_names_the_line_that_is_not_json() -> None:
    """A line that is not JSON (a record cut short) is an error with that line's number."""
    text = "\n".join([GOOD_LINES[0], '{"type": "detained",', GOOD_LINES[1]])
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records(text)
    errors = info.value.errors
    assert [(e.line, e.field) for e in errors] == [(2, "(top level)")]
    assert isinstance(errors[0], LedgerError)
    assert isinstance(errors[0], ValueError)


def test_read_records_skips_blank_lines() -> None:
    """Blank and whitespace-only lines are skipped, yet still count in the line numbers."""
    text = "\n".join([GOOD_LINES[0], "", "   ", GOOD_LINES[1], "\t", ""])
    records = DEFAULT_CODEC.read_records(text)
    assert [type(r).TYPE for r in records] == [GIVEN["type"], REQUESTED["type"]]
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records(text + "\n" + BAD_BY)
    assert [(e.line, e.field) for e in info.value.errors] == [(7, "by")]


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_read_records_accepts_a_leading_bom(as_bytes: bool) -> None:
    """A leading UTF-8 byte order mark is ignored, in text and in bytes."""
    plain = "\n".join(GOOD_LINES[:3]) + "\n"
    text = "\ufeff" + plain
    records = DEFAULT_CODEC.read_records(text.encode("utf-8") if as_bytes else text)
    assert records == DEFAULT_CODEC.read_records(plain)
    assert len(records) == 3


def test_read_records_array_errors_start_with_the_index() -> None:
    """A JSON array is read too, and each error's path starts with the record's index."""
    bad_return = put(RETURNED, ("returned_to",), "CA")
    items = [GIVEN, put(REMOVED, ("by",), "ZZ"), 5, RETURNED, bad_return]
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records(json.dumps(items))
    errors = info.value.errors
    assert [e.path for e in errors] == [(1, "by"), (2,), (4, "returned_to")]
    assert [e.field for e in errors] == ["[1].by", "[2]", "[4].returned_to"]
    assert all(e.line is None for e in errors)
    good = DEFAULT_CODEC.read_records(json.dumps([GIVEN, RETURNED]))
    assert [type(r).TYPE for r in good] == ["assurance_given", "claimant_returned"]


def test_read_records_refuses_invalid_utf8() -> None:
    """Bytes that are not UTF-8 raise InvalidRecords, and no record is returned."""
    data = GOOD_LINES[0].encode("utf-8") + b'\n{"type": "detained\xff"}\n'
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records(data)
    assert info.value.errors
    assert all(isinstance(e, InvalidRecord) for e in info.value.errors)


def test_read_records_refuses_duplicate_keys() -> None:
    """An object with the same key twice is refused, even when both values agree."""
    good = '{"type": "removed", "outcome_id": "o-1", "claimant_id": "c-1", "on": "2020-04",'
    line = good + ' "by": "US", "to": "HT", "by": "US"}'
    assert len(DEFAULT_CODEC.read_records(good + ' "by": "US", "to": "HT"}')) == 1
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records(GOOD_LINES[0] + "\n" + line)
    assert [(e.line, e.field) for e in info.value.errors] == [(2, "by")]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_read_records_refuses_nan_and_infinity(constant: str) -> None:
    """NaN and infinities are refused while parsing, before any field is looked at."""
    line = json.dumps(CHECKPOINT).replace('"seq": 12', f'"seq": {constant}')
    assert constant in line
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records(line)
    assert [(e.line, e.field) for e in info.value.errors] == [(1, "(top level)")]


def _nested(depth: int) -> Any:
    """A JSON list nested ``depth`` deep."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_read_records_refuses_deep_nesting() -> None:
    """Nesting deeper than the limit is refused while parsing; shallower is left to the fields."""
    shallow = json.dumps(put(REMOVED, ("outcome_id",), _nested(3)))
    deep = json.dumps(put(REMOVED, ("outcome_id",), _nested(MAX_DEPTH + 5)))
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records(shallow + "\n" + deep)
    first, second = info.value.errors
    assert (first.line, first.field) == (1, "outcome_id")
    # The deep one is reported where the nesting passes the limit.
    assert second.line == 2
    assert second.path == ("outcome_id", *(0,) * (MAX_DEPTH - 1))


def test_loads_json_depth_limit_is_exact() -> None:
    """JSON nested exactly MAX_DEPTH deep parses; one level more is an InvalidRecord."""
    assert loads_json(json.dumps(_nested(MAX_DEPTH))) == _nested(MAX_DEPTH)
    with pytest.raises(InvalidRecord) as info:
        loads_json(json.dumps(_nested(MAX_DEPTH + 1)))
    assert info.value.path == (0,) * MAX_DEPTH


# -- building records in Python ----------------------------------------------------

RETURN_ARGS: dict[str, Any] = {
    "claimant_id": "c-1",
    "on": "2020-03-30",
    "returned_by": "CA",
    "returned_to": "US",
    "nationalities": ["HT"],
}
GIVEN_ARGS: dict[str, Any] = {
    "assurance_id": "a-1",
    "on": dt.date(2020, 3, 20),
    "given_by": "US",
    "given_to": "CA",
    "form": "oral",
    "commitments": [AccessToProcedure(within_days=30)],
}
CHECKPOINT_ARGS: dict[str, Any] = {"ledger_of": "US", "seq": 1, "hash": "f" * 64}
CORRECTION_ARGS: dict[str, Any] = {"target": 2, "replacement": None, "reason": "retracted"}
REMOVED_ARGS: dict[str, Any] = {
    "outcome_id": "o-1",
    "claimant_id": "c-1",
    "on": "2020-04",
    "by": "US",
    "to": "HT",
}
CONSTRUCTORS: dict[str, tuple[Any, dict[str, Any]]] = {
    "returned": (ClaimantReturned, RETURN_ARGS),
    "given": (AssuranceGiven, GIVEN_ARGS),
    "checkpoint": (Checkpoint, CHECKPOINT_ARGS),
    "correction": (Correction, CORRECTION_ARGS),
    "removed": (Removed, REMOVED_ARGS),
    "scope": (Scope, {}),
    "source": (Source, {"citation": "Reuters"}),
    "access": (AccessToProcedure, {"within_days": 1}),
}

PYTHON_CASES = [
    pytest.param("returned", "on", "March 2020", "on", id="returned-free-text-date"),
    pytest.param("returned", "on", dt.datetime(2020, 3, 30), "on", id="returned-datetime"),
    pytest.param("returned", "returned_to", "CA", "returned_to", id="returned-same-state"),
    pytest.param("returned", "returned_by", "ca", "returned_by", id="returned-lower-case"),
    pytest.param("returned", "nationalities", "HT", "nationalities", id="returned-string-list"),
    pytest.param("returned", "grounds", ["gender"], "grounds[0]", id="returned-bad-ground"),
    pytest.param("returned", "torture_risk", 1, "torture_risk", id="returned-int-bool"),
    pytest.param("returned", "claimant_id", " c-1", "claimant_id", id="returned-padded-id"),
    pytest.param("returned", "source", "Reuters", "source", id="returned-source-text"),
    pytest.param("given", "commitments", [], "commitments", id="given-no-commitments"),
    pytest.param(
        "given",
        "commitments",
        [{"kind": "humane_treatment"}],
        "commitments[0]",
        id="given-commitment-dict",
    ),
    pytest.param("given", "form", "letter", "form", id="given-bad-form"),
    pytest.param("checkpoint", "seq", 0, "seq", id="checkpoint-seq-0"),
    pytest.param("checkpoint", "hash", "F" * 64, "hash", id="checkpoint-upper-hash"),
    pytest.param(
        "correction",
        "replacement",
        Correction(target=1, replacement=None, reason="x"),
        "replacement",
        id="correction-of-correction",
    ),
    pytest.param("removed", "to", "US", "to", id="removed-same-state"),
    pytest.param("scope", "crossings", [], "crossings", id="scope-empty-crossings"),
    pytest.param(
        "scope",
        "returns_from",
        dt.datetime(2020, 1, 1),
        "returns_from",
        id="scope-datetime",
    ),
    pytest.param("source", "credibility", 0, "credibility", id="source-credibility-0"),
    pytest.param("access", "within_days", -3, "within_days", id="commitment-negative-days"),
]


@pytest.mark.parametrize("name", sorted(CONSTRUCTORS))
def test_python_base_arguments_are_valid(name: str) -> None:
    """Each set of base constructor arguments builds a value without error."""
    cls, kwargs = CONSTRUCTORS[name]
    assert isinstance(cls(**kwargs), cls)


@pytest.mark.parametrize(("name", "field", "value", "path"), PYTHON_CASES)
def test_python_construction_names_the_field(name: str, field: str, value: Any, path: str) -> None:
    """Building a record in Python with one bad value raises InvalidRecord naming that field."""
    cls, kwargs = CONSTRUCTORS[name]
    with pytest.raises(InvalidRecord) as info:
        cls(**{**kwargs, field: value})
    exc = info.value
    assert isinstance(exc, LedgerError)
    assert isinstance(exc, ValueError)
    assert exc.field == path
    assert path in str(exc)


def test_scope_checks_between_fields_from_python() -> None:
    """A Python-built scope refuses returns_until before returns_from and a country in and out."""
    with pytest.raises(InvalidRecord) as info:
        Scope(returns_from="2020-04", returns_until="2020-03")
    assert info.value.field == "returns_until"
    with pytest.raises(InvalidRecord) as info:
        Scope(nationalities=["HT"], exclude_nationalities=["HT"])
    assert info.value.field == "exclude_nationalities"


# -- regressions: bugs found while building this corpus --------------------------------


def test_wrong_json_type_for_an_object_says_what_it_should_be() -> None:
    """Rule: a list or null where a scope or source belongs names the object expected."""
    for path, value in ((("scope",), []), (("source",), ["x"]), (("scope",), None)):
        with pytest.raises(InvalidRecord) as info:
            DEFAULT_CODEC.from_json(put(GIVEN, path, value))
        assert info.value.field == path[0]
        assert "JSON object" in info.value.expected
        assert "Error" not in str(info.value)


def test_long_urls_are_urls_not_ids() -> None:
    """Rule: a source URL may be long (up to 2,000 characters) and errors call it a URL."""
    long_url = "https://example.org/" + "a" * 500
    assert DEFAULT_CODEC.from_json(put(GIVEN, ("source", "url"), long_url))
    with pytest.raises(InvalidRecord, match="a URL"):
        DEFAULT_CODEC.from_json(put(GIVEN, ("source", "url"), "https://x/" + "a" * 2000))


def test_line_separators_inside_strings_are_not_line_breaks() -> None:
    """Rule: U+2028/U+2029 inside a JSON string do not split a JSON Lines record."""
    record = DEFAULT_CODEC.from_json(put(GIVEN, ("authority",), "State\u2028Dept\u2029X"))
    text = DEFAULT_CODEC.dumps(record).decode("utf-8") + "\r\n" + GOOD_LINES[0] + "\n"
    assert DEFAULT_CODEC.read_records(text)[0] == record


def test_limit_counts_unparseable_lines_and_truncated_means_more() -> None:
    """Rule: the limit applies to lines that are not JSON, and truncated only when more exist."""
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records("{\n" * 50, limit=5)
    assert len(info.value.errors) == 5
    assert info.value.truncated
    with pytest.raises(InvalidRecords) as info:
        DEFAULT_CODEC.read_records("{\n" * 5, limit=5)
    assert len(info.value.errors) == 5
    assert not info.value.truncated
    assert "not shown" not in str(info.value)


@pytest.mark.parametrize("number", ["1e999", "-1e400", "[1e999]"])
def test_overflowing_numbers_are_refused(number: str) -> None:
    """Rule: numbers that overflow a float to infinity are refused like Infinity."""
    with pytest.raises(InvalidRecord, match="finite"):
        loads_json(number)


def test_duplicate_key_in_a_nested_object_names_its_path() -> None:
    """Rule: a repeated key deep inside a record is reported at its full path."""
    text = json.dumps(put(GIVEN, ("on",), {"earliest": "2020-03-01", "latest": "2020-03-02"}))
    text = text.replace('"earliest"', '"earliest": "2020-03-01", "earliest"')
    with pytest.raises(InvalidRecord) as info:
        loads_json(text)
    assert info.value.field == "on.earliest"


def test_writing_an_unknown_commitment_kind_is_a_ledger_error() -> None:
    """Rule: a codec refuses to write a commitment kind it does not know, with a clear error."""

    @attrs.frozen(kw_only=True)
    class Unregistered(Commitment):
        KIND: ClassVar[str] = "unregistered"

    record = AssuranceGiven(
        assurance_id="a",
        on="2020",
        given_by="US",
        given_to="CA",
        form="oral",
        commitments=[Unregistered()],
    )
    with pytest.raises(InvalidRecord, match="with_commitments"):
        DEFAULT_CODEC.dumps(record)
