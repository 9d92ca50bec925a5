"""Users' own commitment kinds: registered on a codec, never globally."""

from collections.abc import Iterator
from typing import ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assurance_ledger import (
    DEFAULT_CODEC,
    AssuranceGiven,
    Case,
    ClaimantReturned,
    Codec,
    Commitment,
    Detained,
    Finding,
    InvalidRecord,
    Ledger,
    NonRefoulement,
    Released,
    check,
)
from assurance_ledger import _validate as v
from assurance_ledger.monitor import Monitor
from assurance_ledger.rules import RuleSpec


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


@attrs.frozen(kw_only=True)
class NoDetention(Commitment):
    """A user's own kind with a rule: the giver detains no one it took back."""

    KIND: ClassVar[str] = "no_detention"


def _ledger_with_no_detention() -> Ledger:
    ledger = Ledger(codec=DEFAULT_CODEC.with_commitments(NoDetention))
    ledger.extend(
        [
            AssuranceGiven(
                assurance_id="a-1",
                given_by="US",
                given_to="CA",
                on="2020-03-01",
                form="memorandum",
                commitments=[NoDetention()],
            ),
            *(
                ClaimantReturned(
                    claimant_id=f"c-{n}",
                    on="2020-03-22",
                    returned_by="CA",
                    returned_to="US",
                    nationalities=["HT"],
                )
                for n in (1, 2)
            ),
            Detained(outcome_id="o-1", claimant_id="c-1", on="2020-03-23", by="US"),
        ],
        recorded_by="CA",
    )
    return ledger


def test_a_users_kind_registers_a_rule_spec_like_the_built_in_ones() -> None:
    """Rule: a user's RuleSpec is applied as its bare rule is, and its ``needs`` skip claimants.

    The rule runs only for the claimant with a detention (c-1), and finds the
    same breach either way; the Monitor, told what it reads, keeps its report
    equal to the full check's as outcomes it does not read are appended.
    """
    seen: list[str] = []

    def no_detention(case: Case, _: NoDetention) -> Iterator[Finding]:
        seen.append(case.returned.claimant_id)
        for fact, detained in case.of_type(Detained, by=case.giver):
            yield Finding(case.binds(detained.on), case.evidence(fact), "detained")

    ledger = _ledger_with_no_detention()
    spec = RuleSpec(no_detention, reads=frozenset({Detained}), needs=frozenset({Detained}))
    bare = check(ledger, "2020-06-30", rules={NoDetention: no_detention})
    assert sorted(seen) == ["c-1", "c-2"]
    seen.clear()
    specified = check(ledger, "2020-06-30", rules={NoDetention: spec})
    assert seen == ["c-1"]
    assert specified == bare
    assert [(b.claimant_id, b.certainty) for b in bare.breaches] == [("c-1", "certain")]
    monitor = Monitor(ledger, "2020-06-30", rules={NoDetention: spec})
    seen.clear()
    ledger.append(
        Released(outcome_id="o-2", claimant_id="c-1", on="2020-03-24", by="US"), recorded_by="US"
    )
    assert not monitor.update()
    assert seen == []  # a release is not read: the rule is not run again
    ledger.append(
        Detained(outcome_id="o-3", claimant_id="c-2", on="2020-03-25", by="US"), recorded_by="US"
    )
    assert [b.claimant_id for b in monitor.update().added] == ["c-2"]
    assert monitor.report == check(ledger, "2020-06-30", rules={NoDetention: no_detention})
