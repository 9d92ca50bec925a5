"""What would settle the possible findings: the facts to record, most findings first.

A possible finding is possible for its ``reasons`` (``docs/format.md``, "Why
only possible"); each reason of each finding names a fact that, once recorded,
would make the finding certain or make it go away. This module turns the
reasons into those facts (a :class:`~assurance_ledger.report.Hinge` each) and
counts the findings that hinge on each, so that the text report can end with
the few facts worth chasing first ("record the crossing of c-002 and c-003:
6 findings hinge on it").

The table, once (reason and commitment kind to what to record):

===================  =====================  =====================================================
reason               commitment             what to record
===================  =====================  =====================================================
coverage_uncertain   any                    the crossing (a crossing ``unknown`` against a scope
                                            that names crossings), else the exact return date,
                                            else the exact dates of the assurances
record_missing       detention_limit        the releases (or removals) of
record_missing       access_to_procedure    the admissions to a procedure of
record_missing       notification           the notices of the removals of
record_missing       monitoring_access      the monitoring visits to
record_missing       another kind           the missing records of
date_imprecise       any                    the exact dates of the outcomes of
unsubstantiated      any                    whether the ill-treatment reported is substantiated, for
excuse_uncertain     any                    the exact dates of the final decisions on the claims of
a rule's own tag     any                    what its tag names, for
===================  =====================  =====================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from . import records as r
from ._merge import hinge_order
from .coverage import filters
from .report import Hinge
from .truth import (
    COVERAGE_UNCERTAIN,
    DATE_IMPRECISE,
    EXCUSE_UNCERTAIN,
    MAYBE,
    RECORD_MISSING,
    UNSUBSTANTIATED,
    Reason,
)

__all__ = ["Doubtful", "coverage_action", "hinges"]

#: What to record when a record is missing, by the commitment kind that misses it.
_MISSING: dict[str, str] = {
    "detention_limit": "record the releases (or removals) of",
    "access_to_procedure": "record the admissions to a procedure of",
    "notification": "record the notices of the removals of",
    "monitoring_access": "record the monitoring visits to",
}

#: What to record for the other reasons of the format.
_OTHER: dict[Reason, str] = {
    DATE_IMPRECISE: "record the exact dates of the outcomes of",
    UNSUBSTANTIATED: "record whether the ill-treatment reported is substantiated, for",
    EXCUSE_UNCERTAIN: "record the exact dates of the final decisions on the claims of",
}

CROSSING = "record the crossing of"
RETURN_DATE = "record the exact return date of"
ASSURANCE_DATES = "record the exact dates of the assurances that may cover"


class Doubtful(NamedTuple):
    """One possible finding as this module reads it."""

    claimant_id: str
    #: The commitment kind of a breach; None for an exposure or an unassured return.
    commitment: str | None
    reasons: tuple[Reason, ...]
    #: What would settle its coverage (see :func:`coverage_action`), if that is in doubt.
    coverage: str | None


def coverage_action(back: r.ClaimantReturned, scopes: Iterable[r.Scope]) -> str:
    """What would settle whether the scopes that maybe cover a return cover it.

    The crossing when it is ``unknown`` and a scope names crossings (the
    filters are then the doubt), else the return date when it is imprecise,
    else the dates of the assurances (their giving, a withdrawal).
    """
    if any(filters(scope, back) is MAYBE for scope in scopes):
        return CROSSING
    if not back.on.is_exact:
        return RETURN_DATE
    return ASSURANCE_DATES


def _action(reason: Reason, finding: Doubtful) -> str:
    if reason == COVERAGE_UNCERTAIN:
        return finding.coverage or ASSURANCE_DATES
    if reason == RECORD_MISSING:
        return _MISSING.get(finding.commitment or "", "record the missing records of")
    return _OTHER.get(reason) or f"settle {reason.replace('_', ' ')} for"


def hinges(findings: Iterable[Doubtful]) -> tuple[Hinge, ...]:
    """The facts that would settle ``findings``, the one most findings hinge on first."""
    grouped: dict[tuple[Reason, str], tuple[set[str], list[int]]] = {}
    for finding in findings:
        for reason in finding.reasons:
            ids, count = grouped.setdefault((reason, _action(reason, finding)), (set(), [0]))
            ids.add(finding.claimant_id)
            count[0] += 1
    found = [
        Hinge(reason=reason, action=action, claimant_ids=tuple(sorted(ids)), findings=count[0])
        for (reason, action), (ids, count) in grouped.items()
    ]
    return tuple(sorted(found, key=hinge_order))
