"""Joining the reports of disjoint claimant parts into the report of the whole (private).

The reports of :func:`~assurance_ledger.checker.check` with ``claimants=part``,
over disjoint parts of one ledger's claimants and one day, add up: each
finding belongs to one claimant, so the lists are concatenated and sorted as a
check sorts them; the counts are summed; every part lists the same pending
requests (they come from the assurances, which each part reads whole), each
counting its own unassured returns in scope; and a fact that would settle
findings in several parts hinges on the union of their claimants and the sum of
their findings. :meth:`~assurance_ledger.report.Report.merge` is the public face.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

from ._gc import collector_paused
from .errors import PartitionError
from .report import (
    AT_RISK_ORDER,
    BREACH_ORDER,
    EXPOSURE_ORDER,
    UNASSURED_ORDER,
    Certainty,
    Hinge,
    PendingRequest,
    Report,
    Summary,
)
from .truth import Reason

__all__ = ["hinge_order", "merge_reports"]


def hinge_order(hinge: Hinge) -> tuple[int, str, str]:
    """The order a report lists what would settle its findings in: most findings first."""
    return (-hinge.findings, hinge.action, hinge.reason)


def merge_reports(reports: Iterable[Report], *, in_order: bool = False) -> Report:
    """The report of the union of the disjoint claimant parts that ``reports`` were made of.

    ``in_order``: every claimant of each part comes before every claimant of
    the next, in the order of their ids; each list, sorted by claimant first,
    is then the parts' lists one after another, without sorting them again.
    """
    with collector_paused():  # a million findings, no cycles: see _gc
        return _merged(list(reports), in_order=in_order)


def _merged(parts: list[Report], *, in_order: bool) -> Report:
    if not parts:
        raise PartitionError("reports: expected at least one report to merge, got none")
    days = sorted({part.as_of for part in parts})
    if len(days) > 1:
        raise PartitionError(
            "reports: expected reports as of one day, got "
            + ", ".join(day.isoformat() for day in days)
        )
    if len(parts) == 1:
        return parts[0]

    def joined(name: str, order: Callable[[Any], Any]) -> tuple[Any, ...]:
        lists = chain.from_iterable(getattr(part, name) for part in parts)
        return tuple(lists) if in_order else tuple(sorted(lists, key=order))

    return Report(
        as_of=days[0],
        breaches=joined("breaches", BREACH_ORDER),
        unassured_returns=joined("unassured_returns", UNASSURED_ORDER),
        exposures=joined("exposures", EXPOSURE_ORDER),
        pending_requests=_pending(parts),
        summary=_summary(parts),
        to_settle=_hinges(parts, in_order=in_order),
        at_risk=joined("at_risk", AT_RISK_ORDER),
    )


def _summary(parts: list[Report]) -> Summary:
    counts: dict[str, dict[Certainty, int]] = {}
    for part in parts:
        for kind, by_certainty in part.summary.breaches.items():
            mine = counts.setdefault(kind, {"certain": 0, "possible": 0})
            for certainty, count in by_certainty.items():
                mine[certainty] = mine.get(certainty, 0) + count
    return Summary(
        returns=sum(part.summary.returns for part in parts),
        covered=sum(part.summary.covered for part in parts),
        possibly_covered=sum(part.summary.possibly_covered for part in parts),
        unassured=sum(part.summary.unassured for part in parts),
        removed_to_country_of_origin=sum(
            part.summary.removed_to_country_of_origin for part in parts
        ),
        breaches=counts,
    )


def _pending(parts: list[Report]) -> tuple[PendingRequest, ...]:
    merged: dict[str, PendingRequest] = {}
    for part in parts:
        for request in part.pending_requests:
            seen = merged.get(request.assurance_id)
            if seen is None:
                merged[request.assurance_id] = request
            else:
                total = seen.unassured_in_scope + request.unassured_in_scope
                merged[request.assurance_id] = PendingRequest(
                    assurance_id=seen.assurance_id,
                    requested_by=seen.requested_by,
                    requested_of=seen.requested_of,
                    on=seen.on,
                    unassured_in_scope=total,
                )
    return tuple(sorted(merged.values(), key=lambda p: p.assurance_id))


def _hinges(parts: list[Report], *, in_order: bool) -> tuple[Hinge, ...]:
    grouped: dict[tuple[Reason, str], tuple[list[tuple[str, ...]], list[int]]] = {}
    for part in parts:
        for hinge in part.to_settle:
            ids, count = grouped.setdefault((hinge.reason, hinge.action), ([], [0]))
            ids.append(hinge.claimant_ids)
            count[0] += hinge.findings
    # A claimant is in one part: in order, each part's sorted ids come after the last's.
    found = [
        Hinge(
            reason=reason,
            action=action,
            claimant_ids=tuple(chain.from_iterable(ids) if in_order else sorted(set().union(*ids))),
            findings=count[0],
        )
        for (reason, action), (ids, count) in grouped.items()
    ]
    return tuple(sorted(found, key=hinge_order))
