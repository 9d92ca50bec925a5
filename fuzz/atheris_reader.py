"""Coverage-guided fuzzing of the record reader with atheris (optional, run by hand).

Not part of the test suite and not a dependency: atheris installs from PyPI as
a wheel, in a separate virtual environment::

    python3 -m venv /tmp/fuzz && /tmp/fuzz/bin/pip install atheris .
    mkdir -p /tmp/corpus && cp tests/hostile/*.jsonl /tmp/corpus/
    /tmp/fuzz/bin/python fuzz/atheris_reader.py -max_total_time=600 -max_len=4096 /tmp/corpus

It checks what ``tests/test_fuzz.py`` checks with hypothesis: reading any bytes
raises nothing but a ``LedgerError``, and whatever is read round-trips.
"""

import sys

import atheris  # type: ignore[import-not-found]

with atheris.instrument_imports():
    from assurance_ledger import DEFAULT_CODEC, LedgerError


def one(data: bytes) -> None:
    """Read ``data`` as a records file; anything but a LedgerError is a finding."""
    try:
        records = DEFAULT_CODEC.read_records(data)
    except LedgerError:
        return
    for record in records:
        assert DEFAULT_CODEC.loads(DEFAULT_CODEC.dumps(record)) == record  # noqa: S101


if __name__ == "__main__":
    atheris.Setup(sys.argv, one)
    atheris.Fuzz()
