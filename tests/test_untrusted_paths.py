"""Paths that are not what they seem: records files that never end, links where a ledger goes.

A records file may be a FIFO (a reader blocks forever), a device
(``/dev/zero`` never ends), a directory, or just too big; a path where a new
ledger is to be created may be a symbolic link, dangling or not, planted so
that creating the ledger creates or changes a file elsewhere. Each is refused
with one message naming the path, exit 2, before anything is read or created.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from _cli_helpers import run_command
from assurance_ledger import Ledger, StoreError
from assurance_ledger.codec import MAX_RECORDS_FILE_BYTES

HOSTILE = Path(__file__).with_name("hostile")
BASE_TIME = "2020-07-01T00:00:00Z"
PRECIOUS = b"someone else's file\n"


def one_message(result: subprocess.CompletedProcess[str]) -> str:
    """The one error line of a run that had to exit 2 without a traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    return line


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """The hostile corpus's base ledger (ten entries) as ``ledger.jsonl`` in ``tmp_path``."""
    path = tmp_path / "ledger.jsonl"
    with Ledger.open(path, create=True) as stored:
        stored.append_file(HOSTILE / "base.jsonl", recorded_by="CA", recorded_at=BASE_TIME)
    return path


def _special(kind: str, directory: Path) -> str:
    """A records path of ``kind``: a FIFO, ``/dev/zero``, a directory, or a sparse file too big."""
    if kind == "fifo":
        os.mkfifo(directory / "records.fifo")
        return "records.fifo"
    if kind == "directory":
        (directory / "records.d").mkdir()
        return "records.d"
    if kind == "too-big":
        with open(directory / "big.jsonl", "wb") as file:
            file.truncate(MAX_RECORDS_FILE_BYTES + 1)  # sparse: costs no disk
        return "big.jsonl"
    return "/dev/zero"


SPECIAL = {
    "dev-zero": "a character device, not a regular file",
    "fifo": "a FIFO (named pipe), not a regular file",
    "directory": "a directory, not a regular file",
    "too-big": f"more than {MAX_RECORDS_FILE_BYTES} bytes",
}


@pytest.mark.parametrize("kind", sorted(SPECIAL))
@pytest.mark.parametrize("cmd", ["append", "summary", "stats --since"])
def test_a_records_file_that_never_ends_or_blocks_is_refused_at_once(
    kind: str, cmd: str, ledger: Path
) -> None:
    """Rule: append, summary and stats --since refuse a FIFO, a device, a directory, a huge file.

    ``/dev/zero`` used to be read until memory ran out (a MemoryError
    traceback) and a FIFO blocked forever: now each is refused before it is
    read, exit 2, with one message naming the file, within the 30 s timeout
    (in fact at once). The ledger is not changed.
    """
    directory = ledger.parent
    records = _special(kind, directory)
    before = ledger.read_bytes()
    args, where = {
        "append": (["append", "ledger.jsonl", records, "--recorded-by", "CA"], records),
        "summary": (["summary", records], records),
        "stats --since": (["stats", "ledger.jsonl", "--since", records], f"--since {records}"),
    }[cmd]
    line = one_message(run_command(*args, cwd=directory, timeout=30))
    assert line.startswith(f"assurance-ledger: {where}: ")
    assert SPECIAL[kind].split(",")[0] in line
    assert ledger.read_bytes() == before


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_append_file_refuses_what_is_not_a_bounded_regular_file(kind: str, ledger: Path) -> None:
    """Rule: ``Ledger.append_file`` raises StoreError for the same files, appending nothing."""
    records = _special(kind, ledger.parent)
    path = records if kind == "dev-zero" else str(ledger.parent / records)
    with Ledger.open(ledger) as stored:
        with pytest.raises(StoreError, match=r"not a regular file|more than") as info:
            stored.append_file(path, recorded_by="CA")
        assert info.value.path == path
        assert len(stored) == 10


# -- links where a new ledger is to be made -------------------------------------------------


def _link(directory: Path, name: str, *, live: bool) -> Path:
    """``directory / name``, a symbolic link to ``target`` (which exists only if ``live``)."""
    target = directory / "target"
    if live:
        target.write_bytes(PRECIOUS)
    (directory / name).symlink_to(target)
    return target


@pytest.mark.parametrize("live", [False, True], ids=["dangling", "live"])
@pytest.mark.parametrize("suffix", [".jsonl", ".sqlite"])
@pytest.mark.parametrize("cmd", ["init", "export", "import"])
def test_no_command_creates_a_ledger_through_a_symbolic_link(
    cmd: str, suffix: str, live: bool, ledger: Path
) -> None:
    """Rule: init, export and import to a symbolic link exit 2; its target is not made or changed.

    Through a dangling link they used to create the link's target. Now the
    link is refused, dangling or not, with one message naming it; a missing
    target stays missing, an existing one byte-identical.
    """
    directory = ledger.parent
    name = f"new{suffix}"
    target = _link(directory, name, live=live)
    args = {
        "init": ["init", name],
        "export": ["export", "ledger.jsonl", name],
        "import": ["import", "ledger.jsonl", name],
    }[cmd]
    line = one_message(run_command(*args, cwd=directory, timeout=30))
    assert line == (
        f"assurance-ledger: {name}: a symbolic link: a new ledger is never created through one "
        "(name the file itself)"
    )
    if live:
        assert target.read_bytes() == PRECIOUS
    else:
        assert not target.exists()


@pytest.mark.parametrize("suffix", [".jsonl", ".sqlite"])
def test_the_library_never_creates_a_ledger_through_a_symbolic_link(
    suffix: str, ledger: Path
) -> None:
    """Rule: Ledger.open(create=True) and Ledger.export refuse a link; its target is not made.

    Creating uses ``O_EXCL | O_NOFOLLOW``, so there is no moment between a
    check and the creation when a link could be followed. Opening an existing
    ledger through a link (not creating one) still works as before.
    """
    directory = ledger.parent
    target = _link(directory, f"dangling{suffix}", live=False)
    with pytest.raises(StoreError, match="symbolic link"):
        Ledger.open(directory / f"dangling{suffix}", create=True)
    with Ledger.open(ledger) as stored, pytest.raises(StoreError, match="symbolic link"):
        stored.export(directory / f"dangling{suffix}")
    assert not target.exists()
    (directory / f"alias{suffix}").symlink_to(ledger)
    if suffix == ".jsonl":
        with Ledger.open(directory / f"alias{suffix}", create=True) as through:
            assert len(through) == 10
