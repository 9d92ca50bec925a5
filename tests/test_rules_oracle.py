"""The rules, read in one pass, against plain readings that test each outcome against each.

The rules find where a coerced departure left from, which release or move ends
a detention, which notice regards a removal, whether a decision came first and
which chains of removals lead to a feared country in time that grows with a
claimant's outcomes (a hostile ledger may give one claimant thousands). Each
plain reading here is the rule as docs/format.md states it, written the slow,
obvious way; the generated claimants have many moves on few states and
overlapping dates, so that orders are often in doubt.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from assurance_ledger import (
    AssuranceGiven,
    Case,
    ClaimantReturned,
    ClaimDecided,
    DateSpan,
    Departed,
    Detained,
    DetentionLimit,
    Fact,
    NonRefoulement,
    NoRemovalBeforeDecision,
    Notification,
    Notified,
    Released,
    Removed,
    Truth,
)
from assurance_ledger.records import Outcome
from assurance_ledger.rules import (
    Removal,
    detention_limit,
    no_removal_before_decision,
    non_refoulement,
    notification,
)

YES, MAYBE, NO = Truth.YES, Truth.MAYBE, Truth.NO
_STATES = ("US", "MX", "GT", "HT")
_START = dt.date(2020, 1, 10)
AS_OF = DateSpan.day(2020, 12, 31)


def _span(draw: st.DrawFn) -> DateSpan:
    first = _START + dt.timedelta(days=draw(st.integers(0, 40)))
    return DateSpan.between(first, first + dt.timedelta(days=draw(st.sampled_from((0, 0, 3, 12)))))


@st.composite
def claimant_cases(draw: st.DrawFn) -> tuple[Fact, Fact, tuple[Fact, ...]]:
    """A return to the US, an assurance, and up to 30 outcomes of one claimant, in date order."""
    back = ClaimantReturned(
        claimant_id="c-1",
        on="2020-01-05",
        returned_by="CA",
        returned_to="US",
        nationalities=["HT"],
        feared_countries=["HT"],
    )
    promise = AssuranceGiven(
        assurance_id="a-1",
        given_by="US",
        given_to="CA",
        on="2020-01-01",
        form="diplomatic_note",
        commitments=[NonRefoulement(indirect=True)],
    )
    outcomes: list[Outcome] = []
    moves: list[str] = []
    for number in range(draw(st.integers(0, 30))):
        oid, on = f"o-{number}", _span(draw)
        kind = draw(
            st.sampled_from(("removed", "departed", "detained", "released", "notice", "decided"))
        )
        common: dict[str, Any] = {"outcome_id": oid, "claimant_id": "c-1", "on": on}
        if kind == "removed":
            by = draw(st.sampled_from(_STATES))
            to = draw(st.sampled_from([s for s in _STATES if s != by]))
            outcomes.append(Removed(**common, by=by, to=to))
            moves.append(oid)
        elif kind == "departed":
            to = draw(st.sampled_from(_STATES))
            outcomes.append(Departed(**common, to=to, coerced=draw(st.booleans())))
            moves.append(oid)
        elif kind == "detained":
            outcomes.append(Detained(**common, by="US"))
        elif kind == "released":
            outcomes.append(Released(**common, by="US"))
        elif kind == "notice" and moves:
            outcomes.append(
                Notified(**common, by="US", to="CA", regarding=draw(st.sampled_from(moves)))
            )
        elif kind == "decided":
            outcomes.append(
                ClaimDecided(
                    **common,
                    by="US",
                    decision=draw(st.sampled_from(("refused", "granted"))),
                    final=draw(st.booleans()),
                )
            )
    facts = [Fact(seq, record) for seq, record in enumerate(outcomes, start=3)]
    facts.sort(key=lambda f: (f.record.on.earliest, f.record.on.latest, f.seq))  # type: ignore[attr-defined]
    return Fact(1, back), Fact(2, promise), tuple(facts)


def _case(claimant: Fact, assurance: Fact, outcomes: tuple[Fact, ...]) -> Case:
    return Case(
        claimant=claimant,
        assurance=assurance,
        withdrawal=None,
        outcomes=outcomes,
        as_of=AS_OF,
        coverage=YES,
    )


# -- the plain readings --------------------------------------------------------------


def plain_removals(case: Case) -> list[Removal]:
    """Removals, and each coerced departure as a removal by each state it may have left."""
    moves = [f for f in case.outcomes if isinstance(f.record, Removed | Departed)]
    found = []
    for fact in moves:
        record = fact.record
        if isinstance(record, Removed):
            found.append(Removal(fact, record.on, record.by, record.to))
        elif isinstance(record, Departed) and record.coerced:
            places = {case.returned.returned_to: YES}
            for move in moves:
                if move is fact:
                    continue
                earlier = move.record.on.before(record.on)  # type: ignore[attr-defined]
                if earlier is YES:
                    places = {move.record.to: YES}  # type: ignore[attr-defined]
                elif earlier is MAYBE:
                    places = dict.fromkeys(places, MAYBE)
                    places[move.record.to] = MAYBE  # type: ignore[attr-defined]
            found += [Removal(fact, record.on, left, record.to, t) for left, t in places.items()]
    return found


def plain_first_before(decisions: list[Any], on: DateSpan) -> Truth:
    """Whether any decision came on or before ``on``: the "or" of each."""
    truth = NO
    for decision in decisions:
        truth = truth | decision.on.on_or_before(on)
    return truth


def plain_detention_ends(case: Case) -> list[tuple[int, int | None, int | None]]:
    """Each detention with the release and the move that end it, by seq."""
    pairs = [(f, f.record) for f in case.outcomes]
    releases = [(f, x) for f, x in pairs if isinstance(x, Released) and x.by == "US"]
    leaving = [(f, x) for f, x in pairs if isinstance(x, Removed | Departed)]
    used: set[int] = set()
    ends = []
    for fact, held in ((f, x) for f, x in pairs if isinstance(x, Detained) and x.by == "US"):
        release = next(
            (p for p in releases if p[1].on.latest >= held.on.earliest and p[0].seq not in used),
            None,
        )
        if release is not None:
            used.add(release[0].seq)
        by = release[1].on if release is not None else None
        move = next(
            (
                p
                for p in leaving
                if p[1].on.latest >= held.on.earliest
                and (by is None or p[1].on.earliest <= by.latest)
            ),
            None,
        )
        ends.append((fact.seq, release[0].seq if release else None, move[0].seq if move else None))
    return ends


def plain_chain_truth(removals: list[Removal], first: Removal, feared: set[str]) -> Truth:
    """The most certain chain of removals on from ``first`` to a feared country, by search."""
    best = NO

    def walk(last: Removal, chain: list[Removal], truth: Truth) -> None:
        nonlocal best
        for onward in removals:
            if onward in chain or onward.by != last.to:
                continue
            step = truth & onward.truth & onward.on.on_or_after(last.on)
            if not step.possible:
                continue
            if onward.to in feared:
                best = best | step
            else:
                walk(onward, [*chain, onward], step)

    walk(first, [first], YES)
    return best


# -- the rules against them ------------------------------------------------------------


@settings(max_examples=max(300, settings().max_examples))
@given(claimant_cases())
def test_removals_are_the_plain_reading_of_the_moves(
    parts: tuple[Fact, Fact, tuple[Fact, ...]],
) -> None:
    """Rule: a coerced departure is a removal by the state the claimant was in just before.

    In the country of the last move certainly before it (or the one they were
    returned to); every move that may have come after that one adds its
    country as a maybe, and makes the others maybes.
    """
    case = _case(*parts)
    assert case.removals() == plain_removals(case)


@settings(max_examples=max(300, settings().max_examples))
@given(claimant_cases(), st.integers(0, 20), st.integers(0, 20))
def test_detention_notification_and_decision_rules_match_their_plain_readings(
    parts: tuple[Fact, Fact, tuple[Fact, ...]], max_days: int, within: int
) -> None:
    """Rule: each detention ends at its first unused release, or the first move by then.

    And a removal's notices are those regarding it; a removal is excused by a
    final decision that may have come on or before it.
    """
    case = _case(*parts)
    found = list(detention_limit(case, DetentionLimit(max_days=max_days)))
    ends = plain_detention_ends(case)
    cited = [set(f.evidence) - {1, 2} for f in found]
    # Every finding cites its detention with exactly the release and move that end it.
    for evidence in cited:
        assert any(evidence == {d, *(x for x in (rel, mv) if x is not None)} for d, rel, mv in ends)
    notices = list(notification(case, Notification(within_days=within)))
    plain = 0
    for removal in plain_removals(case):
        if removal.by == "US":
            about = removal.fact.record.outcome_id  # type: ignore[attr-defined]
            regarding = [
                f
                for f in case.outcomes
                if isinstance(f.record, Notified) and f.record.regarding == about
            ]
            truth, _, _ = case.deadline(removal.on, within, [(f, f.record) for f in regarding])
            plain += (truth & case.binds(removal.on) & removal.truth).possible
    assert len(notices) == plain
    finals = [
        f.record for f in case.outcomes if isinstance(f.record, ClaimDecided) and f.record.final
    ]
    expected = [
        case.binds(m.on) & m.truth & ~plain_first_before(finals, m.on)
        for m in plain_removals(case)
        if m.by == "US"
    ]
    assert [f.truth for f in no_removal_before_decision(case, NoRemovalBeforeDecision())] == [
        t for t in expected if t.possible
    ]


@settings(max_examples=max(300, settings().max_examples))
@given(claimant_cases())
def test_chain_refoulement_finds_the_most_certain_chain(
    parts: tuple[Fact, Fact, tuple[Fact, ...]],
) -> None:
    """Rule: a removal by the giver to a third state breaches if removals lead on to a feared one.

    Each onward removal is by the state the last sent the claimant to, and may
    come on or after it; the finding is as certain as the most certain such
    chain (searched here through every chain), and there is none without one.
    """
    case = _case(*parts)
    removals = plain_removals(case)
    feared = set(case.returned.feared)
    refusals = [
        f.record
        for f in case.outcomes
        if isinstance(f.record, ClaimDecided) and f.record.final and f.record.decision == "refused"
    ]
    expected = []
    for removal in removals:
        if removal.by != "US":
            continue
        truth = case.binds(removal.on) & removal.truth & ~plain_first_before(refusals, removal.on)
        if not truth.possible:
            continue
        if removal.to in feared:
            expected.append(("direct", truth))
            continue
        chain = truth & plain_chain_truth(removals, removal, feared)
        if chain.possible:
            expected.append(("chain", chain))
    found = [
        ("chain" if "chain refoulement" in f.explanation else "direct", f.truth)
        for f in non_refoulement(case, NonRefoulement(indirect=True))
    ]
    assert found == expected
    for finding in non_refoulement(case, NonRefoulement(indirect=True)):
        assert finding.evidence == tuple(sorted(set(finding.evidence)))


def test_a_ping_pong_of_removals_is_followed_to_the_feared_country() -> None:
    """Rule: a chain may pass through a state twice; the removal to the feared one is found."""
    back = Fact(
        1,
        ClaimantReturned(
            claimant_id="c-1",
            on="2020-01-05",
            returned_by="CA",
            returned_to="US",
            nationalities=["HT"],
        ),
    )
    promise = Fact(
        2,
        AssuranceGiven(
            assurance_id="a-1",
            given_by="US",
            given_to="CA",
            on="2020-01-01",
            form="diplomatic_note",
            commitments=[NonRefoulement(indirect=True)],
        ),
    )
    steps = [("US", "MX"), ("MX", "GT"), ("GT", "MX"), ("MX", "HT")]
    outcomes = tuple(
        Fact(
            3 + i,
            Removed(
                outcome_id=f"o-{i}", claimant_id="c-1", on=f"2020-02-{10 + i:02d}", by=by, to=to
            ),
        )
        for i, (by, to) in enumerate(steps)
    )
    found = list(non_refoulement(_case(back, promise, outcomes), NonRefoulement(indirect=True)))
    assert [(f.truth, f.evidence) for f in found] == [(YES, (1, 2, 3, 4, 5, 6))]
    assert list(itertools.chain(found[0].explanation.split("then")))[-1].strip().startswith("to HT")


@settings(max_examples=max(100, settings().max_examples))
@given(claimant_cases(), st.integers(1, 4))
def test_a_case_of_many_outcomes_reads_them_by_type_as_a_plain_reading_would(
    parts: tuple[Fact, Fact, tuple[Fact, ...]], copies: int
) -> None:
    """Rule: of_type and removals give the same, in the same order, however many outcomes.

    A case of more than a few dozen outcomes reads them grouped by type; the
    outcomes here are repeated (new seqs, same dates) to pass that size.
    """
    claimant, assurance, outcomes = parts
    many = sorted(
        (Fact(f.seq + 100 * k, f.record) for k in range(copies * 3) for f in outcomes),
        key=lambda f: (f.record.on.earliest, f.record.on.latest, f.seq),  # type: ignore[attr-defined]
    )
    case = _case(claimant, assurance, tuple(many))
    for kind in (Removed, Departed, Detained, Released, Notified, ClaimDecided, Outcome):
        for by in (None, "US"):
            plain = [
                (f, f.record)
                for f in case.outcomes
                if isinstance(f.record, kind)
                and (by is None or getattr(f.record, "by", None) == by)
            ]
            assert case.of_type(kind, by=by) == plain
    moves = [(f, f.record) for f in case.outcomes if isinstance(f.record, Removed | Departed)]
    assert case.of_type((Removed, Departed)) == moves
    assert case.removals() == plain_removals(case)
    if len(many) > 32:
        assert case.removals() is case.removals()  # worked out once for a case this size
