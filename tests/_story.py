"""The Canada-U.S. story the tests tell, built one way: records with its defaults, and a ledger.

In March 2020 Canada (CA) asks the United States (US) for an assurance on the
18th; the United States gives it on the 20th; Canada returns a Haitian
claimant, ``c-1``, to the United States on the 22nd; outcomes follow. Each
function makes one record of that story, every default overridable, so a test
says only what differs; :class:`Story` appends them to a ledger and returns
each entry's seq. The suites that tell the story (the ledger's rules, the
report, the rules at their boundaries, the statistics) build it here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assurance_ledger import (
    AssuranceDeclined,
    AssuranceGiven,
    AssuranceRequested,
    AssuranceWithdrawn,
    ClaimantReturned,
    Commitment,
    HumaneTreatment,
    Ledger,
    Outcome,
    Record,
    Report,
    Scope,
    check,
)

REQUESTED = "2020-03-18"
GIVEN = "2020-03-20"
RETURNED = "2020-03-22"
RECIPIENT, GIVER = "CA", "US"


def requested(
    assurance_id: str = "a-1",
    on: Any = REQUESTED,
    by: str = RECIPIENT,
    of: str = GIVER,
    *,
    commitments: Iterable[Commitment] = (HumaneTreatment(),),
    scope: Scope | None = None,
) -> AssuranceRequested:
    """``by`` (Canada) asks ``of`` (the United States) for an assurance."""
    return AssuranceRequested(
        assurance_id=assurance_id,
        requested_by=by,
        requested_of=of,
        on=on,
        commitments=commitments,
        scope=scope if scope is not None else Scope(),
    )


def given(
    assurance_id: str = "a-1",
    on: Any = GIVEN,
    by: str = GIVER,
    to: str = RECIPIENT,
    *,
    commitments: Iterable[Commitment] = (HumaneTreatment(),),
    scope: Scope | None = None,
    **fields: Any,
) -> AssuranceGiven:
    """``by`` (the United States) assures ``to`` (Canada), by diplomatic note unless ``form``."""
    fields.setdefault("form", "diplomatic_note")
    return AssuranceGiven(
        assurance_id=assurance_id,
        given_by=by,
        given_to=to,
        on=on,
        commitments=commitments,
        scope=scope if scope is not None else Scope(),
        **fields,
    )


def declined(assurance_id: str = "a-1", on: Any = GIVEN) -> AssuranceDeclined:
    """The requested state declines."""
    return AssuranceDeclined(assurance_id=assurance_id, on=on)


def withdrawn(
    assurance_id: str = "a-1", on: Any = "2020-05-01", *, releases_existing: bool = False
) -> AssuranceWithdrawn:
    """The giver withdraws its assurance."""
    return AssuranceWithdrawn(assurance_id=assurance_id, on=on, releases_existing=releases_existing)


def returned(
    claimant_id: str = "c-1",
    on: Any = RETURNED,
    *,
    by: str = RECIPIENT,
    to: str = GIVER,
    **fields: Any,
) -> ClaimantReturned:
    """``by`` (Canada) returns a claimant to ``to``: Haitian unless ``nationalities`` says."""
    fields.setdefault("nationalities", ["HT"])
    return ClaimantReturned(
        claimant_id=claimant_id, on=on, returned_by=by, returned_to=to, **fields
    )


class Story:
    """The story's ledger, built entry by entry; every method returns the new entry's seq."""

    def __init__(self) -> None:
        """An empty ledger."""
        self.ledger = Ledger()
        self._outcomes = 0

    def add(self, record: Record) -> int:
        """Append one record, recorded by Canada."""
        return self.ledger.append(record, recorded_by=RECIPIENT).seq

    def request(self, assurance_id: str = "a-1", **fields: Any) -> int:
        """Canada asks for an assurance (see :func:`requested`)."""
        return self.add(requested(assurance_id, **fields))

    def give(self, *commitments: Commitment, assurance_id: str = "a-1", **fields: Any) -> int:
        """The United States gives an assurance with these commitments (see :func:`given`)."""
        return self.add(given(assurance_id, commitments=commitments, **fields))

    def decline(self, assurance_id: str, *, on: Any = GIVEN) -> int:
        """The requested state declines."""
        return self.add(declined(assurance_id, on))

    def withdraw(
        self, assurance_id: str = "a-1", *, on: Any, releases_existing: bool = False
    ) -> int:
        """The giver withdraws its assurance."""
        return self.add(withdrawn(assurance_id, on, releases_existing=releases_existing))

    def returned(self, claimant_id: str = "c-1", **fields: Any) -> int:
        """Canada returns a claimant (see :func:`returned`)."""
        return self.add(returned(claimant_id, **fields))

    def outcome(
        self,
        cls: type[Outcome],
        on: Any,
        *,
        claimant_id: str = "c-1",
        outcome_id: str | None = None,
        **fields: Any,
    ) -> int:
        """Something happened to a claimant; ids are ``o-1``, ``o-2``, … unless given."""
        self._outcomes += 1
        oid = outcome_id or f"o-{self._outcomes}"
        return self.add(cls(outcome_id=oid, claimant_id=claimant_id, on=on, **fields))

    def check(self, as_of: Any) -> Report:
        """The report as of ``as_of``."""
        return check(self.ledger, as_of=as_of)
