"""The current view of a ledger and the append rules it is checked against (the package's own).

:class:`View` holds the current view's indexes (corrections applied): which
ids are used, and each assurance's life so far. :meth:`View.check` applies the
append rules that ``ledger.py``'s docstring lists, and :meth:`View.correct`
those of a correction; :class:`~assurance_ledger.ledger.Ledger` owns the chain,
the store and the batches, and asks the view. :class:`Fact`, a record as it
currently stands, is public as ``assurance_ledger.Fact`` (and ``.ledger.Fact``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import attrs

from . import records as r
from ._validate import short
from .dates import DateSpan
from .errors import RecordRefused
from .records import Record

__all__ = ["Fact", "Undo", "View", "forget", "refuse", "unseen_by_rules", "used_id"]


@attrs.frozen
class Fact:
    """A record as it currently stands: first recorded at ``seq``, perhaps corrected since.

    ``corrected_by`` is the seq of the correction whose replacement ``record``
    is, or ``None`` if the record stands as first recorded.
    """

    seq: int
    record: Record
    corrected_by: int | None = None


#: The life of an assurance, by record type: the entries an assurance_id must
#: already have, the entries it must not have, and the entry it must not be
#: dated before.
_LIFECYCLE: dict[str, tuple[tuple[str, ...], tuple[str, ...], str | None]] = {
    r.AssuranceRequested.TYPE: ((), (r.AssuranceRequested.TYPE, r.AssuranceGiven.TYPE), None),
    r.AssuranceGiven.TYPE: (
        (),
        (r.AssuranceGiven.TYPE, r.AssuranceDeclined.TYPE),
        r.AssuranceRequested.TYPE,
    ),
    r.AssuranceDeclined.TYPE: (
        (r.AssuranceRequested.TYPE,),
        (r.AssuranceGiven.TYPE, r.AssuranceDeclined.TYPE),
        r.AssuranceRequested.TYPE,
    ),
    r.AssuranceWithdrawn.TYPE: (
        (r.AssuranceGiven.TYPE,),
        (r.AssuranceWithdrawn.TYPE,),
        r.AssuranceGiven.TYPE,
    ),
}


#: How to take back each change of a batch, in order (``None``: the changes are
#: never taken back, as when stored entries are read).
Undo = list[Callable[[], None]] | None


def refuse(field: str, expected: str, got: object, seq: int) -> RecordRefused:
    shown = str(got) if isinstance(got, DateSpan) else short(got)
    return RecordRefused((field,), expected, shown, seq=seq)


class View:
    """The current view's indexes, for checking the rules (private, mutable).

    Every change goes through :meth:`add`, which :meth:`take_back` undoes, or
    :meth:`restate`, which logs how to undo it, so a refused batch can be
    rolled back exactly. A retracted fact leaves ``None`` in its slot, so
    ``facts`` stays in seq order whatever is corrected; its claimant or
    outcome id moves to ``retired``, since ids are never used again.

    Every rule reads only records of one *group*: a claimant's return and
    outcomes (``notified`` must be about the same claimant), or one
    assurance's lifecycle. So a correction need only re-check the groups it
    touches, whatever the size of the ledger.
    """

    __slots__ = (
        "assessments",
        "assurances",
        "claimants",
        "corrected",
        "facts",
        "groups",
        "outcomes",
        "retired",
    )

    def __init__(self) -> None:
        self.facts: dict[int, Fact | None] = {}
        self.claimants: dict[str, int] = {}
        self.outcomes: dict[str, int] = {}
        self.assurances: dict[tuple[str, str], int] = {}
        self.groups: dict[tuple[str, str], list[int]] = {}
        self.corrected: dict[int, int] = {}
        # The claimant and outcome ids of retracted records: never to be used again.
        self.retired: set[tuple[str, str]] = set()
        # An assessment belongs to its assurance's group: retracting the
        # assurance re-checks the assessments that name it.
        self.assessments: dict[str, int] = {}

    def record_at(self, seq: int) -> Record:
        fact = self.facts[seq]
        assert fact is not None  # noqa: S101 -- indexes only name facts in the view
        return fact.record

    def current(self) -> Iterator[Fact]:
        """The facts in the view, in seq order."""
        # filter(None, ...) drops the retracted slots (None) in C; a Fact is never falsy.
        return filter(None, self.facts.values())

    def used(self, record: Record) -> tuple[str, str] | None:
        """The kind and id of ``record``'s claimant or outcome id, if it was ever used here."""
        found = used_id(record)
        if found is None:
            return None
        kind, key = found
        index = {"outcome": self.outcomes, "assessment": self.assessments}.get(kind, self.claimants)
        return found if key in index or found in self.retired else None

    def check(self, record: Record, seq: int) -> None:
        """Raise :class:`RecordRefused` if ``record`` at ``seq`` breaks a rule of this view."""
        if isinstance(record, r.Outcome):  # first: most entries are outcomes
            self._check_outcome(record, seq)
        elif isinstance(record, r.ClaimantReturned):
            if record.claimant_id in self.claimants:
                raise refuse(
                    "claimant_id",
                    f"a claimant_id not yet recorded (it is at seq "
                    f"{self.claimants[record.claimant_id]})",
                    record.claimant_id,
                    seq,
                )
        elif isinstance(record, r.AssuranceRecord):
            self._check_assurance(record, seq)
        elif isinstance(record, r.Assessment):
            self._check_assessment(record, seq)

    def _check_assessment(self, record: r.Assessment, seq: int) -> None:
        if record.assessment_id in self.assessments:
            raise refuse(
                "assessment_id",
                f"an assessment_id not yet recorded (it is at seq "
                f"{self.assessments[record.assessment_id]})",
                record.assessment_id,
                seq,
            )
        key = record.assurance_id
        if not any((key, tag) in self.assurances for tag in _LIFECYCLE):
            raise refuse(
                "assurance_id",
                "the assurance_id of an assurance recorded earlier in the ledger",
                key,
                seq,
            )

    def _check_assurance(self, record: r.AssuranceRecord, seq: int) -> None:
        key = record.assurance_id
        requires, excludes, after = _LIFECYCLE[record.TYPE]
        for tag in requires:
            if (key, tag) not in self.assurances:
                raise refuse("assurance_id", f"an assurance with an {tag} entry", key, seq)
        for tag in excludes:
            if (key, tag) in self.assurances:
                raise refuse(
                    "assurance_id",
                    f"an assurance with no {tag} entry (there is one at seq "
                    f"{self.assurances[key, tag]})",
                    key,
                    seq,
                )
        before_seq = self.assurances.get((key, after)) if after else None
        if before_seq is None:
            return
        before = self.record_at(before_seq)
        assert isinstance(before, r.AssuranceRecord)  # noqa: S101 -- by construction
        if (
            isinstance(record, r.AssuranceGiven)
            and isinstance(before, r.AssuranceRequested)
            and (record.given_by, record.given_to) != (before.requested_of, before.requested_by)
        ):
            raise refuse(
                "given_by",
                f"the parties of the request at seq {before_seq} "
                f"(given_by {before.requested_of}, given_to {before.requested_by})",
                f"given_by {record.given_by}, given_to {record.given_to}",
                seq,
            )
        if record.on.latest < before.on.earliest:
            raise refuse(
                "on",
                f"a date that could be on or after the {after} entry "
                f"({before.on}, seq {before_seq})",
                record.on,
                seq,
            )

    def _check_outcome(self, record: r.Outcome, seq: int) -> None:
        if record.outcome_id in self.outcomes:
            raise refuse(
                "outcome_id",
                f"an outcome_id not yet recorded (it is at seq {self.outcomes[record.outcome_id]})",
                record.outcome_id,
                seq,
            )
        returned_at = self.claimants.get(record.claimant_id)
        if returned_at is None:
            raise refuse(
                "claimant_id",
                "a claimant whose return is recorded earlier in the ledger",
                record.claimant_id,
                seq,
            )
        returned = self.record_at(returned_at)
        if record.on.latest < returned.on.earliest:  # type: ignore[attr-defined]
            raise refuse(
                "on",
                f"a date that could be on or after the claimant's return "
                f"({returned.on}, seq {returned_at})",  # type: ignore[attr-defined]
                record.on,
                seq,
            )
        if isinstance(record, r.Notified):
            about = self.outcomes.get(record.regarding)
            if about is None or self.record_at(about).claimant_id != record.claimant_id:  # type: ignore[attr-defined]
                raise refuse(
                    "regarding",
                    "the outcome_id of an earlier outcome of the same claimant",
                    record.regarding,
                    seq,
                )
        elif isinstance(record, r.InterimMeasureLifted):
            about = self.outcomes.get(record.regarding)
            if (
                about is None
                or not isinstance(self.record_at(about), r.InterimMeasure)
                or self.record_at(about).claimant_id != record.claimant_id  # type: ignore[attr-defined]
            ):
                raise refuse(
                    "regarding",
                    "the outcome_id of an earlier interim_measure of the same claimant",
                    record.regarding,
                    seq,
                )

    def add(self, fact: Fact) -> None:
        """Put ``fact`` (already checked, with a seq after every other) in the view.

        :meth:`take_back` undoes it, as long as nothing added since is still there.
        """
        self.facts[fact.seq] = fact
        self._index(fact, None)

    def take_back(self, fact: Fact) -> None:
        """Undo :meth:`add` of ``fact``: take it out of the view and its indexes."""
        self.facts.pop(fact.seq, None)
        place = self._place(fact.record)
        if place is not None:
            index, key, group = place
            index.pop(key, None)
            members = self.groups.get(group, [])
            if fact.seq in members:
                members.remove(fact.seq)

    def restate(
        self,
        seq: int,
        replacement: Record | None,
        correction: int,
        undo: Undo,
    ) -> None:
        """Replace or retract fact ``seq`` (already checked), logging how to undo it."""
        old = self.facts[seq]
        if old is not None:
            self._unindex(old, undo)
        new = None if replacement is None else Fact(seq, replacement, corrected_by=correction)
        self.facts[seq] = new  # in place: the order of the facts is kept
        if undo is not None:
            undo.append(partial(self.facts.__setitem__, seq, old))
        if new is not None:
            self._index(new, undo)
        elif old is not None:  # retracted: its id stays used
            retiring = used_id(old.record)
            if retiring is not None and retiring not in self.retired:
                self.retired.add(retiring)
                if undo is not None:
                    undo.append(partial(self.retired.discard, retiring))
        previous = self.corrected.get(seq)
        self.corrected[seq] = correction
        if undo is not None:
            if previous is None:
                undo.append(partial(forget, self.corrected, seq))
            else:
                undo.append(partial(self.corrected.__setitem__, seq, previous))

    def group_of(self, record: Record) -> tuple[str, str] | None:
        """The group whose rules read ``record``, if any."""
        place = self._place(record)
        return None if place is None else place[2]

    def _place(self, record: Record) -> tuple[dict[Any, int], Any, tuple[str, str]] | None:
        """The index that finds ``record`` by its id, its key there, and its group."""
        # Outcomes first: they are most of any ledger.
        if isinstance(record, r.Outcome):
            return self.outcomes, record.outcome_id, ("claimant", record.claimant_id)
        if isinstance(record, r.ClaimantReturned):
            return self.claimants, record.claimant_id, ("claimant", record.claimant_id)
        if isinstance(record, r.AssuranceRecord):
            key = record.assurance_id
            return self.assurances, (key, record.TYPE), ("assurance", key)
        if isinstance(record, r.Assessment):
            return self.assessments, record.assessment_id, ("assurance", record.assurance_id)
        return None

    def _index(self, fact: Fact, undo: Undo) -> None:
        place = self._place(fact.record)
        if place is None:
            return
        index, key, group = place
        seq = fact.seq
        index[key] = seq
        members = self.groups.get(group)
        if members is None:  # (not setdefault, which would make a list every time)
            members = self.groups[group] = []  # a list: smaller than a set
        members.append(seq)
        if undo is not None:
            undo.append(partial(forget, index, key))
            undo.append(partial(members.remove, seq))

    def _unindex(self, fact: Fact, undo: Undo) -> None:
        place = self._place(fact.record)
        if place is None:
            return
        index, key, group = place
        seq = fact.seq
        del index[key]
        members = self.groups[group]
        members.remove(seq)
        if undo is not None:
            undo.append(partial(index.__setitem__, key, seq))
            undo.append(partial(members.append, seq))

    def correct(
        self, original: Record, target: int, replacement: Record | None, seq: int, undo: Undo
    ) -> None:
        """Take in a correction at ``seq`` of the entry ``target`` (recorded as ``original``).

        Raise RecordRefused if the replacement changes the record's identity,
        or if the corrected view would break any append rule.
        """
        if replacement is not None and replacement.identity != original.identity:
            kind, ident = original.identity
            raise refuse(
                "replacement",
                f"a {kind} record with the same id as seq {target} ({ident or kind})",
                "{} {}".format(*replacement.identity).strip(),
                seq,
            )
        current = self.facts.get(target)
        if current is not None and unseen_by_rules(current.record, replacement):
            self.restate(target, replacement, seq, undo)
            return
        # Re-check, in seq order, every fact of the groups the change touches.
        touched = {current.record if current else None, replacement} - {None}
        groups = {self.group_of(record) for record in touched if record is not None} - {None}
        seqs = set().union(*(self.groups.get(g, ()) for g in groups if g is not None))
        seqs.discard(target)
        facts = [self.facts[s] for s in seqs]
        if replacement is not None:
            facts.append(Fact(target, replacement, corrected_by=seq))
        fresh = View()
        for fact in sorted((f for f in facts if f is not None), key=lambda f: f.seq):
            try:
                fresh.check(fact.record, fact.seq)
            except RecordRefused as exc:
                raise RecordRefused(
                    ("replacement",) if replacement is not None else ("target",),
                    f"a correction that leaves every entry valid; seq {fact.seq} would break: "
                    f"{exc.field}: expected {exc.expected}",
                    exc.got,
                    seq=seq,
                ) from None
            fresh.add(fact)
        self.restate(target, replacement, seq, undo)


def unseen_by_rules(current: Record, replacement: Record | None) -> bool:
    """Whether no append rule can see the change (so the view need not be checked again).

    True for retracting a checkpoint (nothing refers to one) and for a
    replacement that differs only in its source (no rule reads sources).
    """
    if replacement is None:
        return isinstance(current, r.Checkpoint)
    return type(current) is type(replacement) and all(
        getattr(current, field.name) == getattr(replacement, field.name)
        for field in attrs.fields(type(current))
        if field.name != "source"
    )


def forget(mapping: dict[Any, Any], key: Any) -> None:
    mapping.pop(key, None)


def used_id(record: Record) -> tuple[str, str] | None:
    if isinstance(record, r.ClaimantReturned):
        return ("claimant", record.claimant_id)
    if isinstance(record, r.Outcome):
        return ("outcome", record.outcome_id)
    if isinstance(record, r.Assessment):
        return ("assessment", record.assessment_id)
    return None
