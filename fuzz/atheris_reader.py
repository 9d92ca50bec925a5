r"""Coverage-guided fuzzing of the readers with atheris (optional, run by hand).

Not part of the test suite and not a dependency: atheris installs from PyPI as
a wheel, in a separate virtual environment. Two targets:

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

Each checks what ``tests/test_fuzz.py`` checks with hypothesis: any input
raises nothing but a ``LedgerError``; whatever is read round-trips; a database
is never changed by opening it, and no file is left beside it.
"""

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris  # type: ignore[import-not-found]

with atheris.instrument_imports():
    from assurance_ledger import DEFAULT_CODEC, Ledger, LedgerError


def one(data: bytes) -> None:
    """Read ``data`` as a records file; anything but a LedgerError is a finding."""
    try:
        records = DEFAULT_CODEC.read_records(data)
    except LedgerError:
        return
    for record in records:
        assert DEFAULT_CODEC.loads(DEFAULT_CODEC.dumps(record)) == record  # noqa: S101


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
    target = one
    if "--sqlite" in sys.argv:
        sys.argv.remove("--sqlite")
        target = one_sqlite
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()
