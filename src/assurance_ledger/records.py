"""Every record of ``docs/format.md`` as a frozen, validated value.

A record is what a ledger entry holds. Each class's ``TYPE`` is its JSON ``type``
tag, and its fields are the JSON fields of the same names. Records validate on
construction (from Python or from JSON alike): a bad value raises
:class:`~assurance_ledger.errors.InvalidRecord` naming the field.

For convenience in notebooks, date fields also accept a ``datetime.date`` or any
JSON date form (``"2020-03"``), and list fields accept lists; they are stored as
:class:`~assurance_ledger.dates.DateSpan` and tuples.

>>> ClaimantReturned(claimant_id="c-1", on="2020-03-30", returned_by="CA",
...                  returned_to="US", crossing="between_ports", nationalities=["HT"]).feared
('HT',)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Literal

import attrs

from . import _validate as v
from .commitments import Commitment
from .dates import DateSpan, to_span
from .errors import InvalidRecord

__all__ = [
    "RECORD_TYPES",
    "AdmittedToProcedure",
    "Assessment",
    "AssuranceDeclined",
    "AssuranceGiven",
    "AssuranceRecord",
    "AssuranceRequested",
    "AssuranceWithdrawn",
    "Checkpoint",
    "ClaimDecided",
    "ClaimantReturned",
    "ContactLost",
    "Correction",
    "CounselDenied",
    "Credibility",
    "Crossing",
    "CustodyTransferred",
    "Decision",
    "Departed",
    "Detained",
    "Disclosure",
    "Factor",
    "FactorFinding",
    "Form",
    "Ground",
    "IllTreatment",
    "InterimMeasure",
    "InterimMeasureLifted",
    "MonitoringDenied",
    "MonitoringVisit",
    "Notified",
    "Outcome",
    "Record",
    "Released",
    "Reliability",
    "RemovalOrdered",
    "Removed",
    "Scope",
    "Source",
]

#: The five Convention grounds of persecution (Refugee Convention Art. 1A(2), 33(1)).
Ground = Literal["race", "religion", "nationality", "particular_social_group", "political_opinion"]
#: Where the claimant crossed before being turned back.
Crossing = Literal["port_of_entry", "between_ports", "airport", "other", "unknown"]
#: The instrument an assurance was given in.
Form = Literal["diplomatic_note", "memorandum", "treaty", "public_statement", "oral", "other"]
#: Whether an assurance's terms are known (ECtHR, Othman v UK, 2012, §189).
Disclosure = Literal["public", "confidential", "disclosed_to_court"]
#: The result of a claim.
Decision = Literal["granted", "refused", "withdrawn", "abandoned"]
#: Admiralty-scale reliability of a source, A (completely reliable) to F (cannot be judged).
Reliability = Literal["A", "B", "C", "D", "E", "F"]
#: The factors of Othman (Abu Qatada) v United Kingdom (ECtHR, 2012, §189 (i)-(xi)), in order.
Factor = Literal[
    "terms_disclosed",
    "specific",
    "binding_authority",
    "local_compliance",
    "lawful_treatment",
    "contracting_state",
    "compliance_record",
    "verifiable",
    "effective_protection",
    "prior_ill_treatment",
    "court_examined",
]
#: What a factor says of relying on an assurance: ``for`` supports relying on it.
FactorFinding = Literal["for", "against", "unknown"]
#: Admiralty-scale credibility of a fact, 1 (confirmed) to 6 (cannot be judged).
Credibility = Literal[1, 2, 3, 4, 5, 6]


def _credibility(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (isinstance(value, bool) or value not in (1, 2, 3, 4, 5, 6)):
        raise v.fail(attribute, "a credibility from 1 to 6", value)


@attrs.frozen(kw_only=True)
class Source:
    """Where a fact comes from: a citation, optionally a URL and an Admiralty grading."""

    citation: str = attrs.field(validator=v.text)
    url: str | None = attrs.field(default=None, validator=v.optional(v.url))
    reliability: Reliability | None = attrs.field(
        default=None, validator=v.optional(v.one_of(Reliability))
    )
    credibility: Credibility | None = attrs.field(default=None, validator=_credibility)


def _optional_span(value: Any) -> DateSpan | None:
    return None if value is None else to_span(value)


def _scope_check(scope: Scope) -> None:
    if (
        scope.returns_from is not None
        and scope.returns_until is not None
        and scope.returns_from.earliest > scope.returns_until.latest
    ):
        raise InvalidRecord(
            ("returns_until",),
            "a date on or after returns_from",
            f"{scope.returns_until} before {scope.returns_from}",
        )
    both = set(scope.nationalities or ()) & set(scope.exclude_nationalities)
    if both:
        raise InvalidRecord(
            ("exclude_nationalities",),
            "no country both included and excluded",
            ", ".join(sorted(both)),
        )


@attrs.frozen(kw_only=True)
class Scope:
    """Which returns an assurance covers; every filter is optional.

    A return is covered when its date falls between ``returns_from`` and
    ``returns_until`` and it matches every filter given: its crossing is one of
    ``crossings``, the claimant holds one of ``nationalities`` and none of
    ``exclude_nationalities``, is one of ``claimants`` (an individual assurance),
    and is a minor if ``minors_only``. An omitted filter admits everyone.
    """

    returns_from: DateSpan | None = attrs.field(
        default=None, converter=_optional_span, validator=v.optional(v.span)
    )
    returns_until: DateSpan | None = attrs.field(
        default=None, converter=_optional_span, validator=v.optional(v.span)
    )
    crossings: tuple[Crossing, ...] | None = attrs.field(
        default=None,
        converter=v.to_optional_tuple,
        validator=v.optional(v.unique_tuple(v.one_of(Crossing), "crossings", non_empty=True)),
    )
    nationalities: tuple[str, ...] | None = attrs.field(
        default=None,
        converter=v.to_optional_tuple,
        validator=v.optional(v.unique_tuple(v.country, "country codes", non_empty=True)),
    )
    exclude_nationalities: tuple[str, ...] = attrs.field(
        default=(), converter=v.to_tuple, validator=v.unique_tuple(v.country, "country codes")
    )
    claimants: tuple[str, ...] | None = attrs.field(
        default=None,
        converter=v.to_optional_tuple,
        validator=v.optional(v.unique_tuple(v.identifier, "claimant ids", non_empty=True)),
    )
    minors_only: bool = attrs.field(default=False, validator=v.boolean)

    def __attrs_post_init__(self) -> None:
        """Check the filters against each other."""
        _scope_check(self)


@attrs.frozen(kw_only=True)
class Record:
    """The base of every record; ``TYPE`` is the JSON ``type`` tag of a subclass."""

    TYPE: ClassVar[str] = ""
    source: Source | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(Source, "a source object"))
    )

    @property
    def identity(self) -> tuple[str, str]:
        """What a correction may not change: the kind of thing recorded and its id.

        ``("outcome", outcome_id)`` for every outcome (a correction may change
        its type), ``(TYPE, assurance_id)`` or ``(TYPE, claimant_id)`` for the
        others, ``(TYPE, "")`` for a record with no id (a checkpoint).
        """
        return (self.TYPE, "")


def _commitments(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    v.unique_tuple(v.instance_of(Commitment, "a commitment"), "commitments", non_empty=True)(
        instance, attribute, value
    )
    assert isinstance(value, tuple)  # noqa: S101 -- checked just above; narrows for mypy
    kinds = [c.KIND for c in value]
    for index, kind in enumerate(kinds):
        if kind in kinds[:index]:
            raise InvalidRecord(
                (attribute.name, index), "each commitment kind at most once", repr(kind)
            )


def _scope(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Scope):
        raise v.fail(attribute, "a scope object", value)


def _distinct(record: Any, first: str, second: str) -> None:
    """A class-level check that two parties of a record differ."""
    if getattr(record, first) == getattr(record, second):
        raise InvalidRecord(
            (second,), f"a different state from {first}", repr(getattr(record, second))
        )


@attrs.frozen(kw_only=True)
class AssuranceRecord(Record):
    """The base of the four assurance records: an ``assurance_id`` and a date ``on``."""

    assurance_id: str = attrs.field(validator=v.identifier)
    on: DateSpan = attrs.field(converter=to_span, validator=v.span)

    @property
    def identity(self) -> tuple[str, str]:
        """The record's type and its ``assurance_id`` (see :attr:`Record.identity`)."""
        return (self.TYPE, self.assurance_id)


@attrs.frozen(kw_only=True)
class AssuranceRequested(AssuranceRecord):
    """``requested_by`` asked ``requested_of`` for an assurance with these terms."""

    TYPE: ClassVar[str] = "assurance_requested"
    requested_by: str = attrs.field(validator=v.country)
    requested_of: str = attrs.field(validator=v.country)
    commitments: tuple[Commitment, ...] = attrs.field(converter=v.to_tuple, validator=_commitments)
    scope: Scope = attrs.field(factory=Scope, validator=_scope)

    def __attrs_post_init__(self) -> None:
        """A state does not ask itself."""
        _distinct(self, "requested_by", "requested_of")


@attrs.frozen(kw_only=True)
class AssuranceGiven(AssuranceRecord):
    """``given_by`` (the giver) assured ``given_to`` (the recipient) of these commitments.

    ``authority``, ``disclosure`` and ``text_sha256`` record what courts weigh
    (ECtHR, Othman v UK, 2012, §189): who gave it, whether its terms are known, and
    a hash of its exact wording.
    """

    TYPE: ClassVar[str] = "assurance_given"
    given_by: str = attrs.field(validator=v.country)
    given_to: str = attrs.field(validator=v.country)
    form: Form = attrs.field(validator=v.one_of(Form))
    commitments: tuple[Commitment, ...] = attrs.field(converter=v.to_tuple, validator=_commitments)
    scope: Scope = attrs.field(factory=Scope, validator=_scope)
    authority: str | None = attrs.field(default=None, validator=v.optional(v.text))
    disclosure: Disclosure | None = attrs.field(
        default=None, validator=v.optional(v.one_of(Disclosure))
    )
    text_sha256: str | None = attrs.field(default=None, validator=v.optional(v.sha256))

    def __attrs_post_init__(self) -> None:
        """A state does not assure itself."""
        _distinct(self, "given_by", "given_to")


@attrs.frozen(kw_only=True)
class AssuranceDeclined(AssuranceRecord):
    """The requested state declined to give the assurance ``assurance_id``."""

    TYPE: ClassVar[str] = "assurance_declined"


@attrs.frozen(kw_only=True)
class AssuranceWithdrawn(AssuranceRecord):
    """The giver withdrew the assurance.

    It then covers no return after ``on``. Obligations for claimants already
    covered continue, unless ``releases_existing``: then nothing after ``on`` counts.
    """

    TYPE: ClassVar[str] = "assurance_withdrawn"
    releases_existing: bool = attrs.field(default=False, validator=v.boolean)


@attrs.frozen(kw_only=True)
class ClaimantReturned(Record):
    """``returned_by`` turned the claimant back to ``returned_to``.

    ``claimant_id`` is a pseudonym: there is no field for a name. An empty
    ``nationalities`` means stateless. ``country_of_origin`` defaults to the first
    nationality and ``feared_countries`` to the country of origin: read the
    effective values from :attr:`origin` and :attr:`feared`.
    """

    TYPE: ClassVar[str] = "claimant_returned"
    claimant_id: str = attrs.field(validator=v.identifier)
    on: DateSpan = attrs.field(converter=to_span, validator=v.span)
    returned_by: str = attrs.field(validator=v.country)
    returned_to: str = attrs.field(validator=v.country)
    crossing: Crossing = attrs.field(default="unknown", validator=v.one_of(Crossing))
    nationalities: tuple[str, ...] = attrs.field(
        converter=v.to_tuple, validator=v.unique_tuple(v.country, "country codes")
    )
    country_of_origin: str | None = attrs.field(default=None, validator=v.optional(v.country))
    feared_countries: tuple[str, ...] | None = attrs.field(
        default=None,
        converter=v.to_optional_tuple,
        validator=v.optional(v.unique_tuple(v.country, "country codes")),
    )
    grounds: tuple[Ground, ...] = attrs.field(
        default=(), converter=v.to_tuple, validator=v.unique_tuple(v.one_of(Ground), "grounds")
    )
    torture_risk: bool = attrs.field(default=False, validator=v.boolean)
    minor: bool = attrs.field(default=False, validator=v.boolean)

    def __attrs_post_init__(self) -> None:
        """A state does not return a claimant to itself."""
        _distinct(self, "returned_by", "returned_to")

    @property
    def identity(self) -> tuple[str, str]:
        """The record's type and its ``claimant_id`` (see :attr:`Record.identity`)."""
        return (self.TYPE, self.claimant_id)

    @property
    def origin(self) -> str | None:
        """The country of origin: as recorded, else the first nationality, else ``None``."""
        if self.country_of_origin is not None:
            return self.country_of_origin
        return self.nationalities[0] if self.nationalities else None

    @property
    def feared(self) -> tuple[str, ...]:
        """The feared countries: as recorded, else the country of origin (if known)."""
        if self.feared_countries is not None:
            return self.feared_countries
        origin = self.origin
        return (origin,) if origin is not None else ()


@attrs.frozen(kw_only=True)
class Outcome(Record):
    """The base of what happened to a returned claimant: an id, the claimant, a date."""

    outcome_id: str = attrs.field(validator=v.identifier)
    claimant_id: str = attrs.field(validator=v.identifier)
    on: DateSpan = attrs.field(converter=to_span, validator=v.span)

    @property
    def identity(self) -> tuple[str, str]:
        """``("outcome", outcome_id)``: a correction may change an outcome's type, not its id."""
        return ("outcome", self.outcome_id)


@attrs.frozen(kw_only=True)
class Detained(Outcome):
    """The claimant was detained by ``by``."""

    TYPE: ClassVar[str] = "detained"
    by: str = attrs.field(validator=v.country)


@attrs.frozen(kw_only=True)
class Released(Outcome):
    """The claimant was released from detention by ``by``."""

    TYPE: ClassVar[str] = "released"
    by: str = attrs.field(validator=v.country)


@attrs.frozen(kw_only=True)
class AdmittedToProcedure(Outcome):
    """``by`` admitted the claimant to an asylum procedure."""

    TYPE: ClassVar[str] = "admitted_to_procedure"
    by: str = attrs.field(validator=v.country)


@attrs.frozen(kw_only=True)
class ClaimDecided(Outcome):
    """``by`` decided the claim; ``final`` when no appeal remains."""

    TYPE: ClassVar[str] = "claim_decided"
    by: str = attrs.field(validator=v.country)
    decision: Decision = attrs.field(validator=v.one_of(Decision))
    final: bool = attrs.field(validator=v.boolean)


@attrs.frozen(kw_only=True)
class Removed(Outcome):
    """``by`` removed the claimant to ``to``."""

    TYPE: ClassVar[str] = "removed"
    by: str = attrs.field(validator=v.country)
    to: str = attrs.field(validator=v.country)

    def __attrs_post_init__(self) -> None:
        """A state does not remove a claimant to itself."""
        _distinct(self, "by", "to")


@attrs.frozen(kw_only=True)
class Departed(Outcome):
    """The claimant left for ``to``; a ``coerced`` departure counts as a removal."""

    TYPE: ClassVar[str] = "departed"
    to: str = attrs.field(validator=v.country)
    coerced: bool = attrs.field(default=False, validator=v.boolean)


@attrs.frozen(kw_only=True)
class IllTreatment(Outcome):
    """The claimant was ill-treated by ``by``; ``substantiated`` when established."""

    TYPE: ClassVar[str] = "ill_treatment"
    by: str = attrs.field(validator=v.country)
    substantiated: bool = attrs.field(default=False, validator=v.boolean)


@attrs.frozen(kw_only=True)
class Notified(Outcome):
    """``by`` notified ``to`` of the outcome ``regarding`` (an outcome id)."""

    TYPE: ClassVar[str] = "notified"
    by: str = attrs.field(validator=v.country)
    to: str = attrs.field(validator=v.country)
    regarding: str = attrs.field(validator=v.identifier)

    def __attrs_post_init__(self) -> None:
        """A state does not notify itself, and a notice is about another outcome."""
        _distinct(self, "by", "to")
        if self.regarding == self.outcome_id:
            raise InvalidRecord(("regarding",), "the id of another outcome", repr(self.regarding))


@attrs.frozen(kw_only=True)
class MonitoringVisit(Outcome):
    """``by`` (a state or organisation) visited the claimant.

    ``private`` when no officials of the giver were present.
    """

    TYPE: ClassVar[str] = "monitoring_visit"
    by: str = attrs.field(validator=v.party)
    private: bool = attrs.field(default=False, validator=v.boolean)
    medical_examination: bool = attrs.field(default=False, validator=v.boolean)


@attrs.frozen(kw_only=True)
class MonitoringDenied(Outcome):
    """``by`` denied monitors access to the claimant."""

    TYPE: ClassVar[str] = "monitoring_denied"
    by: str = attrs.field(validator=v.country)


@attrs.frozen(kw_only=True)
class ContactLost(Outcome):
    """Nobody knows where the claimant is any more."""

    TYPE: ClassVar[str] = "contact_lost"


@attrs.frozen(kw_only=True)
class RemovalOrdered(Outcome):
    """``by`` ordered the claimant removed (to ``to``, when the order names a country).

    ``final`` when no appeal against the order remains.
    """

    TYPE: ClassVar[str] = "removal_ordered"
    by: str = attrs.field(validator=v.country)
    to: str | None = attrs.field(default=None, validator=v.optional(v.country))
    final: bool = attrs.field(validator=v.boolean)

    def __attrs_post_init__(self) -> None:
        """A state does not order a claimant removed to itself."""
        if self.to is not None:
            _distinct(self, "by", "to")


@attrs.frozen(kw_only=True)
class InterimMeasure(Outcome):
    """A court or treaty body ``by`` asked ``against`` not to remove the claimant.

    ``by`` is free text naming the body (``"ECtHR"``, ``"CAT"``, ``"HRC"``): an
    interim measure under ECtHR Rule 39, CAT Rule 114 or HRC Rule 94, in force
    until an ``interim_measure_lifted`` regarding it.
    """

    TYPE: ClassVar[str] = "interim_measure"
    by: str = attrs.field(validator=v.text)
    against: str = attrs.field(validator=v.country)


@attrs.frozen(kw_only=True)
class InterimMeasureLifted(Outcome):
    """The interim measure ``regarding`` (its outcome id) was lifted."""

    TYPE: ClassVar[str] = "interim_measure_lifted"
    regarding: str = attrs.field(validator=v.identifier)

    def __attrs_post_init__(self) -> None:
        """A lifting is about another outcome (an interim measure)."""
        if self.regarding == self.outcome_id:
            raise InvalidRecord(("regarding",), "the id of another outcome", repr(self.regarding))


@attrs.frozen(kw_only=True)
class CustodyTransferred(Outcome):
    """``by`` handed the claimant to agents of ``to`` on its own soil.

    It counts as a removal by ``by`` to ``to`` in every rule (Agiza was handed
    to Egyptian agents at a Swedish airport).
    """

    TYPE: ClassVar[str] = "custody_transferred"
    by: str = attrs.field(validator=v.country)
    to: str = attrs.field(validator=v.country)

    def __attrs_post_init__(self) -> None:
        """A state does not hand a claimant to itself."""
        _distinct(self, "by", "to")


@attrs.frozen(kw_only=True)
class CounselDenied(Outcome):
    """``by`` refused the claimant access to a lawyer."""

    TYPE: ClassVar[str] = "counsel_denied"
    by: str = attrs.field(validator=v.country)


@attrs.frozen(kw_only=True)
class Checkpoint(Record):
    """A witnessed head: ``ledger_of``'s ledger was seen with entry ``seq`` at ``hash``."""

    TYPE: ClassVar[str] = "checkpoint"
    ledger_of: str = attrs.field(validator=v.party)
    seq: int = attrs.field(validator=v.seq)
    hash: str = attrs.field(validator=v.sha256)


@attrs.frozen(kw_only=True)
class Assessment(Record):
    """A person's reasoned view of one Othman factor of the assurance ``assurance_id``.

    ``finding`` is ``for`` when the factor supports relying on the assurance;
    ``note`` (optional) gives the reasons, and ``source`` where they come from.
    The latest assessment of a factor as of a day decides it in the assurance's
    profile (see :func:`~assurance_ledger.othman.profile`).
    """

    TYPE: ClassVar[str] = "assessment"
    assessment_id: str = attrs.field(validator=v.identifier)
    assurance_id: str = attrs.field(validator=v.identifier)
    factor: Factor = attrs.field(validator=v.one_of(Factor))
    finding: FactorFinding = attrs.field(validator=v.one_of(FactorFinding))
    on: DateSpan = attrs.field(converter=to_span, validator=v.span)
    note: str | None = attrs.field(default=None, validator=v.optional(v.text))

    @property
    def identity(self) -> tuple[str, str]:
        """``("assessment", assessment_id)``: a correction may not change the id."""
        return (self.TYPE, self.assessment_id)


def _replacement(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, Record) or isinstance(value, Correction)):
        raise v.fail(attribute, "a record other than a correction, or null to retract", value)


@attrs.frozen(kw_only=True)
class Correction(Record):
    """Replace (or, with ``replacement`` null, retract) the record of entry ``target``."""

    TYPE: ClassVar[str] = "correction"
    target: int = attrs.field(validator=v.seq)
    replacement: Record | None = attrs.field(validator=_replacement)
    reason: str = attrs.field(validator=v.text)


#: Every record class of ``docs/format.md``, by JSON ``type`` tag.
RECORD_TYPES: Mapping[str, type[Record]] = MappingProxyType(
    {
        cls.TYPE: cls
        for cls in (
            AssuranceRequested,
            AssuranceGiven,
            AssuranceDeclined,
            AssuranceWithdrawn,
            ClaimantReturned,
            Detained,
            Released,
            AdmittedToProcedure,
            ClaimDecided,
            Removed,
            Departed,
            IllTreatment,
            Notified,
            MonitoringVisit,
            MonitoringDenied,
            ContactLost,
            RemovalOrdered,
            InterimMeasure,
            InterimMeasureLifted,
            CustodyTransferred,
            CounselDenied,
            Checkpoint,
            Correction,
            Assessment,
        )
    }
)
