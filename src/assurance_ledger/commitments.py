"""What an assurance promises: the commitment kinds of ``docs/format.md``.

Each commitment is a frozen value tagged in JSON by ``kind``. The rule that
decides a breach of each kind lives with the checker; this module only says what
each kind's parameters are and which values they may take.

=========================== =============================================== ======================
``kind``                    parameters (JSON, default)                      models
=========================== =============================================== ======================
non_refoulement             ``absolute`` (false), ``indirect`` (true)       Refugee Convention
                                                                            Art. 33(1); CAT Art. 3
no_removal_before_decision  —                                               an effective remedy
access_to_procedure         ``within_days``                                 access to asylum
detention_limit             ``max_days``                                    detention "for the
                                                                            shortest time possible"
notification                ``within_days``                                 notice of removals
humane_treatment            —                                               CAT; ICCPR Art. 7
monitoring_access           ``first_visit_within_days`` (none),             Agiza and Alzery
                            ``private`` (false)                             v Sweden
respect_interim_measures    —                                               ECtHR Rule 39; CAT Rule
                                                                            114; HRC Rule 94
access_to_counsel           —                                               Othman v UK §189(viii)
=========================== =============================================== ======================

Users add their own kinds by subclassing :class:`Commitment` with a ``KIND`` and
registering the class with a :class:`~assurance_ledger.codec.Codec` (see
``docs/extending.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

import attrs

from . import _validate as v

__all__ = [
    "BUILTIN_COMMITMENTS",
    "AccessToCounsel",
    "AccessToProcedure",
    "Commitment",
    "DetentionLimit",
    "HumaneTreatment",
    "MonitoringAccess",
    "NoRemovalBeforeDecision",
    "NonRefoulement",
    "Notification",
    "RespectInterimMeasures",
]


@attrs.frozen(kw_only=True)
class Commitment:
    """The base of every commitment kind; subclasses set ``KIND``, their JSON tag.

    A user-defined kind is an attrs class (``@attrs.frozen(kw_only=True)``) that
    subclasses this one, sets ``KIND`` to a new lower-case tag, and whose fields
    are JSON-friendly (text, whole numbers, booleans, dates, tuples of those).
    """

    KIND: ClassVar[str] = ""


@attrs.frozen(kw_only=True)
class NonRefoulement(Commitment):
    """No removal to a country the claimant fears persecution or torture in.

    ``absolute`` (as under the Convention against Torture, Art. 3) admits no
    exception; otherwise a final refusal of the claim recorded before the removal
    excuses it (Refugee Convention Art. 33). ``indirect`` also forbids chain
    refoulement: removal to a third state which then removes the claimant on.
    """

    KIND: ClassVar[str] = "non_refoulement"
    absolute: bool = attrs.field(default=False, validator=v.boolean)
    indirect: bool = attrs.field(default=True, validator=v.boolean)


@attrs.frozen(kw_only=True)
class NoRemovalBeforeDecision(Commitment):
    """No removal of the claimant before a final decision on their claim."""

    KIND: ClassVar[str] = "no_removal_before_decision"


@attrs.frozen(kw_only=True)
class AccessToProcedure(Commitment):
    """Admission to an asylum procedure within ``within_days`` days.

    Counted from the later of the return and the giving of the assurance.
    """

    KIND: ClassVar[str] = "access_to_procedure"
    within_days: int = attrs.field(validator=v.days)


@attrs.frozen(kw_only=True)
class DetentionLimit(Commitment):
    """No detention lasting more than ``max_days`` days."""

    KIND: ClassVar[str] = "detention_limit"
    max_days: int = attrs.field(validator=v.days)


@attrs.frozen(kw_only=True)
class Notification(Commitment):
    """Every removal notified to the recipient state within ``within_days`` days."""

    KIND: ClassVar[str] = "notification"
    within_days: int = attrs.field(validator=v.days)


@attrs.frozen(kw_only=True)
class HumaneTreatment(Commitment):
    """No torture or cruel, inhuman or degrading treatment (CAT; ICCPR Art. 7)."""

    KIND: ClassVar[str] = "humane_treatment"


@attrs.frozen(kw_only=True)
class MonitoringAccess(Commitment):
    """Monitors may visit the claimant.

    A denial of access breaches it; with ``first_visit_within_days``, so does no
    visit within that many days of the later of the return and the giving; with
    ``private``, so does a visit with officials of the giver present.
    """

    KIND: ClassVar[str] = "monitoring_access"
    first_visit_within_days: int | None = attrs.field(default=None, validator=v.optional(v.days))
    private: bool = attrs.field(default=False, validator=v.boolean)


@attrs.frozen(kw_only=True)
class RespectInterimMeasures(Commitment):
    """No removal (or custody transfer) while an interim measure against the giver is in force.

    A court or treaty body asks a state not to remove a claimant while it
    examines the case: ECtHR Rule 39, CAT Rule 114, HRC Rule 94. Removing the
    claimant regardless is itself a violation (ECtHR, Mamatkulov and Askarov v
    Turkey, 2005). A measure is in force from the day it is indicated until it
    is lifted.
    """

    KIND: ClassVar[str] = "respect_interim_measures"


@attrs.frozen(kw_only=True)
class AccessToCounsel(Commitment):
    """The claimant is not refused access to a lawyer (Othman v UK, 2012, paragraph 189(viii))."""

    KIND: ClassVar[str] = "access_to_counsel"


#: The commitment kinds of ``docs/format.md``, by JSON tag.
BUILTIN_COMMITMENTS: Mapping[str, type[Commitment]] = MappingProxyType(
    {
        cls.KIND: cls
        for cls in (
            NonRefoulement,
            NoRemovalBeforeDecision,
            AccessToProcedure,
            DetentionLimit,
            Notification,
            HumaneTreatment,
            MonitoringAccess,
            RespectInterimMeasures,
            AccessToCounsel,
        )
    }
)
