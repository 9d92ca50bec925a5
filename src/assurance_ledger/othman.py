"""The Othman profile of a given assurance: the eleven factors courts weigh, from the evidence.

*Othman (Abu Qatada) v United Kingdom* (ECtHR, 2012, §189) lists what a court
weighs before relying on a diplomatic assurance. :func:`profile` answers each
factor for one given assurance as of a day: its ``finding`` (``for`` when the
factor supports relying on the assurance, ``against``, or ``unknown``), its
``basis`` and the ledger entries it rests on.

* ``assessed``: an :class:`~assurance_ledger.records.Assessment` of that factor
  of that assurance is dated on or before the day (certainly: its latest
  possible day is on or before it; one that may be later does not count yet).
  The latest wins: the one whose latest possible day is latest, then whose
  earliest possible day is latest, then the one recorded last (highest seq).
* ``computed``: no assessment counts, and the ledger can say (the table in
  ``docs/profile.md``), including the ``unknown`` a rule gives for want of
  evidence either way.
* ``none``: no assessment counts and the ledger cannot say: a factor that only
  a person can assess, or a field the rule reads that is not recorded (no
  ``disclosure``, a ``form`` of ``other``, a scope that names no claimants).

``compliance_record`` runs :func:`~assurance_ledger.checker.check` on the
ledger with only the giver's *other* assurances to the same recipient, as of
the same day, so it follows every rule the checker applies (a user's rules
too, passed as ``rules``), and cites the breaches it rests on.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final, Literal, get_args

import attrs

from . import records as r
from .checker import check
from .commitments import Commitment
from .coverage import covers
from .dates import DateSpan, to_span
from .display import nearest, one_line
from .errors import InvalidDate, NotFound
from .ledger import Fact, Ledger
from .records import Factor, FactorFinding
from .report import Breach, Report
from .rules import Rule, RuleSpec

__all__ = [
    "FACTORS",
    "PROFILE_ROW_FIELDS",
    "Basis",
    "Profile",
    "ProfileFactor",
    "profile",
    "profiles",
]

#: What a factor's finding rests on: an assessment, the ledger, or nothing.
Basis = Literal["assessed", "computed", "none"]
#: The eleven factors, in the order of Othman §189 (i) to (xi).
FACTORS: Final[tuple[Factor, ...]] = get_args(Factor)
_FINDINGS: Final[tuple[FactorFinding, ...]] = get_args(FactorFinding)
_NUMERALS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi")
#: Each factor's paragraph of Othman §189.
_PARAGRAPHS: Final[Mapping[Factor, str]] = dict(zip(FACTORS, _NUMERALS, strict=True))
#: The keys of every row of :meth:`Profile.to_records`, in column order.
PROFILE_ROW_FIELDS = (
    "assurance_id",
    "as_of",
    "factor",
    "finding",
    "basis",
    "evidence",
    "explanation",
)
_BINDING = {"treaty", "diplomatic_note", "memorandum"}
_NOT_BINDING = {"oral", "public_statement"}


@attrs.frozen(kw_only=True)
class ProfileFactor:
    """One factor of a profile: what it says, on what basis, from which entries, and why."""

    factor: Factor
    finding: FactorFinding
    basis: Basis
    evidence: tuple[int, ...]
    explanation: str

    def to_json(self) -> dict[str, Any]:
        """The factor in the JSON shape of ``docs/format.md``."""
        return {
            "factor": self.factor,
            "finding": self.finding,
            "basis": self.basis,
            "evidence": list(self.evidence),
            "explanation": self.explanation,
        }


def _escape(value: object) -> str:
    return html.escape(one_line(str(value)), quote=True)


@attrs.frozen(kw_only=True)
class Profile:
    """The Othman profile of assurance ``assurance_id`` as of ``as_of``: the factors in order."""

    assurance_id: str
    as_of: dt.date
    factors: tuple[ProfileFactor, ...]

    @property
    def summary(self) -> dict[FactorFinding, int]:
        """How many factors are for, against and unknown (a new dict each time)."""
        counts = dict.fromkeys(_FINDINGS, 0)
        for each in self.factors:
            counts[each.finding] += 1
        return counts

    def __getitem__(self, factor: str) -> ProfileFactor:
        """The factor of that name; ``KeyError`` for a name not among :data:`FACTORS`."""
        for each in self.factors:
            if each.factor == factor:
                return each
        raise KeyError(factor)

    def to_json(self) -> dict[str, Any]:
        """The profile in the JSON shape of ``docs/format.md``."""
        return {
            "assurance_id": self.assurance_id,
            "as_of": self.as_of.isoformat(),
            "factors": [each.to_json() for each in self.factors],
            "summary": self.summary,
        }

    def to_records(self) -> list[dict[str, Any]]:
        """One flat row per factor (keys :data:`PROFILE_ROW_FIELDS`), for ``pandas.DataFrame``."""
        return [
            {
                "assurance_id": self.assurance_id,
                "as_of": self.as_of.isoformat(),
                **each.to_json(),
                "evidence": each.evidence,
            }
            for each in self.factors
        ]

    def to_text(self) -> str:
        """The profile for people: a line per factor, then the counts."""
        lines = [f"Othman profile of assurance {one_line(self.assurance_id)} as of {self.as_of}:"]
        for each in self.factors:
            seqs = ", ".join(map(str, each.evidence)) or "-"
            lines.append(
                f"  ({_PARAGRAPHS[each.factor]}) {each.factor}: {each.finding} [{each.basis}; "
                f"evidence {seqs}] {one_line(each.explanation)}"
            )
        counts = self.summary
        lines.append(", ".join(f"{finding} {counts[finding]}" for finding in _FINDINGS))
        return "\n".join(lines)

    def __str__(self) -> str:
        """The text form (:meth:`to_text`)."""
        return self.to_text()

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self) -> str:
        """The profile as an HTML table (as notebooks show it), every string escaped."""
        counts = self.summary
        rows = "".join(
            f"<tr><td>({_PARAGRAPHS[each.factor]})</td><td>{each.factor}</td>"
            f"<td>{each.finding}</td><td>{each.basis}</td>"
            f"<td>{', '.join(map(str, each.evidence))}</td>"
            f"<td>{_escape(each.explanation)}</td></tr>"
            for each in self.factors
        )
        return (
            f"<p>Othman profile of assurance <code>{_escape(self.assurance_id)}</code> as of "
            f"{self.as_of}: {', '.join(f'{f} {counts[f]}' for f in _FINDINGS)}</p>"
            "<table><thead><tr><th>§189</th><th>factor</th><th>finding</th><th>basis</th>"
            f"<th>evidence</th><th>explanation</th></tr></thead><tbody>{rows}</tbody></table>"
        )


# -- the profile --------------------------------------------------------------------


def _day(as_of: dt.date | str | DateSpan) -> dt.date:
    span = to_span(as_of)
    if not isinstance(span, DateSpan) or not span.is_exact:
        raise InvalidDate(("as_of",), "one day written YYYY-MM-DD, like 2020-06-30", repr(as_of))
    return span.earliest


@attrs.frozen
class _Subject:
    """The assurance profiled, and the facts of the ledger it is judged against."""

    seq: int
    given: r.AssuranceGiven
    facts: tuple[Fact, ...]
    day: dt.date
    rules: Mapping[type[Commitment], Rule | RuleSpec] | None

    def found(
        self, factor: Factor, finding: FactorFinding, explanation: str, *seqs: int
    ) -> ProfileFactor:
        return ProfileFactor(
            factor=factor,
            finding=finding,
            basis="computed",
            evidence=tuple(sorted({self.seq, *seqs})),
            explanation=explanation,
        )

    def withdrawal(self) -> DateSpan | None:
        """The date of the assurance's withdrawal as of the day, if any."""
        for fact in self.facts:
            record = fact.record
            if (
                isinstance(record, r.AssuranceWithdrawn)
                and record.assurance_id == self.given.assurance_id
                and record.on.latest <= self.day
            ):
                return record.on
        return None

    def checked(self, keep: set[str]) -> Report:
        """The checker's report as of the day, with only the given assurances ``keep``."""
        facts = (
            f
            for f in self.facts
            if not isinstance(f.record, r.AssuranceRecord) or f.record.assurance_id in keep
        )
        return check(facts, self.day, rules=self.rules)


def _none(factor: Factor, explanation: str) -> ProfileFactor:
    return ProfileFactor(
        factor=factor, finding="unknown", basis="none", evidence=(), explanation=explanation
    )


def _terms_disclosed(s: _Subject) -> ProfileFactor:
    disclosure = s.given.disclosure
    if disclosure is None:
        return _none("terms_disclosed", "the assurance's disclosure is not recorded")
    finding: FactorFinding = "against" if disclosure == "confidential" else "for"
    return s.found("terms_disclosed", finding, f"the terms are {disclosure.replace('_', ' ')}")


def _numbers(commitment: Commitment) -> list[str]:
    return [
        f"{field.name} {value}"
        for field in attrs.fields(type(commitment))
        if isinstance(value := getattr(commitment, field.name), int) and not isinstance(value, bool)
    ]


def _specific(s: _Subject) -> ProfileFactor:
    named = s.given.scope.claimants
    if named:
        return s.found("specific", "for", f"the scope names {len(named)} claimant(s)")
    numbered = [f"{c.KIND} ({', '.join(n)})" for c in s.given.commitments if (n := _numbers(c))]
    if numbered:
        return s.found("specific", "for", "a commitment has a number: " + "; ".join(numbered))
    return s.found(
        "specific", "against", "the scope names no claimant and no commitment has a number"
    )


def _binding_authority(s: _Subject) -> ProfileFactor:
    form = s.given.form
    by = f" by {s.given.authority}" if s.given.authority else ""
    if form in _BINDING:
        return s.found("binding_authority", "for", f"given as a {form.replace('_', ' ')}{by}")
    if form in _NOT_BINDING:
        return s.found("binding_authority", "against", f"given as {form.replace('_', ' ')}{by}")
    return _none("binding_authority", f"given in a form recorded as {form}{by}")


def _breach_line(b: Breach) -> str:
    return f"{b.assurance_id} {b.commitment} ({b.claimant_id}, {b.certainty}: {b.explanation})"


def _listed(breaches: Iterable[Breach]) -> str:
    return "; ".join(map(_breach_line, breaches))


def _compliance_record(s: _Subject) -> ProfileFactor:
    giver, recipient = s.given.given_by, s.given.given_to
    others = sorted(
        {
            f.record.assurance_id: f.seq
            for f in s.facts
            if isinstance(f.record, r.AssuranceGiven)
            and (f.record.given_by, f.record.given_to) == (giver, recipient)
            and f.record.assurance_id != s.given.assurance_id
            and f.record.on.earliest <= s.day  # given by the day, as check counts it
        }.items(),
        key=lambda item: item[1],
    )
    factor: Factor = "compliance_record"
    if not others:
        return s.found(factor, "unknown", f"{giver} gave {recipient} no other assurance by {s.day}")
    report = s.checked({ident for ident, _ in others})
    names = ", ".join(ident for ident, _ in others)
    certain = [b for b in report.breaches if b.certainty == "certain"]
    if certain:
        seqs = {seq for b in certain for seq in b.evidence}
        return s.found(
            factor,
            "against",
            f"{len(certain)} certain breach(es) of {giver}'s other assurances to {recipient} "
            f"as of {s.day}: {_listed(certain)}",
            *seqs,
        )
    if report.breaches:
        seqs = {seq for b in report.breaches for seq in b.evidence}
        return s.found(
            factor,
            "unknown",
            f"{len(report.breaches)} possible breach(es), none certain, of {giver}'s other "
            f"assurances to {recipient} as of {s.day}: {_listed(report.breaches)}",
            *seqs,
        )
    given = [seq for _, seq in others]
    if report.summary.covered:
        return s.found(
            factor,
            "for",
            f"{giver}'s other assurances to {recipient} ({names}) covered "
            f"{report.summary.covered} return(s) as of {s.day}, with no breach",
            *given,
        )
    return s.found(
        factor,
        "unknown",
        f"{giver}'s other assurances to {recipient} ({names}) covered no return as of {s.day}",
        *given,
    )


def _unprivate_visits(s: _Subject) -> Iterator[tuple[int, int]]:
    """The visits not private (and the returns they follow) under this assurance, by the day.

    A visit counts when it is certainly on or after the giving and on or before
    the day (and the withdrawal, if any), of a claimant the assurance certainly covers.
    """
    given, day = s.given, s.day
    withdrawn = s.withdrawal()
    returns: dict[str, int] = {}
    for fact in s.facts:
        record = fact.record
        if isinstance(record, r.ClaimantReturned):
            if (
                (record.returned_by, record.returned_to) == (given.given_to, given.given_by)
                and record.on.latest <= day
                and covers(given.scope, record, withdrawn=withdrawn).certain
            ):
                returns[record.claimant_id] = fact.seq
        elif (
            isinstance(record, r.MonitoringVisit)
            and not record.private
            and record.claimant_id in returns
            and given.on.latest <= record.on.earliest
            and record.on.latest <= day
            and (withdrawn is None or record.on.latest <= withdrawn.earliest)
        ):
            yield returns[record.claimant_id], fact.seq


def _verifiable(s: _Subject) -> ProfileFactor:
    factor: Factor = "verifiable"
    kinds = {c.KIND: c for c in s.given.commitments}
    monitoring = kinds.get("monitoring_access")
    if monitoring is None:
        return s.found(factor, "against", "no monitoring_access commitment")
    report = s.checked({s.given.assurance_id})
    failed = [
        b
        for b in report.breaches
        if b.commitment == "monitoring_access" and b.certainty == "certain"
    ]
    cited = {seq for b in failed for seq in b.evidence}
    visits = [v for v in _unprivate_visits(s) if v[1] not in cited]
    if failed or visits:
        reasons = [_listed(failed)] if failed else []
        if visits:
            reasons.append("visits not private at seq " + ", ".join(str(v) for _, v in visits))
        seqs = {seq for b in failed for seq in b.evidence} | {seq for v in visits for seq in v}
        return s.found(factor, "against", "monitoring failed: " + "; ".join(reasons), *seqs)
    doubts = [
        b for b in report.breaches if b.commitment in ("monitoring_access", "access_to_counsel")
    ]
    missing = []
    if not getattr(monitoring, "private", False):
        missing.append("monitoring_access does not promise private visits")
    if "access_to_counsel" not in kinds:
        missing.append("no access_to_counsel commitment")
    if doubts:
        missing.append("possible failures: " + _listed(doubts))
    if missing:
        seqs = {seq for b in doubts for seq in b.evidence}
        return s.found(factor, "unknown", "; ".join(missing), *seqs)
    return s.found(
        factor,
        "for",
        f"private monitoring and access to counsel promised, and no failure recorded by {s.day}",
    )


def _prior_ill_treatment(s: _Subject) -> ProfileFactor:
    factor: Factor = "prior_ill_treatment"
    named = s.given.scope.claimants
    if not named:
        return _none(factor, "the scope names no claimant: there is no one person to ask about")
    giver, giving = s.given.given_by, s.given.on
    before = [
        f
        for f in s.facts
        if isinstance(f.record, r.IllTreatment)
        and f.record.claimant_id in named
        and f.record.by == giver
        and f.record.on.latest < giving.earliest
        and f.record.on.latest <= s.day  # on record by the day
    ]
    if before:
        what = "; ".join(
            f"{f.record.claimant_id} on {f.record.on} (seq {f.seq}"  # type: ignore[attr-defined]
            + (", substantiated)" if f.record.substantiated else ", not substantiated)")  # type: ignore[attr-defined]
            for f in before
        )
        return s.found(
            factor,
            "against",
            f"ill-treated by {giver} before the giving ({giving}): {what}",
            *(f.seq for f in before),
        )
    return s.found(
        factor,
        "unknown",
        f"no ill-treatment by {giver} of a named claimant is dated before {giving}",
    )


def _assessed_only(factor: Factor) -> Callable[[_Subject], ProfileFactor]:
    def rule(_: _Subject) -> ProfileFactor:
        return _none(factor, "assessed only: no assessment of this factor recorded by the day")

    return rule


_COMPUTE: Mapping[str, Callable[[_Subject], ProfileFactor]] = {
    "terms_disclosed": _terms_disclosed,
    "specific": _specific,
    "binding_authority": _binding_authority,
    "compliance_record": _compliance_record,
    "verifiable": _verifiable,
    "prior_ill_treatment": _prior_ill_treatment,
}


def _latest(assessments: list[tuple[int, r.Assessment]]) -> tuple[int, r.Assessment] | None:
    """The assessment that decides a factor: latest by latest day, earliest day, then seq."""
    if not assessments:
        return None
    return max(assessments, key=lambda a: (a[1].on.latest, a[1].on.earliest, a[0]))


def _assessed(seq: int, assessment: r.Assessment) -> ProfileFactor:
    said = f"assessed {assessment.finding} on {assessment.on}"
    if assessment.note:
        said += f": {assessment.note}"
    if assessment.source is not None:
        said += f" (source: {assessment.source.citation})"
    return ProfileFactor(
        factor=assessment.factor,
        finding=assessment.finding,
        basis="assessed",
        evidence=(seq,),
        explanation=said,
    )


def profile(
    ledger: Ledger | Iterable[Fact],
    assurance_id: str,
    as_of: dt.date | str | DateSpan,
    *,
    rules: Mapping[type[Commitment], Rule | RuleSpec] | None = None,
) -> Profile:
    """The Othman profile of the given assurance ``assurance_id`` as of the day ``as_of``.

    Reads the ledger's current view (corrections applied). ``rules`` are passed
    to :func:`~assurance_ledger.checker.check` for ``compliance_record`` and
    ``verifiable``. Raise :class:`~assurance_ledger.errors.NotFound` when no
    assurance was given under that id (naming the nearest id that was), and
    :class:`~assurance_ledger.errors.InvalidDate` unless ``as_of`` is one day.
    """
    day = _day(as_of)
    facts = tuple(ledger.facts() if isinstance(ledger, Ledger) else ledger)
    for fact in facts:
        if isinstance(fact.record, r.AssuranceGiven) and fact.record.assurance_id == assurance_id:
            return _profile(_Subject(fact.seq, fact.record, facts, day, rules))
    given_ids = sorted(
        {f.record.assurance_id for f in facts if isinstance(f.record, r.AssuranceGiven)}
    )
    near = nearest(assurance_id, given_ids)
    hint = f"; did you mean {near!r}?" if near is not None else ""
    raise NotFound(f"no assurance given under id {one_line(assurance_id)!r}{hint}")


def profiles(
    ledger: Ledger | Iterable[Fact],
    as_of: dt.date | str | DateSpan,
    *,
    rules: Mapping[type[Commitment], Rule | RuleSpec] | None = None,
) -> tuple[Profile, ...]:
    """The profile of every assurance given in the ledger, in the order of their entries."""
    day = _day(as_of)
    facts = tuple(ledger.facts() if isinstance(ledger, Ledger) else ledger)
    return tuple(
        _profile(_Subject(f.seq, f.record, facts, day, rules))
        for f in facts
        if isinstance(f.record, r.AssuranceGiven)
    )


def _profile(subject: _Subject) -> Profile:
    assurance_id = subject.given.assurance_id
    views: dict[Factor, list[tuple[int, r.Assessment]]] = {factor: [] for factor in FACTORS}
    for fact in subject.facts:
        record = fact.record
        if (
            isinstance(record, r.Assessment)
            and record.assurance_id == assurance_id
            and record.on.latest <= subject.day
        ):
            views[record.factor].append((fact.seq, record))
    factors = []
    for factor in FACTORS:
        latest = _latest(views[factor])
        if latest is not None:
            factors.append(_assessed(*latest))
        else:
            factors.append(_COMPUTE.get(factor, _assessed_only(factor))(subject))
    return Profile(assurance_id=assurance_id, as_of=subject.day, factors=tuple(factors))
