"""Whole valid ledgers, written a step at a time from seeds: :func:`ledgers` and its writer."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import random
import struct
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, get_args

import attrs
from hypothesis import strategies as st

from .. import records as r
from ..chain import format_time
from ..commitments import (
    BUILTIN_COMMITMENTS,
    AccessToProcedure,
    Commitment,
    DetentionLimit,
    MonitoringAccess,
    NonRefoulement,
    Notification,
)
from ..countries import COUNTRIES
from ..dates import DateSpan
from ..ledger import Ledger

__all__ = [
    "ledgers",
    "write_ledger",
    "write_steps",
]

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
#: The steps before a removal, written only when asked for (``before_removal``):
#: a seed keeps writing the same ledger as before they existed.
_BEFORE_TYPES = (r.RemovalOrdered, r.InterimMeasure, r.CustodyTransferred, r.CounselDenied)
#: The commitment kinds on those steps, promised by default only with them.
_BEFORE_KINDS = frozenset({"respect_interim_measures", "access_to_counsel"})
_BY_ONLY = (r.Detained, r.Released, r.AdmittedToProcedure, r.MonitoringDenied, r.CounselDenied)
_BODIES = ("ECtHR", "CAT", "HRC")
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
_FACTORS = get_args(r.Factor)
_FINDINGS = get_args(r.FactorFinding)
_NOTES = (None, "Reasoned in the monitoring report.")
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
        before_removal: bool = False,
    ) -> None:
        self.word = _words(0)  # each step sets its own
        self.recipient, self.giver = recipient, giver
        self.third = tuple(c for c in _THIRD if c not in (recipient, giver))
        self.places = tuple(c for c in (*_THIRD, *_PEOPLE) if c != giver)
        self.visitors = (recipient, "UNHCR", "ICRC")
        self.days = (window[0].toordinal(), window[1].toordinal())
        if kinds is None and not before_removal:
            kinds = frozenset(BUILTIN_COMMITMENTS) - _BEFORE_KINDS
        self.promised = tuple(
            c for c in BUILTIN_COMMITMENTS.values() if kinds is None or c.KIND in kinds
        )
        self.types = _OUTCOME_TYPES + _BEFORE_TYPES if before_removal else _OUTCOME_TYPES
        self.returns: dict[str, r.ClaimantReturned] = {}
        # The keys of returns, as a list to choose from (returns are never
        # retracted, nor their claimant_id corrected: the list only grows).
        self.claimant_ids: list[str] = []
        self.outcomes: dict[str, r.Outcome] = {}
        self.referenced: set[str] = set()
        self.pending: dict[str, r.AssuranceRequested] = {}
        self.active: dict[str, r.AssuranceGiven] = {}
        # Every assurance ever given (never retracted), for assessments to name.
        self.given: list[r.AssuranceGiven] = []
        self.assurances = 0
        self.assessments = 0

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
                if isinstance(self.outcomes[about], r.InterimMeasure) and word() < 2**31:
                    return r.InterimMeasureLifted(**fields, regarding=about)
                return r.Notified(**fields, by=self.giver, to=self.recipient, regarding=about)
        types = self.types
        cls = types[word() * len(types) >> 32]
        third = self.third
        by = self.giver if word() < 0.8 * 2**32 else third[word() * len(third) >> 32]
        places = self.places  # never the giver
        if cls in _BY_ONLY:
            fields["by"] = by
        elif cls is r.ClaimDecided:
            fields["by"] = by
            fields["decision"] = _DECISIONS[word() * len(_DECISIONS) >> 32]
            fields["final"] = word() < 0.6 * 2**32
        elif cls is r.Removed or cls is r.CustodyTransferred:
            to = places[word() * len(places) >> 32]
            fields["by"] = by if by != to else self.giver
            fields["to"] = to
        elif cls is r.RemovalOrdered:
            to = places[word() * len(places) >> 32]
            fields["by"] = by if by != to else self.giver
            fields["to"] = to if word() < 0.8 * 2**32 else None
            fields["final"] = word() < 0.5 * 2**32
        elif cls is r.InterimMeasure:
            fields["by"] = _BODIES[word() * len(_BODIES) >> 32]
            fields["against"] = by
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
            self.given.append(given)
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
        if (
            leaf
            and isinstance(record, r.Outcome)
            and not isinstance(record, r.Notified | r.InterimMeasureLifted)
        ):
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

    def assessment(self) -> r.Assessment:
        """A view of one factor of a given assurance, dated on or after its giving."""
        word = self.word
        given = self.given[word() * len(self.given) >> 32]
        self.assessments += 1
        return r.Assessment(
            source=self.source(),
            assessment_id=f"e-{self.assessments}",
            assurance_id=given.assurance_id,
            factor=_FACTORS[word() * len(_FACTORS) >> 32],
            finding=_FINDINGS[word() * len(_FINDINGS) >> 32],
            on=self.span(given.on.earliest),
            note=_NOTES[word() * len(_NOTES) >> 32],
        )

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
        elif self.given and word() < 0.5 * 2**32:  # half the "check" steps, once one is given
            record = self.assessment()
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
    before_removal: bool = False,
) -> Ledger:
    """The valid ledger whose entries the seeds ``steps`` write, one entry per seed.

    This is what :func:`ledgers` draws: a failing example is reported as a call
    to this function, which rebuilds the same ledger.
    """
    kinds = _options(recipient, giver, window, commitment_kinds)
    writer = _Writer(recipient, giver, window, kinds, before_removal)
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
    before_removal: bool = False,
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
        before_removal=before_removal,
    )


def ledgers(
    *,
    min_size: int = 0,
    max_size: int = 30,
    recipient: str = "CA",
    giver: str = "US",
    window: tuple[dt.date, dt.date] = (_START, _START + dt.timedelta(days=730)),
    commitment_kinds: Iterable[str] | None = None,
    before_removal: bool = False,
) -> st.SearchStrategy[Ledger]:
    """A valid ledger in memory: every entry passes the append rules.

    Claimants are returned by ``recipient`` to ``giver``; outcomes (of every
    type, some by third states) come after their returns; assurances go through
    request, giving and withdrawal in order; notices are about earlier outcomes
    of the same claimant; assessments name given assurances and are dated on or
    after the giving; corrections re-state or retract earlier entries
    safely; dates are exact, by month, or ranges, within ``window``; recording
    times never go back and sometimes repeat. Assurances promise only
    ``commitment_kinds`` (built-in kind tags; all by default, but for the two
    on the steps before a removal). With ``before_removal``, outcomes also
    include removal orders, interim measures (some lifted), custody transfers
    and denials of counsel, and the default kinds include
    ``respect_interim_measures`` and ``access_to_counsel``; without it, a seed
    writes the same ledger as in versions without them. Drawn as one seed
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
        before_removal=st.just(before_removal),
    )
