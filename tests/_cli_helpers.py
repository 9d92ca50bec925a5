"""How the tests run the command line: the installed entry point, or ``main`` in process.

Shared by every test module that runs the CLI (``tests`` is on pytest's
``pythonpath``, see ``pyproject.toml``).
"""

from __future__ import annotations

import contextlib
import io
import resource
import shutil
import subprocess
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


def run_command(
    *args: str, cwd: Path, cap: int | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the installed command in ``cwd``, its address space capped at ``cap`` bytes if given.

    The timeout makes a command that blocks or loops fail its test, not hang it.

    The cap is set in the child between fork and exec (``preexec_fn``), so a
    capped run must not be made from several threads at once.
    """

    def limit() -> None:
        assert cap is not None
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return subprocess.run(
        [*installed_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        preexec_fn=None if cap is None else limit,
    )
