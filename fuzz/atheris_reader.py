r"""Coverage-guided fuzzing of the readers and of dates with atheris (optional, run by hand).

Not part of the test suite and not a dependency: atheris installs from PyPI as
a wheel, in a separate virtual environment. Three targets:

* the record reader (the default)::

    python3 -m venv /tmp/fuzz && /tmp/fuzz/bin/pip install atheris .
    mkdir -p /tmp/corpus && cp tests/hostile/*.jsonl /tmp/corpus/
    /tmp/fuzz/bin/python fuzz/atheris_reader.py -max_total_time=600 -max_len=4096 /tmp/corpus

* the SQLite store (``--sqlite``): the input is the bytes of a database file,
  opened with ``Ledger.open`` for appending and read-only. ``--seed-sqlite``
  writes a small ledger (the hostile corpus's base) to start from::

    /tmp/fuzz/bin/python fuzz/atheris_reader.py --seed-sqlite /tmp/sqlite-corpus
    /tmp/fuzz/bin/python fuzz/atheris_reader.py --sqlite -max_total_time=600 \
        -max_len=65536 /tmp/sqlite-corpus

* dates (``FUZZ_TARGET=dates``; seed it with a directory of date texts, such as
  ``9999-12-31``, ``0001-01`` and ``30 March 2020``): ``parse_date`` and
  ``DateSpan.from_json`` of any text raise nothing but an ``InvalidDate``, a
  date read moves any number of days without error (stopping at the calendar's
  ends), and a ledger dated with it, with a deadline of up to a century, is
  checked as of any day near it without error::

    FUZZ_TARGET=dates /tmp/fuzz/bin/python fuzz/atheris_reader.py -max_total_time=600 /tmp/dates

Each checks what ``tests/test_fuzz.py`` checks with hypothesis: any input
raises nothing but a ``LedgerError``; whatever is read round-trips; a database
is never changed by opening it, and no file is left beside it.
"""

import contextlib
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import atheris  # type: ignore[import-not-found]

with atheris.instrument_imports():
    from assurance_ledger import (
        DEFAULT_CODEC,
        AccessToProcedure,
        AssuranceGiven,
        ClaimantReturned,
        DateSpan,
        InvalidDate,
        Ledger,
        LedgerError,
        Notification,
        check,
        parse_date,
    )

#: Most days a commitment may name (``_validate.MAX_DAYS``: a century).
MAX_DAYS = 36_525


def one(data: bytes) -> None:
    """Read ``data`` as a records file; anything but a LedgerError is a finding."""
    try:
        records = DEFAULT_CODEC.read_records(data)
    except LedgerError:
        return
    for record in records:
        assert DEFAULT_CODEC.loads(DEFAULT_CODEC.dumps(record)) == record  # noqa: S101


def one_date(data: bytes) -> None:
    """Read ``data`` as a date, move it, check a ledger dated with it: only InvalidDate raises."""
    fdp = atheris.FuzzedDataProvider(data)
    within = fdp.ConsumeIntInRange(0, MAX_DAYS)
    shift = fdp.ConsumeIntInRange(-(10**7), 10**7)
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    for read in (parse_date, DateSpan.from_json):
        try:
            span = read(text)
        except InvalidDate:
            continue
        span.plus_days(shift)  # saturates at the calendar's ends: never raises
        assert DateSpan.from_json(span.to_json()) == span  # noqa: S101
        ledger = Ledger(clock=lambda: dt.datetime.max.replace(tzinfo=dt.timezone.utc))
        promises = (AccessToProcedure(within_days=within), Notification(within_days=within))
        ledger.append(
            AssuranceGiven(
                assurance_id="a-1",
                on=span,
                given_by="US",
                given_to="CA",
                form="diplomatic_note",
                commitments=promises,
            ),
            recorded_by="CA",
        )
        ledger.append(
            ClaimantReturned(
                claimant_id="c-1",
                on=span,
                returned_by="CA",
                returned_to="US",
                nationalities=["HT"],
            ),
            recorded_by="CA",
        )
        for as_of in (span.earliest, span.latest, span.plus_days(within + 1).latest):
            check(ledger, as_of)


def one_sqlite(data: bytes) -> None:
    """Open ``data`` as an SQLite ledger, both ways; an escape or a change is a finding."""
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "ledger.sqlite"
        path.write_bytes(data)
        for readonly in (False, True):
            with contextlib.suppress(LedgerError):
                Ledger.open(path, readonly=readonly).close()
            assert path.read_bytes() == data  # noqa: S101
            assert [p.name for p in Path(name).iterdir()] == ["ledger.sqlite"]  # noqa: S101


def seed_sqlite(directory: str) -> None:
    """Write the hostile corpus's base ledger (ten entries) as an SQLite file in ``directory``."""
    base = Path(__file__).resolve().parent.parent / "tests" / "hostile" / "base.jsonl"
    Path(directory).mkdir(parents=True, exist_ok=True)
    ledger = Ledger()
    ledger.append_file(base, recorded_by="CA", recorded_at="2020-07-01T00:00:00Z")
    ledger.export(Path(directory) / "base.sqlite")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed-sqlite"]:
        seed_sqlite(sys.argv[2])
        sys.exit()
    target = one_date if os.environ.get("FUZZ_TARGET") == "dates" else one
    if "--sqlite" in sys.argv:
        sys.argv.remove("--sqlite")
        target = one_sqlite
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()
