"""Users' own commitment kinds: registered on a codec, never globally."""

from typing import ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assurance_ledger import (
    DEFAULT_CODEC,
    AssuranceGiven,
    Codec,
    Commitment,
    InvalidRecord,
    NonRefoulement,
)
from assurance_ledger import _validate as v


@attrs.frozen(kw_only=True)
class FamilyUnity(Commitment):
    """A user's own kind: family members are not separated for more than N days."""

    KIND: ClassVar[str] = "family_unity"
    max_days_apart: int = attrs.field(validator=v.days)
    note: str | None = None


def _given(*commitments: Commitment) -> AssuranceGiven:
    return AssuranceGiven(
        assurance_id="a-1",
        given_by="US",
        given_to="CA",
        on="2020-03-27",
        form="memorandum",
        commitments=commitments,
    )


@given(st.integers(0, 1000), st.none() | st.text(min_size=1, max_size=5))
def test_custom_kind_round_trips_through_its_codec(days: int, note: str | None) -> None:
    """Rule: a registered kind is recorded and read back equal through the same codec."""
    codec = Codec([FamilyUnity])
    record = _given(NonRefoulement(), FamilyUnity(max_days_apart=days, note=note))
    data = codec.dumps(record)
    assert b'"kind":"family_unity"' in data
    assert codec.loads(data) == record
    assert codec.dumps(codec.loads(data)) == data


def test_registration_changes_no_global_state() -> None:
    """Rule: registering on one codec leaves the default codec refusing the unknown kind."""
    codec = DEFAULT_CODEC.with_commitments(FamilyUnity)
    data = codec.dumps(_given(FamilyUnity(max_days_apart=3)))
    with pytest.raises(InvalidRecord) as info:
        DEFAULT_CODEC.loads(data)
    assert info.value.field == "commitments[0].kind"
    assert "family_unity" not in DEFAULT_CODEC.commitment_kinds
    assert codec.commitment_kinds["family_unity"] is FamilyUnity


def test_with_commitments_keeps_earlier_registrations() -> None:
    """Rule: with_commitments returns a new codec that knows old and new kinds."""

    @attrs.frozen(kw_only=True)
    class Other(Commitment):
        KIND: ClassVar[str] = "other_kind"

    first = Codec([FamilyUnity])
    second = first.with_commitments(Other)
    assert {"family_unity", "other_kind"} <= set(second.commitment_kinds)
    assert "other_kind" not in first.commitment_kinds


def test_custom_kind_validates_its_fields_with_a_path() -> None:
    """Rule: errors in a custom kind's fields name the path like any other field."""
    codec = Codec([FamilyUnity])
    bad = codec.to_json(_given(FamilyUnity(max_days_apart=3)))
    bad["commitments"][0]["max_days_apart"] = -1
    with pytest.raises(InvalidRecord) as info:
        codec.from_json(bad)
    assert info.value.field == "commitments[0].max_days_apart"


def test_bad_registrations_are_refused() -> None:
    """Rule: a kind must be an attrs Commitment subclass with a fresh lower-case tag."""

    @attrs.frozen(kw_only=True)
    class NoKind(Commitment):
        pass

    @attrs.frozen(kw_only=True)
    class Clash(Commitment):
        KIND: ClassVar[str] = "non_refoulement"

    class NotAttrs(Commitment):
        KIND: ClassVar[str] = "not_attrs"

    with pytest.raises(ValueError, match="KIND"):
        Codec([NoKind])
    with pytest.raises(ValueError, match="already taken"):
        Codec([Clash])
    with pytest.raises(TypeError):
        Codec([NotAttrs])
    with pytest.raises(TypeError):
        Codec([int])  # type: ignore[list-item]
