"""How the tests run the command line: the installed entry point, or ``main`` in process.

Shared by every test module that runs the CLI (``tests`` is on pytest's
``pythonpath``, see ``pyproject.toml``).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
from pathlib import Path

from assurance_ledger.cli import main


def installed_command() -> list[str]:
    """The installed entry point, next to the running interpreter when in a venv (or on PATH)."""
    beside = Path(sys.executable).with_name("assurance-ledger")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("assurance-ledger")
    assert found, "the assurance-ledger command is not installed"
    return [found]


def run_main(*args: str) -> tuple[int, str, str]:
    """Run ``cli.main`` in this process; its status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()
