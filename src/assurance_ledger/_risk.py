"""Who is at risk now: claimants with an outstanding removal order and a ground to act on.

``docs/format.md``, "At risk now": a claimant with an outstanding
``removal_ordered`` (no removal, departure or custody transfer recorded on or
after the order, as of the evaluation date) is listed when at least one ground
holds: ``feared_country`` (the order's ``to`` is a country they fear),
``interim_measure`` (an interim measure against the ordering state is in
force), ``no_final_decision`` (a covering assurance promises
``no_removal_before_decision`` and no final decision is recorded).

How imprecise dates are read, so that nobody who may still be protected is
left off the list (it is a list to act on, not a finding of a breach):

* an order, a move, a measure or a decision counts once it may have happened by
  the evaluation date (its earliest day is on or before it);
* a move ends an order only when it certainly came on or after it (one
  that may have come before it leaves the claimant on the list);
* a measure is in force unless a lifting of it certainly came by the
  evaluation date (the day a measure is lifted, it no longer protects);
* a final decision by the giver recorded by the evaluation date answers
  ``no_final_decision``, whenever it came.

The engine (:func:`~assurance_ledger._engine.assess`) works this out for each
claimant with the rest of their assessment, so a
:class:`~assurance_ledger.monitor.Monitor` keeps it current on appends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from . import records as r
from .commitments import NoRemovalBeforeDecision
from .dates import DateSpan
from .ledger import Fact
from .moves import MOVES
from .report import AtRisk, RiskGround

__all__ = ["Covering", "at_risk"]

#: An assurance that may cover the claimant, and its withdrawal if any.
Covering = tuple[Fact, Fact | None]


def at_risk(
    claimant: Fact, outcomes: Sequence[Fact], covering: Iterable[Covering], day: DateSpan
) -> tuple[AtRisk, ...]:
    """The claimant's outstanding removal orders with a ground, each an :class:`AtRisk`.

    ``outcomes`` are the claimant's, in the engine's date order; ``covering``
    the given assurances that may cover them.
    """
    latest = day.latest
    known = [f for f in outcomes if f.record.on.earliest <= latest]  # type: ignore[attr-defined]
    orders = [f for f in known if isinstance(f.record, r.RemovalOrdered)]
    if not orders:
        return ()
    back = claimant.record
    assert isinstance(back, r.ClaimantReturned)  # noqa: S101 -- by construction
    moves = [f.record for f in known if isinstance(f.record, MOVES)]
    covers = list(covering)
    found = []
    for order in orders:
        ordered = order.record
        assert isinstance(ordered, r.RemovalOrdered)  # noqa: S101 -- just filtered
        if any(move.on.on_or_after(ordered.on).certain for move in moves):
            continue  # a removal, departure or hand-over followed the order
        grounds: list[RiskGround] = []
        cited = [claimant, order]
        why = []
        if ordered.to is not None and ordered.to in back.feared:
            grounds.append("feared_country")
            why.append(f"{ordered.to} is a country they fear")
        measures = _in_force(known, ordered.by, day)
        if measures:
            grounds.append("interim_measure")
            cited += measures
            bodies = ", ".join(
                f"{m.record.by} on {m.record.on}"  # type: ignore[attr-defined]
                for m in measures
            )
            why.append(f"an interim measure against {ordered.by} is in force ({bodies})")
        waiting = _undecided(known, covers, day)
        if waiting:
            grounds.append("no_final_decision")
            cited += waiting
            ids = ", ".join(f.record.assurance_id for f in waiting)  # type: ignore[attr-defined]
            why.append(f"{ids} promises no removal before a final decision, and none is recorded")
        if not grounds:
            continue
        where = f" to {ordered.to}" if ordered.to is not None else ""
        final = "final" if ordered.final else "not final"
        found.append(
            AtRisk(
                claimant_id=back.claimant_id,
                order=order.seq,
                to=ordered.to,
                grounds=tuple(sorted(grounds)),
                covered_by=tuple(
                    sorted({g.record.assurance_id for g, _ in covers})  # type: ignore[attr-defined]
                ),
                evidence=_seqs(cited),
                explanation=(
                    f"ordered removed by {ordered.by}{where} on {ordered.on} ({final}), and not "
                    f"removed, gone or handed over since, as of {day}: " + "; ".join(why)
                ),
            )
        )
    return tuple(found)


def _in_force(known: list[Fact], against: str, day: DateSpan) -> list[Fact]:
    """The interim measures against ``against`` not certainly lifted by ``day``."""
    lifted = {
        f.record.regarding
        for f in known
        if isinstance(f.record, r.InterimMeasureLifted) and f.record.on.latest <= day.earliest
    }
    return [
        f
        for f in known
        if isinstance(f.record, r.InterimMeasure)
        and f.record.against == against
        and f.record.outcome_id not in lifted
    ]


def _undecided(known: list[Fact], covers: list[Covering], day: DateSpan) -> list[Fact]:
    """The covering assurances promising no removal before a decision that none has answered.

    An assurance whose withdrawal released existing claims by ``day`` binds
    no longer; a final decision by its giver answers it.
    """
    waiting = []
    for given, withdrawal in covers:
        promise = given.record
        assert isinstance(promise, r.AssuranceGiven)  # noqa: S101 -- by construction
        if not any(isinstance(c, NoRemovalBeforeDecision) for c in promise.commitments):
            continue
        if withdrawal is not None:
            ended = withdrawal.record
            assert isinstance(ended, r.AssuranceWithdrawn)  # noqa: S101 -- by construction
            if ended.releases_existing and ended.on.latest <= day.earliest:
                continue
        giver = promise.given_by
        decided = any(
            isinstance(f.record, r.ClaimDecided) and f.record.final and f.record.by == giver
            for f in known
        )
        if not decided:
            waiting.append(given)
    return waiting


def _seqs(facts: Iterable[Fact]) -> tuple[int, ...]:
    """The seqs of ``facts`` and of the corrections that made them what they are."""
    seqs = set()
    for fact in facts:
        seqs.add(fact.seq)
        if fact.corrected_by is not None:
            seqs.add(fact.corrected_by)
    return tuple(sorted(seqs))
