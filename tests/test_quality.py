"""The code's own quality gates, run with the suite so that CI enforces them."""

import re
import subprocess
import sys
from pathlib import Path

import tomllib

from assurance_ledger._validate import MAX_URL_LENGTH

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_mypy_strict_is_clean() -> None:
    """Rule: the package type-checks under mypy --strict."""
    result = _run("mypy", "--strict", "src")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean() -> None:
    """Rule: ruff finds nothing in the code, the tests or the benchmarks, and all are formatted."""
    check = _run("ruff", "check", ".")
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = _run("ruff", "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_the_markers_name_only_options_that_exist() -> None:
    """Rule: a marker's help names no command-line option pytest does not have."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    markers = config["tool"]["pytest"]["ini_options"]["markers"]
    options = _run("pytest", "--help").stdout
    for marker in markers:
        for option in re.findall(r"--[a-z][a-z-]+", marker):
            assert option in options, f"{marker!r} names {option}, which pytest does not have"


def test_the_records_page_gives_the_url_limit_the_code_applies() -> None:
    """Rule: docs/records.md states a source's URL limit as the code applies it."""
    row = next(
        line
        for line in (ROOT / "docs" / "records.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `url` |")
    )
    assert f"at most {MAX_URL_LENGTH:,} printable characters" in row


def test_every_test_the_guarantees_name_exists() -> None:
    """Rule: each ``tests/FILE.py::test_name`` that docs/guarantees.md names is a test there.

    A promise is only as good as the test that proves it: renaming or
    removing one must change the page too.
    """
    page = (ROOT / "docs" / "guarantees.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(tests/[a-z_]+\.py)::([a-z_0-9]+)`", page))
    assert len(named) > 50
    for file, test in sorted(named):
        source = (ROOT / file).read_text(encoding="utf-8")
        assert re.search(rf"^def {test}\(", source, re.M), f"{file}::{test}"
