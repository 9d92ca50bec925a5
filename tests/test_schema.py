"""The JSON Schemas agree with the codec: both ways, on generated records and ledgers."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar

import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _cli_helpers import installed_command, run_main
from assurance_ledger import DEFAULT_CODEC, Codec, InvalidRecord, InvalidRecords, check
from assurance_ledger.commitments import Commitment
from assurance_ledger.schema import SCHEMA_KINDS, json_schema
from assurance_ledger.strategies import ledgers, ledgers_with_breaches, records

_RECORD = jsonschema.Draft202012Validator(json_schema("record"))
_ENTRY = jsonschema.Draft202012Validator(json_schema("entry"))
_REPORT = jsonschema.Draft202012Validator(json_schema("report"))


def _problems(validator: jsonschema.Draft202012Validator, value: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:300]}" for e in validator.iter_errors(value)]


def test_every_schema_is_a_valid_draft_2020_12_schema() -> None:
    """Each schema the package gives is itself valid under the Draft 2020-12 metaschema."""
    for what in SCHEMA_KINDS:
        schema = json_schema(what)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)


def test_an_unknown_schema_is_refused() -> None:
    """Asking for a schema of anything but a record, entry, report or profile is a ValueError."""
    with pytest.raises(ValueError, match="record, entry, report, profile"):
        json_schema("claimant")  # type: ignore[arg-type]


@given(records())
def test_every_generated_record_is_valid(record: Any) -> None:
    """Every record the strategies generate validates against the record schema."""
    assert _problems(_RECORD, DEFAULT_CODEC.to_json(record)) == []


@given(ledgers(max_size=25))
def test_every_entry_of_a_generated_ledger_is_valid(ledger: Any) -> None:
    """Every stored line of a generated ledger validates against the entry schema."""
    for line in ledger.lines():
        assert _problems(_ENTRY, json.loads(line)) == []


@given(
    st.one_of(
        ledgers_with_breaches().map(lambda s: (s.ledger, s.as_of)),
        st.tuples(ledgers(max_size=25), st.dates(dt.date(2019, 1, 1), dt.date(2024, 12, 31))),
    )
)
def test_every_report_of_a_generated_ledger_is_valid(scenario: tuple[Any, dt.date]) -> None:
    """check() of a generated ledger gives a report (to_json) valid under the report schema."""
    ledger, as_of = scenario
    report = check(ledger, as_of)
    assert _problems(_REPORT, report.to_json()) == []


def test_the_bundled_example_and_its_report_are_valid() -> None:
    """The bundled Canada-U.S. example's records, and its report with breaches, are valid."""
    text = (files("assurance_ledger") / "data" / "canada-us-2020.jsonl").read_text("utf-8")
    values = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert values
    for value in values:
        assert _problems(_RECORD, value) == []
    status, out, _ = run_main("demo", "--format", "json", "--fail-on", "possible")
    assert status in (0, 1)
    report = json.loads(out)
    assert report["breaches"], "the example is meant to show breaches"
    assert _problems(_REPORT, report) == []


# -- what the codec refuses on its own, the schema refuses --------------------------

_BAD_COUNTRIES = ("ZZ", "ca", 12, None)
_BAD_DATES = (
    "2020-13-01",
    "2020-00",
    "30 March 2020",
    "2020/03/30",
    "20-03-30",
    "2020-03-30T00:00",
    "2020-03-30\n",
    "0000",
    20200330,
    ["2020-03-30"],
    {"earliest": "2020-03-01"},
    {"earliest": "2020-03-01", "latest": "2020-03"},
    {"from": "2020-03-01", "to": "2020-03-02"},
)
_BAD_IDS = ("", " c-1", "c-1 ", "c\n1", "c\x001", 7)
_BAD_TEXTS = ("", " why", "why\n", "a\x07b", 1)
_BAD_TAGS = ("somewhere",)
# The bad values of a field, by its name: each one the codec refuses on its own.
_BAD_BY_KEY: dict[str, tuple[Any, ...]] = {
    **dict.fromkeys(
        ("by", "to", "against", "given_by", "given_to", "requested_by", "requested_of"),
        _BAD_COUNTRIES,
    ),
    **dict.fromkeys(("returned_by", "returned_to", "ledger_of"), _BAD_COUNTRIES),
    "country_of_origin": ("ZZ", "ca", 12),  # null is its default
    "on": (*_BAD_DATES, None),
    "returns_from": _BAD_DATES,  # null is its default
    "returns_until": _BAD_DATES,
    **dict.fromkeys(("assurance_id", "claimant_id", "outcome_id", "regarding"), _BAD_IDS),
    **dict.fromkeys(("citation", "reason", "authority"), _BAD_TEXTS),
    **dict.fromkeys(("hash", "text_sha256"), ("A" * 64, "0" * 63, "0" * 64 + "\n")),
    **dict.fromkeys(("crossing", "form", "decision", "disclosure", "reliability"), _BAD_TAGS),
    "kind": ("non_refoulment",),
}
_COUNTRY_LISTS = frozenset({"nationalities", "exclude_nationalities", "feared_countries"})


def _bad_values(key: Any, child: Any) -> tuple[Any, ...]:
    """What to put in place of ``child`` (the value of field ``key``) to break it."""
    if key in _BAD_BY_KEY:
        return _BAD_BY_KEY[key]
    if key in _COUNTRY_LISTS and isinstance(child, list):
        return ([*child, "ZZ"], "CA")
    if isinstance(child, bool):
        return (1, "true", None)
    if isinstance(child, int):
        return (str(child), True, -1, 1.5)
    return ()


def _mutations(value: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(what, mutated copy) for each way of breaking one field of ``value`` (a record's JSON)."""

    def spots(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any, Any]]:
        if isinstance(node, dict):
            for key, child in node.items():
                yield (*path, key), key, child
                yield from spots(child, (*path, key))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                yield from spots(child, (*path, index))

    def put(path: tuple[Any, ...], new: Any) -> dict[str, Any]:
        copy = json.loads(json.dumps(value))
        node = copy
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = new
        return copy

    yield "unknown field", {**value, "name": "A. Person"}
    yield "no type", {k: x for k, x in value.items() if k != "type"}
    yield "unknown type", {**value, "type": "deported"}
    for path, key, child in spots(value, ()):
        if isinstance(child, dict):
            yield f"unknown field in {path}", put((*path, "extra"), True)
        # An interim measure is indicated *by* a body (free text), not a country;
        # a removal order's country ``to`` may be null (no country named yet).
        kind = value.get("type")
        body = path == ("by",) and kind == "interim_measure"
        bads = _BAD_TEXTS if body else _bad_values(key, child)
        if path == ("to",) and kind == "removal_ordered":
            bads = tuple(bad for bad in bads if bad is not None)
        for bad in bads:
            yield f"{path} as {bad!r}", put(path, bad)


def _refused_by_codec(value: Any) -> bool:
    try:
        DEFAULT_CODEC.from_json(value)
    except (InvalidRecord, InvalidRecords):
        return True
    return False


@given(records(), st.data())
def test_records_the_codec_refuses_are_invalid(record: Any, data: st.DataObject) -> None:
    """A record broken in one field (country, date, tag, id, field, type) fails both ways."""
    value = DEFAULT_CODEC.to_json(record)
    mutations = list(_mutations(value))
    chosen = data.draw(st.lists(st.sampled_from(mutations), min_size=1, max_size=8, unique_by=str))
    for what, broken in chosen:
        assert _refused_by_codec(broken), f"the codec took {what}: {broken}"
        assert not _RECORD.is_valid(broken), f"the schema took {what}: {broken}"


def test_every_mutation_of_a_full_record_is_refused_both_ways() -> None:
    """Every mutation of a record with every optional part is refused by codec and schema."""
    value = {
        "type": "assurance_given",
        "assurance_id": "a-1",
        "on": "2020-03-20",
        "given_by": "US",
        "given_to": "CA",
        "form": "diplomatic_note",
        "commitments": [
            {"kind": "non_refoulement", "absolute": True},
            {"kind": "monitoring_access", "first_visit_within_days": 14},
        ],
        "scope": {
            "returns_from": {"earliest": "2020-03-01", "latest": "2020-03-02"},
            "returns_until": "2020",
            "crossings": ["between_ports"],
            "nationalities": ["HT"],
            "exclude_nationalities": ["MX"],
            "claimants": ["c-1"],
            "minors_only": True,
        },
        "authority": "Department of State",
        "disclosure": "public",
        "text_sha256": "0" * 64,
        "source": {
            "citation": "Globe and Mail",
            "url": "https://example.org/a",
            "reliability": "B",
            "credibility": 2,
        },
    }
    assert _problems(_RECORD, value) == []
    assert not _refused_by_codec(value)
    mutations = list(_mutations(value))
    assert len(mutations) > 90
    for what, broken in mutations:
        assert _refused_by_codec(broken), f"the codec took {what}: {broken}"
        assert not _RECORD.is_valid(broken), f"the schema took {what}: {broken}"


# -- a user's own commitment kind ---------------------------------------------------


@attrs.frozen(kw_only=True)
class _Interpreter(Commitment):
    """An interpreter at every interview within ``within_days`` days (a user's kind)."""

    KIND: ClassVar[str] = "interpreter"
    within_days: int = 7
    language: str | None = None


def test_a_codec_schema_includes_the_kinds_it_knows() -> None:
    """Codec.json_schema has a registered kind: valid under it, invalid under the default."""
    codec = Codec([_Interpreter])
    value = {
        "type": "assurance_requested",
        "assurance_id": "a-1",
        "on": "2020-03",
        "requested_by": "CA",
        "requested_of": "US",
        "commitments": [{"kind": "interpreter", "within_days": 3, "language": "ht"}],
    }
    codec.from_json(value)  # the codec reads it
    mine = jsonschema.Draft202012Validator(codec.json_schema())
    assert _problems(mine, value) == []
    assert not _RECORD.is_valid(value)
    assert not mine.is_valid({**value, "commitments": [{"kind": "interpreter", "days": 3}]})
    assert codec.json_schema("entry")["$defs"]["kind_interpreter"]["properties"]["kind"] == {
        "const": "interpreter"
    }
    assert DEFAULT_CODEC.json_schema("record") == json_schema("record")


def test_each_commitment_kind_may_appear_once() -> None:
    """A kind twice in one assurance is refused by the codec and by the schema."""
    value = {
        "type": "assurance_requested",
        "assurance_id": "a-1",
        "on": "2020-03",
        "requested_by": "CA",
        "requested_of": "US",
        "commitments": [{"kind": "humane_treatment"}, {"kind": "humane_treatment"}],
    }
    assert _refused_by_codec(value)
    assert not _RECORD.is_valid(value)
    assert _RECORD.is_valid({**value, "commitments": value["commitments"][:1]})


def test_what_the_schema_cannot_say_is_in_its_description() -> None:
    """A span with earliest after latest passes the schema; the description says so."""
    value = {
        "type": "contact_lost",
        "outcome_id": "o-1",
        "claimant_id": "c-1",
        "on": {"earliest": "2020-03-09", "latest": "2020-03-01"},
    }
    assert _refused_by_codec(value)
    assert _RECORD.is_valid(value)
    assert "earliest on or before its latest" in json_schema("record")["description"]


# -- the command line -------------------------------------------------------------


def test_schema_command_output_validates_a_records_file(tmp_path: Path) -> None:
    """`assurance-ledger schema record` gives a schema a stock validator checks files with."""
    result = subprocess.run(
        [*installed_command(), "schema", "record"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    validator = jsonschema.Draft202012Validator(schema)
    good = [
        {
            "type": "claimant_returned",
            "claimant_id": "c-1",
            "on": "2020-03-30",
            "returned_by": "CA",
            "returned_to": "US",
            "nationalities": ["HT"],
        },
        {
            "type": "detained",
            "outcome_id": "o-1",
            "claimant_id": "c-1",
            "on": "2020-04",
            "by": "US",
        },
    ]
    bad = {
        "type": "detained",
        "outcome_id": "o-2",
        "claimant_id": "c-1",
        "on": "April",
        "by": "USA",
    }
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [*good, bad]), "utf-8")
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert [validator.is_valid(r) for r in lines] == [True, True, False]
    bad_paths = {tuple(e.absolute_path)[:1] for e in validator.iter_errors(lines[2])}
    assert bad_paths <= {(), ("on",), ("by",)}
    for what in ("entry", "report", "profile"):
        assert run_main("schema", what)[1].strip() == json.dumps(json_schema(what), indent=2)


@pytest.mark.parametrize("args", [("schema",), ("schema", "claimant"), ("schema", "record", "x")])
def test_schema_command_refuses_bad_arguments(args: tuple[str, ...]) -> None:
    """A missing or unknown schema name exits 2 with one error message, printing no schema."""
    status, out, err = run_main(*args)
    assert status == 2
    assert out == ""
    assert len([line for line in err.splitlines() if "error:" in line]) == 1
