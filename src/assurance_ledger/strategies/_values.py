"""Strategies of single values: dates, countries, sources, scopes, commitments, records."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar, get_args

from hypothesis import strategies as st

from .. import records as r
from .._validate import MAX_DAYS
from ..commitments import (
    BUILTIN_COMMITMENTS,
    AccessToCounsel,
    AccessToProcedure,
    Commitment,
    DetentionLimit,
    HumaneTreatment,
    MonitoringAccess,
    NonRefoulement,
    NoRemovalBeforeDecision,
    Notification,
    RespectInterimMeasures,
)
from ..countries import COUNTRIES
from ..dates import DateSpan

__all__ = [
    "COMMITMENT_STRATEGIES",
    "RECORD_STRATEGIES",
    "commitments",
    "countries",
    "date_spans",
    "days",
    "identifiers",
    "parties",
    "records",
    "scopes",
    "sources",
]

_FIRST = dt.date(1990, 1, 1)
_LAST = dt.date(2040, 12, 31)
_ORGANISATIONS = ("UNHCR", "ICRC", "IOM", "Amnesty International", "Canadian Council for Refugees")


@functools.cache
def countries() -> st.SearchStrategy[str]:
    """Any known ISO 3166-1 alpha-2 code."""
    return st.sampled_from(sorted(COUNTRIES))


@functools.cache
def parties() -> st.SearchStrategy[str]:
    """A country code or an organisation's name."""
    return countries() | st.sampled_from(_ORGANISATIONS)


@functools.cache
def _two_countries() -> st.SearchStrategy[tuple[str, str]]:
    return st.lists(countries(), min_size=2, max_size=2, unique=True).map(lambda p: (p[0], p[1]))


@functools.cache
def identifiers(prefix: str = "") -> st.SearchStrategy[str]:
    """Ids: short readable ones mostly, and now and then any printable text."""
    readable = st.integers(1, 99_999).map(lambda n: f"{prefix}{n}")
    odd = st.text(
        st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
        min_size=1,
        max_size=30,
    ).filter(lambda s: s == s.strip() and s.isprintable())
    return readable | odd


@functools.cache
def days(min_value: dt.date = _FIRST, max_value: dt.date = _LAST) -> st.SearchStrategy[dt.date]:
    """A calendar day between the bounds."""
    return st.dates(min_value, max_value)


@functools.cache
def date_spans(
    min_value: dt.date = _FIRST, max_value: dt.date = _LAST
) -> st.SearchStrategy[DateSpan]:
    """A span of every precision: day, month, year or an explicit range (within the bounds)."""
    exact = days(min_value, max_value).map(lambda d: DateSpan(d, d))
    month = days(min_value, max_value).map(lambda d: DateSpan.month(d.year, d.month))
    year = days(min_value, max_value).map(lambda d: DateSpan.year(d.year))
    # plus_days, not a timedelta: it stops at the calendar's end (bounds may be near it).
    ranged = st.tuples(days(min_value, max_value), st.integers(1, 60)).map(
        lambda p: DateSpan(p[0], min(DateSpan(p[0], p[0]).plus_days(p[1]).latest, max_value))
    )
    return (exact | month | year | ranged).filter(
        lambda s: min_value <= s.earliest and s.latest <= max_value
    )


@functools.cache
def _text() -> st.SearchStrategy[str]:
    printable = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
    lines = st.lists(st.text(printable, min_size=1, max_size=30), min_size=1, max_size=3)
    return lines.map("\n".join).map(str.strip).filter(bool)


@functools.cache
def sources() -> st.SearchStrategy[r.Source]:
    """A source with any combination of its optional gradings."""
    return st.builds(
        r.Source,
        citation=_text(),
        url=st.none()
        | st.sampled_from(("https://example.org/report", "https://example.com/a?b=1")),
        reliability=st.none() | st.sampled_from(get_args(r.Reliability)),
        credibility=st.none() | st.sampled_from(get_args(r.Credibility)),
    )


def _kinds(count: st.SearchStrategy[int]) -> dict[str, st.SearchStrategy[Commitment]]:
    """A strategy for each built-in kind, its day counts drawn from ``count``."""
    return {
        NonRefoulement.KIND: st.builds(
            NonRefoulement, absolute=st.booleans(), indirect=st.booleans()
        ),
        NoRemovalBeforeDecision.KIND: st.just(NoRemovalBeforeDecision()),
        AccessToProcedure.KIND: st.builds(AccessToProcedure, within_days=count),
        DetentionLimit.KIND: st.builds(DetentionLimit, max_days=count),
        Notification.KIND: st.builds(Notification, within_days=count),
        HumaneTreatment.KIND: st.just(HumaneTreatment()),
        MonitoringAccess.KIND: st.builds(
            MonitoringAccess, first_visit_within_days=st.none() | count, private=st.booleans()
        ),
        RespectInterimMeasures.KIND: st.just(RespectInterimMeasures()),
        AccessToCounsel.KIND: st.just(AccessToCounsel()),
    }


_SMALL_DAYS = 400

#: A strategy for each built-in commitment kind, by ``kind`` tag (read-only).
COMMITMENT_STRATEGIES: Mapping[str, st.SearchStrategy[Commitment]] = MappingProxyType(
    _kinds(st.integers(0, _SMALL_DAYS))
)


@functools.cache
def commitments(
    max_days: int = _SMALL_DAYS, kind: str | None = None
) -> st.SearchStrategy[Commitment]:
    """Any built-in commitment (of ``kind`` only, if given), its day counts at most ``max_days``.

    The default keeps deadlines within a year or so, as real ones are; pass
    ``MAX_DAYS`` (a century, the most a record may name) to reach the longest.
    """
    if not 0 <= max_days <= MAX_DAYS:  # the strategies make only valid values
        raise ValueError(f"max_days must be from 0 to {MAX_DAYS}, got {max_days}")
    if kind is not None and kind not in BUILTIN_COMMITMENTS:
        raise ValueError(f"kind must be one of {sorted(BUILTIN_COMMITMENTS)}, got {kind!r}")
    kinds = COMMITMENT_STRATEGIES if max_days == _SMALL_DAYS else _kinds(st.integers(0, max_days))
    return kinds[kind] if kind is not None else st.one_of(*kinds.values())


@functools.cache
def _commitment_lists() -> st.SearchStrategy[tuple[Commitment, ...]]:
    return st.lists(commitments(), min_size=1, max_size=4, unique_by=lambda c: c.KIND).map(tuple)


@st.composite
def scopes(draw: st.DrawFn) -> r.Scope:
    """Any valid scope: each filter present or not."""
    start = draw(st.none() | date_spans())
    until = draw(st.none() | date_spans(min_value=start.earliest if start else _FIRST))
    included = draw(st.none() | st.lists(countries(), min_size=1, max_size=3, unique=True))
    excluded = draw(
        st.lists(countries(), max_size=2, unique=True).map(
            lambda xs: [x for x in xs if x not in (included or ())]
        )
    )
    crossings = get_args(r.Crossing)
    return r.Scope(
        returns_from=start,
        returns_until=until,
        crossings=draw(st.none() | st.lists(st.sampled_from(crossings), min_size=1, unique=True)),
        nationalities=included,
        exclude_nationalities=excluded,
        claimants=draw(
            st.none() | st.lists(identifiers("c-"), min_size=1, max_size=3, unique=True)
        ),
        minors_only=draw(st.booleans()),
    )


@functools.cache
def _optional_source() -> st.SearchStrategy[r.Source | None]:
    return st.none() | sources()


@st.composite
def _assurance_requested(draw: st.DrawFn) -> r.AssuranceRequested:
    by, of = draw(_two_countries())
    return r.AssuranceRequested(
        source=draw(_optional_source()),
        assurance_id=draw(identifiers("a-")),
        on=draw(date_spans()),
        requested_by=by,
        requested_of=of,
        commitments=draw(_commitment_lists()),
        scope=draw(scopes()),
    )


@st.composite
def _assurance_given(draw: st.DrawFn) -> r.AssuranceGiven:
    by, to = draw(_two_countries())
    return r.AssuranceGiven(
        source=draw(_optional_source()),
        assurance_id=draw(identifiers("a-")),
        on=draw(date_spans()),
        given_by=by,
        given_to=to,
        form=draw(st.sampled_from(get_args(r.Form))),
        commitments=draw(_commitment_lists()),
        scope=draw(scopes()),
        authority=draw(st.none() | _text()),
        disclosure=draw(st.none() | st.sampled_from(get_args(r.Disclosure))),
        text_sha256=draw(st.none() | st.binary(min_size=32, max_size=32).map(bytes.hex)),
    )


def _assurance_simple(cls: type[Any], **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.builds(
        cls,
        source=_optional_source(),
        assurance_id=identifiers("a-"),
        on=date_spans(),
        **extra,
    )


@st.composite
def _claimant_returned(draw: st.DrawFn) -> r.ClaimantReturned:
    by, to = draw(_two_countries())
    nationalities = draw(st.lists(countries(), max_size=3, unique=True))
    return r.ClaimantReturned(
        source=draw(_optional_source()),
        claimant_id=draw(identifiers("c-")),
        on=draw(date_spans()),
        returned_by=by,
        returned_to=to,
        crossing=draw(st.sampled_from(get_args(r.Crossing))),
        nationalities=nationalities,
        country_of_origin=draw(st.none() | countries()),
        feared_countries=draw(st.none() | st.lists(countries(), max_size=3, unique=True)),
        grounds=draw(st.lists(st.sampled_from(get_args(r.Ground)), unique=True)),
        torture_risk=draw(st.booleans()),
        minor=draw(st.booleans()),
    )


def _outcome(cls: type[Any], **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.builds(
        cls,
        source=_optional_source(),
        outcome_id=identifiers("o-"),
        claimant_id=identifiers("c-"),
        on=date_spans(),
        **extra,
    )


_Move = TypeVar("_Move", r.Removed, r.CustodyTransferred)
_Outcome = TypeVar("_Outcome", bound=r.Outcome)


def _like(base: r.Outcome, cls: type[_Outcome], **fields: Any) -> _Outcome:
    """An outcome of ``cls`` with ``base``'s source, ids and date, and ``fields``."""
    return cls(
        source=base.source,
        outcome_id=base.outcome_id,
        claimant_id=base.claimant_id,
        on=base.on,
        **fields,
    )


@st.composite
def _moved(draw: st.DrawFn, cls: type[_Move]) -> _Move:
    """A removal, or a custody transfer: ``by`` one state, ``to`` another."""
    by, to = draw(_two_countries())
    base = draw(_outcome(r.ContactLost))
    return _like(base, cls, by=by, to=to)


@st.composite
def _notified(draw: st.DrawFn) -> r.Notified:
    by, to = draw(_two_countries())
    base = draw(_outcome(r.ContactLost))
    regarding = draw(identifiers("o-").filter(lambda i: i != base.outcome_id))
    return _like(base, r.Notified, by=by, to=to, regarding=regarding)


@st.composite
def _removal_ordered(draw: st.DrawFn) -> r.RemovalOrdered:
    by, to = draw(_two_countries())
    base = draw(_outcome(r.ContactLost))
    return _like(
        base,
        r.RemovalOrdered,
        by=by,
        to=draw(st.none() | st.just(to)),
        final=draw(st.booleans()),
    )


@st.composite
def _interim_measure_lifted(draw: st.DrawFn) -> r.InterimMeasureLifted:
    base = draw(_outcome(r.ContactLost))
    regarding = draw(identifiers("o-").filter(lambda i: i != base.outcome_id))
    return _like(base, r.InterimMeasureLifted, regarding=regarding)


def _retractable() -> st.SearchStrategy[r.Record]:
    return st.deferred(
        lambda: st.one_of(*(s for t, s in RECORD_STRATEGIES.items() if t != "correction"))
    )


#: A strategy for each record type, by ``type`` tag (read-only).
RECORD_STRATEGIES: Mapping[str, st.SearchStrategy[r.Record]] = MappingProxyType(
    {
        r.AssuranceRequested.TYPE: _assurance_requested(),
        r.AssuranceGiven.TYPE: _assurance_given(),
        r.AssuranceDeclined.TYPE: _assurance_simple(r.AssuranceDeclined),
        r.AssuranceWithdrawn.TYPE: _assurance_simple(
            r.AssuranceWithdrawn, releases_existing=st.booleans()
        ),
        r.ClaimantReturned.TYPE: _claimant_returned(),
        r.Detained.TYPE: _outcome(r.Detained, by=countries()),
        r.Released.TYPE: _outcome(r.Released, by=countries()),
        r.AdmittedToProcedure.TYPE: _outcome(r.AdmittedToProcedure, by=countries()),
        r.ClaimDecided.TYPE: _outcome(
            r.ClaimDecided,
            by=countries(),
            decision=st.sampled_from(get_args(r.Decision)),
            final=st.booleans(),
        ),
        r.Removed.TYPE: _moved(r.Removed),
        r.Departed.TYPE: _outcome(r.Departed, to=countries(), coerced=st.booleans()),
        r.IllTreatment.TYPE: _outcome(r.IllTreatment, by=countries(), substantiated=st.booleans()),
        r.Notified.TYPE: _notified(),
        r.MonitoringVisit.TYPE: _outcome(
            r.MonitoringVisit,
            by=parties(),
            private=st.booleans(),
            medical_examination=st.booleans(),
        ),
        r.MonitoringDenied.TYPE: _outcome(r.MonitoringDenied, by=countries()),
        r.ContactLost.TYPE: _outcome(r.ContactLost),
        r.RemovalOrdered.TYPE: _removal_ordered(),
        r.InterimMeasure.TYPE: _outcome(r.InterimMeasure, by=_text(), against=countries()),
        r.InterimMeasureLifted.TYPE: _interim_measure_lifted(),
        r.CustodyTransferred.TYPE: _moved(r.CustodyTransferred),
        r.CounselDenied.TYPE: _outcome(r.CounselDenied, by=countries()),
        r.Checkpoint.TYPE: st.builds(
            r.Checkpoint,
            source=_optional_source(),
            ledger_of=parties(),
            seq=st.integers(1, 10**9),
            hash=st.binary(min_size=32, max_size=32).map(bytes.hex),
        ),
        r.Assessment.TYPE: st.builds(
            r.Assessment,
            source=_optional_source(),
            assessment_id=identifiers("e-"),
            assurance_id=identifiers("a-"),
            factor=st.sampled_from(get_args(r.Factor)),
            finding=st.sampled_from(get_args(r.FactorFinding)),
            on=date_spans(),
            note=st.none() | _text(),
        ),
        r.Correction.TYPE: st.builds(
            r.Correction,
            source=_optional_source(),
            target=st.integers(1, 10**6),
            replacement=st.none() | _retractable(),
            reason=_text(),
        ),
    }
)


def records(
    *types: type[r.Record],
) -> st.SearchStrategy[r.Record]:
    """Any record, or any record of the given classes."""
    chosen = [t.TYPE for t in types] or list(RECORD_STRATEGIES)
    return st.one_of(*(RECORD_STRATEGIES[tag] for tag in chosen))
