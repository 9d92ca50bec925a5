"""The JSON round trip of every record and commitment type."""

import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assurance_ledger import (
    BUILTIN_COMMITMENTS,
    DEFAULT_CODEC,
    RECORD_TYPES,
    Commitment,
    Record,
    canonical_json,
)
from assurance_ledger.codec import canonical_string
from assurance_ledger.strategies import COMMITMENT_STRATEGIES, RECORD_STRATEGIES


def test_every_type_has_a_strategy() -> None:
    """Rule: the strategies cover every record type and commitment kind, so no type escapes."""
    assert set(RECORD_STRATEGIES) == set(RECORD_TYPES)
    assert set(COMMITMENT_STRATEGIES) == set(BUILTIN_COMMITMENTS)


@pytest.mark.parametrize("tag", sorted(RECORD_TYPES))
@given(data=st.data())
def test_record_round_trip(tag: str, data: st.DataObject) -> None:
    """Rule: record -> JSON -> record is equal, and JSON -> record -> JSON is byte-identical."""
    record = data.draw(RECORD_STRATEGIES[tag])
    as_json = DEFAULT_CODEC.to_json(record)
    assert as_json["type"] == tag
    # Through real JSON text, as a file would carry it.
    text = json.dumps(as_json)
    again = DEFAULT_CODEC.loads(text)
    assert again == record
    assert type(again) is type(record)
    assert canonical_json(DEFAULT_CODEC.to_json(again)) == canonical_json(as_json)
    assert DEFAULT_CODEC.dumps(DEFAULT_CODEC.loads(DEFAULT_CODEC.dumps(record))) == (
        DEFAULT_CODEC.dumps(record)
    )


@pytest.mark.parametrize("kind", sorted(BUILTIN_COMMITMENTS))
@given(data=st.data())
def test_commitment_round_trip(kind: str, data: st.DataObject) -> None:
    """Rule: commitment -> JSON -> commitment is equal, and its JSON is byte-identical again."""
    commitment = data.draw(COMMITMENT_STRATEGIES[kind])
    as_json = DEFAULT_CODEC.to_json(commitment)
    assert as_json["kind"] == kind
    again = DEFAULT_CODEC.from_json(json.loads(json.dumps(as_json)), Commitment)
    assert again == commitment
    assert DEFAULT_CODEC.dumps(again) == canonical_json(as_json)


@given(st.sampled_from(sorted(RECORD_TYPES)).flatmap(RECORD_STRATEGIES.__getitem__))
def test_canonical_bytes_are_canonical(record: Record) -> None:
    """Rule: canonical JSON has sorted keys, no whitespace between tokens, and is UTF-8."""
    data = DEFAULT_CODEC.dumps(record)
    value = json.loads(data.decode("utf-8"))
    assert data == json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert canonical_json(value) == data


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON)
def test_canonical_bytes_are_json_dumps_with_the_canonical_settings(value: object) -> None:
    """Rule: canonical_json is json.dumps with sorted keys, no spaces, UTF-8, no NaN.

    (It runs the standard library's C encoder made once, not again on every
    call: the bytes must be exactly the ones json.dumps writes.)
    """
    assert canonical_json(value) == json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


@given(st.text())
def test_a_canonical_string_is_canonical_json_of_it(text: str) -> None:
    """Rule: canonical_string writes a string exactly as canonical_json does (any character)."""
    assert canonical_string(text) == canonical_json(text)


def test_a_canonical_string_must_be_text() -> None:
    """Rule: canonical_string refuses anything but a str, rather than write other bytes."""
    with pytest.raises(TypeError, match="expected text, got int"):
        canonical_string(7)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {"a": [float("-inf")]}])
def test_canonical_json_refuses_what_json_cannot_hold(bad: object) -> None:
    """Rule: NaN and infinities have no canonical form: ValueError, before and after an error."""
    for _ in range(2):
        with pytest.raises(ValueError, match="JSON compliant"):
            canonical_json(bad)
    assert canonical_json({"b": 1, "a": []}) == b'{"a":[],"b":1}'


def test_canonical_json_refuses_a_circular_value() -> None:
    """Rule: a value that contains itself has no JSON form: ValueError, not a hang."""
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="circular"):
        canonical_json(loop)
    assert canonical_json([[1]]) == b"[[1]]"  # and the encoder still works after it


@given(st.sampled_from(sorted(RECORD_TYPES)).flatmap(RECORD_STRATEGIES.__getitem__))
def test_defaults_are_left_out(record: Record) -> None:
    """Rule: a field equal to its default is omitted from the JSON form (so hashes stay stable)."""
    as_json = DEFAULT_CODEC.to_json(record)
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        if field.default is not attrs.NOTHING:
            default = (
                field.default.factory()
                if isinstance(field.default, attrs.Factory)  # type: ignore[arg-type]
                else field.default
            )
            assert (field.name in as_json) == (value != default), field.name
        else:
            assert field.name in as_json, field.name


def test_known_bytes_never_change() -> None:
    """Rule: the canonical form of a fixed record is pinned byte for byte (hashes depend on it)."""
    record = DEFAULT_CODEC.from_json(
        {
            "type": "assurance_given",
            "assurance_id": "a-1",
            "given_by": "US",
            "given_to": "CA",
            "on": {"earliest": "2020-03-01", "latest": "2020-03-31"},
            "form": "diplomatic_note",
            "commitments": [
                {"kind": "non_refoulement", "indirect": True},
                {"kind": "detention_limit", "max_days": 30},
            ],
            "scope": {"returns_from": "2020-03-21", "crossings": ["between_ports"]},
            "source": {"citation": "Note n\u00b0 12 \u2014 \u00e9t\u00e9", "credibility": 2},
        }
    )
    assert DEFAULT_CODEC.dumps(record) == (
        '{"assurance_id":"a-1","commitments":[{"kind":"non_refoulement"},'
        '{"kind":"detention_limit","max_days":30}],"form":"diplomatic_note",'
        '"given_by":"US","given_to":"CA","on":"2020-03",'
        '"scope":{"crossings":["between_ports"],"returns_from":"2020-03-21"},'
        '"source":{"citation":"Note n\u00b0 12 \u2014 \u00e9t\u00e9","credibility":2},'
        '"type":"assurance_given"}'
    ).encode("utf-8")
