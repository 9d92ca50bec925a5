"""The result of checking a ledger: breaches, unassured returns, exposures, and a summary.

Every finding (breach, unassured return, exposure) is ``certain`` or
``possible``, and says why it is only possible: its ``reasons``, empty exactly
when it is certain (the tags are :data:`~assurance_ledger.truth.REASONS`).
The report also lists what would settle the most possible findings
(:attr:`Report.to_settle`, a :class:`Hinge` each).

A :class:`Report` is a value. Its JSON form (:meth:`Report.to_json`) is the
report format of ``docs/format.md``; it also renders as plain text
(:meth:`Report.to_text`), as an HTML table in notebooks (every string from the
ledger escaped), and as flat rows for pandas (:meth:`Report.to_records`).
The text and HTML, for people, name each country beside its code ("HT
(Haiti)"); the JSON and the rows, for programs, keep the codes alone.
"""

from __future__ import annotations

import datetime as dt
import html
import operator
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from .countries import with_country_names
from .dates import DateSpan
from .display import one_line
from .truth import Reason

__all__ = [
    "RISK_GROUNDS",
    "ROW_FIELDS",
    "AtRisk",
    "Breach",
    "Certainty",
    "Exposure",
    "Hinge",
    "PendingRequest",
    "Report",
    "RiskGround",
    "Summary",
    "UnassuredReturn",
]

#: How sure a breach is: ``certain`` when the record requires it, ``possible``
#: when it hinges on an imprecise date, a missing record or an unsubstantiated report.
Certainty = Literal["certain", "possible"]
CERTAINTIES: tuple[Certainty, ...] = ("certain", "possible")
#: The keys of every row of :meth:`Report.to_records`, in column order.
ROW_FIELDS = (
    "as_of",
    "finding",
    "claimant_id",
    "assurance_id",
    "commitment",
    "certainty",
    "reasons",
    "evidence",
    "explanation",
)


@attrs.frozen(kw_only=True)
class Breach:
    """An outcome (or a missing one) that breaches a commitment of an assurance.

    ``evidence`` lists the seqs of the ledger entries it rests on: the return,
    the assurance, and the outcomes; ``explanation`` says it in one line with
    the dates; ``reasons`` what keeps a ``possible`` one from being certain.
    """

    assurance_id: str
    commitment: str
    claimant_id: str
    certainty: Certainty
    evidence: tuple[int, ...]
    explanation: str
    reasons: tuple[Reason, ...] = ()

    @property
    def sort_key(self) -> tuple[str, str, str, tuple[int, ...]]:
        """Breaches are listed by claimant, assurance, commitment (then evidence)."""
        return BREACH_ORDER(self)


@attrs.frozen(kw_only=True)
class UnassuredReturn:
    """A return that no given assurance covers (``certain``), or none surely does (``possible``).

    A ``possible`` one is maybe covered by an assurance (reason
    ``coverage_uncertain``): its breaches under that assurance are reported
    too. The requests still pending that would cover it are listed once, for
    the whole report, in :attr:`Report.pending_requests`.
    """

    claimant_id: str
    certainty: Certainty = "certain"
    reasons: tuple[Reason, ...] = ()


@attrs.frozen(kw_only=True)
class PendingRequest:
    """A request for an assurance neither given nor declined as of the report's date.

    ``unassured_in_scope`` counts the unassured returns (by ``requested_by``
    to ``requested_of``) that its scope may cover: the people it would
    protect if it were given.
    """

    assurance_id: str
    requested_by: str
    requested_of: str
    on: DateSpan
    unassured_in_scope: int


@attrs.frozen(kw_only=True)
class Exposure:
    """A removal of an unassured claimant to a country they fear.

    The returning state (``returned_by``) bears that chain-refoulement risk
    itself. It is ``possible`` when the claimant is only possibly unassured
    (``coverage_uncertain``) or the removal only possibly came by the
    evaluation date (``date_imprecise``).
    """

    claimant_id: str
    returned_by: str
    evidence: tuple[int, ...]
    explanation: str
    certainty: Certainty = "certain"
    reasons: tuple[Reason, ...] = ()


#: Why a claimant with an outstanding removal order is at risk now
#: (``docs/format.md``, "At risk now").
RiskGround = Literal["feared_country", "interim_measure", "no_final_decision"]
#: Every :data:`RiskGround`, sorted (the order a report lists them in).
RISK_GROUNDS: tuple[RiskGround, ...] = ("feared_country", "interim_measure", "no_final_decision")


@attrs.frozen(kw_only=True)
class AtRisk:
    """A claimant with an outstanding removal order, and why they are at risk now.

    ``order`` is the seq of the ``removal_ordered`` entry, ``to`` the country
    it names (if any); ``grounds`` are sorted: ``feared_country`` (``to`` is a
    country they fear), ``interim_measure`` (an interim measure against the
    ordering state is in force), ``no_final_decision`` (a covering assurance
    promises ``no_removal_before_decision`` and no final decision is
    recorded). ``covered_by`` lists the assurances that cover the claimant,
    certainly or possibly. This is the list an advocate can still act on.
    """

    claimant_id: str
    order: int
    to: str | None
    grounds: tuple[RiskGround, ...]
    covered_by: tuple[str, ...]
    evidence: tuple[int, ...]
    explanation: str


@attrs.frozen(kw_only=True)
class Summary:
    """Counts over the whole report.

    ``returns = covered + possibly_covered + unassured``: ``covered`` counts the
    returns a given assurance certainly covers, ``possibly_covered`` those that
    some may cover but none surely does, ``unassured`` those none can cover.
    ``breaches`` counts breaches by commitment kind and certainty.
    """

    returns: int
    covered: int
    unassured: int
    removed_to_country_of_origin: int
    breaches: Mapping[str, Mapping[Certainty, int]] = attrs.field(factory=dict)
    possibly_covered: int = 0


@attrs.frozen(kw_only=True)
class Hinge:
    """A fact that would settle possible findings, if it were recorded.

    ``action`` says what to record ("record the crossing of"), for the
    claimants ``claimant_ids``; ``findings`` counts the possible findings that
    hinge on it (a finding with two reasons hinges on two facts);
    ``reason`` is the tag it settles.
    """

    reason: Reason
    action: str
    claimant_ids: tuple[str, ...]
    findings: int

    def to_text(self) -> str:
        """One line: what to record, for whom, and how many findings hinge on it."""
        ids = self.claimant_ids
        if len(ids) > _NAMED:
            shown = f"{', '.join(ids[:_NAMED])} and {len(ids) - _NAMED} more"
        elif len(ids) > 1:
            shown = f"{', '.join(ids[:-1])} and {ids[-1]}"
        else:
            shown = ids[0]
        many = "1 finding hinges" if self.findings == 1 else f"{self.findings} findings hinge"
        return f"{self.action} {shown}: {many} on it"


#: How many claimants a line of "what would settle it" names before it counts the rest.
_NAMED = 5


def bracketed(certainty: Certainty, reasons: tuple[Reason, ...]) -> str:
    """``[certain]``, or ``[possible: coverage uncertain, record missing]``."""
    if not reasons:
        return f"[{certainty}]"
    return f"[{certainty}: {', '.join(reason.replace('_', ' ') for reason in reasons)}]"


def _escape(value: object) -> str:
    return html.escape(one_line(str(value)), quote=True)


#: The order of each list of a report, as keys for ``sorted`` (made in C): by
#: claimant first, so the reports of disjoint claimants merge by sorting their
#: lists together (``Report.merge``).
BREACH_ORDER = operator.attrgetter("claimant_id", "assurance_id", "commitment", "evidence")
UNASSURED_ORDER = operator.attrgetter("claimant_id")
EXPOSURE_ORDER = operator.attrgetter("claimant_id", "evidence")
AT_RISK_ORDER = operator.attrgetter("claimant_id", "order")


@attrs.frozen(kw_only=True)
class Report:
    """What :func:`~assurance_ledger.checker.check` found, judged as of ``as_of``."""

    as_of: dt.date
    breaches: tuple[Breach, ...]
    unassured_returns: tuple[UnassuredReturn, ...]
    exposures: tuple[Exposure, ...]
    summary: Summary
    #: The requests still pending, by ``assurance_id``.
    pending_requests: tuple[PendingRequest, ...] = ()
    #: What would settle the most possible findings, most first. Shown at the
    #: end of the text and HTML forms; not in the JSON, which keeps the
    #: format's keys (each finding's ``reasons`` carry the same facts).
    to_settle: tuple[Hinge, ...] = ()
    #: The claimants at risk now, by claimant (then order).
    at_risk: tuple[AtRisk, ...] = ()

    @classmethod
    def merge(cls, reports: Iterable[Report]) -> Report:
        """Join the reports of disjoint claimant parts of one ledger, as of one day.

        ``reports`` are what ``check(ledger, as_of, claimants=part)`` returned
        for each part (see :func:`~assurance_ledger.partition.partitions`);
        the result equals ``check`` of their union: findings concatenated and
        sorted, counts summed, pending requests counted over every part.
        Whether the parts are disjoint and of one ledger is the caller's to
        know (a claimant in two parts is counted twice); reports as of
        different days, or none, raise
        :class:`~assurance_ledger.errors.PartitionError`.
        """
        from ._merge import merge_reports  # noqa: PLC0415 -- _merge builds reports: a cycle

        return merge_reports(reports)

    def to_json(self) -> dict[str, Any]:
        """The report in the JSON shape of ``docs/format.md``."""
        return {
            "as_of": self.as_of.isoformat(),
            "pending_requests": [
                {
                    "assurance_id": p.assurance_id,
                    "requested_by": p.requested_by,
                    "requested_of": p.requested_of,
                    "on": p.on.to_json(),
                    "unassured_in_scope": p.unassured_in_scope,
                }
                for p in self.pending_requests
            ],
            "breaches": [
                {
                    "assurance_id": b.assurance_id,
                    "commitment": b.commitment,
                    "claimant_id": b.claimant_id,
                    "certainty": b.certainty,
                    "reasons": list(b.reasons),
                    "evidence": list(b.evidence),
                    "explanation": b.explanation,
                }
                for b in self.breaches
            ],
            "unassured_returns": [
                {"claimant_id": u.claimant_id, "certainty": u.certainty, "reasons": list(u.reasons)}
                for u in self.unassured_returns
            ],
            "exposures": [
                {
                    "claimant_id": e.claimant_id,
                    "returned_by": e.returned_by,
                    "certainty": e.certainty,
                    "reasons": list(e.reasons),
                    "evidence": list(e.evidence),
                    "explanation": e.explanation,
                }
                for e in self.exposures
            ],
            "at_risk": [
                {
                    "claimant_id": a.claimant_id,
                    "order": a.order,
                    "to": a.to,
                    "grounds": list(a.grounds),
                    "covered_by": list(a.covered_by),
                    "evidence": list(a.evidence),
                    "explanation": a.explanation,
                }
                for a in self.at_risk
            ],
            "summary": {
                "returns": self.summary.returns,
                "covered": self.summary.covered,
                "possibly_covered": self.summary.possibly_covered,
                "unassured": self.summary.unassured,
                "removed_to_country_of_origin": self.summary.removed_to_country_of_origin,
                "breaches": {
                    kind: dict(counts) for kind, counts in sorted(self.summary.breaches.items())
                },
            },
        }

    def to_records(self) -> list[dict[str, Any]]:
        """One flat row per breach, exposure, unassured return and claimant at risk, for pandas.

        A row of a claimant at risk (``finding`` ``at_risk``) has no assurance,
        commitment nor certainty: its explanation names the order and the grounds.
        """
        rows: list[dict[str, Any]] = []
        for b in self.breaches:
            rows.append(
                {
                    "as_of": self.as_of.isoformat(),
                    "finding": "breach",
                    "claimant_id": b.claimant_id,
                    "assurance_id": b.assurance_id,
                    "commitment": b.commitment,
                    "certainty": b.certainty,
                    "reasons": list(b.reasons),
                    "evidence": list(b.evidence),
                    "explanation": b.explanation,
                }
            )
        for e in self.exposures:
            rows.append(
                {
                    "as_of": self.as_of.isoformat(),
                    "finding": "exposure",
                    "claimant_id": e.claimant_id,
                    "assurance_id": None,
                    "commitment": None,
                    "certainty": e.certainty,
                    "reasons": list(e.reasons),
                    "evidence": list(e.evidence),
                    "explanation": e.explanation,
                }
            )
        for u in self.unassured_returns:
            why = (
                "no given assurance covers this return"
                if u.certainty == "certain"
                else "no given assurance surely covers this return; some may"
            )
            rows.append(
                {
                    "as_of": self.as_of.isoformat(),
                    "finding": "unassured_return",
                    "claimant_id": u.claimant_id,
                    "assurance_id": None,
                    "commitment": None,
                    "certainty": u.certainty,
                    "reasons": list(u.reasons),
                    "evidence": [],
                    "explanation": why,
                }
            )
        for a in self.at_risk:
            rows.append(
                {
                    "as_of": self.as_of.isoformat(),
                    "finding": "at_risk",
                    "claimant_id": a.claimant_id,
                    "assurance_id": None,
                    "commitment": None,
                    "certainty": None,
                    "reasons": [],
                    "evidence": list(a.evidence),
                    "explanation": a.explanation,
                }
            )
        return rows

    @property
    def clean(self) -> bool:
        """Whether nothing at all was found: no breach and no exposure."""
        return not self.breaches and not self.exposures

    def count(self, certainty: Certainty | None = None) -> int:
        """How many breaches, of one certainty or of both."""
        return sum(1 for b in self.breaches if certainty in (None, b.certainty))

    def to_text(self) -> str:
        """The report for people, in plain text."""
        s = self.summary
        named = with_country_names
        lines = [
            f"Report as of {self.as_of.isoformat()}",
            f"  returns: {s.returns}, covered: {s.covered}, possibly covered: "
            f"{s.possibly_covered}, unassured: {s.unassured}, "
            f"removed to country of origin: {s.removed_to_country_of_origin}",
            f"Pending requests: {len(self.pending_requests)}",
            *(
                f"  {p.assurance_id} ({named(f'{p.requested_by} of {p.requested_of}')}, {p.on}): "
                f"{p.unassured_in_scope} unassured returns in scope"
                for p in self.pending_requests
            ),
            f"Breaches: {len(self.breaches)} ({self.count('certain')} certain, "
            f"{self.count('possible')} possible)",
        ]
        lines += [
            f"  {bracketed(b.certainty, b.reasons)} {b.claimant_id} / {b.assurance_id} / "
            f"{b.commitment}: "
            f"{named(b.explanation)} (entries {', '.join(map(str, b.evidence))})"
            for b in self.breaches
        ]
        lines.append(f"Exposures: {len(self.exposures)}")
        lines += [
            f"  {bracketed(e.certainty, e.reasons)} {e.claimant_id} "
            f"{named(f'(returned by {e.returned_by}): {e.explanation}')} "
            f"(entries {', '.join(map(str, e.evidence))})"
            for e in self.exposures
        ]
        lines.append(f"Unassured returns: {len(self.unassured_returns)}")
        lines += [
            f"  {bracketed(u.certainty, u.reasons)} {u.claimant_id}" for u in self.unassured_returns
        ]
        lines.append(f"At risk now: {len(self.at_risk)}")
        lines += [
            f"  {a.claimant_id} [{', '.join(g.replace('_', ' ') for g in a.grounds)}]: "
            f"{named(a.explanation)} (entries {', '.join(map(str, a.evidence))})"
            for a in self.at_risk
        ]
        if self.to_settle:
            lines.append("What would settle the possible findings:")
            lines += [f"  {h.to_text()}" for h in self.to_settle]
        # Escaped line by line: the library's own words hold nothing to escape.
        return "\n".join(map(one_line, lines))

    def __str__(self) -> str:
        """The plain-text report."""
        return self.to_text()

    def _repr_html_(self) -> str:
        """The report as an HTML table for notebooks; every value from the ledger is escaped."""
        s = self.summary
        head = (
            f"<p><strong>Report as of {_escape(self.as_of.isoformat())}</strong>: "
            f"{s.returns} returns, {s.covered} covered, {s.possibly_covered} possibly "
            f"covered, {s.unassured} unassured, "
            f"{s.removed_to_country_of_origin} removed to country of origin; "
            f"{self.count('certain')} certain and {self.count('possible')} possible "
            f"breaches, {len(self.exposures)} exposures; "
            f"{len(self.pending_requests)} requests pending; "
            f"{len(self.at_risk)} at risk now.</p>"
        )
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{_escape(v)}</td>"
                for v in (
                    row["finding"],
                    row["certainty"] or "",
                    ", ".join(reason.replace("_", " ") for reason in row["reasons"]),
                    row["claimant_id"],
                    row["assurance_id"] or "",
                    row["commitment"] or "",
                    ", ".join(map(str, row["evidence"])),
                    with_country_names(row["explanation"]),
                )
            )
            + "</tr>"
            for row in self.to_records()
        )
        columns = "".join(
            f"<th>{c}</th>"
            for c in (
                "finding",
                "certainty",
                "reasons",
                "claimant",
                "assurance",
                "commitment",
                "entries",
                "explanation",
            )
        )
        settle = ""
        if self.to_settle:
            items = "".join(f"<li>{_escape(h.to_text())}</li>" for h in self.to_settle)
            settle = f"<p>What would settle the possible findings:</p><ul>{items}</ul>"
        return (
            f"{head}<table><thead><tr>{columns}</tr></thead><tbody>{rows}</tbody></table>{settle}"
        )

    def to_pandas(self) -> Any:
        """The rows of :meth:`to_records` as a ``pandas.DataFrame`` (the ``pandas`` extra).

        ``as_of`` is a date (``datetime64``); ``evidence`` keeps its lists of seqs.
        """
        from . import flat  # noqa: PLC0415 -- only for this table, and flat needs no report

        rows = self.to_records()
        return flat.dataframe(rows, flat.columns_of(rows, ROW_FIELDS), days=("as_of",))
