"""The rules of the two commitments on the steps before a removal (``docs/format.md``).

=========================== ==========================================================
kind                        breached when (for a covered claimant, by the giver G)
=========================== ==========================================================
respect_interim_measures    G removes the claimant (or transfers custody) while an
                            interim measure against G is in force: indicated on or
                            before the removal and not lifted before it
access_to_counsel           ``counsel_denied`` by G
=========================== ==========================================================

An interim measure (ECtHR Rule 39, CAT Rule 114, HRC Rule 94) asks a state not
to remove a claimant while a court or treaty body examines the case; removing
the claimant regardless is itself a violation (ECtHR, *Mamatkulov and Askarov v
Turkey*, 2005). A measure is in force on the day it is indicated and until the
day before it is lifted: a removal the same day as the measure breaches it, one
on the day it is lifted does not. When the dates allow both readings the
breach is ``possible``: ``date_imprecise`` when the measure may have come after
the removal, ``excuse_uncertain`` when the lifting may have come before it. A
lifting is an excuse, so it must be on the record: without one the measure is
in force. The rules are registered in :data:`~assurance_ledger.rules.RULE_SPECS`.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import records as r
from ._case import Case, Finding
from .commitments import AccessToCounsel, RespectInterimMeasures
from .ledger import Fact
from .moves import Removal
from .truth import DATE_IMPRECISE, EXCUSE_UNCERTAIN, MAYBE, NO, YES, Reason, Truth, doubts

__all__: list[str] = []


def _in_force(
    case: Case,
    removal: Removal,
    measure: r.InterimMeasure,
    lifts: list[tuple[Fact, r.InterimMeasureLifted]],
) -> tuple[Truth, tuple[Reason, ...], list[Fact]]:
    """Whether ``measure`` was in force at ``removal`` (the obligation binding it), why only maybe.

    Also the liftings that may have come before the removal: the evidence of
    an uncertain excuse.
    """
    lifted = NO
    doubtful = []
    for fact, lift in lifts:
        before = lift.on.before(removal.on)
        lifted = lifted | before
        if before is MAYBE:
            doubtful.append(fact)
    parts: list[tuple[Truth, Reason]] = [
        (case.binds(removal.on), DATE_IMPRECISE),
        (removal.truth, DATE_IMPRECISE),
        (measure.on.on_or_before(removal.on), DATE_IMPRECISE),
        (~lifted, EXCUSE_UNCERTAIN),
    ]
    truth = parts[0][0] & parts[1][0] & parts[2][0] & parts[3][0]
    return truth, doubts(*parts) if truth is MAYBE else (), doubtful


def respect_interim_measures(case: Case, _: RespectInterimMeasures) -> Iterator[Finding]:
    """A removal or custody transfer by the giver while an interim measure against it is in force.

    One finding a removal: the most certain of the measures in force at it.
    """
    measures = [(f, m) for f, m in case.of_type(r.InterimMeasure) if m.against == case.giver]
    if not measures:
        return
    lifts: dict[str, list[tuple[Fact, r.InterimMeasureLifted]]] = {}
    for fact, lift in case.of_type(r.InterimMeasureLifted):
        lifts.setdefault(lift.regarding, []).append((fact, lift))
    for removal in case.removals():
        if removal.by != case.giver:
            continue
        found: Finding | None = None
        for fact, measure in measures:
            truth, reasons, doubtful = _in_force(
                case, removal, measure, lifts.get(measure.outcome_id, [])
            )
            if truth is NO or (found is not None and found.truth is YES):
                continue
            if isinstance(removal.fact.record, r.CustodyTransferred):
                act = f"{case.giver} handed the claimant to agents of {removal.to}"
            else:
                act = f"{case.giver} removed the claimant to {removal.to}"
            found = Finding(
                truth,
                case.evidence(removal.fact, fact, *doubtful),
                f"{act} on {removal.on} while the interim measure of {measure.by} "
                f"indicated on {measure.on} was in force",
                reasons,
            )
        if found is not None:
            yield found


def access_to_counsel(case: Case, _: AccessToCounsel) -> Iterator[Finding]:
    """Access to a lawyer refused by the giver."""
    for fact, record in case.of_type(r.CounselDenied, by=case.giver):
        truth = case.binds(record.on)
        if truth.possible:
            yield Finding(
                truth,
                case.evidence(fact),
                f"{case.giver} refused the claimant access to a lawyer on {record.on}",
                (DATE_IMPRECISE,) if truth is MAYBE else (),
            )
