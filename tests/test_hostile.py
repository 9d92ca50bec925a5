"""A corpus of hostile inputs: each is refused with the error it must give, and changes nothing.

The corpus is ``tests/hostile/``. Its manifest, ``cases.json``, lists every case
with its expectation next to it:

``name``, ``what``
    the case, and what is hostile about it;
``kind``
    ``records`` (a records file given to ``Ledger.append_file`` and
    ``assurance-ledger append``, after the base ledger), ``ledger`` (a stored
    JSON Lines ledger given to ``Ledger.open``) or ``sqlite`` (a stored SQLite
    ledger, the base ledger made hostile, given to ``Ledger.open`` and to
    ``append``, ``verify``, ``check`` and ``show`` under a 1 GiB memory cap);
``file`` or ``generate``
    the corpus file, or the name of a generator for inputs too big to commit
    (a line over the length limit, 100,000 nested arrays, ...; below) or
    binary (every SQLite case; in ``tests/_sqlite_cases.py``);
``recorded_at``
    for records: the recording time to append them at (``append_recorded_at``
    if not given);
``command``
    for ledgers: ``verify`` to run ``assurance-ledger verify`` on the ledger
    rather than append a good record to it;
``error``
    the class of the :class:`~assurance_ledger.errors.LedgerError` expected
    (``null`` for the few hostile-looking inputs that are valid: a byte order
    mark, CRLF line ends, an empty file, dates at the ends of the calendar, a
    ledger recorded in the future), and then ``entries``, how many entries
    records append, or for a ledger ``future_entries`` and ``first_future``,
    what its verification counts (the needles are then its warning);
``problems``
    for records: each problem reported, as ``[line, field]`` or
    ``[line, field, seq]`` (line ``null`` when the file is read whole: a JSON
    array, or bytes that are not UTF-8);
``seq``, ``entries``
    for ledgers: the entry a :class:`ChainBroken` names, or the complete entries
    before a :class:`TornTail`;
``needles``
    substrings the message must contain (in Python and on the command line);
``cli_needles``
    for the few cases where the command says more than the library, what its
    message must contain instead of ``needles`` (a records file given as a
    ledger: the command says that is what it looks like);
``max_message``
    the most characters the message may have (in Python and on the command line);
``bug``, ``cli_bug``
    a known bug: the case states the right behaviour and is a strict xfail
    until the bug is fixed (``cli_bug`` only for the command).

Records cases are appended to the *base ledger* (``base.jsonl``, ten entries,
recorded at ``base_recorded_at``), in both stores, so rule refusals (dangling
references, duplicate ids) have something to refer to; a refused case must
leave the store byte-identical. The command runs of every case are made in
parallel by one module fixture (about 0.3 s each).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from _cli_helpers import installed_command
from _sqlite_cases import SQLITE_GENERATED, make_case
from assurance_ledger import (
    DEFAULT_CODEC,
    InvalidRecord,
    InvalidRecords,
    Ledger,
    LedgerError,
    StoreError,
    TornTail,
    canonical_json,
    check,
    timeline,
)
from assurance_ledger import errors as errors_module
from assurance_ledger.codec import MAX_LINE_BYTES
from assurance_ledger.display import UNSAFE
from assurance_ledger.stats import stats

HOSTILE = Path(__file__).with_name("hostile")
SRC = Path(__file__).resolve().parent.parent / "src" / "assurance_ledger"
MANIFEST: dict[str, Any] = json.loads((HOSTILE / "cases.json").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = MANIFEST["cases"]
RECORDS = [case for case in CASES if case["kind"] == "records"]
LEDGERS = [case for case in CASES if case["kind"] == "ledger"]
SQLITE = [case for case in CASES if case["kind"] == "sqlite"]
BASE_TIME: str = MANIFEST["base_recorded_at"]
APPEND_TIME: str = MANIFEST["append_recorded_at"]
#: Entries in the base ledger: the first appended record is seq BASE_SIZE + 1.
BASE_SIZE = 10
WORKERS = min(8, 2 * (os.cpu_count() or 1))
#: A record the base ledger accepts (appended to each hostile *ledger* by the command).
GOOD = (
    '{"type": "claimant_returned", "claimant_id": "c-50", "on": "2020-03-30",'
    ' "returned_by": "CA", "returned_to": "US", "nationalities": ["HT"]}\n'
)

# -- inputs too big to commit, made at run time ---------------------------------------

_DETAINED = {
    "type": "detained",
    "outcome_id": "o-10",
    "claimant_id": "c-2",
    "on": "2020-04-03",
    "by": "US",
}


def _line(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8") + b"\n"


def _raw(field: str, raw: bytes, record: dict[str, Any] = _DETAINED) -> bytes:
    """A record's line with ``field`` replaced by the raw JSON text ``raw``."""
    line = _line({**record, field: "RAW"})
    return line.replace(b'"RAW"', raw)


def _over_limit() -> bytes:
    """A good line, then a line of exactly MAX_LINE_BYTES + 1 bytes (before its newline)."""
    head, tail = b'{"type": "detained", "pad": "', b'"}'
    pad = b"x" * (MAX_LINE_BYTES + 1 - len(head) - len(tail))
    return _line(_DETAINED) + head + pad + tail + b"\n"


def _rehashed(record: dict[str, Any]) -> bytes:
    """A stored ledger of one entry holding ``record``, hashed correctly."""
    body = {
        "prev": "0" * 64,
        "record": record,
        "recorded_at": "2020-07-01T00:00:00.000000Z",
        "recorded_by": "CA",
        "seq": 1,
    }
    encoded = canonical_json(body)
    digest = hashlib.sha256(encoded).hexdigest().encode("ascii")
    return b'{"hash":"' + digest + b'",' + encoded[1:] + b"\n"


#: A return listing 524,000 nationalities (numbers): the entry is just under MAX_LINE_BYTES.
_HUGE_LIST = {
    "type": "claimant_returned",
    "claimant_id": "c-50",
    "on": "2020-03-30",
    "returned_by": "CA",
    "returned_to": "US",
    "nationalities": [0] * 524_000,
}


def _multibyte_over_limit() -> bytes:
    """A valid request on one line of more than MAX_LINE_BYTES bytes but fewer characters."""
    ids = [f"{'é' * 110}{index:05d}" for index in range(5_000)]
    record = {
        "type": "assurance_requested",
        "assurance_id": "a-5",
        "requested_by": "CA",
        "requested_of": "US",
        "on": "2020-05-01",
        "commitments": [{"kind": "humane_treatment"}],
        "scope": {"claimants": ids},
    }
    line = _line(record)
    assert len(line.decode("utf-8")) < MAX_LINE_BYTES < len(line)
    return line


GENERATED: dict[str, Callable[[], bytes]] = {
    "nested-100000-deep": lambda: _raw("on", b"[" * 100_000 + b"]" * 100_000),
    "nested-objects-100000-deep": lambda: _raw(
        "source", b'{"a":' * 100_000 + b"null" + b"}" * 100_000
    ),
    "digits-5000": lambda: _raw(
        "seq",
        b"9" * 5_000,
        {"type": "checkpoint", "ledger_of": "US", "seq": 5, "hash": "cd" * 32},
    ),
    "citation-10001-chars": lambda: _line({**_DETAINED, "source": {"citation": "x" * 10_001}}),
    "url-2001-chars": lambda: _line(
        {**_DETAINED, "source": {"citation": "x", "url": "https://example.org/" + "a" * 1_981}}
    ),
    "line-over-limit": _over_limit,
    "multibyte-line-over-limit": _multibyte_over_limit,
    "list-524000-items": lambda: canonical_json(_HUGE_LIST) + b"\n",
    "ledger-rehashed-list-524000-items": lambda: _rehashed(_HUGE_LIST),
}


def case_bytes(case: dict[str, Any]) -> bytes:
    """The bytes of a case: its corpus file, or what its generator makes."""
    if "generate" in case:
        return GENERATED[case["generate"]]()
    return (HOSTILE / case["file"]).read_bytes()


def _param(case: dict[str, Any], *, bug: str | None = None) -> Any:
    """The pytest parameter of a case: a strict xfail when it states a known bug."""
    bug = bug or case.get("bug")
    marks = [pytest.mark.xfail(strict=True, reason=f"BUG: {bug}")] if bug else []
    return pytest.param(case, id=case["name"], marks=marks)


# -- the base ledger and snapshots ------------------------------------------------------


@pytest.fixture(scope="module")
def base_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The base ledger (``base.jsonl`` appended at ``base_recorded_at``), stored both ways."""
    directory = tmp_path_factory.mktemp("base")
    with Ledger.open(directory / "base.jsonl", create=True) as ledger:
        ledger.append_file(HOSTILE / MANIFEST["base"], recorded_by="CA", recorded_at=BASE_TIME)
        assert len(ledger) == BASE_SIZE
        ledger.export(directory / "base.sqlite")
    return {suffix: (directory / f"base{suffix}").read_bytes() for suffix in (".jsonl", ".sqlite")}


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` and its bytes, by relative path."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def stored_lines(path: Path) -> list[bytes]:
    """The stored lines of the ledger at ``path``, as reopened (and verified) from disk."""
    with Ledger.open(path) as ledger:
        assert ledger.verify().ok
        return list(ledger.lines())


def problems(error: BaseException) -> list[tuple[int | None, str, int | None]]:
    """Each problem an error reports, as (line, field, seq)."""
    if isinstance(error, InvalidRecords):
        return [(e.line, e.field, e.seq) for e in error.errors]
    assert isinstance(error, InvalidRecord)
    return [(error.line, error.field, error.seq)]


def expected_problems(case: dict[str, Any]) -> list[tuple[int | None, str, int | None]]:
    """The problems a case's manifest entry lists, as (line, field, seq)."""
    return [(p[0], p[1], p[2] if len(p) > 2 else None) for p in case.get("problems", [])]


# -- the manifest itself ----------------------------------------------------------------


def test_the_corpus_is_big_varied_small_and_complete() -> None:
    """Rule: at least 60 cases, uniquely named, every file listed and present, under 1 MB.

    Every corpus file belongs to a case (or is the base records file), every
    error named is a LedgerError class, and every generator is used once.
    """
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)) >= 60
    assert len(RECORDS) >= 60
    assert len(LEDGERS) >= 10
    assert len(SQLITE) >= 20
    listed = {MANIFEST["base"]}
    for case in CASES:
        if "file" in case:
            listed.add(case["file"])
            assert (HOSTILE / case["file"]).is_file(), case["name"]
        if "journal" in case:
            listed.add(case["journal"])
        if case["error"] is not None:
            cls = getattr(errors_module, case["error"])
            assert issubclass(cls, LedgerError)
        elif case["kind"] == "records":
            assert isinstance(case["entries"], int)
        else:
            assert isinstance(case["future_entries"], int)
            assert case["command"] == "verify"
        assert case["what"]
    on_disk = {path.name for path in HOSTILE.iterdir()} - {"cases.json", "README.md"}
    assert on_disk == listed
    assert sorted(case["generate"] for case in CASES if "generate" in case) == sorted(
        [*GENERATED, *SQLITE_GENERATED]
    )
    assert all(case["error"] and "generate" in case for case in SQLITE)
    assert sum(path.stat().st_size for path in HOSTILE.iterdir()) < 500_000


# -- records files: the reader alone ------------------------------------------------------


@pytest.mark.parametrize("case", [_param(case) for case in RECORDS])
def test_the_reader_refuses_malformed_records_and_reads_the_rest(case: dict[str, Any]) -> None:
    """Rule: ``read_records`` raises InvalidRecords listing each malformed record, or reads it.

    A case whose problems carry no seq is malformed as text or JSON, and the
    reader alone must report exactly those problems. A case refused only by the
    ledger's rules (problems with a seq) or valid is read, and every record it
    holds round-trips through its canonical JSON unchanged.
    """
    data = case_bytes(case)
    expected = expected_problems(case)
    # (A case refused for its recording time holds valid records.)
    malformed = (
        case["error"] is not None
        and "recorded_at" not in case
        and all(seq is None for _, _, seq in expected)
    )
    if malformed:
        with pytest.raises(InvalidRecords) as info:
            DEFAULT_CODEC.read_records(data)
        assert type(info.value) is InvalidRecords
        assert problems(info.value) == expected
        return
    records = DEFAULT_CODEC.read_records(data)
    for record in records:
        assert DEFAULT_CODEC.loads(DEFAULT_CODEC.dumps(record)) == record


# -- records files appended to a stored ledger -----------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".sqlite"])
@pytest.mark.parametrize("case", [_param(case) for case in RECORDS])
def test_a_hostile_records_file_is_refused_and_changes_nothing(
    case: dict[str, Any], suffix: str, base_stores: dict[str, bytes], tmp_path: Path
) -> None:
    """Rule: appending a hostile records file raises the expected LedgerError and changes nothing.

    The error is of the class the manifest names, reports each problem at its
    line, field (and seq, for a rule refusal), and its message contains the
    needles. The store (either kind) and every other file are byte-identical
    afterwards, and the ledger in memory has not grown. The few valid cases
    append exactly their entries after the untouched base.
    """
    ledger_path = tmp_path / f"ledger{suffix}"
    ledger_path.write_bytes(base_stores[suffix])
    records_path = tmp_path / "records.jsonl"
    records_path.write_bytes(case_bytes(case))
    before = snapshot(tmp_path)
    base_lines = stored_lines(ledger_path)
    time = case.get("recorded_at", APPEND_TIME)
    with Ledger.open(ledger_path) as ledger:
        if case["error"] is None:
            entries = ledger.append_file(records_path, recorded_by="CA", recorded_at=time)
            assert len(entries) == case["entries"]
            after_lines = stored_lines(ledger_path)
            assert after_lines[:BASE_SIZE] == base_lines
            assert len(after_lines) == BASE_SIZE + case["entries"]
            assert records_path.read_bytes() == before["records.jsonl"]
            return
        try:
            ledger.append_file(records_path, recorded_by="CA", recorded_at=time)
        except LedgerError as exc:
            error: LedgerError = exc
        else:
            pytest.fail(f"{case['name']}: appended without error")
        assert len(ledger) == BASE_SIZE
    assert type(error).__name__ == case["error"]
    assert problems(error) == expected_problems(case)
    for needle in case.get("needles", []):
        assert needle in str(error)
    assert len(str(error)) <= case.get("max_message", len(str(error)))
    assert snapshot(tmp_path) == before
    assert stored_lines(ledger_path) == base_lines


@pytest.mark.parametrize("case", [_param(case) for case in RECORDS if case["error"] is None])
def test_every_accepted_records_case_is_checked_counted_and_drawn(
    case: dict[str, Any], base_stores: dict[str, bytes]
) -> None:
    """Rule: any valid records give a report: check, stats and every timeline never raise.

    Each accepted case, appended to the base ledger, is checked and counted as
    of a day in 2020 and of the first and last days of the calendar, and every
    returned claimant's timeline is drawn (SVG and HTML) as of each: dates at
    the ends of the calendar (``calendar-end-dates``) included.
    """
    ledger = Ledger.from_lines(base_stores[".jsonl"].splitlines())
    records = DEFAULT_CODEC.read_records(case_bytes(case))
    ledger.extend(records, recorded_by="CA", recorded_at=case.get("recorded_at", APPEND_TIME))
    claimants = [
        f.record.claimant_id  # type: ignore[attr-defined]
        for f in ledger.facts()
        if type(f.record).__name__ == "ClaimantReturned"
    ]
    for as_of in ("2020-07-02", "0001-01-01", "9999-12-31"):
        report = check(ledger, as_of)
        assert report.to_text().startswith(f"Report as of {as_of}")
        assert stats(ledger, ("nationality", "month"), as_of=as_of).to_text()
        for claimant in claimants:
            view = timeline(ledger, claimant, as_of)
            assert view.to_svg().startswith("<svg")
            assert "<svg" in view._repr_html_()


# -- stored ledgers opened ---------------------------------------------------------------------


def put_ledger(case: dict[str, Any], directory: Path) -> Path:
    """The case's ledger put at ``directory / ledger.jsonl``, with its journal if any."""
    path = directory / "ledger.jsonl"
    if "generate" in case:
        path.write_bytes(case_bytes(case))
    else:
        shutil.copyfile(HOSTILE / case["file"], path)
    if "journal" in case:
        shutil.copyfile(HOSTILE / case["journal"], directory / "ledger.jsonl.pending")
    return path


@pytest.mark.parametrize("case", [_param(case) for case in LEDGERS if case["error"] is not None])
def test_a_hostile_ledger_file_does_not_open_and_is_not_changed(
    case: dict[str, Any], tmp_path: Path
) -> None:
    """Rule: a damaged stored ledger raises the expected LedgerError naming the entry, untouched.

    The error is of the class the manifest names; a ChainBroken names the
    entry (``seq``) and the file, a TornTail counts the complete entries before
    the torn tail; the message contains the needles. Opening changes no file
    and creates none (it never repairs by itself), and neither does verifying.
    """
    path = put_ledger(case, tmp_path)
    before = snapshot(tmp_path)
    try:
        Ledger.open(path).close()
    except LedgerError as exc:
        error: LedgerError = exc
    else:
        pytest.fail(f"{case['name']}: opened without error")
    expected_class = getattr(errors_module, case["error"])
    assert isinstance(error, expected_class)
    if case["error"] != "LedgerError":
        assert type(error) is expected_class
    for needle in case["needles"]:
        assert needle in str(error)
    assert len(str(error)) <= case.get("max_message", len(str(error)))
    if "seq" in case:
        assert getattr(error, "seq", None) == case["seq"]
    if isinstance(error, TornTail) and "entries" in case:
        assert error.entries == case["entries"]
    if isinstance(error, StoreError) or type(error).__name__ == "ChainBroken":
        assert str(path) in str(error)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("case", [_param(case) for case in LEDGERS if case["error"] is None])
def test_a_valid_ledger_recorded_in_the_future_opens_unchanged_and_its_verification_warns(
    case: dict[str, Any], tmp_path: Path
) -> None:
    """Rule: a ledger whose entries lie in the future opens byte for byte; verify counts them.

    Recording times ahead of the clock are refused only when appending: a
    stored ledger holding them opens, with its lines unchanged, and its
    verification is ok, counting the entries recorded in the future and the
    first seq, which its warning (the needles) names. Nothing is changed.
    """
    path = put_ledger(case, tmp_path)
    before = snapshot(tmp_path)
    with Ledger.open(path) as ledger:
        assert b"".join(line + b"\n" for line in ledger.lines()) == before["ledger.jsonl"]
        result = ledger.verify()
    assert result.ok
    assert result.future_entries == case["future_entries"]
    assert result.first_future == case["first_future"]
    for needle in case["needles"]:
        assert needle in (result.warning or "")
    assert snapshot(tmp_path) == before


def _damaged(case: dict[str, Any], lines: list[bytes]) -> bytes:
    """The base ledger's ``lines`` with the damage a ledger case's ``derived`` describes."""
    derived = case["derived"]
    op = derived["op"]
    lines = list(lines)
    if op == "edit-byte":
        return b"".join(line + b"\n" for line in lines)  # compared byte by byte below
    if op == "swap":
        first, second = (seq - 1 for seq in derived["seqs"])
        lines[first], lines[second] = lines[second], lines[first]
    elif op == "delete":
        del lines[derived["seq"] - 1]
    elif op == "duplicate":
        lines.insert(derived["seq"], lines[derived["seq"] - 1])
    elif op == "blank":
        lines.insert(derived["after"], b"")
    elif op == "crlf":
        return b"".join(line + b"\r\n" for line in lines)
    elif op == "bom":
        return b"\xef\xbb\xbf" + b"".join(line + b"\n" for line in lines)
    elif op == "reencode":
        lines = [json.dumps(json.loads(line)).encode("utf-8") for line in lines]
    return b"".join(line + b"\n" for line in lines)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["name"]) for c in LEDGERS if "derived" in c])
def test_each_damaged_ledger_is_the_base_with_only_its_stated_damage(
    case: dict[str, Any], base_stores: dict[str, bytes]
) -> None:
    """Rule: a corpus ledger marked ``derived`` is the base ledger with exactly that damage.

    So the corpus stays honest: an edited byte is one byte, a swap is a swap, a
    torn tail is the base and part of one more entry, a leftover journal names
    the size of the base, which is followed by a whole, valid batch.
    """
    base = base_stores[".jsonl"]
    lines = base.splitlines()
    data = (HOSTILE / case["file"]).read_bytes()
    op = case["derived"]["op"]
    if op == "edit-byte":
        assert len(data) == len(base)
        changed = [i for i, (a, b) in enumerate(zip(data, base, strict=True)) if a != b]
        assert len(changed) == 1
        assert base[: changed[0]].count(b"\n") + 1 == case["derived"]["seq"]
    elif op == "torn":
        assert data.startswith(base)
        assert len(data) - len(base) == case["derived"]["bytes"]
        assert b"\n" not in data[len(base) :]
    elif op == "journal":
        journal = json.loads((HOSTILE / case["journal"]).read_bytes())
        assert journal == {"size_before": len(base)}
        assert data.startswith(base)
        extended = Ledger.from_lines(data.splitlines())
        assert len(extended) == BASE_SIZE + 2
    else:
        assert data == _damaged(case, lines)


# -- the command line ------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One command run on a case: what it printed, and its directory before and after."""

    result: subprocess.CompletedProcess[str]
    before: dict[str, bytes]
    after: dict[str, bytes]


def _setup(case: dict[str, Any], directory: Path, base: bytes) -> list[str]:
    """Put a case's files in ``directory``; the arguments of its ``append`` command."""
    if case["kind"] == "records":
        (directory / "ledger.jsonl").write_bytes(base)
        (directory / "records.jsonl").write_bytes(case_bytes(case))
    else:
        put_ledger(case, directory)
        (directory / "records.jsonl").write_text(GOOD, encoding="utf-8")
    if case.get("command") == "verify":
        return ["verify", "ledger.jsonl"]
    return [
        "append",
        "ledger.jsonl",
        "records.jsonl",
        "--recorded-by",
        "CA",
        "--recorded-at",
        case.get("recorded_at", APPEND_TIME),
    ]


@pytest.fixture(scope="module")
def cli_runs(
    base_stores: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Run]:
    """Every case run through ``assurance-ledger append`` in parallel, each in its own directory."""
    root = tmp_path_factory.mktemp("cli")
    jobs = []
    for case in RECORDS + LEDGERS:
        directory = root / case["name"]
        directory.mkdir()
        args = _setup(case, directory, base_stores[".jsonl"])
        jobs.append((case["name"], directory, args, snapshot(directory)))

    def run(job: tuple[str, Path, list[str], dict[str, bytes]]) -> tuple[str, Run]:
        name, directory, args, before = job
        result = subprocess.run(
            [*installed_command(), *args],
            cwd=directory,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        return name, Run(result, before, snapshot(directory))

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return dict(pool.map(run, jobs))


def _cli_param(case: dict[str, Any]) -> Any:
    return _param(case, bug=case.get("bug") or case.get("cli_bug"))


@pytest.mark.parametrize("case", [_cli_param(case) for case in RECORDS + LEDGERS])
def test_the_command_refuses_each_case_with_one_message_and_changes_nothing(
    case: dict[str, Any], cli_runs: dict[str, Run]
) -> None:
    """Rule: ``assurance-ledger append`` exits 2 with one message, no traceback, files unchanged.

    A records case is appended to the base ledger; a ledger case has a good
    record appended to it. The one message (lines after the first are the
    problems of one InvalidRecords, indented) contains the case's needles and
    names the file at fault: the records file, or for a ledger case the
    ledger. Nothing is printed on stdout and every file is byte-identical
    afterwards. The valid cases exit 0 and leave the records file as it was;
    the valid ledger (recorded in the future) is verified, with exit 0 and one
    warning on standard error, and nothing changed. Whatever the input held,
    nothing printed holds a raw control character, line separator or
    bidirectional control (values are shown escaped).
    """
    done = cli_runs[case["name"]]
    stderr = done.result.stderr
    assert "Traceback" not in stderr, stderr
    # split("\n"), not splitlines(): that would split on the separators looked for.
    for line in [*stderr.split("\n"), *done.result.stdout.split("\n")]:
        assert UNSAFE.search(line) is None, stderr
    assert len(stderr) <= case.get("max_message", len(stderr)) + len("assurance-ledger: \n")
    if case["error"] is None and case["kind"] == "ledger":
        assert done.result.returncode == 0, stderr
        assert done.result.stdout.startswith("ledger.jsonl: verified: ")
        (warning,) = stderr.splitlines()
        assert warning.startswith("assurance-ledger: warning: ledger.jsonl: ")
        for needle in case["needles"]:
            assert needle in warning
        assert done.after == done.before
        return
    if case["error"] is None:
        assert done.result.returncode == 0, stderr
        assert stderr == ""
        assert done.after["records.jsonl"] == done.before["records.jsonl"]
        assert done.after["ledger.jsonl"].startswith(done.before["ledger.jsonl"])
        return
    assert done.result.returncode == 2, stderr
    assert done.result.stdout == ""
    first, *rest = stderr.splitlines()
    assert first.startswith("assurance-ledger: ")
    assert all(line.startswith("  ") for line in rest), stderr
    for needle in case.get("cli_needles", case.get("needles", [])):
        assert needle in stderr, stderr
    at_fault = "records.jsonl" if case["kind"] == "records" else "ledger.jsonl"
    innocent = "ledger.jsonl" if case["kind"] == "records" else "records.jsonl"
    assert first.startswith(f"assurance-ledger: {at_fault}") or f"/{at_fault}" in first, stderr
    assert innocent not in stderr, stderr
    assert done.after == done.before


# -- stored SQLite ledgers ------------------------------------------------------------------

#: The memory cap the command runs under on a hostile SQLite ledger.
MEMORY_CAP = 1 << 30
CAPPED = Path(__file__).with_name("_capped_cli.py")
SQLITE_COMMANDS = {
    "append": ["append", "ledger.sqlite", "records.jsonl", "--recorded-by", "CA"],
    "verify": ["verify", "ledger.sqlite"],
    "check": ["check", "ledger.sqlite", "--as-of", "2020-06-30"],
    "show": ["show", "ledger.sqlite"],
}


@pytest.fixture(scope="module")
def base_sqlite(base_stores: dict[str, bytes]) -> bytes:
    """The base ledger stored in SQLite (write-ahead log), the seed of every SQLite case."""
    return base_stores[".sqlite"]


@pytest.mark.parametrize("case", [_param(case) for case in SQLITE])
def test_a_hostile_sqlite_ledger_is_refused_before_anything_is_read_or_written(
    case: dict[str, Any], base_sqlite: bytes, tmp_path: Path
) -> None:
    """Rule: a hostile SQLite ledger raises the expected LedgerError and is not changed.

    Opened for appending and read-only, the error is of the class the manifest
    names, names the file (and, for a ChainBroken, the seq) and contains the
    needles. No file in the directory changes and none is created (no
    ``-wal``, ``-shm`` or ``-journal`` left behind), so nothing the file holds
    ran: a trigger that would delete each appended row, a view that would
    build 900 MB lines or never end.
    """
    path = make_case(case["name"], base_sqlite, tmp_path / "ledger.sqlite")
    before = snapshot(tmp_path)
    for readonly in (False, True):
        with pytest.raises(LedgerError) as info:
            Ledger.open(path, readonly=readonly).close()
        error = info.value
        assert type(error).__name__ == case["error"]
        assert str(path) in str(error)
        for needle in case["needles"]:
            assert needle in str(error)
        if "seq" in case:
            assert getattr(error, "seq", None) == case["seq"]
        assert snapshot(tmp_path) == before


@pytest.fixture(scope="module")
def sqlite_cli_runs(
    base_sqlite: bytes, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[list[list[Any]], dict[str, bytes], dict[str, bytes]]]:
    """Each SQLite case through four commands, in one process under the memory cap, in parallel.

    For each case: the commands' [status, stdout, stderr], and the directory
    before and after.
    """
    root = tmp_path_factory.mktemp("sqlite-cli")
    jobs = []
    for case in SQLITE:
        directory = root / case["name"]
        directory.mkdir()
        make_case(case["name"], base_sqlite, directory / "ledger.sqlite")
        (directory / "records.jsonl").write_text(GOOD, encoding="utf-8")
        jobs.append((case["name"], directory, snapshot(directory)))

    def run(
        job: tuple[str, Path, dict[str, bytes]],
    ) -> tuple[str, tuple[list[list[Any]], dict[str, bytes], dict[str, bytes]]]:
        name, directory, before = job
        done = subprocess.run(
            [
                sys.executable,
                str(CAPPED),
                str(MEMORY_CAP),
                json.dumps(list(SQLITE_COMMANDS.values())),
            ],
            cwd=directory,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr  # a MemoryError would end it with a traceback
        return name, (json.loads(done.stdout), before, snapshot(directory))

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return dict(pool.map(run, jobs))


@pytest.mark.parametrize("case", [_param(case) for case in SQLITE])
def test_every_command_refuses_a_hostile_sqlite_ledger_within_a_memory_cap(
    case: dict[str, Any],
    sqlite_cli_runs: dict[str, tuple[list[list[Any]], dict[str, bytes], dict[str, bytes]]],
) -> None:
    """Rule: append, verify, check and show exit 2 on it, under 1 GiB of memory, changing nothing.

    Each command runs in a process whose address space is capped at 1 GiB
    (``RLIMIT_AS``): none hits the cap (no MemoryError, no traceback, which
    would end the process), none hangs (a timeout), each prints one message
    naming the file and containing the needles, and nothing on stdout (so
    ``append`` never says "appended"). The directory is byte-identical after
    all four, with no file created.
    """
    results, before, after = sqlite_cli_runs[case["name"]]
    for command, (status, stdout, stderr) in zip(SQLITE_COMMANDS, results, strict=True):
        assert status == 2, (command, stderr)
        assert stdout == "", command
        assert "Traceback" not in stderr
        assert "MemoryError" not in stderr
        assert stderr.count("\n") == 1, (command, stderr)
        assert stderr.startswith("assurance-ledger: ledger.sqlite: "), (command, stderr)
        for needle in case["needles"]:
            assert needle in stderr, (command, stderr)
    assert after == before


# -- found while building the corpus: accepted appends must stay openable -------------------------


def test_an_accepted_append_never_makes_the_ledger_unopenable(tmp_path: Path) -> None:
    """Rule: whatever an append accepts, the ledger opens again afterwards.

    A records line just under the line limit is within the limit, but its
    stored entry adds the hash, prev, seq and times: the append must then
    either be refused (a LedgerError, nothing stored) or stay readable.
    """
    ids: list[str] = []
    record = {
        "type": "assurance_requested",
        "assurance_id": "a-6",
        "requested_by": "CA",
        "requested_of": "US",
        "on": "2020-05-01",
        "commitments": [{"kind": "humane_treatment"}],
        "scope": {"claimants": ids},
    }

    def size() -> int:
        return len(json.dumps(record, separators=(",", ":"), sort_keys=True))

    # Ids of 190 characters (193 bytes each in the JSON list), up to near the limit.
    ids.extend(f"c-{n:06d}-" + "x" * 181 for n in range((MAX_LINE_BYTES - 400 - size()) // 193))
    ids.append("c-last-" + "z" * max(1, min(190, MAX_LINE_BYTES - 150 - size() - 3)))
    text = json.dumps(record, separators=(",", ":"), sort_keys=True)
    assert MAX_LINE_BYTES - 300 < len(text) < MAX_LINE_BYTES
    records = tmp_path / "records.jsonl"
    records.write_text(text + "\n", encoding="utf-8")
    path = tmp_path / "ledger.jsonl"
    with Ledger.open(path, create=True) as ledger:
        try:
            ledger.append_file(records, recorded_by="CA", recorded_at=APPEND_TIME)
        except LedgerError:
            assert path.read_bytes() == b""
            return
    with Ledger.open(path) as reopened:
        assert len(reopened) == 1


# -- what the corpus cannot do: run code, inject markup ----------------------------------------

#: Names whose use in the package would let input run code or load objects.
FORBIDDEN_IMPORTS = {"pickle", "marshal", "shelve", "dill", "cloudpickle", "yaml", "jsonpickle"}
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "execfile"}


#: The one exception, and what it may use: the package's own pickling, for the
#: verified snapshot (which unpickles only a file bearing this user's MAC, see
#: tests/test_snapshot.py) and the reports of its forked workers; it makes each
#: class's restorer with exec, from attrs' field names, as attrs makes its own
#: methods.
PICKLING_MODULE = ("_pickling.py", {"pickle", "exec"})


def test_the_package_never_loads_objects_or_evaluates_code() -> None:
    """Rule: no module of the package imports pickle-like loaders or calls eval, exec or compile.

    Input is only ever parsed as JSON (``json.loads``) and read into attrs
    classes by a converter that knows each field: nothing in a file can name a
    class to build or code to run. Checked on the source's syntax trees. The
    pickling module alone may pickle, never what it reads from a ledger or a
    records file.
    """
    found = []
    for path in sorted(SRC.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                names = {node.func.id} & FORBIDDEN_CALLS
            else:
                continue
            for name in names & (FORBIDDEN_IMPORTS | FORBIDDEN_CALLS):
                if path.name == PICKLING_MODULE[0] and name in PICKLING_MODULE[1]:
                    continue
                found.append(f"{path.name}:{node.lineno}: {name}")
    assert found == []
    assert len(list(SRC.glob("*.py"))) >= 10


def test_markup_accepted_in_ids_is_escaped_in_every_html_view(
    base_stores: dict[str, bytes], tmp_path: Path
) -> None:
    """Rule: markup that is valid text in a record reaches no HTML or SVG view unescaped.

    The corpus case ``markup-in-ids`` is appended (an id may be any printable
    text): a claimant ``<script>alert(1)</script>`` removed to the country they
    fear, with an ``<img onerror>`` citation. The ledger's and the report's
    HTML and the claimant's timeline (HTML and SVG) show it escaped.
    """
    (case,) = [c for c in CASES if c["name"] == "markup-in-ids"]
    markup = "<script>alert(1)</script>"
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(base_stores[".jsonl"])
    with Ledger.open(path) as ledger:
        ledger.append_file(HOSTILE / case["file"], recorded_by="CA", recorded_at=APPEND_TIME)
        report = check(ledger, "2020-06-30")
        view = timeline(ledger, markup, "2020-06-30")
        pages = [ledger._repr_html_(), report._repr_html_(), view._repr_html_(), view.to_svg()]
    assert any(row["claimant_id"] == markup for row in report.to_records())
    for page in pages:
        assert "<script" not in page.lower()
        assert "<img" not in page.lower()
        assert "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[2]
