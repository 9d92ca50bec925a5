"""How the saved ledgers in this folder were written (kept so the team can see; never re-run).

The ledgers here were written once, by version 0.1.0.dev0 of assurance_ledger
(the main branch of issue 20, before its restructuring), and committed with
what that version said of them: each ledger's head, its verification, and its
check reports as ``assurance-ledger check --format json`` printed them.
``tests/test_saved_ledgers.py`` holds every later version to them: it opens
the ledgers, verifies them, re-encodes them byte for byte, and checks them to
the pinned reports. The test never runs this script.

**Do not re-run this script to make a failing test pass.** The ledgers are the
promise that a file written today opens tomorrow: writing them again with a
later version would only prove that version agrees with itself. The one
deliberate use is a change of rule made on purpose (a breach that was wrong):
then ``python tests/saved/write_saved.py --reports`` pins the new reports of
the *same* ledgers (it never rewrites a ledger), in the same commit as the
rule, with a CHANGELOG line saying why. Writing the ledgers themselves
(without ``--reports``) refuses to overwrite any that exist.

Two ledgers, each as JSON Lines and as SQLite (written separately, batch by
batch, so each store's own writer made its file):

``canada-us-2020``
    The bundled example (``assurance_ledger/data/canada-us-2020.jsonl``),
    recorded as ``assurance-ledger demo`` records it.
``corrected-2020``
    Every record type and commitment kind of this version, every scope field,
    in five batches recorded by two parties at times given with UTC offsets:
    corrections (a replacement and a retraction), a checkpoint (of the other
    ledger's head), withdrawals (releasing and not), and dates known to a
    month, a year and a range of days. Its reports are pinned as of the end,
    and as recorded before the corrections.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import sys
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from assurance_ledger import DEFAULT_CODEC, Ledger, __version__
from assurance_ledger.cli import main

HERE = Path(__file__).resolve().parent
#: The file of expectations the test reads.
EXPECTED = "expected.json"

Batch = tuple[str, str, list[dict[str, Any]]]

_SOURCE = {
    "citation": "Synthetic record for the saved-ledger test, not a finding about any assurance",
    "url": "https://example.org/saved-ledgers",
    "reliability": "B",
    "credibility": 2,
}
_A1_COMMITMENTS = [
    {"kind": "non_refoulement", "absolute": True, "indirect": True},
    {"kind": "no_removal_before_decision"},
    {"kind": "access_to_procedure", "within_days": 10},
    {"kind": "detention_limit", "max_days": 21},
    {"kind": "notification", "within_days": 5},
    {"kind": "humane_treatment"},
    {"kind": "monitoring_access", "first_visit_within_days": 28, "private": True},
]
_A1_SCOPE = {
    "returns_from": "2020-03-21",
    "returns_until": "2020-06-30",
    "crossings": ["between_ports", "port_of_entry"],
    "exclude_nationalities": ["MX"],
}
_A3_SCOPE = {"nationalities": ["SV", "HN"], "minors_only": True}


def _corrected_batches(example_head: tuple[int, str]) -> list[Batch]:
    """The corrected-2020 story, batch by batch: (recorded_by, recorded_at, records)."""
    seq, digest = example_head
    return [
        (
            "CA",
            "2020-03-21T15:00:00-04:00",
            [
                # 1-4: four requests; a-2 is declined, a-4 stays pending.
                {
                    "type": "assurance_requested",
                    "assurance_id": "a-1",
                    "requested_by": "CA",
                    "requested_of": "US",
                    "on": "2020-03-20",
                    "commitments": _A1_COMMITMENTS,
                    "scope": _A1_SCOPE,
                    "source": _SOURCE,
                },
                {
                    "type": "assurance_requested",
                    "assurance_id": "a-2",
                    "requested_by": "CA",
                    "requested_of": "US",
                    "on": {"earliest": "2020-03-19", "latest": "2020-03-21"},
                    "commitments": [{"kind": "humane_treatment"}],
                    "scope": {"claimants": ["c-14"]},
                },
                {
                    "type": "assurance_requested",
                    "assurance_id": "a-3",
                    "requested_by": "CA",
                    "requested_of": "US",
                    "on": "2020-03",
                    "commitments": [{"kind": "non_refoulement"}],
                    "scope": _A3_SCOPE,
                },
                {
                    "type": "assurance_requested",
                    "assurance_id": "a-4",
                    "requested_by": "CA",
                    "requested_of": "US",
                    "on": "2020-03-21",
                    "commitments": [{"kind": "non_refoulement", "indirect": False}],
                    "scope": {"returns_from": "2020-05-01"},
                },
            ],
        ),
        (
            "CA",
            "2020-04-01T12:00:00Z",
            [
                # 5-12
                {
                    "type": "assurance_given",
                    "assurance_id": "a-1",
                    "given_by": "US",
                    "given_to": "CA",
                    "on": "2020-03-27",
                    "form": "diplomatic_note",
                    "authority": "U.S. Department of Homeland Security",
                    "disclosure": "disclosed_to_court",
                    "text_sha256": hashlib.sha256(b"the text of assurance a-1").hexdigest(),
                    "commitments": _A1_COMMITMENTS,
                    "scope": _A1_SCOPE,
                    "source": {"citation": "Synthetic diplomatic note", "reliability": "A"},
                },
                {
                    "type": "claimant_returned",
                    "claimant_id": "c-11",
                    "on": "2020-03-22",
                    "returned_by": "CA",
                    "returned_to": "US",
                    "crossing": "between_ports",
                    "nationalities": ["HT"],
                    "grounds": ["political_opinion"],
                    "torture_risk": True,
                },
                {
                    "type": "claimant_returned",
                    "claimant_id": "c-12",
                    "on": "2020-03",
                    "returned_by": "CA",
                    "returned_to": "US",
                    "crossing": "port_of_entry",
                    "nationalities": ["ER", "ET"],
                    "country_of_origin": "ER",
                    "feared_countries": ["ER", "SD"],
                    "grounds": ["religion", "nationality"],
                },
                {
                    "type": "claimant_returned",
                    "claimant_id": "c-13",
                    "on": {"earliest": "2020-03-28", "latest": "2020-04-01"},
                    "returned_by": "CA",
                    "returned_to": "US",
                    "crossing": "unknown",
                    "nationalities": [],
                    "country_of_origin": "SY",
                    "grounds": ["race"],
                },
                {
                    "type": "claimant_returned",
                    "claimant_id": "c-14",
                    "on": "2020-03-29",
                    "returned_by": "CA",
                    "returned_to": "US",
                    "crossing": "between_ports",
                    "nationalities": ["MX"],
                    "grounds": ["particular_social_group"],
                },
                {"type": "assurance_declined", "assurance_id": "a-2", "on": "2020-03-30"},
                {
                    "type": "detained",
                    "outcome_id": "o-11a",
                    "claimant_id": "c-11",
                    "on": "2020-03-22",
                    "by": "US",
                },
                {
                    "type": "detained",
                    "outcome_id": "o-12a",
                    "claimant_id": "c-12",
                    "on": "2020-03",
                    "by": "US",
                },
            ],
        ),
        (
            "UNHCR",
            "2020-05-15T09:30:00Z",
            [
                # 13-23
                {
                    "type": "released",
                    "outcome_id": "o-11b",
                    "claimant_id": "c-11",
                    "on": "2020-04-20",
                    "by": "US",
                },
                {
                    "type": "admitted_to_procedure",
                    "outcome_id": "o-11c",
                    "claimant_id": "c-11",
                    "on": "2020-04-10",
                    "by": "US",
                },
                {
                    "type": "monitoring_visit",
                    "outcome_id": "o-11d",
                    "claimant_id": "c-11",
                    "on": "2020-04-15",
                    "by": "UNHCR",
                    "private": True,
                    "medical_examination": True,
                },
                {
                    "type": "claim_decided",
                    "outcome_id": "o-12b",
                    "claimant_id": "c-12",
                    "on": "2020-04-20",
                    "by": "US",
                    "decision": "refused",
                    "final": True,
                },
                {
                    "type": "removed",
                    "outcome_id": "o-12c",
                    "claimant_id": "c-12",
                    "on": "2020-05",
                    "by": "US",
                    "to": "ER",
                },
                {
                    "type": "notified",
                    "outcome_id": "o-12d",
                    "claimant_id": "c-12",
                    "on": "2020-05-30",
                    "by": "US",
                    "to": "CA",
                    "regarding": "o-12c",
                },
                {
                    "type": "ill_treatment",
                    "outcome_id": "o-13a",
                    "claimant_id": "c-13",
                    "on": "2020-04",
                    "by": "US",
                },
                {
                    "type": "monitoring_denied",
                    "outcome_id": "o-13b",
                    "claimant_id": "c-13",
                    "on": "2020-04-20",
                    "by": "US",
                },
                {
                    "type": "removed",
                    "outcome_id": "o-14a",
                    "claimant_id": "c-14",
                    "on": "2020-04-05",
                    "by": "US",
                    "to": "MX",
                },
                {
                    "type": "departed",
                    "outcome_id": "o-11e",
                    "claimant_id": "c-11",
                    "on": "2020",
                    "to": "BR",
                    "coerced": True,
                },
                {
                    "type": "contact_lost",
                    "outcome_id": "o-13c",
                    "claimant_id": "c-13",
                    "on": "2020-05-01",
                },
            ],
        ),
        (
            "CA",
            "2020-06-01T00:00:00+02:00",
            [
                # 24-31
                {
                    "type": "assurance_given",
                    "assurance_id": "a-3",
                    "given_by": "US",
                    "given_to": "CA",
                    "on": "2020-04-20",
                    "form": "public_statement",
                    "commitments": [{"kind": "non_refoulement"}],
                    "scope": _A3_SCOPE,
                },
                {
                    "type": "claimant_returned",
                    "claimant_id": "c-15",
                    "on": "2020-04-22",
                    "returned_by": "CA",
                    "returned_to": "US",
                    "crossing": "airport",
                    "nationalities": ["SV"],
                    "minor": True,
                },
                {
                    "type": "detained",
                    "outcome_id": "o-15a",
                    "claimant_id": "c-15",
                    "on": "2020-04-22",
                    "by": "US",
                },
                {"type": "checkpoint", "ledger_of": "US", "seq": seq, "hash": digest},
                {
                    "type": "correction",
                    "target": 13,
                    "replacement": {
                        "type": "released",
                        "outcome_id": "o-11b",
                        "claimant_id": "c-11",
                        "on": "2020-04-16",
                        "by": "US",
                    },
                    "reason": "The release date was misread from the lawyer's letter.",
                },
                {
                    "type": "correction",
                    "target": 19,
                    "replacement": None,
                    "reason": "The report of ill-treatment was withdrawn by its source.",
                },
                {
                    "type": "assurance_withdrawn",
                    "assurance_id": "a-3",
                    "on": "2020-05-15",
                    "releases_existing": True,
                },
                {
                    "type": "removed",
                    "outcome_id": "o-15b",
                    "claimant_id": "c-15",
                    "on": "2020-05-20",
                    "by": "US",
                    "to": "SV",
                },
            ],
        ),
        (
            "CA",
            "2020-07-01T12:00:00+02:00",
            [
                # 32-34
                {"type": "assurance_withdrawn", "assurance_id": "a-1", "on": "2020-06-15"},
                {
                    "type": "claimant_returned",
                    "claimant_id": "c-16",
                    "on": "2020-06-20",
                    "returned_by": "CA",
                    "returned_to": "US",
                    "crossing": "between_ports",
                    "nationalities": ["CO"],
                },
                {
                    "type": "correction",
                    "target": 8,
                    "replacement": {
                        "type": "claimant_returned",
                        "claimant_id": "c-13",
                        "on": {"earliest": "2020-03-28", "latest": "2020-04-01"},
                        "returned_by": "CA",
                        "returned_to": "US",
                        "crossing": "between_ports",
                        "nationalities": [],
                        "country_of_origin": "SY",
                        "grounds": ["race"],
                    },
                    "reason": "The crossing was found in the border officer's notes.",
                },
            ],
        ),
    ]


#: Each ledger's pinned checks: (name of the report file's tail, as_of, as_recorded).
CHECKS: dict[str, list[tuple[str, str, str | None]]] = {
    "canada-us-2020": [("check-2020-06-30", "2020-06-30", None)],
    "corrected-2020": [
        ("check-2020-07-31", "2020-07-31", None),
        ("as-recorded-2020-05-31T12.check-2020-05-31", "2020-05-31", "2020-05-31T12:00:00Z"),
    ],
}


def _write_ledgers() -> None:
    """Write both ledgers, as JSON Lines and SQLite; refuse to overwrite any."""
    for name in CHECKS:
        for suffix in (".jsonl", ".sqlite"):
            if (HERE / f"{name}{suffix}").exists():
                sys.exit(f"{name}{suffix} exists: the saved ledgers are never written again")
    example = files("assurance_ledger").joinpath("data/canada-us-2020.jsonl")
    with as_file(example) as path:
        for suffix in (".jsonl", ".sqlite"):
            with Ledger.open(HERE / f"canada-us-2020{suffix}", create=True) as ledger:
                ledger.append_file(path, recorded_by="CA", recorded_at="2020-07-01T00:00:00Z")
                head = ledger.head
                assert head is not None
    for suffix in (".jsonl", ".sqlite"):
        with Ledger.open(HERE / f"corrected-2020{suffix}", create=True) as ledger:
            for recorded_by, recorded_at, batch in _corrected_batches((head.seq, head.hash)):
                records = [DEFAULT_CODEC.from_json(record) for record in batch]
                ledger.extend(records, recorded_by=recorded_by, recorded_at=recorded_at)


def _cli(*args: str) -> tuple[int, str]:
    """Run the command line in this process: its exit status and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(list(args))
    return status, out.getvalue()


def _pin() -> None:
    """Write the reports and expected.json from the ledgers as they are."""
    # The version that wrote the ledgers, not the one re-pinning their reports.
    before = HERE / "expected.json"
    written_by = json.loads(before.read_text())["written_by"] if before.exists() else __version__
    expected: dict[str, Any] = {"written_by": written_by, "ledgers": {}}
    for name, checks in CHECKS.items():
        jsonl, sqlite = HERE / f"{name}.jsonl", HERE / f"{name}.sqlite"
        with Ledger.open(jsonl, readonly=True) as a, Ledger.open(sqlite, readonly=True) as b:
            assert list(a.lines()) == list(b.lines()), name
            head = a.head
            assert head is not None
            verification = str(a.verify())
        reports = []
        for tail, as_of, as_recorded in checks:
            report = f"{name}.{tail}.json"
            recorded = ["--as-recorded", as_recorded] if as_recorded else []
            status, text = _cli(
                "check", str(jsonl), "--as-of", as_of, *recorded, "--format", "json"
            )
            assert _cli("check", str(sqlite), "--as-of", as_of, *recorded, "--format", "json") == (
                status,
                text,
            )
            (HERE / report).write_text(text, encoding="utf-8")
            reports.append(
                {"file": report, "as_of": as_of, "as_recorded": as_recorded, "exit": status}
            )
        expected["ledgers"][name] = {
            "entries": head.seq,
            "head": {"seq": head.seq, "hash": head.hash},
            "verify": verification,
            "sha256": {
                path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in (jsonl, sqlite)
            },
            "reports": reports,
        }
    text = json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    (HERE / EXPECTED).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reports", action="store_true", help="re-pin the reports of the existing ledgers only"
    )
    if not parser.parse_args().reports:
        _write_ledgers()
    _pin()
