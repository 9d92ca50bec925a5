"""Bilateral reconciliation: what two ledgers of one arrangement disagree about.

Most properties compare *twins*: one generated ledger replayed twice, once as
recorded by Canada and once by the United States. Twins hold the same facts in
separate chains (their entries differ from seq 1, by ``recorded_by``), so they
agree; a test then plants one discrepancy and checks that exactly it is found.
The generated ledgers' checkpoints hold random heads; a twin replaces each with
a genuine checkpoint of its own head so far, naming its own party, so that no
checkpoint is found missing unless a test makes it so.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _cli_helpers import installed_command, run_main
from assurance_ledger import (
    AssuranceGiven,
    AssuranceRecord,
    AssuranceRequested,
    Checkpoint,
    ClaimantReturned,
    ClaimDecided,
    Correction,
    Detained,
    DetentionLimit,
    Ledger,
    LedgerError,
    NonRefoulement,
    Outcome,
    Record,
    Released,
    Removed,
    Scope,
    Source,
)
from assurance_ledger.dates import DateSpan
from assurance_ledger.reconcile import (
    KINDS,
    Discrepancy,
    EmptyLedger,
    Reconciliation,
    checkpoint_of,
    reconcile,
)
from assurance_ledger.strategies import date_spans, ledgers, sources, write_ledger

#: When planted entries are recorded: after every generated entry (and in the past, as
#: an append must be: see assurance_ledger.clock).
LATER = "2024-01-01T00:00:00Z"
PARTIES = {"a_party": "CA", "b_party": "US"}


# -- helpers -----------------------------------------------------------------------------


def _own_checkpoints(record: Record, twin: Ledger, party: str) -> Record:
    """A generated checkpoint (a random head) made genuine: the twin's own head so far."""
    if isinstance(record, Checkpoint):
        return checkpoint_of(twin, ledger_of=party)  # never first: a return always is
    if isinstance(record, Correction) and isinstance(record.replacement, Checkpoint):
        own = twin.entry(record.target).record
        return attrs.evolve(record, replacement=attrs.evolve(own, source=record.replacement.source))
    return record


def _twin(
    ledger: Ledger, party: str, change: Callable[[int, Record], Record] | None = None
) -> Ledger:
    """``ledger`` replayed as recorded by ``party``; ``change`` may alter the record at a seq."""
    twin = Ledger()
    for entry in ledger:
        record = _own_checkpoints(entry.record, twin, party)
        if change is not None:
            record = change(entry.seq, record)
        twin.append(record, recorded_by=party, recorded_at=entry.recorded_at)
    return twin


def _prefix(ledger: Ledger, length: int) -> Ledger:
    return Ledger.from_lines(list(ledger.lines())[:length])


def _shape(result: Reconciliation) -> list[tuple[Any, ...]]:
    """The data of each discrepancy, without its explanation, in order."""
    return [
        (d.kind, d.subject, d.id, d.field, d.side, d.a_value, d.b_value, d.a_seqs, d.b_seqs)
        for d in result.discrepancies
    ]


def _returned(**fields: Any) -> ClaimantReturned:
    values: dict[str, Any] = {
        "claimant_id": "c-1",
        "on": "2020-03-22",
        "returned_by": "CA",
        "returned_to": "US",
        "nationalities": ["HT"],
    }
    return ClaimantReturned(**{**values, **fields})


def _assurance(**fields: Any) -> AssuranceGiven:
    values: dict[str, Any] = {
        "assurance_id": "a-1",
        "given_by": "US",
        "given_to": "CA",
        "on": "2020-03-20",
        "form": "diplomatic_note",
        "commitments": [NonRefoulement(), DetentionLimit(max_days=14)],
    }
    return AssuranceGiven(**{**values, **fields})


def _pair(mine: list[Record], theirs: list[Record]) -> Reconciliation:
    """Reconcile Canada's ledger of ``mine`` with the United States' of ``theirs``."""
    a, b = Ledger(), Ledger()
    a.extend(mine, recorded_by="CA", recorded_at="2020-04-01T00:00:00Z")
    b.extend(theirs, recorded_by="US", recorded_at="2020-04-01T00:00:00Z")
    return reconcile(a, b, **PARTIES)


def _fields(result: Reconciliation) -> list[tuple[str, str | None, str | None]]:
    return [(d.kind, d.id, d.field) for d in result.discrepancies]


# -- agreement, prefixes and forks ----------------------------------------------------------


@given(ledgers())
def test_a_ledger_agrees_with_itself_and_its_copy(generated: Ledger) -> None:
    """Rule: reconcile(a, a) has no discrepancy; nor has a with a copy read from its lines."""
    a = _twin(generated, "CA")
    for other in (a, Ledger.from_lines(list(a.lines()))):
        result = reconcile(a, other)
        assert result.discrepancies == ()
        assert result.agrees
        assert result.relation == "identical"
        assert result.shared == result.a_entries == result.b_entries == len(a)


@given(ledgers())
def test_twins_in_separate_chains_agree(generated: Ledger) -> None:
    """Rule: the same facts in two separate chains agree; separate chains are no discrepancy."""
    a, b = _twin(generated, "CA"), _twin(generated, "US")
    result = reconcile(a, b, **PARTIES)
    assert result.agrees, result.to_text()
    if len(generated):
        assert result.relation == "separate"
        assert result.shared == 0


@given(ledgers())
def test_without_party_names_every_checkpoint_is_checked(generated: Ledger) -> None:
    """Rule: with no party named, every checkpoint either ledger holds is checked, and only those.

    The generated checkpoints hold random heads of the United States' ledger: checked
    against the ledger itself, each one whose seq and hash are not an entry of it is
    reported, once from each side. Named parties exclude them (they are of a third ledger).
    """
    heads = {(e.seq, e.hash) for e in generated}
    missing = [
        f.seq
        for f in generated.facts()
        if isinstance(f.record, Checkpoint) and (f.record.seq, f.record.hash) not in heads
    ]
    result = reconcile(generated, generated)
    assert {d.kind for d in result.discrepancies} <= {"witnessed_head_not_found"}
    assert sorted(d.a_seqs[0] for d in result.discrepancies if d.side == "a") == missing
    assert sorted(d.b_seqs[0] for d in result.discrepancies if d.side == "b") == missing
    assert reconcile(generated, generated, a_party="CA", b_party="CA").agrees


@given(ledgers(), st.data())
def test_a_prefix_is_behind_and_nothing_else(generated: Ledger, data: st.DataObject) -> None:
    """Rule: against a prefix of itself, a ledger reports exactly "behind by k", on either side.

    The prefix lacks the later facts and corrections, but that is all explained by
    the entries it has not received: no fact is reported separately. (Both are the
    same party's ledger, so checkpoints of the other party's ledger are not checked.)
    """
    length = data.draw(st.integers(0, len(generated)), label="prefix length")
    prefix = _prefix(generated, length)
    for a, b, behind in ((generated, prefix, "b"), (prefix, generated, "a")):
        result = reconcile(a, b, a_party="CA", b_party="CA")
        assert result.shared == length
        if length == len(generated):
            assert result.agrees
            assert result.relation == "identical"
            continue
        assert result.relation == "behind"
        assert _shape(result) == [
            ("behind", "chain", None, "entries", behind, len(a), len(b), (), ())
        ]
        assert f"by {len(generated) - length} entr" in result.discrepancies[0].explanation


@given(ledgers(), st.booleans())
def test_a_fork_is_reported_where_it_starts(generated: Ledger, same_fact: bool) -> None:
    """Rule: chains sharing their first N - 1 entries but not entry N have diverged at N.

    Each side appends one entry after the shared history: the same record at
    different times (the facts agree, only the chain shows the fork), or
    different claimants (each then also recorded by one side only).
    """
    a, b = _prefix(generated, len(generated)), _prefix(generated, len(generated))
    fork = len(generated) + 1
    a_record = _returned(claimant_id="c-fork-a")
    b_record = a_record if same_fact else _returned(claimant_id="c-fork-b")
    a.append(a_record, recorded_by="CA", recorded_at=LATER)
    b.append(b_record, recorded_by="CA", recorded_at="2024-06-01T00:00:00Z")
    result = reconcile(a, b, a_party="CA", b_party="CA")
    assert result.relation == ("diverged" if len(generated) else "separate")
    assert a.head is not None
    assert b.head is not None
    chain = [("chain_diverged", "chain", None, "hash", None, a.head.hash, b.head.hash)]
    expected = (chain if len(generated) else []) + (
        []
        if same_fact
        else [
            ("one_side_only", "claimant_returned", "c-fork-a", None, "a", None, None),
            ("one_side_only", "claimant_returned", "c-fork-b", None, "b", None, None),
        ]
    )
    assert [s[:7] for s in _shape(result)] == expected
    if len(generated):
        assert result.discrepancies[0].a_seqs == result.discrepancies[0].b_seqs == (fork,)


def test_empty_ledgers() -> None:
    """Rule: two empty ledgers are identical; an empty ledger is behind any other by its length."""
    assert reconcile(Ledger(), Ledger()).agrees
    assert reconcile(Ledger(), Ledger()).relation == "identical"
    one = Ledger()
    one.append(_returned(), recorded_by="CA")
    result = reconcile(Ledger(), one)
    assert _shape(result) == [("behind", "chain", None, "entries", "a", 0, 1, (), ())]
    assert "it is empty" in result.discrepancies[0].explanation


# -- planted conflicts ---------------------------------------------------------------------


def _first_claimant(twin: Ledger) -> ClaimantReturned:
    return next(f.record for f in twin.facts() if isinstance(f.record, ClaimantReturned))  # type: ignore[misc]


def _new_outcome(twin: Ledger, cls: type[Outcome], **fields: Any) -> Outcome:
    """A new outcome of the ledger's first claimant, on the last day of its return."""
    claimant = _first_claimant(twin)
    return cls(
        outcome_id="o-planted", claimant_id=claimant.claimant_id, on=claimant.on.latest, **fields
    )


def _id(record: Record) -> str:
    for name in ("outcome_id", "claimant_id", "assurance_id"):
        if hasattr(record, name):
            return str(getattr(record, name))
    raise AssertionError(record)


@attrs.frozen
class Plant:
    """One way to plant a conflict: the facts it applies to, the field, and how to change one.

    ``change(record, twin)`` returns the record as the other side keeps it and as
    the planting side corrects it; given ``None`` (no fact applies), it makes a
    new record for both sides to record first.
    """

    applies: Callable[[Record], bool]
    field: str
    change: Callable[[Any, Ledger], tuple[Record, Record]]


def _later_outcome(record: Outcome | None, twin: Ledger) -> tuple[Record, Record]:
    record = record or _new_outcome(twin, Detained, by="US")
    return record, attrs.evolve(record, on=record.on.latest + dt.timedelta(days=1))


def _earlier_return(record: ClaimantReturned, twin: Ledger) -> tuple[Record, Record]:
    return record, attrs.evolve(record, on=record.on.earliest - dt.timedelta(days=1))


def _returned_elsewhere(record: ClaimantReturned, twin: Ledger) -> tuple[Record, Record]:
    return record, attrs.evolve(record, returned_to="MX")


def _removed_elsewhere(record: Removed | None, twin: Ledger) -> tuple[Record, Record]:
    record = record or _new_outcome(twin, Removed, by="US", to="HT")  # type: ignore[assignment]
    assert isinstance(record, Removed)
    to = next(c for c in ("GT", "HN", "SV") if c not in (record.to, record.by))
    return record, attrs.evolve(record, to=to)


def _other_decision(record: ClaimDecided | None, twin: Ledger) -> tuple[Record, Record]:
    record = record or _new_outcome(twin, ClaimDecided, by="US", decision="refused", final=True)  # type: ignore[assignment]
    assert isinstance(record, ClaimDecided)
    other = "granted" if record.decision != "granted" else "refused"
    return record, attrs.evolve(record, decision=other)


def _other_type(record: Outcome | None, twin: Ledger) -> tuple[Record, Record]:
    record = record or _new_outcome(twin, Detained, by="US")
    cls = Released if isinstance(record, Detained) else Detained
    return record, cls(**{f.name: getattr(record, f.name) for f in attrs.fields(type(record))})


def _other_limit(record: AssuranceRecord | None, twin: Ledger) -> tuple[Record, Record]:
    record = record or _assurance(assurance_id="a-planted")
    commitments = record.commitments  # type: ignore[attr-defined]
    limits = [c.max_days for c in commitments if isinstance(c, DetentionLimit)]
    kept = [c for c in commitments if not isinstance(c, DetentionLimit)]
    changed = DetentionLimit(max_days=limits[0] + 1 if limits else 14)
    return record, attrs.evolve(record, commitments=(*kept, changed))


def _other_form(record: AssuranceGiven | None, twin: Ledger) -> tuple[Record, Record]:
    record = record or _assurance(assurance_id="a-planted")
    return record, attrs.evolve(record, form="oral" if record.form != "oral" else "memorandum")


PLANTS = {
    "outcome date": Plant(lambda r: isinstance(r, Outcome), "on", _later_outcome),
    "return date": Plant(lambda r: isinstance(r, ClaimantReturned), "on", _earlier_return),
    "returned to": Plant(
        lambda r: isinstance(r, ClaimantReturned), "returned_to", _returned_elsewhere
    ),
    "removed to": Plant(lambda r: isinstance(r, Removed), "to", _removed_elsewhere),
    "decision": Plant(lambda r: isinstance(r, ClaimDecided), "decision", _other_decision),
    "outcome type": Plant(lambda r: type(r) in (Detained, Released), "type", _other_type),
    "commitment terms": Plant(
        lambda r: isinstance(r, AssuranceGiven | AssuranceRequested),
        "commitments.detention_limit",
        _other_limit,
    ),
    "form": Plant(lambda r: isinstance(r, AssuranceGiven), "form", _other_form),
}


def _value(record: Record, field: str) -> object:
    """A record's value of ``field`` as a discrepancy reports it."""
    if field == "type":
        return record.TYPE
    if field.startswith("commitments."):
        kind = field.split(".")[1]
        return next((c for c in record.commitments if kind == c.KIND), None)  # type: ignore[attr-defined]
    return getattr(record, field)


@given(ledgers(min_size=1), st.sampled_from(sorted(PLANTS)), st.sampled_from("ab"), st.data())
def test_a_planted_conflict_is_found_and_nothing_else(
    generated: Ledger, name: str, side: str, data: st.DataObject
) -> None:
    """Rule: one conflicting fact is reported, once, with both values and both entries.

    One side corrects one fact (an outcome's date moved past the other's, the
    return's destination, a removal's destination, a decision, an outcome's type,
    an assurance's terms or form); the other side does not. The fact is one the
    generated ledger holds, or a new one both sides record first.
    """
    twins = {"a": _twin(generated, "CA"), "b": _twin(generated, "US")}
    plant = PLANTS[name]
    facts = [f for f in twins["a"].facts() if plant.applies(f.record)]
    fact = data.draw(st.sampled_from(facts), label="planted in") if facts else None
    original, changed = plant.change(fact.record if fact else None, twins["a"])
    seq = fact.seq if fact else len(twins["a"]) + 1
    if fact is None:  # recorded by both sides first
        for party, twin in zip(("CA", "US"), twins.values(), strict=True):
            twin.append(original, recorded_by=party, recorded_at=LATER)
    fix = twins[side].append(
        Correction(target=seq, replacement=changed, reason="Planted."),
        recorded_by={"a": "CA", "b": "US"}[side],
        recorded_at=LATER,
    )
    result = reconcile(twins["a"], twins["b"], **PARTIES)
    (found,) = result.discrepancies
    subject = "outcome" if isinstance(original, Outcome) else original.TYPE
    assert (found.kind, found.subject, found.id, found.field, found.side) == (
        "conflict",
        subject,
        _id(original),
        plant.field,
        None,
    )
    mine, theirs = (changed, original) if side == "a" else (original, changed)
    assert (found.a_value, found.b_value) == (
        _value(mine, plant.field),
        _value(theirs, plant.field),
    )
    corrected = found.a_seqs if side == "a" else found.b_seqs
    assert (corrected[0], corrected[-1]) == (seq, fix.seq)
    assert not result.agrees


@given(ledgers(min_size=1), st.sampled_from(["claimant", "outcome"]), st.sampled_from("ab"))
def test_a_record_on_one_side_only_is_reported(generated: Ledger, what: str, side: str) -> None:
    """Rule: a claimant or an outcome only one ledger holds is reported once, naming that side."""
    ledgers_ = {"a": _twin(generated, "CA"), "b": _twin(generated, "US")}
    if what == "claimant":
        record: Record = _returned(claimant_id="c-one-side")
        subject, ident = "claimant_returned", "c-one-side"
    else:
        record = _new_outcome(ledgers_[side], Detained, by="US")
        subject, ident = "outcome", "o-planted"
    party = {"a": "CA", "b": "US"}[side]
    entry = ledgers_[side].append(record, recorded_by=party, recorded_at=LATER)
    result = reconcile(ledgers_["a"], ledgers_["b"], **PARTIES)
    seqs = (entry.seq,)
    assert _shape(result) == [
        (
            "one_side_only",
            subject,
            ident,
            None,
            side,
            None,
            None,
            seqs if side == "a" else (),
            seqs if side == "b" else (),
        )
    ]


# -- witnessed heads ------------------------------------------------------------------------

REWRITTEN = Source(citation="Rewritten after it was witnessed.")


@given(ledgers(min_size=1), st.data())
def test_a_witnessed_head_rewritten_later_is_the_most_serious_finding(
    generated: Ledger, data: st.DataObject
) -> None:
    """Rule: a head one side witnessed, later rewritten by the other, is found, and listed first.

    Canada appends a checkpoint of the United States' head. The United States then
    rebuilds its ledger with one earlier entry re-sourced (no fact changes, but the
    hash at the witnessed seq does); a fact conflict is planted too, and comes after.
    """
    a, b = _twin(generated, "CA"), _twin(generated, "US")
    witnessed = b.head
    assert witnessed is not None
    a.append(checkpoint_of(b, ledger_of="US"), recorded_by="CA", recorded_at=LATER)
    assert reconcile(a, b, **PARTIES).agrees
    changed_at = data.draw(st.integers(1, len(b)), label="rewritten seq")
    conflict = data.draw(st.booleans(), label="also a conflict")

    def rewrite(seq: int, record: Record) -> Record:
        return attrs.evolve(record, source=REWRITTEN) if seq == changed_at else record

    rewritten = _twin(generated, "US", rewrite)
    if conflict:
        rewritten.append(_returned(claimant_id="c-only-us"), recorded_by="US", recorded_at=LATER)
    result = reconcile(a, rewritten, **PARTIES)
    first = result.discrepancies[0]
    assert (first.kind, first.subject, first.id, first.side) == (
        "witnessed_head_not_found",
        "checkpoint",
        "US",
        "a",
    )
    assert first.a_value == witnessed.hash
    assert first.b_value == rewritten.entry(witnessed.seq).hash != witnessed.hash
    assert (first.a_seqs, first.b_seqs) == ((len(a),), (witnessed.seq,))
    assert "rewritten" in first.explanation
    assert len(result.discrepancies) == 1 + conflict
    assert [d.kind for d in result.discrepancies[1:]] == ["one_side_only"] * conflict


@given(ledgers(min_size=1), st.data())
def test_a_witnessed_head_cut_off_is_not_found(generated: Ledger, data: st.DataObject) -> None:
    """Rule: a checkpoint beyond the other ledger's end is not found: it lost entries."""
    a, b = _twin(generated, "US"), _twin(generated, "CA")
    b.append(checkpoint_of(a, ledger_of="US"), recorded_by="CA", recorded_at=LATER)
    length = data.draw(st.integers(0, len(a) - 1), label="entries left")
    cut = _prefix(a, length)
    result = reconcile(cut, b, a_party="US", b_party="CA")
    first = result.discrepancies[0]
    assert (first.kind, first.side, first.a_value, first.b_value) == (
        "witnessed_head_not_found",
        "b",
        None,
        a.head.hash,  # type: ignore[union-attr]
    )
    assert f"ends at entry {length}" in first.explanation
    assert [d.kind for d in result.discrepancies].count("witnessed_head_not_found") == 1


@given(ledgers(min_size=1))
def test_checkpoint_of_witnesses_the_head(ledger: Ledger) -> None:
    """Rule: checkpoint_of gives the head's seq and hash, a record any ledger accepts."""
    checkpoint = checkpoint_of(ledger, ledger_of="US")
    assert checkpoint == Checkpoint(ledger_of="US", seq=len(ledger), hash=ledger.head.hash)  # type: ignore[union-attr]
    other = Ledger()
    other.append(checkpoint, recorded_by="CA")
    assert other.facts()[0].record == checkpoint


def test_an_empty_ledger_has_no_head_to_witness() -> None:
    """Rule: checkpoint_of an empty ledger raises EmptyLedger, a LedgerError and a ValueError."""
    with pytest.raises(EmptyLedger, match="empty ledger has no head") as caught:
        checkpoint_of(Ledger(), ledger_of="US")
    assert isinstance(caught.value, LedgerError)
    assert isinstance(caught.value, ValueError)


def test_party_names_choose_the_checkpoints_checked() -> None:
    """Rule: named parties check only checkpoints of the other party; unnamed, all of them."""
    a, b = Ledger(), Ledger()
    b.append(_returned(), recorded_by="US", recorded_at="2020-04-01T00:00:00Z")
    a.append(_returned(), recorded_by="CA", recorded_at="2020-04-01T00:00:00Z")
    bogus = "0" * 64
    a.extend(
        [
            Checkpoint(ledger_of="US", seq=1, hash=bogus),
            Checkpoint(ledger_of="UNHCR", seq=1, hash=bogus),
        ],
        recorded_by="CA",
        recorded_at="2020-04-02T00:00:00Z",
    )
    ids = [d.id for d in reconcile(a, b).discrepancies]
    assert ids == ["UNHCR", "US"]
    assert [d.id for d in reconcile(a, b, a_party="CA", b_party="US").discrepancies] == ["US"]
    assert [d.id for d in reconcile(a, b, b_party="UNHCR").discrepancies] == ["UNHCR"]
    assert reconcile(a, b, a_party="CA", b_party="MX").agrees


# -- the rules for each field ---------------------------------------------------------------


@given(date_spans(), date_spans())
def test_dates_conflict_only_when_they_cannot_be_the_same_day(x: DateSpan, y: DateSpan) -> None:
    """Rule: two dates conflict exactly when their spans share no day (precision is no conflict)."""
    result = _pair([_returned(on=x)], [_returned(on=y)])
    disjoint = x.latest < y.earliest or y.latest < x.earliest
    assert _fields(result) == ([("conflict", "c-1", "on")] if disjoint else [])
    if disjoint:
        assert (result.discrepancies[0].a_value, result.discrepancies[0].b_value) == (x, y)


@given(st.none() | sources(), st.none() | sources())
def test_sources_are_not_compared(x: Source | None, y: Source | None) -> None:
    """Rule: each side cites its own sources; a different source is no conflict."""
    assert _pair([_returned(source=x)], [_returned(source=y)]).agrees


def test_claimant_fields_compared_as_they_take_effect() -> None:
    """Rule: nationalities are a set; country of origin and feared countries as they take effect."""
    plain = _returned(nationalities=["VE", "CO"])
    explicit = _returned(
        nationalities=["VE", "CO"], country_of_origin="VE", feared_countries=["VE"]
    )
    assert _pair([plain], [explicit]).agrees
    assert _pair([plain], [_returned(nationalities=["VE", "CO"], country_of_origin="VE")]).agrees
    swapped = _returned(nationalities=["CO", "VE"])
    result = _pair([plain], [swapped])
    assert _fields(result) == [
        ("conflict", "c-1", "country_of_origin"),
        ("conflict", "c-1", "feared_countries"),
    ]
    assert (result.discrepancies[0].a_value, result.discrepancies[0].b_value) == ("VE", "CO")
    assert (result.discrepancies[1].a_value, result.discrepancies[1].b_value) == (("VE",), ("CO",))
    grounds = _pair(
        [_returned(grounds=["race", "religion"])], [_returned(grounds=["religion", "race"])]
    )
    assert grounds.agrees


def test_an_unknown_crossing_conflicts_with_nothing() -> None:
    """Rule: a crossing recorded as unknown is no conflict; two known crossings that differ are."""
    known = _returned(crossing="between_ports")
    assert _pair([known], [_returned(crossing="unknown")]).agrees
    result = _pair([known], [_returned(crossing="port_of_entry")])
    assert _fields(result) == [("conflict", "c-1", "crossing")]


def test_assurance_terms_compared_field_by_field() -> None:
    """Rule: an assurance's terms are compared commitment by commitment and filter by filter.

    Scope dates conflict only when they cannot be the same day, and lists are sets;
    details one side left out (authority, disclosure, text hash) are no conflict,
    details both recorded differently are.
    """
    base = _assurance(scope=Scope(returns_from="2020-03", nationalities=["HT", "VE"]))
    same = _assurance(
        commitments=[DetentionLimit(max_days=14), NonRefoulement()],
        scope=Scope(returns_from="2020-03-18", nationalities=["VE", "HT"]),
        authority="Department of State",
        disclosure="public",
        text_sha256="ab" * 32,
    )
    assert _pair([base], [same]).agrees
    other = _assurance(
        commitments=[NonRefoulement(absolute=True)],
        scope=Scope(returns_from="2020-04-01", nationalities=["HT", "VE"]),
        given_by="MX",
        form="oral",
    )
    result = _pair([attrs.evolve(base, authority="DHS")], [attrs.evolve(other, authority="DOS")])
    assert _fields(result) == [
        ("conflict", "a-1", "authority"),
        ("conflict", "a-1", "commitments.detention_limit"),
        ("conflict", "a-1", "commitments.non_refoulement"),
        ("conflict", "a-1", "form"),
        ("conflict", "a-1", "given_by"),
        ("conflict", "a-1", "scope.returns_from"),
    ]
    limit = result.discrepancies[1]
    assert (limit.a_value, limit.b_value) == (DetentionLimit(max_days=14), None)
    assert "not promised" in limit.explanation


def test_an_assurance_stage_is_matched_with_the_same_stage() -> None:
    """Rule: assurance records are matched by id and stage: a request is not a giving."""
    request = AssuranceRequested(
        assurance_id="a-1",
        requested_by="CA",
        requested_of="US",
        on="2020-03-18",
        commitments=[NonRefoulement()],
    )
    result = _pair([request], [_assurance()])
    assert [(d.kind, d.subject, d.side) for d in result.discrepancies] == [
        ("one_side_only", "assurance_given", "b"),
        ("one_side_only", "assurance_requested", "a"),
    ]


# -- the value and its renderings -------------------------------------------------------------


@given(ledgers(), ledgers())
def test_swapping_the_ledgers_swaps_the_sides(first: Ledger, second: Ledger) -> None:
    """Rule: reconcile(b, a) finds what reconcile(a, b) finds, with the sides swapped."""

    def swapped(d: Discrepancy) -> tuple[Any, ...]:
        side = {"a": "b", "b": "a", None: None}[d.side]
        return (d.kind, d.subject, d.id, d.field, side, d.b_value, d.a_value, d.b_seqs, d.a_seqs)

    forward, backward = reconcile(first, second), reconcile(second, first)
    assert sorted(map(swapped, forward.discrepancies), key=repr) == sorted(
        _shape(backward), key=repr
    )
    assert forward.relation == backward.relation


@given(ledgers(), ledgers())
def test_discrepancies_are_listed_most_serious_first_in_a_stable_order(
    first: Ledger, second: Ledger
) -> None:
    """Rule: discrepancies are sorted by the seriousness of their kind, then by their data."""
    result = reconcile(first, second)
    ranks = [KINDS.index(d.kind) for d in result.discrepancies]
    assert ranks == sorted(ranks)
    assert list(result.discrepancies) == sorted(result.discrepancies, key=lambda d: d.sort_key)
    assert reconcile(first, second) == result
    assert len(set(result.discrepancies)) == len(result.discrepancies)


@given(ledgers(), ledgers())
def test_json_text_and_html_render_every_discrepancy(first: Ledger, second: Ledger) -> None:
    """Rule: the JSON form survives json.dumps and back; text and HTML show every discrepancy."""
    result = reconcile(first, second, a_party="CA", b_party="US")
    data = result.to_json()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == ["agrees", "a", "b", "chain", "discrepancies"]
    assert data["agrees"] is result.agrees
    assert data["chain"] == {"relation": result.relation, "shared": result.shared}
    assert [d["kind"] for d in data["discrepancies"]] == [d.kind for d in result.discrepancies]
    text = result.to_text()
    lines = text.splitlines()
    assert lines[0].startswith("Reconciliation of ledger A (CA)")
    assert len(lines) == 3 + len(result.discrepancies)
    for number, (line, d) in enumerate(zip(lines[3:], result.discrepancies, strict=True), 1):
        assert line.startswith(f"  {number}. [{d.kind.replace('_', ' ')}]")
    assert str(result) == text
    assert result._repr_html_().count("<tr>") == 1 + len(result.discrepancies)


def test_json_values_are_plain_data() -> None:
    """Rule: dates take their compact JSON form, lists are lists, commitments carry their kind."""
    result = _pair(
        [_returned(on="2020-03", grounds=["race"]), _assurance()],
        [
            _returned(on="2020-05-02", grounds=["religion"]),
            _assurance(commitments=[NonRefoulement(), DetentionLimit(max_days=30)]),
        ],
    )
    values = {d["field"]: (d["a_value"], d["b_value"]) for d in result.to_json()["discrepancies"]}
    assert values == {
        "on": ("2020-03", "2020-05-02"),
        "grounds": (["race"], ["religion"]),
        "commitments.detention_limit": (
            {"kind": "detention_limit", "max_days": 14},
            {"kind": "detention_limit", "max_days": 30},
        ),
    }


def test_html_escapes_everything_from_the_ledgers() -> None:
    """Rule: ids and party names are escaped in HTML: a <script> never comes through raw."""
    evil = "<script>alert(1)</script>"
    a, b = Ledger(), Ledger()
    b.append(_returned(claimant_id=evil), recorded_by="US")
    page = reconcile(a, b, a_party=evil, b_party="US")._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_value_is_immutable() -> None:
    """Rule: a reconciliation and its discrepancies are frozen, and hold tuples."""
    result = _pair([_returned()], [_returned(claimant_id="c-2")])
    assert isinstance(result.discrepancies, tuple)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.shared = 3  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.discrepancies[0].kind = "behind"  # type: ignore[misc]


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Twin ledgers of Canada and the United States, and one with a conflict, as files."""
    directory = tmp_path_factory.mktemp("reconcile")
    generated = write_ledger(25, 11)
    paths = {name: directory / f"{name}.jsonl" for name in ("ca", "us", "us-changed")}
    _twin(generated, "CA").export(paths["ca"])
    _twin(generated, "US").export(paths["us"])
    changed = _twin(generated, "US")
    changed.append(_returned(claimant_id="c-only-us"), recorded_by="US", recorded_at=LATER)
    changed.export(paths["us-changed"])
    return paths


def test_cli_exit_status_says_whether_they_agree(files: dict[str, Path]) -> None:
    """Rule: `reconcile A B` exits 0 when the ledgers agree and 1 when they disagree."""
    parties = ("--a-party", "CA", "--b-party", "US")
    status, out, err = run_main("reconcile", str(files["ca"]), str(files["us"]), *parties)
    assert (status, err) == (0, "")
    assert "The ledgers agree." in out
    status, out, err = run_main("reconcile", str(files["ca"]), str(files["us-changed"]), *parties)
    assert (status, err) == (1, "")
    assert "c-only-us" in out
    status, out, _ = run_main(
        "reconcile", str(files["ca"]), str(files["us-changed"]), *parties, "--format", "json"
    )
    data = json.loads(out)
    assert status == 1
    assert data["agrees"] is False
    assert [d["id"] for d in data["discrepancies"]] == ["c-only-us"]


def test_cli_bad_input_is_one_line_and_exit_2(files: dict[str, Path], tmp_path: Path) -> None:
    """Rule: a missing or unusable ledger file is one error line, exit 2, no traceback."""
    notes = tmp_path / "notes.txt"
    notes.write_text("not a ledger\n")
    for bad in (tmp_path / "missing.jsonl", notes):
        status, out, err = run_main("reconcile", str(files["ca"]), str(bad))
        assert status == 2
        assert out == ""
        assert len(err.splitlines()) == 1
        assert err.startswith(f"assurance-ledger: {bad}")
        assert "Traceback" not in err


def test_the_installed_command_reconciles(files: dict[str, Path], tmp_path: Path) -> None:
    """Rule: the installed `assurance-ledger reconcile` exits 0, 1 or 2 as `main` returns."""
    runs = {
        expected: subprocess.run(
            [
                *installed_command(),
                "reconcile",
                *map(str, args),
                "--a-party",
                "CA",
                "--b-party",
                "US",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        for expected, args in (
            (0, (files["ca"], files["us"])),
            (1, (files["ca"], files["us-changed"])),
            (2, (files["ca"], tmp_path / "missing.jsonl")),
        )
    }
    for expected, result in runs.items():
        assert result.returncode == expected, result.stderr
        assert "Traceback" not in result.stderr
    assert "The ledgers agree." in runs[0].stdout
    assert "one side only" in runs[1].stdout
    assert runs[2].stdout == ""
    assert runs[2].stderr.count("\n") == 1
