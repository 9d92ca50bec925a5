"""The installed `assurance-ledger` command, run as a user runs it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "canada-us-2020.jsonl"


def _command() -> list[str]:
    """The installed entry point, next to the running interpreter when in a venv."""
    beside = Path(sys.executable).with_name("assurance-ledger")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("assurance-ledger")
    assert found, "the assurance-ledger command is not installed"
    return [found]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command with ``args`` and capture what it prints."""
    return subprocess.run(
        [*_command(), *args], capture_output=True, text=True, check=False, timeout=60
    )


def test_summary_of_the_example() -> None:
    """Rule: the main job reads the bundled example and prints one line per record type."""
    result = run("summary", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "claimant_returned: 5" in lines
    assert "assurance_given: 1" in lines
    assert lines[-1].startswith("22 records read")
    assert result.stderr == ""


def test_module_runs_too() -> None:
    """Rule: `python -m assurance_ledger` is the same command."""
    result = subprocess.run(
        [sys.executable, "-m", "assurance_ledger", "summary", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "claimant_returned: 5" in result.stdout


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'{"type": "detained",\n', "line 1: (top level): expected valid JSON"),
        (b'{"type": "nope"}\n', "line 1: type: expected one of"),
        (
            b'{"type":"detained","outcome_id":"o","claimant_id":"c","on":"2020-02-30","by":"US"}',
            "line 1: on: expected a real calendar date",
        ),
        (b"\xff\xfe\x00", "expected UTF-8 text"),
        (
            b'\n\n{"type":"detained","outcome_id":"o","claimant_id":"c","on":"2020","by":"us"}',
            "line 3: by: expected an ISO 3166-1 alpha-2 country code",
        ),
    ],
)
def test_bad_input_exits_2_without_traceback(tmp_path: Path, content: bytes, needle: str) -> None:
    """Rule: bad input gives exit 2 and a message naming line, field and expectation."""
    path = tmp_path / "records.jsonl"
    path.write_bytes(content)
    result = run("summary", str(path))
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_file_and_usage_errors_exit_2(tmp_path: Path) -> None:
    """Rule: a missing file, a directory, or a bad command line is exit 2 with one message."""
    for args in (("summary", str(tmp_path / "missing.jsonl")), ("summary", str(tmp_path)), ()):
        result = run(*args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
        assert result.stderr.strip(), args
