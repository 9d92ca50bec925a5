"""Hypothesis strategies that generate valid values of every type in this library.

For property-based tests, the library's own and its users': every strategy here
generates only values that validate, so a test can start from "any valid record"
and change exactly one thing. Needs the ``hypothesis`` package (install
``assurance-ledger[strategies]``).

>>> from hypothesis import given
>>> from assurance_ledger import DEFAULT_CODEC
>>> @given(records())
... def test_round_trip(record):
...     assert DEFAULT_CODEC.loads(DEFAULT_CODEC.dumps(record)) == record
>>> test_round_trip()
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, get_args

import attrs

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover -- exercised by a subprocess test
    raise ImportError(
        "assurance_ledger.strategies needs hypothesis: pip install 'assurance-ledger[strategies]'"
    ) from exc

from . import records as r
from .chain import format_time
from .commitments import (
    BUILTIN_COMMITMENTS,
    AccessToProcedure,
    Commitment,
    DetentionLimit,
    HumaneTreatment,
    MonitoringAccess,
    NonRefoulement,
    NoRemovalBeforeDecision,
    Notification,
)
from .countries import COUNTRIES
from .dates import DateSpan
from .ledger import Ledger

__all__ = [
    "COMMITMENT_STRATEGIES",
    "PLANTABLE",
    "RECORD_STRATEGIES",
    "Scenario",
    "clean_ledgers",
    "commitments",
    "countries",
    "date_spans",
    "days",
    "identifiers",
    "ledgers",
    "ledgers_with_breaches",
    "parties",
    "records",
    "scopes",
    "sources",
    "write_ledger",
    "write_steps",
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
    ranged = st.tuples(days(min_value, max_value), st.integers(1, 60)).map(
        lambda p: DateSpan(p[0], min(p[0] + dt.timedelta(days=p[1]), max_value))
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


_small_days = st.integers(0, 400)

#: A strategy for each built-in commitment kind, by ``kind`` tag (read-only).
COMMITMENT_STRATEGIES: Mapping[str, st.SearchStrategy[Commitment]] = MappingProxyType(
    {
        NonRefoulement.KIND: st.builds(
            NonRefoulement, absolute=st.booleans(), indirect=st.booleans()
        ),
        NoRemovalBeforeDecision.KIND: st.just(NoRemovalBeforeDecision()),
        AccessToProcedure.KIND: st.builds(AccessToProcedure, within_days=_small_days),
        DetentionLimit.KIND: st.builds(DetentionLimit, max_days=_small_days),
        Notification.KIND: st.builds(Notification, within_days=_small_days),
        HumaneTreatment.KIND: st.just(HumaneTreatment()),
        MonitoringAccess.KIND: st.builds(
            MonitoringAccess,
            first_visit_within_days=st.none() | _small_days,
            private=st.booleans(),
        ),
    }
)


@functools.cache
def commitments() -> st.SearchStrategy[Commitment]:
    """Any built-in commitment."""
    return st.one_of(*COMMITMENT_STRATEGIES.values())


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


@st.composite
def _removed(draw: st.DrawFn) -> r.Removed:
    by, to = draw(_two_countries())
    base = draw(_outcome(r.ContactLost))
    return r.Removed(
        source=base.source,
        outcome_id=base.outcome_id,
        claimant_id=base.claimant_id,
        on=base.on,
        by=by,
        to=to,
    )


@st.composite
def _notified(draw: st.DrawFn) -> r.Notified:
    by, to = draw(_two_countries())
    base = draw(_outcome(r.ContactLost))
    regarding = draw(identifiers("o-").filter(lambda i: i != base.outcome_id))
    return r.Notified(
        source=base.source,
        outcome_id=base.outcome_id,
        claimant_id=base.claimant_id,
        on=base.on,
        by=by,
        to=to,
        regarding=regarding,
    )


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
        r.Removed.TYPE: _removed(),
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
        r.Checkpoint.TYPE: st.builds(
            r.Checkpoint,
            source=_optional_source(),
            ledger_of=parties(),
            seq=st.integers(1, 10**9),
            hash=st.binary(min_size=32, max_size=32).map(bytes.hex),
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


# -- whole ledgers ---------------------------------------------------------------------
#
# A ledger is drawn as a list of seeds, one per entry: each seed drives a plain
# random.Random that writes that entry, given what is already written. That is
# fast (hundreds of 50-entry ledgers a second), and it shrinks well: hypothesis
# deletes and simplifies seeds, and every list of seeds still writes a valid
# ledger, so a failing ledger shrinks to the few entries that make it fail.

_ACTIONS = ("return", "outcome", "outcome", "outcome", "assurance", "notify", "correct", "check")
_OUTCOME_TYPES = (
    r.Detained,
    r.Released,
    r.AdmittedToProcedure,
    r.ClaimDecided,
    r.Removed,
    r.Departed,
    r.IllTreatment,
    r.MonitoringVisit,
    r.MonitoringDenied,
    r.ContactLost,
)
_PEOPLE = ("HT", "VE", "ER", "CO", "SY", "AF", "SO", "CD", "NG", "TR", "IR", "PS")
_THIRD = ("MX", "GT", "PA", "HN", "SV")
_CITATIONS = (
    "Synthetic record for testing",
    "Note verbale, 27 March 2020",
    "NGO monitoring report \u2014 \u00e9t\u00e9 2020",
    "Lawyer's affidavit",
)
_START = dt.date(2019, 6, 1)


class _Writer:
    """Writes one valid ledger from a seeded random source (private)."""

    def __init__(
        self,
        recipient: str,
        giver: str,
        window: tuple[dt.date, dt.date],
        kinds: frozenset[str] | None,
    ) -> None:
        self.rng = random.Random()  # noqa: S311 -- test data, not cryptography
        self.recipient, self.giver = recipient, giver
        self.third = tuple(c for c in _THIRD if c not in (recipient, giver))
        self.places = tuple(c for c in (*_THIRD, *_PEOPLE) if c != giver)
        self.window, self.kinds = window, kinds
        self.returns: dict[str, r.ClaimantReturned] = {}
        self.outcomes: dict[str, r.Outcome] = {}
        self.referenced: set[str] = set()
        self.pending: dict[str, r.AssuranceRequested] = {}
        self.active: dict[str, r.AssuranceGiven] = {}
        self.assurances = 0

    def span(self, earliest: dt.date | None = None) -> DateSpan:
        """A span within the window, starting on or after ``earliest``.

        (A span that must start after the window's end starts on ``earliest``.)
        """
        rng = self.rng
        low, high = self.window
        start = max(earliest or low, low)
        room = (high - start).days
        first = start + dt.timedelta(days=rng.randrange(0, room + 1)) if room > 0 else start
        last = max(high, first)
        shape = rng.random()
        if shape < 0.7:
            return DateSpan(first, first)
        month = DateSpan.month(first.year, first.month)
        if shape < 0.85 and first.day == 1 and month.latest <= last:
            return month
        year = DateSpan.year(first.year)
        if shape < 0.9 and month.earliest == year.earliest and year.latest <= last:
            return year
        end = min(first + dt.timedelta(days=rng.randrange(1, 45)), last)
        return DateSpan(first, end)

    def source(self) -> r.Source | None:
        rng = self.rng
        if rng.random() < 0.7:
            return None
        return r.Source(
            citation=rng.choice(_CITATIONS),
            url=rng.choice((None, "https://example.org/report")),
            reliability=rng.choice((None, "A", "B", "C", "D", "E", "F")),
            credibility=rng.choice((None, 1, 2, 3, 4, 5, 6)),
        )

    def some(self, pool: tuple[str, ...], most: int) -> tuple[str, ...]:
        return tuple(self.rng.sample(pool, self.rng.randint(0, most)))

    def claimant(self) -> r.ClaimantReturned:
        rng = self.rng
        nationalities = self.some(_PEOPLE, 2)
        return r.ClaimantReturned(
            source=self.source(),
            claimant_id=f"c-{len(self.returns) + 1}",
            on=self.span(),
            returned_by=self.recipient,
            returned_to=self.giver,
            crossing=rng.choice(get_args(r.Crossing)),
            nationalities=nationalities,
            country_of_origin=rng.choice((None, None, *_PEOPLE)),
            feared_countries=rng.choice((None, None, self.some(_PEOPLE, 2))),
            grounds=tuple(rng.sample(get_args(r.Ground), rng.randint(0, 2))),
            torture_risk=rng.random() < 0.2,
            minor=rng.random() < 0.2,
        )

    def outcome(self, number: int, *, notify: bool) -> r.Outcome:
        rng = self.rng
        claimant_id = rng.choice(sorted(self.returns))
        on = self.span(self.returns[claimant_id].on.earliest)
        common: dict[str, Any] = {
            "source": self.source(),
            "outcome_id": f"o-{number}",
            "claimant_id": claimant_id,
            "on": on,
        }
        mine = sorted(o for o, rec in self.outcomes.items() if rec.claimant_id == claimant_id)
        if notify and mine:
            about = rng.choice(mine)
            self.referenced.add(about)
            return r.Notified(**common, by=self.giver, to=self.recipient, regarding=about)
        cls = rng.choice(_OUTCOME_TYPES)
        by = self.giver if rng.random() < 0.8 else rng.choice(self.third)
        fields: dict[str, Any] = {}
        if cls in (r.Detained, r.Released, r.AdmittedToProcedure, r.MonitoringDenied):
            fields = {"by": by}
        elif cls is r.ClaimDecided:
            fields = {
                "by": by,
                "decision": rng.choice(get_args(r.Decision)),
                "final": rng.random() < 0.6,
            }
        elif cls is r.Removed:
            to = rng.choice(self.places)  # never the giver
            fields = {"by": by if by != to else self.giver, "to": to}
        elif cls is r.Departed:
            fields = {"to": rng.choice(self.places), "coerced": rng.random() < 0.5}
        elif cls is r.IllTreatment:
            fields = {"by": by, "substantiated": rng.random() < 0.5}
        elif cls is r.MonitoringVisit:
            fields = {
                "by": rng.choice((self.recipient, "UNHCR", "ICRC")),
                "private": rng.random() < 0.5,
                "medical_examination": rng.random() < 0.3,
            }
        outcome: r.Outcome = cls(**common, **fields)
        return outcome

    def commitments(self) -> tuple[Commitment, ...]:
        rng = self.rng
        every: list[Commitment] = [
            NonRefoulement(absolute=rng.random() < 0.5, indirect=rng.random() < 0.7),
            NoRemovalBeforeDecision(),
            AccessToProcedure(within_days=rng.randint(0, 60)),
            DetentionLimit(max_days=rng.randint(0, 60)),
            Notification(within_days=rng.randint(0, 30)),
            HumaneTreatment(),
            MonitoringAccess(
                first_visit_within_days=rng.choice((None, rng.randint(0, 60))),
                private=rng.random() < 0.5,
            ),
        ]
        if self.kinds is not None:
            every = [c for c in every if c.KIND in self.kinds]
        return tuple(rng.sample(every, rng.randint(1, len(every))))

    def scope(self) -> r.Scope:
        rng = self.rng
        start = self.span() if rng.random() < 0.5 else None
        until = self.span(start.latest) if start is not None and rng.random() < 0.5 else None
        return r.Scope(
            returns_from=start,
            returns_until=until,
            crossings=rng.choice((None, None, ("between_ports",), ("port_of_entry", "airport"))),
            nationalities=rng.choice((None, None, self.some(_PEOPLE, 3) or None)),
            minors_only=rng.random() < 0.1,
        )

    def assurance(self) -> r.Record:
        rng = self.rng
        self.assurances += 1
        step = rng.choice(("request", "give", "later"))
        if step == "later" and self.active:
            assurance_id = rng.choice(sorted(self.active))
            given = self.active.pop(assurance_id)  # withdrawn at most once
            return r.AssuranceWithdrawn(
                assurance_id=assurance_id,
                on=self.span(given.on.earliest),
                releases_existing=rng.random() < 0.5,
            )
        if step == "give":
            assurance_id, on = f"a-{self.assurances}", self.span()
            commitments, scope = self.commitments(), self.scope()
            if self.pending and rng.random() < 0.5:
                assurance_id = rng.choice(sorted(self.pending))
                asked = self.pending.pop(assurance_id)
                on = self.span(asked.on.earliest)
                commitments, scope = asked.commitments, asked.scope
            given = r.AssuranceGiven(
                source=self.source(),
                assurance_id=assurance_id,
                given_by=self.giver,
                given_to=self.recipient,
                on=on,
                form=rng.choice(get_args(r.Form)),
                commitments=commitments,
                scope=scope,
                authority=rng.choice((None, "Department of State")),
                disclosure=rng.choice((None, *get_args(r.Disclosure))),
                text_sha256=rng.choice((None, f"{rng.getrandbits(256):064x}")),
            )
            self.active[assurance_id] = given
            return given
        asked = r.AssuranceRequested(
            source=self.source(),
            assurance_id=f"a-{self.assurances}",
            requested_by=self.recipient,
            requested_of=self.giver,
            on=self.span(),
            commitments=self.commitments(),
            scope=self.scope(),
        )
        self.pending[asked.assurance_id] = asked
        return asked

    def correction(self, ledger: Ledger) -> r.Record | None:
        """Re-source any record, or retract a leaf (a checkpoint, an unreferenced outcome)."""
        facts = ledger.facts()
        if not facts:
            return None
        fact = self.rng.choice(facts)
        record = fact.record
        leaf = isinstance(record, r.Checkpoint) or (
            isinstance(record, r.Outcome) and record.outcome_id not in self.referenced
        )
        if leaf and self.rng.random() < 0.5:
            if isinstance(record, r.Outcome):
                del self.outcomes[record.outcome_id]
            return r.Correction(target=fact.seq, replacement=None, reason="Recorded in error.")
        if leaf and isinstance(record, r.Outcome) and not isinstance(record, r.Notified):
            changed = self.restated(
                record,
                before=[
                    f.record.claimant_id
                    for f in facts
                    if f.seq < fact.seq and isinstance(f.record, r.ClaimantReturned)
                ],
            )
            self.outcomes[record.outcome_id] = changed
            return r.Correction(target=fact.seq, replacement=changed, reason="Misrecorded.")
        return r.Correction(
            target=fact.seq,
            replacement=attrs.evolve(
                record, source=r.Source(citation=f"Corrected source for entry {fact.seq}")
            ),
            reason="The source was misattributed.",
        )

    def restated(self, record: r.Outcome, *, before: list[str]) -> r.Outcome:
        """An unreferenced outcome re-dated, retyped, or moved to a claimant returned ``before``."""
        rng = self.rng
        how = rng.random()
        if how < 0.4:
            on = self.span(self.returns[record.claimant_id].on.earliest)
            return attrs.evolve(record, on=on)
        if how < 0.7:
            claimant_id = rng.choice(sorted(before))
            on = self.span(self.returns[claimant_id].on.earliest)
            return attrs.evolve(record, claimant_id=claimant_id, on=on)
        if isinstance(record, r.Detained | r.Released):  # a release mistyped as a detention
            other = r.Released if isinstance(record, r.Detained) else r.Detained
            return other(
                outcome_id=record.outcome_id,
                claimant_id=record.claimant_id,
                on=record.on,
                by=record.by,
                source=record.source,
            )
        return attrs.evolve(record, on=self.span(self.returns[record.claimant_id].on.earliest))

    def checkpoint(self) -> r.Checkpoint:
        return r.Checkpoint(
            ledger_of=self.giver,
            seq=self.rng.randint(1, 10_000),
            hash=f"{self.rng.getrandbits(256):064x}",
        )

    def next_record(self, ledger: Ledger) -> r.Record | None:
        action = self.rng.choice(_ACTIONS) if self.returns else "return"
        if action == "return":
            record: r.Record | None = self.claimant()
        elif action in ("outcome", "notify"):
            record = self.outcome(len(ledger) + 1, notify=action == "notify")
        elif action == "assurance":
            record = self.assurance()
        elif action == "correct":
            record = self.correction(ledger)
        else:
            record = self.checkpoint()
        if isinstance(record, r.ClaimantReturned):
            self.returns[record.claimant_id] = record
        elif isinstance(record, r.Outcome):
            self.outcomes[record.outcome_id] = record
        return record


def _options(
    recipient: str,
    giver: str,
    window: tuple[dt.date, dt.date],
    commitment_kinds: Iterable[str] | None,
) -> frozenset[str] | None:
    """Check the options of :func:`ledgers` once, when the strategy is made."""
    if not (recipient in COUNTRIES and giver in COUNTRIES and recipient != giver):
        raise ValueError(f"recipient and giver must be two country codes, not {recipient}, {giver}")
    if window[0] > window[1]:
        raise ValueError(f"the window {window[0]} to {window[1]} ends before it starts")
    if commitment_kinds is None:
        return None
    kinds = frozenset(commitment_kinds)
    unknown = kinds - set(BUILTIN_COMMITMENTS)
    if not kinds or unknown:
        raise ValueError(
            f"commitment_kinds must be built-in kinds ({', '.join(BUILTIN_COMMITMENTS)}), "
            f"not {sorted(unknown) or 'none'}"
        )
    return kinds


def write_steps(
    steps: Iterable[int],
    *,
    recipient: str = "CA",
    giver: str = "US",
    window: tuple[dt.date, dt.date] = (_START, _START + dt.timedelta(days=730)),
    commitment_kinds: Iterable[str] | None = None,
) -> Ledger:
    """The valid ledger whose entries the seeds ``steps`` write, one entry per seed.

    This is what :func:`ledgers` draws: a failing example is reported as a call
    to this function, which rebuilds the same ledger.
    """
    kinds = _options(recipient, giver, window, commitment_kinds)
    writer = _Writer(recipient, giver, window, kinds)
    ledger = Ledger()
    time = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    stamp = format_time(time)
    for seed in steps:
        writer.rng.seed(seed)
        record = writer.next_record(ledger)
        assert record is not None  # noqa: S101 -- a return comes first, so a step always writes
        step = writer.rng.choice((0, 1, 60, 86_400))
        if step:
            time += dt.timedelta(seconds=step)
            stamp = format_time(time)
        ledger.append(record, recorded_by=recipient, recorded_at=stamp)
    return ledger


def _pairs(data: bytes) -> list[int]:
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]


def write_ledger(
    size: int,
    seed: int,
    *,
    recipient: str = "CA",
    giver: str = "US",
    window: tuple[dt.date, dt.date] = (_START, _START + dt.timedelta(days=730)),
    commitment_kinds: Iterable[str] | None = None,
) -> Ledger:
    """The valid ledger of ``size`` entries that ``seed`` writes (see :func:`ledgers`).

    The same arguments always write the same entries, and a smaller size writes
    a prefix of them: for benchmarks, examples, and rebuilding a ledger by hand.
    """
    steps = random.Random(seed)  # noqa: S311 -- test data, not cryptography
    return write_steps(
        [steps.getrandbits(32) for _ in range(size)],
        recipient=recipient,
        giver=giver,
        window=window,
        commitment_kinds=commitment_kinds,
    )


def ledgers(
    *,
    min_size: int = 0,
    max_size: int = 30,
    recipient: str = "CA",
    giver: str = "US",
    window: tuple[dt.date, dt.date] = (_START, _START + dt.timedelta(days=730)),
    commitment_kinds: Iterable[str] | None = None,
) -> st.SearchStrategy[Ledger]:
    """A valid ledger in memory: every entry passes the append rules.

    Claimants are returned by ``recipient`` to ``giver``; outcomes (of every
    type, some by third states) come after their returns; assurances go through
    request, giving and withdrawal in order; notices are about earlier outcomes
    of the same claimant; corrections re-state or retract earlier entries
    safely; dates are exact, by month, or ranges, within ``window``; recording
    times never go back and sometimes repeat. Assurances promise only
    ``commitment_kinds`` (built-in kind tags; all by default). Drawn as one seed
    per entry, so a failing ledger shrinks to the few entries that make it fail.
    Bad options raise ``ValueError`` when the strategy is made.
    """
    kinds = _options(recipient, giver, window, commitment_kinds)
    if not 0 <= min_size <= max_size:
        raise ValueError(f"need 0 <= min_size <= max_size, not {min_size} and {max_size}")
    # Two bytes a step: far cheaper to draw than a list of integers, and
    # hypothesis still shrinks it by deleting steps and lowering their values.
    steps = st.binary(min_size=2 * min_size, max_size=2 * max_size).map(_pairs)
    return st.builds(
        write_steps,
        steps,
        recipient=st.just(recipient),
        giver=st.just(giver),
        window=st.just(window),
        commitment_kinds=st.just(None if kinds is None else tuple(sorted(kinds))),
    )


# -- ledgers with known breaches ---------------------------------------------------------


@attrs.frozen
class Scenario:
    """A generated ledger, the day to check it on, and exactly the breaches it holds.

    ``breaches`` is the oracle: a set of ``(claimant_id, assurance_id,
    commitment, certainty)`` that :func:`~assurance_ledger.checker.check` must
    find, no more and no fewer.
    """

    ledger: Ledger
    as_of: dt.date
    breaches: frozenset[tuple[str, str, str, str]]


_BASE = dt.date(2020, 3, 1)
_ASSURANCE = "a-1"
_GIVER, _RECIPIENT = "US", "CA"
#: The kinds a planted breach can be of (every built-in kind).
PLANTABLE = (
    "non_refoulement",
    "no_removal_before_decision",
    "access_to_procedure",
    "detention_limit",
    "notification",
    "humane_treatment",
    "monitoring_access",
)


def _on(day: int, until: int | None = None) -> DateSpan:
    first = _BASE + dt.timedelta(days=day)
    return DateSpan(first, _BASE + dt.timedelta(days=until) if until is not None else first)


@attrs.define
class _Claimant:
    """One claimant's clean story, as day numbers, before it is written as records."""

    number: int
    returned: int
    nationality: str
    admitted: int | list[int] | None = None  # a day, a [first, last] span, or none
    visit: int | list[int] | None = None
    detained: int | None = None
    released: int | list[int] | None = None
    decision: tuple[str, int | list[int]] | None = None
    removal: tuple[str, int | list[int]] | None = None
    notice: int | None = None
    ill_treatment: bool | None = None  # substantiated?
    denied: int | None = None

    @property
    def id(self) -> str:
        return f"c-{self.number}"

    def days(self) -> list[int]:
        found = [self.returned]
        for value in (
            self.admitted,
            self.visit,
            self.detained,
            self.released,
            self.notice,
            self.denied,
        ):
            if isinstance(value, int):
                found.append(value)
            elif isinstance(value, list):
                found.extend(value)
        for pair in (self.decision, self.removal):
            if pair is not None:
                found.extend(pair[1] if isinstance(pair[1], list) else [pair[1]])
        return found


def _span(value: int | list[int]) -> DateSpan:
    return _on(value) if isinstance(value, int) else _on(value[0], value[1])


def _story_records(story: _Claimant, given: int) -> list[r.Record]:
    cid = story.id
    out: list[r.Record] = [
        r.ClaimantReturned(
            claimant_id=cid,
            on=_on(story.returned),
            returned_by=_RECIPIENT,
            returned_to=_GIVER,
            crossing="between_ports",
            nationalities=(story.nationality,),
        )
    ]

    def outcome(cls: type[Any], on: int | list[int], **fields: Any) -> None:
        out.append(cls(outcome_id=f"o-{cid}-{len(out)}", claimant_id=cid, on=_span(on), **fields))

    if story.detained is not None:
        outcome(r.Detained, story.detained, by=_GIVER)
    if story.released is not None:
        outcome(r.Released, story.released, by=_GIVER)
    if story.admitted is not None:
        outcome(r.AdmittedToProcedure, story.admitted, by=_GIVER)
    if story.visit is not None:
        outcome(r.MonitoringVisit, story.visit, by=_RECIPIENT, private=True)
    if story.denied is not None:
        outcome(r.MonitoringDenied, story.denied, by=_GIVER)
    if story.ill_treatment is not None:
        outcome(
            r.IllTreatment,
            max([*story.days(), given]),  # bound by the assurance, after everything else
            by=_GIVER,
            substantiated=story.ill_treatment,
        )
    if story.decision is not None:
        decision, day = story.decision
        outcome(r.ClaimDecided, day, by=_GIVER, decision=decision, final=True)
    if story.removal is not None:
        to, day = story.removal
        outcome(r.Removed, day, by=_GIVER, to=to)
        removal_id = out[-1].outcome_id  # type: ignore[attr-defined]
        if story.notice is not None:
            outcome(r.Notified, story.notice, by=_GIVER, to=_RECIPIENT, regarding=removal_id)
    return out


@st.composite
def _clean_scenario(
    draw: st.DrawFn, *, min_claimants: int = 1, max_claimants: int = 5
) -> tuple[list[r.Record], list[_Claimant], int, dict[str, Any]]:
    """The records of a breach-free ledger, its claimants' stories, the giving day, the terms."""
    given = draw(st.integers(5, 30))
    terms = {
        "access": draw(st.integers(0, 30)),
        "detention": draw(st.integers(0, 30)),
        "notice": draw(st.integers(0, 14)),
        "visit": draw(st.integers(0, 30)),
        "private": draw(st.booleans()),
        "absolute": draw(st.booleans()),
        "indirect": draw(st.booleans()),
    }
    nationalities = st.sampled_from(("HT", "VE", "ER", "CO", "SY", "AF"))
    stories = []
    for number in range(1, draw(st.integers(min_claimants, max_claimants)) + 1):
        back = draw(st.integers(given - 10, given + 40))
        start = max(back, given)
        story = _Claimant(number, back, draw(nationalities))
        story.admitted = draw(st.integers(back, start + terms["access"]))
        story.visit = draw(st.integers(back, start + terms["visit"]))
        if draw(st.booleans()):
            story.detained = draw(st.integers(back, back + 10))
            held_from = max(story.detained, given)
            story.released = held_from + draw(st.integers(0, terms["detention"]))
        if draw(st.booleans()):
            decided = draw(st.integers(back, back + 60))
            story.decision = (draw(st.sampled_from(("granted", "refused"))), decided)
            if draw(st.booleans()):
                removed = decided + draw(st.integers(0, 30))
                third = draw(st.sampled_from(("MX", "GT", "PA")))
                story.removal = (third, removed)
                story.notice = removed + draw(st.integers(0, terms["notice"]))
        stories.append(story)
    return _assurance_records(given, terms), stories, given, terms


def _assurance_records(given: int, terms: dict[str, Any]) -> list[r.Record]:
    commitments = (
        NonRefoulement(absolute=terms["absolute"], indirect=terms["indirect"]),
        NoRemovalBeforeDecision(),
        AccessToProcedure(within_days=terms["access"]),
        DetentionLimit(max_days=terms["detention"]),
        Notification(within_days=terms["notice"]),
        HumaneTreatment(),
        MonitoringAccess(first_visit_within_days=terms["visit"], private=terms["private"]),
    )
    return [
        r.AssuranceRequested(
            assurance_id=_ASSURANCE,
            requested_by=_RECIPIENT,
            requested_of=_GIVER,
            on=_on(given - 5),
            commitments=commitments,
        ),
        r.AssuranceGiven(
            assurance_id=_ASSURANCE,
            given_by=_GIVER,
            given_to=_RECIPIENT,
            on=_on(given),
            form="diplomatic_note",
            commitments=commitments,
        ),
    ]


def _build(
    assurance: list[r.Record], stories: list[_Claimant], given: int, as_of: int
) -> tuple[Ledger, dt.date]:
    ledger = Ledger()
    time = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)
    ledger.extend(assurance, recorded_by=_RECIPIENT, recorded_at=time)
    for story in stories:
        ledger.extend(_story_records(story, given), recorded_by=_RECIPIENT, recorded_at=time)
    return ledger, _on(as_of).earliest


@st.composite
def clean_ledgers(draw: st.DrawFn, *, max_claimants: int = 5) -> Scenario:
    """A ledger in which every covered claimant's story keeps every commitment.

    One assurance (all seven built-in kinds) given by US to CA; each claimant is
    admitted, visited (privately) and released in time, and any removal is to a
    third state they do not fear, after a final decision, notified in time. The
    scenario's ``breaches`` is empty.
    """
    assurance, stories, given, _ = draw(_clean_scenario(max_claimants=max_claimants))
    last = max([given, *(d for s in stories for d in s.days())])
    ledger, as_of = _build(assurance, stories, given, last + draw(st.integers(0, 60)))
    return Scenario(ledger, as_of, frozenset())


@st.composite
def ledgers_with_breaches(
    draw: st.DrawFn,
    *,
    kinds: tuple[str, ...] = PLANTABLE,
    certainties: tuple[str, ...] = ("certain", "possible"),
    max_claimants: int = 5,
) -> Scenario:
    """A clean ledger with exactly one breach planted, of one of ``kinds`` and ``certainties``.

    The scenario's ``breaches`` names it: the oracle a checker must match.
    """
    assurance, stories, given, terms = draw(_clean_scenario(max_claimants=max_claimants))
    kind = draw(st.sampled_from(kinds))
    certainty = draw(st.sampled_from(certainties))
    story = draw(st.sampled_from(stories))
    planted = _PLANTERS[kind](_Plant(draw, story, certainty == "certain", given, terms))
    last = max([given, *(d for s in stories for d in s.days())])
    as_of = last + draw(st.integers(0, 60))
    if planted is not None:  # a missing record needs its deadline passed by as_of
        as_of = max(as_of, planted + 1)
    ledger, day = _build(assurance, stories, given, as_of)
    return Scenario(ledger, day, frozenset({(story.id, _ASSURANCE, kind, certainty)}))


@attrs.frozen
class _Plant:
    """What planting needs: the claimant, whether certain, the giving day, the terms."""

    draw: st.DrawFn
    story: _Claimant
    sure: bool
    given: int
    terms: dict[str, Any]

    @property
    def start(self) -> int:
        return max(self.story.returned, self.given)

    def later(self) -> int:
        days: int = self.draw(st.integers(0, 5))
        return days

    def removed_after_grant(self) -> int:
        """A final grant, then a removal to a third state notified the same day."""
        story = self.story
        decided = self.start + self.later()
        removed: int = decided + self.draw(st.integers(1, 10))
        story.decision = ("granted", decided)
        story.removal = (self.draw(st.sampled_from(("MX", "GT", "PA"))), removed)
        story.notice = removed
        return removed


def _plant_detention(p: _Plant) -> int | None:
    story = p.story
    story.removal = story.notice = None  # a removal would end the detention
    story.detained = story.detained if story.detained is not None else story.returned
    limit = max(story.detained, p.given) + p.terms["detention"]
    extra = p.later()
    story.released = limit + 1 + extra if p.sure else [limit, limit + 1 + extra]
    return None


def _plant_access(p: _Plant) -> int | None:
    last: int = p.start + p.terms["access"] + 1 + p.later()
    if p.sure:
        p.story.admitted = last  # recorded, too late
        return None
    p.story.admitted = None  # nothing recorded: possible once the deadline has passed
    return last


def _plant_monitoring(p: _Plant) -> int | None:
    if p.sure:
        p.story.denied = p.start + p.later()
        return None
    last = p.start + p.terms["visit"]
    p.story.visit = [last, last + 1 + p.later()]  # a private visit straddling the deadline
    return None


def _plant_humane(p: _Plant) -> int | None:
    p.story.ill_treatment = p.sure  # dated on or after the giving and every other event
    return None


def _plant_notification(p: _Plant) -> int | None:
    removed = p.removed_after_grant()
    if p.sure:
        p.story.notice = removed + p.terms["notice"] + 1 + p.later()
        return None
    p.story.notice = None
    deadline: int = removed + p.terms["notice"] + 1
    return deadline


def _plant_decision(p: _Plant) -> int | None:
    removed = p.removed_after_grant()
    # No decision at all is certain; one whose date straddles the removal is possible.
    p.story.decision = None if p.sure else ("granted", [removed - 1, removed + 1])
    return None


def _plant_refoulement(p: _Plant) -> int | None:
    story = p.story
    removed = p.removed_after_grant()
    story.removal = (story.nationality, removed)  # to the country they fear, after a grant
    if not p.sure:
        # Returned well before the giving and removed on days straddling it: the
        # obligation only maybe binds the removal.
        back = min(story.returned, p.given - 6)
        story.returned = story.admitted = story.visit = back
        story.detained = story.released = None
        story.decision = ("granted", back)
        story.removal = (story.nationality, [p.given - 1, p.given + 1])
        story.notice = p.given - 1
    return None


#: How to plant a breach of each kind; each returns a deadline ``as_of`` must pass.
_PLANTERS: Mapping[str, Any] = MappingProxyType(
    {
        "non_refoulement": _plant_refoulement,
        "no_removal_before_decision": _plant_decision,
        "access_to_procedure": _plant_access,
        "detention_limit": _plant_detention,
        "notification": _plant_notification,
        "humane_treatment": _plant_humane,
        "monitoring_access": _plant_monitoring,
    }
)
