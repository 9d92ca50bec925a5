"""Bilateral reconciliation: what two ledgers of the same arrangement disagree about.

Two states keep their own ledgers of one arrangement (Canada's and the United
States', say). :func:`reconcile` compares them and returns a
:class:`Reconciliation`: a value listing every :class:`Discrepancy`, most
serious first. Four questions are asked:

1. **Witnessed heads.** A ``checkpoint`` in one ledger records that its keeper
   saw the other ledger with entry ``seq`` at ``hash``. If the other ledger no
   longer has that entry with that hash (the entry is gone, or differs), its
   history was rewritten or cut short *after* it was witnessed. Nothing else
   shows tampering as plainly, so it comes first. With party names
   (``a_party``, ``b_party``), only the checkpoints of the other party's ledger
   are checked (those of third parties' ledgers are not about it); without them,
   every checkpoint is, since nothing says which ledger it is of. Checkpoints
   are read from the current view: a retracted one is not checked.
2. **The chains.** Comparing entry hashes from seq 1: the ledgers are
   *identical*, one is *behind* the other (a prefix of it), they have
   *diverged* at seq N (the first N - 1 entries are the same, entry N is not: a
   shared history forked), or they are *separate* (not even entry 1 is the
   same: each side keeps its own chain, the usual case for two states). A fork
   is a discrepancy, second only to a witnessed head not found; being behind
   is one too, the least serious; separate chains are not.
3. **Conflicting facts.** In the current views (:meth:`Ledger.facts
   <assurance_ledger.ledger.Ledger.facts>`, corrections applied), claimants are
   matched by ``claimant_id``, outcomes by ``outcome_id`` whatever their type,
   and assurance records by ``assurance_id`` and stage (request, giving,
   declining, withdrawal). Every field both records have is compared except
   ``source`` (each side cites its own): dates conflict only when their spans
   cannot be the same day; lists are compared as sets; an assurance's
   commitments kind by kind and its scope filter by filter. A value one side
   marks as unknown does not conflict: a ``crossing`` of ``unknown``, and an
   assurance's ``authority``, ``disclosure`` or ``text_sha256`` left out. A
   claimant's country of origin and feared countries are compared as they take
   effect (a default filled in from the nationalities equals the same country
   written out).
4. **One side only.** A claimant, outcome or assurance record only one ledger
   holds (listed after the conflicts).

When one chain is a prefix of the other, facts are not compared: the shorter
ledger *is* the longer one as it stood earlier, so every difference between
their views is explained by the entries it has not received yet. The
reconciliation then says only that one side is behind (and checks the
checkpoints).

:func:`checkpoint_of` makes the checkpoint one side hands the other to append
to its own ledger, so that each keeps the other honest.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import attrs

from . import records as r
from .chain import Entry
from .commitments import Commitment
from .dates import DateSpan
from .display import one_line
from .errors import EmptyLedger
from .ledger import Fact, Ledger

__all__ = [
    "KINDS",
    "Discrepancy",
    "DiscrepancyKind",
    "EmptyLedger",
    "Reconciliation",
    "Relation",
    "checkpoint_of",
    "reconcile",
]

#: What a discrepancy is about (see :data:`KINDS` for their order).
DiscrepancyKind = Literal[
    "witnessed_head_not_found", "chain_diverged", "conflict", "one_side_only", "behind"
]
#: Every kind of discrepancy, most serious first: the order they are listed in.
KINDS: tuple[DiscrepancyKind, ...] = (
    "witnessed_head_not_found",
    "chain_diverged",
    "conflict",
    "one_side_only",
    "behind",
)
#: How two chains relate (see :attr:`Reconciliation.relation`).
Relation = Literal["identical", "behind", "diverged", "separate"]
Side = Literal["a", "b"]

#: Record fields never compared: each side cites its own sources, and a claimant's
#: country of origin and feared countries are compared as they take effect.
_NOT_COMPARED = frozenset({"source", "country_of_origin", "feared_countries"})
#: Optional details of an assurance given: one side leaving them out is no conflict.
_MAY_BE_LEFT_OUT = frozenset({"authority", "disclosure", "text_sha256"})
#: How each subject is named in explanations.
_NAMES = {
    "claimant_returned": "claimant {}",
    "outcome": "outcome {}",
    r.AssuranceRequested.TYPE: "the request for assurance {}",
    r.AssuranceGiven.TYPE: "assurance {} as given",
    r.AssuranceDeclined.TYPE: "the declining of assurance {}",
    r.AssuranceWithdrawn.TYPE: "the withdrawal of assurance {}",
}


@attrs.frozen(kw_only=True)
class Discrepancy:
    """One thing two ledgers disagree about, with the entries on each side as evidence.

    ``kind`` is one of :data:`KINDS`. ``subject`` is what was compared: the
    ``type`` tag of the records (``claimant_returned`` or an assurance stage such
    as ``assurance_given``), ``outcome`` (outcomes are matched by id whatever
    their type), ``checkpoint`` or ``chain``; ``id`` is the claimant, outcome or
    assurance id (for a checkpoint, the ``ledger_of`` it names). ``field`` is the
    field that differs (``scope.returns_from``, ``commitments.detention_limit``,
    ``hash`` for chains and checkpoints, ``entries`` when one side is behind), and
    ``a_value`` and ``b_value`` its value on each side. ``a_seqs`` and ``b_seqs``
    are the entries concerned in each ledger (a fact's entry and the correction
    that restated it; for a checkpoint, its entry in the ledger holding it and
    the witnessed seq in the other). ``side`` is the ledger that holds the record
    or the checkpoint, or that is behind. ``explanation`` says it in one sentence.
    """

    kind: DiscrepancyKind
    subject: str
    id: str | None = None
    field: str | None = None
    a_value: object = None
    b_value: object = None
    a_seqs: tuple[int, ...] = ()
    b_seqs: tuple[int, ...] = ()
    side: Side | None = None
    explanation: str = ""

    @property
    def sort_key(self) -> tuple[int, str, str, str, str, tuple[int, ...], tuple[int, ...]]:
        """Most serious kind first, then by subject, id, field, side and entries."""
        return (
            KINDS.index(self.kind),
            self.subject,
            self.id or "",
            self.field or "",
            self.side or "",
            self.a_seqs,
            self.b_seqs,
        )

    def to_json(self) -> dict[str, Any]:
        """The discrepancy as JSON data; every key is always present (``null`` when unused)."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "id": self.id,
            "field": self.field,
            "side": self.side,
            "a_value": _json_value(self.a_value),
            "b_value": _json_value(self.b_value),
            "a_seqs": list(self.a_seqs),
            "b_seqs": list(self.b_seqs),
            "explanation": self.explanation,
        }


@attrs.frozen(kw_only=True)
class Reconciliation:
    """What two ledgers, A and B, disagree about: :func:`reconcile`'s answer.

    ``a_entries`` and ``b_entries`` are their lengths, ``a_head`` and ``b_head``
    the hashes of their last entries (``None`` when empty), and ``shared`` how
    many entries from seq 1 are the same in both. ``discrepancies`` lists
    every :class:`Discrepancy`, most serious first.
    """

    a_party: str | None
    b_party: str | None
    a_entries: int
    b_entries: int
    a_head: str | None
    b_head: str | None
    shared: int
    discrepancies: tuple[Discrepancy, ...]

    @property
    def agrees(self) -> bool:
        """True when there is no discrepancy at all."""
        return not self.discrepancies

    @property
    def relation(self) -> Relation:
        """How the chains relate: identical, one behind the other, diverged, or separate."""
        if self.shared == min(self.a_entries, self.b_entries):
            return "identical" if self.a_entries == self.b_entries else "behind"
        return "diverged" if self.shared else "separate"

    def to_json(self) -> dict[str, Any]:
        """The reconciliation as JSON data, keys in a fixed order."""
        return {
            "agrees": self.agrees,
            "a": {"party": self.a_party, "entries": self.a_entries, "head": self.a_head},
            "b": {"party": self.b_party, "entries": self.b_entries, "head": self.b_head},
            "chain": {"relation": self.relation, "shared": self.shared},
            "discrepancies": [d.to_json() for d in self.discrepancies],
        }

    def _chain_text(self) -> str:
        a, b = _label("a", self.a_party), _label("b", self.b_party)
        relation = self.relation
        if relation == "identical":
            return f"identical ({self.a_entries} entries each)"
        if relation == "behind":
            (behind, ahead) = (a, b) if self.a_entries < self.b_entries else (b, a)
            count = abs(self.a_entries - self.b_entries)
            return f"{behind} is behind {ahead} by {_entries(count)}"
        if relation == "diverged":
            return f"diverged at entry {self.shared + 1} (entries 1 to {self.shared} are the same)"
        return "separate (no entry in common: each side keeps its own chain)"

    def to_text(self) -> str:
        """The reconciliation for people, in plain English, most serious discrepancy first."""
        a, b = _label("a", self.a_party), _label("b", self.b_party)
        count = len(self.discrepancies)
        lines = [
            f"Reconciliation of {a}, {_entries(self.a_entries)}, "
            f"and {b}, {_entries(self.b_entries)}",
            f"Chains: {self._chain_text()}",
            "The ledgers agree."
            if self.agrees
            else f"The ledgers disagree: {count} discrepanc{'y' if count == 1 else 'ies'}, "
            "most serious first.",
        ]
        lines += [
            f"  {number}. [{d.kind.replace('_', ' ')}] {d.explanation}"
            for number, d in enumerate(self.discrepancies, 1)
        ]
        # Escaped line by line: the library's own words hold nothing to escape.
        return "\n".join(map(one_line, lines))

    def __str__(self) -> str:
        """The plain-text reconciliation."""
        return self.to_text()

    def _repr_html_(self) -> str:
        """A table for notebooks; every value from the ledgers is escaped."""
        a, b = _label("a", self.a_party), _label("b", self.b_party)
        verdict = (
            "they agree"
            if self.agrees
            else f"{len(self.discrepancies)} discrepancies, most serious first"
        )
        head = (
            f"<p><strong>Reconciliation</strong> of {_escape(a)}, "
            f"{_escape(_entries(self.a_entries))}, and {_escape(b)}, "
            f"{_escape(_entries(self.b_entries))}. Chains: {_escape(self._chain_text())}; "
            f"{_escape(verdict)}.</p>"
        )
        columns = "".join(
            f"<th>{_escape(c)}</th>"
            for c in ("kind", "subject", "id", "field", a, b, "explanation")
        )
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{_escape(v)}</td>"
                for v in (
                    d.kind,
                    d.subject,
                    d.id or "",
                    d.field or "",
                    _side_text(d.a_value, d.a_seqs),
                    _side_text(d.b_value, d.b_seqs),
                    d.explanation,
                )
            )
            + "</tr>"
            for d in self.discrepancies
        )
        return f"{head}<table><thead><tr>{columns}</tr></thead><tbody>{rows}</tbody></table>"


def checkpoint_of(ledger: Ledger, *, ledger_of: str) -> r.Checkpoint:
    """The checkpoint witnessing ``ledger``'s head, for the other side to append to its own.

    ``ledger_of`` names the party whose ledger this is (``"US"``, ``"UNHCR"``).
    Raise :class:`EmptyLedger` for a ledger with no entries.

    >>> from assurance_ledger import Ledger
    >>> checkpoint_of(Ledger(), ledger_of="US")
    Traceback (most recent call last):
    ...
    assurance_ledger.errors.EmptyLedger: an empty ledger has no head to witness
    """
    head = ledger.head
    if head is None:
        raise EmptyLedger("an empty ledger has no head to witness")
    return r.Checkpoint(ledger_of=ledger_of, seq=head.seq, hash=head.hash)


def reconcile(
    a: Ledger, b: Ledger, *, a_party: str | None = None, b_party: str | None = None
) -> Reconciliation:
    """Compare ledgers ``a`` and ``b``; see the module documentation for what is compared.

    ``a_party`` and ``b_party`` name whose ledgers they are: then only the
    checkpoints in ``a`` with ``ledger_of == b_party`` are checked against ``b``
    (and those in ``b`` naming ``a_party`` against ``a``). A name left out means
    every checkpoint in the other ledger is checked.
    """
    a_entries, b_entries = a.entries, b.entries
    shared = 0
    for mine, theirs in zip(a_entries, b_entries, strict=False):
        if mine.hash != theirs.hash:
            break
        shared += 1
    a_facts, b_facts = a.facts(), b.facts()
    names = {"a": _label("a", a_party), "b": _label("b", b_party)}
    found = [
        *_witnessed(a_facts, "a", b_entries, b_party, names),
        *_witnessed(b_facts, "b", a_entries, a_party, names),
        *_chain(a_entries, b_entries, shared, names),
    ]
    if shared < min(len(a_entries), len(b_entries)):  # not a prefix: compare the facts
        found += _facts(a_facts, b_facts, names)
    return Reconciliation(
        a_party=a_party,
        b_party=b_party,
        a_entries=len(a_entries),
        b_entries=len(b_entries),
        a_head=a_entries[-1].hash if a_entries else None,
        b_head=b_entries[-1].hash if b_entries else None,
        shared=shared,
        discrepancies=tuple(sorted(found, key=lambda d: d.sort_key)),
    )


# -- the four questions --------------------------------------------------------------


def _witnessed(
    facts: Sequence[Fact],
    side: Side,
    other: Sequence[Entry],
    other_party: str | None,
    names: dict[str, str],
) -> Iterator[Discrepancy]:
    """The checkpoints in one ledger (``side``) of the other whose head the other lacks."""
    there = "b" if side == "a" else "a"
    for fact in facts:
        checkpoint = fact.record
        if not isinstance(checkpoint, r.Checkpoint):
            continue
        if other_party is not None and checkpoint.ledger_of != other_party:
            continue
        seq = checkpoint.seq
        actual = other[seq - 1].hash if seq <= len(other) else None
        if actual == checkpoint.hash:
            continue
        holder, witnessed = names[side], names[there]
        now = (
            f"{witnessed}'s entry {seq} now has hash {actual}: its history was rewritten "
            "after it was witnessed"
            if actual is not None
            else f"{witnessed} ends at entry {len(other)}: entries were lost after it was witnessed"
        )
        values = {side: checkpoint.hash, there: actual}
        seqs = {side: _evidence(fact), there: (seq,)}
        yield Discrepancy(
            kind="witnessed_head_not_found",
            subject="checkpoint",
            id=checkpoint.ledger_of,
            field="hash",
            a_value=values["a"],
            b_value=values["b"],
            a_seqs=seqs["a"],
            b_seqs=seqs["b"],
            side=side,
            explanation=f"{_where(_evidence(fact), holder)} records that {witnessed} had entry "
            f"{seq} with hash {checkpoint.hash}, but {now}",
        )


def _chain(
    a_entries: Sequence[Entry], b_entries: Sequence[Entry], shared: int, names: dict[str, str]
) -> Iterator[Discrepancy]:
    """A fork of a shared history, or one side behind the other."""
    a_length, b_length = len(a_entries), len(b_entries)
    if shared == min(a_length, b_length):
        if a_length == b_length:
            return
        behind: Side = "a" if a_length < b_length else "b"
        ahead: Side = "b" if behind == "a" else "a"
        short, long = min(a_length, b_length), max(a_length, b_length)
        yield Discrepancy(
            kind="behind",
            subject="chain",
            field="entries",
            a_value=a_length,
            b_value=b_length,
            side=behind,
            explanation=f"{names[behind]} is behind {names[ahead]} by {_entries(long - short)}: "
            + (
                f"its {_entries(short)} are the same as the first {short} of {names[ahead]}, "
                f"which goes on to entry {long}"
                if short
                else f"it is empty, and {names[ahead]} has {_entries(long)}"
            ),
        )
    elif shared:
        seq = shared + 1
        a_hash, b_hash = a_entries[shared].hash, b_entries[shared].hash
        yield Discrepancy(
            kind="chain_diverged",
            subject="chain",
            field="hash",
            a_value=a_hash,
            b_value=b_hash,
            a_seqs=(seq,),
            b_seqs=(seq,),
            explanation=f"the chains are the same up to entry {shared} and differ from entry "
            f"{seq} on ({names['a']} has hash {a_hash}, {names['b']} has {b_hash}): a shared "
            "history forked",
        )


def _facts(
    a_facts: Sequence[Fact], b_facts: Sequence[Fact], names: dict[str, str]
) -> Iterator[Discrepancy]:
    """Conflicting facts, and facts recorded by one side only."""
    mine, theirs = _keyed(a_facts), _keyed(b_facts)
    for key, fact in mine.items():
        subject, ident = key
        what = _NAMES[subject].format(ident)
        other = theirs.get(key)
        if other is None:
            yield _one_side(fact, "a", key, names)
            continue
        for field, a_value, b_value in _differences(fact.record, other.record):
            a_seqs, b_seqs = _evidence(fact), _evidence(other)
            dates = isinstance(a_value, DateSpan) and isinstance(b_value, DateSpan)
            yield Discrepancy(
                kind="conflict",
                subject=subject,
                id=ident,
                field=field,
                a_value=a_value,
                b_value=b_value,
                a_seqs=a_seqs,
                b_seqs=b_seqs,
                explanation=f"{what}: {_field_text(field)} is {_show(a_value, field)} in "
                f"{_where(a_seqs, names['a'])} but {_show(b_value, field)} in "
                f"{_where(b_seqs, names['b'])}"
                + (" (they cannot be the same day)" if dates else ""),
            )
    for key, fact in theirs.items():
        if key not in mine:
            yield _one_side(fact, "b", key, names)


def _one_side(fact: Fact, side: Side, key: tuple[str, str], names: dict[str, str]) -> Discrepancy:
    subject, ident = key
    there = "b" if side == "a" else "a"
    seqs = _evidence(fact)
    return Discrepancy(
        kind="one_side_only",
        subject=subject,
        id=ident,
        a_seqs=seqs if side == "a" else (),
        b_seqs=seqs if side == "b" else (),
        side=side,
        explanation=f"{_NAMES[subject].format(ident)} is recorded in "
        f"{_where(seqs, names[side])} but not in {names[there]}",
    )


def _keyed(facts: Sequence[Fact]) -> dict[tuple[str, str], Fact]:
    """The comparable facts of one ledger by (subject, id); checkpoints are not compared."""
    # The identity a correction may not change: the kind of thing and its id.
    return {
        fact.record.identity: fact
        for fact in facts
        if isinstance(fact.record, r.ClaimantReturned | r.Outcome | r.AssuranceRecord)
    }


# -- comparing two records -----------------------------------------------------------


def _differences(a: r.Record, b: r.Record) -> Iterator[tuple[str, object, object]]:
    """Each field in which two records of the same thing conflict: (field, a's, b's)."""
    if type(a) is not type(b):
        yield "type", a.TYPE, b.TYPE
    theirs = {f.name for f in attrs.fields(type(b))}
    for field in attrs.fields(type(a)):
        name = field.name
        if name not in _NOT_COMPARED and name in theirs:
            yield from _field_differences(name, getattr(a, name), getattr(b, name))
    if isinstance(a, r.ClaimantReturned) and isinstance(b, r.ClaimantReturned):
        if a.origin != b.origin:
            yield "country_of_origin", a.origin, b.origin
        if set(a.feared) != set(b.feared):
            yield "feared_countries", tuple(sorted(a.feared)), tuple(sorted(b.feared))


def _field_differences(path: str, a: object, b: object) -> Iterator[tuple[str, object, object]]:
    """The conflicts between two values of the field at ``path`` (dotted inside a scope)."""
    if a == b or _unknown(path, a, b):
        return
    if isinstance(a, DateSpan) and isinstance(b, DateSpan):
        if not a.overlaps(b):
            yield path, a, b
    elif isinstance(a, r.Scope) and isinstance(b, r.Scope):
        for field in attrs.fields(r.Scope):
            yield from _field_differences(
                f"{path}.{field.name}", getattr(a, field.name), getattr(b, field.name)
            )
    elif isinstance(a, tuple) and isinstance(b, tuple):
        yield from _tuple_differences(path, a, b)
    else:
        yield path, a, b


def _unknown(path: str, a: object, b: object) -> bool:
    """Whether one side marks the value as unknown, which conflicts with nothing."""
    if path in _MAY_BE_LEFT_OUT:
        return a is None or b is None
    return path == "crossing" and "unknown" in (a, b)


def _tuple_differences(
    path: str, a: tuple[object, ...], b: tuple[object, ...]
) -> Iterator[tuple[str, object, object]]:
    """Lists compared as sets; commitments kind by kind."""
    if path == "commitments":
        mine = {c.KIND: c for c in a if isinstance(c, Commitment)}
        theirs = {c.KIND: c for c in b if isinstance(c, Commitment)}
        for kind in sorted(mine.keys() | theirs.keys()):
            if mine.get(kind) != theirs.get(kind):
                yield f"{path}.{kind}", mine.get(kind), theirs.get(kind)
    elif set(a) != set(b):
        yield path, tuple(sorted(a, key=str)), tuple(sorted(b, key=str))


# -- rendering -----------------------------------------------------------------------


def _label(side: Side, party: str | None) -> str:
    letter = side.upper()
    return f"ledger {letter} ({party})" if party is not None else f"ledger {letter}"


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def _evidence(fact: Fact) -> tuple[int, ...]:
    return (fact.seq,) if fact.corrected_by is None else (fact.seq, fact.corrected_by)


def _where(seqs: tuple[int, ...], ledger: str) -> str:
    """Where a fact is: ``entry 4 of ledger A``, or ``entry 4 (corrected by entry 9) of ...``."""
    if len(seqs) == 2:
        return f"entry {seqs[0]} (corrected by entry {seqs[1]}) of {ledger}"
    return f"entry {seqs[0]} of {ledger}"


def _field_text(field: str) -> str:
    """A field's name in a sentence: ``"to"``, ``the scope's returns_from``."""
    group, _, name = field.partition(".")
    if group == "commitments":
        return f"the {name} commitment"
    if group == "scope":
        return f"the scope's {name}"
    return f'"{field}"'


def _show(value: object, field: str = "") -> str:
    """A value as plain text (a commitment as whether, and on what terms, it is promised)."""
    if field.startswith("commitments."):
        if not isinstance(value, Commitment):
            return "not promised"
        terms = _terms(value)
        return f"promised with {terms}" if terms else "promised"
    if isinstance(value, Commitment):
        terms = _terms(value)
        return f"{value.KIND} ({terms})" if terms else value.KIND
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(_show(v) for v in value) if value else "none"
    return "none" if value is None else str(value)


def _terms(commitment: Commitment) -> str:
    return ", ".join(
        f"{f.name} {_show(getattr(commitment, f.name))}" for f in attrs.fields(type(commitment))
    )


def _side_text(value: object, seqs: tuple[int, ...]) -> str:
    where = f" (entries {', '.join(map(str, seqs))})" if seqs else ""
    return ("" if value is None else _show(value)) + where


def _json_value(value: object) -> Any:
    """A value as JSON data: dates in their compact form, lists sorted, commitments tagged."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, DateSpan):
        return value.to_json()
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, Commitment):
        return {
            "kind": value.KIND,
            **{f.name: _json_value(getattr(value, f.name)) for f in attrs.fields(type(value))},
        }
    return str(value)


def _escape(value: object) -> str:
    return html.escape(one_line(str(value)))
