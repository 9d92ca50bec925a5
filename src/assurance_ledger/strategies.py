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
import hashlib
import itertools
import random
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeVar, get_args

import attrs

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover -- exercised by a subprocess test
    raise ImportError(
        "assurance_ledger.strategies needs hypothesis, the strategies extra: from a clone, "
        "pip install -e '.[strategies]'; once published, pip install 'assurance-ledger[strategies]'"
    ) from exc

from . import records as r
from ._validate import MAX_DAYS
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
# A ledger is drawn as a list of seeds, one per entry: each seed drives the
# random words (see _words) that write that entry, given what is already
# written. That is fast (hundreds of 50-entry ledgers a second), and it shrinks
# well: hypothesis deletes and simplifies seeds, and every list of seeds still
# writes a valid ledger, so a failing ledger shrinks to the few entries that
# make it fail.
#
# The draws are written out inline, for they are a large part of the writer's
# time and a Python call costs more than a draw: with ``word`` a step's source
# of random 32-bit words,
#
#     word() * n >> 32                 is an int from 0 to n - 1,
#     items[word() * len(items) >> 32] is one of items,
#     word() < p * 2**32               is true with probability p
#
# (Python folds ``p * 2**32`` into one constant.) The bias of the first two,
# under n / 2**32, is of no matter for test data.

_T = TypeVar("_T")
_Words = Callable[[], int]
_BLOCK = struct.Struct("<16I")  # a BLAKE2b digest as 16 words, little-endian on any platform
_HEX = struct.Struct(">8I")


def _block(key: int) -> tuple[int, ...]:
    """Sixteen random words: the BLAKE2b digest of ``key`` written in decimal."""
    return _BLOCK.unpack(hashlib.blake2b(b"%d" % key).digest())


def _words(seed: int) -> _Words:
    """The endless random words of the step ``seed`` (any int), a word a call.

    A step's words are the blocks of ``seed * 2**16``, ``seed * 2**16 + 1``,
    ..., hashed as the step needs them (most steps use one block, none uses
    2**16, so no two seeds share a block). Reseeding a Mersenne Twister
    (``random.Random``) for every step cost more than most steps' draws, and
    its Python-level ``choice``, ``sample`` and ``randrange`` are slow too;
    taking the next word is a call of a C iterator. A hash spreads nearby
    seeds (0, 1, 2, ..., as shrinking makes them) as well as distant ones, and
    gives the same words on every platform and run.
    """
    return itertools.chain.from_iterable(map(_block, itertools.count(seed << 16))).__next__


def _some(word: _Words, items: Sequence[_T], least: int, most: int) -> tuple[_T, ...]:
    """``least`` to ``most`` of ``items`` (each number as likely), at distinct positions.

    In random order, like ``random.sample``.
    """
    k = least + (word() * (most - least + 1) >> 32)
    n = len(items)
    if k <= 2:  # the common cases, without copying items
        if not k:
            return ()
        i = word() * n >> 32
        if k == 1:
            return (items[i],)
        j = word() * (n - 1) >> 32  # any position but i
        return (items[i], items[j + (j >= i)])
    pool = list(items)
    for i in range(k):  # the first k steps of a Fisher-Yates shuffle
        j = i + (word() * (n - i) >> 32)
        pool[i], pool[j] = pool[j], pool[i]
    return tuple(pool[:k])


def _hex256(word: _Words) -> str:
    """256 random bits as 64 hex digits."""
    return _HEX.pack(*[word() for _ in range(8)]).hex()


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
_BY_ONLY = (r.Detained, r.Released, r.AdmittedToProcedure, r.MonitoringDenied)
_PEOPLE = ("HT", "VE", "ER", "CO", "SY", "AF", "SO", "CD", "NG", "TR", "IR", "PS")
_ORIGINS = (None, None, *_PEOPLE)
_THIRD = ("MX", "GT", "PA", "HN", "SV")
_CITATIONS = (
    "Synthetic record for testing",
    "Note verbale, 27 March 2020",
    "NGO monitoring report \u2014 \u00e9t\u00e9 2020",
    "Lawyer's affidavit",
)
_URLS = (None, "https://example.org/report")
# get_args() of a Literal is slow; these are the constant tuples the writer draws from.
_RELIABILITIES = (None, *get_args(r.Reliability))
_CREDIBILITIES = (None, *get_args(r.Credibility))
_CROSSINGS = get_args(r.Crossing)
_GROUNDS = get_args(r.Ground)
_DECISIONS = get_args(r.Decision)
_FORMS = get_args(r.Form)
_DISCLOSURES = (None, *get_args(r.Disclosure))
_SCOPE_CROSSINGS = (None, None, ("between_ports",), ("port_of_entry", "airport"))
_AUTHORITIES = (None, "Department of State")
_ASSURANCE_STEPS = ("request", "give", "later")
# Seconds from one entry's recording time to the next's: none, a second, a minute, a day.
_TICKS = (0, 1, 60, 86_400)
_START = dt.date(2019, 6, 1)
# Every source the writer cites, as the fields of each; a source is drawn as one of them.
_SOURCE_FIELDS = tuple(itertools.product(_CITATIONS, _URLS, _RELIABILITIES, _CREDIBILITIES))

# Records and their parts are immutable, so the writer shares the values it
# makes again and again instead of building and validating them anew: one-day
# spans, sources, commitments. (The caches are bounded where the values could
# be many: days, and entries whose source is corrected.)


@functools.lru_cache(maxsize=1 << 14)
def _day_span(ordinal: int) -> DateSpan:
    day = dt.date.fromordinal(ordinal)
    return DateSpan(day, day)


@functools.cache
def _source(index: int) -> r.Source:
    citation, url, reliability, credibility = _SOURCE_FIELDS[index]
    return r.Source(citation=citation, url=url, reliability=reliability, credibility=credibility)


@functools.cache
def _promise(kind: str, **parameters: Any) -> Commitment:
    return BUILTIN_COMMITMENTS[kind](**parameters)


@functools.lru_cache(maxsize=1 << 10)
def _corrected_source(seq: int) -> r.Source:
    return r.Source(citation=f"Corrected source for entry {seq}")


_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)


@functools.lru_cache(maxsize=1 << 14)
def _stamp(elapsed: int) -> str:
    """The recording time ``elapsed`` seconds after 2020-01-01, canonical.

    Cached: ledgers share their recording times, and formatting one for every
    entry took much of the writer's time.
    """
    return format_time(_EPOCH + dt.timedelta(seconds=elapsed))


class _Writer:
    """Writes one valid ledger, a step at a time, each from its own words (private).

    ``word`` is the current step's source of random words (see :func:`_words`).
    """

    def __init__(
        self,
        recipient: str,
        giver: str,
        window: tuple[dt.date, dt.date],
        kinds: frozenset[str] | None,
    ) -> None:
        self.word = _words(0)  # each step sets its own
        self.recipient, self.giver = recipient, giver
        self.third = tuple(c for c in _THIRD if c not in (recipient, giver))
        self.places = tuple(c for c in (*_THIRD, *_PEOPLE) if c != giver)
        self.visitors = (recipient, "UNHCR", "ICRC")
        self.days = (window[0].toordinal(), window[1].toordinal())
        self.promised = tuple(
            c for c in BUILTIN_COMMITMENTS.values() if kinds is None or c.KIND in kinds
        )
        self.returns: dict[str, r.ClaimantReturned] = {}
        # The keys of returns, as a list to choose from (returns are never
        # retracted, nor their claimant_id corrected: the list only grows).
        self.claimant_ids: list[str] = []
        self.outcomes: dict[str, r.Outcome] = {}
        self.referenced: set[str] = set()
        self.pending: dict[str, r.AssuranceRequested] = {}
        self.active: dict[str, r.AssuranceGiven] = {}
        self.assurances = 0

    def span(self, earliest: dt.date | None = None) -> DateSpan:
        """A span within the window, starting on or after ``earliest``.

        (A span that must start after the window's end starts on ``earliest``.)
        Days are handled as ordinals, which is quicker than dates and timedeltas.
        """
        word = self.word
        low, high = self.days
        start = low if earliest is None else max(earliest.toordinal(), low)
        first = start + (word() * (high - start + 1) >> 32) if high > start else start
        shape = word()
        if shape < 0.7 * 2**32:
            return _day_span(first)
        day = dt.date.fromordinal(first)
        last = max(high, first)
        if shape < 0.85 * 2**32 and day.day == 1:
            month = DateSpan.month(day.year, day.month)
            if month.latest.toordinal() <= last:
                return month
        if shape < 0.9 * 2**32 and day.month == 1:
            # The year of a day in January, if it lies between start and last
            # (it may start before the day itself, but never before start).
            year = DateSpan.year(day.year)
            if start <= year.earliest.toordinal() and year.latest.toordinal() <= last:
                return year
        end = min(first + 1 + (word() * 44 >> 32), last)
        return DateSpan(day, dt.date.fromordinal(end))

    def source(self) -> r.Source | None:
        """No source (mostly), or any of the sources the writer cites."""
        word = self.word
        if word() < 0.7 * 2**32:
            return None
        return _source(word() * len(_SOURCE_FIELDS) >> 32)

    def claimant(self) -> r.ClaimantReturned:
        word = self.word
        return r.ClaimantReturned(
            source=self.source(),
            claimant_id=f"c-{len(self.returns) + 1}",
            on=self.span(),
            returned_by=self.recipient,
            returned_to=self.giver,
            crossing=_CROSSINGS[word() * len(_CROSSINGS) >> 32],
            nationalities=_some(word, _PEOPLE, 0, 2),
            country_of_origin=_ORIGINS[word() * len(_ORIGINS) >> 32],
            feared_countries=_some(word, _PEOPLE, 0, 2) if word() < 2**32 / 3 else None,
            grounds=_some(word, _GROUNDS, 0, 2),
            torture_risk=word() < 0.2 * 2**32,
            minor=word() < 0.2 * 2**32,
        )

    def outcome(self, number: int, *, notify: bool) -> r.Outcome:
        word = self.word
        ids = self.claimant_ids
        claimant_id = ids[word() * len(ids) >> 32]
        on = self.span(self.returns[claimant_id].on.earliest)
        fields: dict[str, Any] = {
            "source": self.source(),
            "outcome_id": f"o-{number}",
            "claimant_id": claimant_id,
            "on": on,
        }
        if notify:  # about an earlier outcome of the claimant, if there is one
            mine = [o for o, rec in self.outcomes.items() if rec.claimant_id == claimant_id]
            if mine:
                about = mine[word() * len(mine) >> 32]
                self.referenced.add(about)
                return r.Notified(**fields, by=self.giver, to=self.recipient, regarding=about)
        cls = _OUTCOME_TYPES[word() * len(_OUTCOME_TYPES) >> 32]
        third = self.third
        by = self.giver if word() < 0.8 * 2**32 else third[word() * len(third) >> 32]
        places = self.places  # never the giver
        if cls in _BY_ONLY:
            fields["by"] = by
        elif cls is r.ClaimDecided:
            fields["by"] = by
            fields["decision"] = _DECISIONS[word() * len(_DECISIONS) >> 32]
            fields["final"] = word() < 0.6 * 2**32
        elif cls is r.Removed:
            to = places[word() * len(places) >> 32]
            fields["by"] = by if by != to else self.giver
            fields["to"] = to
        elif cls is r.Departed:
            fields["to"] = places[word() * len(places) >> 32]
            fields["coerced"] = word() < 0.5 * 2**32
        elif cls is r.IllTreatment:
            fields["by"] = by
            fields["substantiated"] = word() < 0.5 * 2**32
        elif cls is r.MonitoringVisit:
            fields["by"] = self.visitors[word() * len(self.visitors) >> 32]
            fields["private"] = word() < 0.5 * 2**32
            fields["medical_examination"] = word() < 0.3 * 2**32
        outcome: r.Outcome = cls(**fields)
        return outcome

    def commitments(self) -> tuple[Commitment, ...]:
        """One or more of the promised kinds, in random order, with random parameters."""
        return tuple(map(self.commitment, _some(self.word, self.promised, 1, len(self.promised))))

    def commitment(self, kind: type[Commitment]) -> Commitment:
        word = self.word
        if kind is NonRefoulement:
            return _promise(kind.KIND, absolute=word() < 0.5 * 2**32, indirect=word() < 0.7 * 2**32)
        if kind is AccessToProcedure:
            return _promise(kind.KIND, within_days=word() * 61 >> 32)
        if kind is DetentionLimit:
            return _promise(kind.KIND, max_days=word() * 61 >> 32)
        if kind is Notification:
            return _promise(kind.KIND, within_days=word() * 31 >> 32)
        if kind is MonitoringAccess:
            return _promise(
                kind.KIND,
                first_visit_within_days=word() * 61 >> 32 if word() < 0.5 * 2**32 else None,
                private=word() < 0.5 * 2**32,
            )
        return _promise(kind.KIND)  # NoRemovalBeforeDecision, HumaneTreatment: no parameters

    def scope(self) -> r.Scope:
        word = self.word
        start = self.span() if word() < 0.5 * 2**32 else None
        until = self.span(start.latest) if start is not None and word() < 0.5 * 2**32 else None
        nationalities = (_some(word, _PEOPLE, 0, 3) or None) if word() < 2**32 / 3 else None
        return r.Scope(
            returns_from=start,
            returns_until=until,
            crossings=_SCOPE_CROSSINGS[word() * len(_SCOPE_CROSSINGS) >> 32],
            nationalities=nationalities,
            minors_only=word() < 0.1 * 2**32,
        )

    def assurance(self) -> r.Record:
        word = self.word
        self.assurances += 1
        step = _ASSURANCE_STEPS[word() * len(_ASSURANCE_STEPS) >> 32]
        if step == "later" and self.active:
            ids = tuple(self.active)
            assurance_id = ids[word() * len(ids) >> 32]
            given = self.active.pop(assurance_id)  # withdrawn at most once
            return r.AssuranceWithdrawn(
                assurance_id=assurance_id,
                on=self.span(given.on.earliest),
                releases_existing=word() < 0.5 * 2**32,
            )
        if step == "give":
            if self.pending and word() < 0.5 * 2**32:  # give what was asked
                ids = tuple(self.pending)
                assurance_id = ids[word() * len(ids) >> 32]
                asked = self.pending.pop(assurance_id)
                on = self.span(asked.on.earliest)
                commitments, scope = asked.commitments, asked.scope
            else:
                assurance_id, on = f"a-{self.assurances}", self.span()
                commitments, scope = self.commitments(), self.scope()
            given = r.AssuranceGiven(
                source=self.source(),
                assurance_id=assurance_id,
                given_by=self.giver,
                given_to=self.recipient,
                on=on,
                form=_FORMS[word() * len(_FORMS) >> 32],
                commitments=commitments,
                scope=scope,
                authority=_AUTHORITIES[word() * len(_AUTHORITIES) >> 32],
                disclosure=_DISCLOSURES[word() * len(_DISCLOSURES) >> 32],
                text_sha256=_hex256(word) if word() < 0.5 * 2**32 else None,
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
        word = self.word
        fact = facts[word() * len(facts) >> 32]
        record = fact.record
        leaf = isinstance(record, r.Checkpoint) or (
            isinstance(record, r.Outcome) and record.outcome_id not in self.referenced
        )
        if leaf and word() < 0.5 * 2**32:
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
            replacement=attrs.evolve(record, source=_corrected_source(fact.seq)),
            reason="The source was misattributed.",
        )

    def restated(self, record: r.Outcome, *, before: list[str]) -> r.Outcome:
        """An unreferenced outcome re-dated, retyped, or moved to a claimant returned ``before``."""
        word = self.word
        how = word()
        if how < 0.4 * 2**32:
            on = self.span(self.returns[record.claimant_id].on.earliest)
            return attrs.evolve(record, on=on)
        if how < 0.7 * 2**32:
            claimant_id = before[word() * len(before) >> 32]
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
        word = self.word
        return r.Checkpoint(
            ledger_of=self.giver, seq=1 + (word() * 10_000 >> 32), hash=_hex256(word)
        )

    def next_record(self, ledger: Ledger, seq: int) -> r.Record | None:
        """The record of entry ``seq`` of ``ledger``, the next, noted as written."""
        word = self.word
        action = _ACTIONS[word() * len(_ACTIONS) >> 32] if self.returns else "return"
        if action == "return":
            record: r.Record | None = self.claimant()
        elif action in ("outcome", "notify"):
            record = self.outcome(seq, notify=action == "notify")
        elif action == "assurance":
            record = self.assurance()
        elif action == "correct":
            record = self.correction(ledger)
        else:
            record = self.checkpoint()
        if isinstance(record, r.ClaimantReturned):
            self.returns[record.claimant_id] = record
            self.claimant_ids.append(record.claimant_id)
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
    elapsed = 0  # seconds from 2020-01-01T00:00:00Z to the recording time
    stamp = _stamp(0)
    for seq, seed in enumerate(steps, 1):
        writer.word = word = _words(seed)
        record = writer.next_record(ledger, seq)
        assert record is not None  # noqa: S101 -- a return comes first, so a step always writes
        tick = _TICKS[word() * len(_TICKS) >> 32]
        if tick:
            elapsed += tick
            stamp = _stamp(elapsed)
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
