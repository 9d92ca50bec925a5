"""Run the command line's ``main`` under a cap on the address space, for hostile inputs.

Usage (by the tests, in a subprocess)::

    python tests/_capped_cli.py CAP_BYTES '[["verify", "ledger.sqlite"], ["show", ...]]'

The cap (``RLIMIT_AS``) is set before the package is even imported, so any
attempt to materialise a huge value (a 900 MB ``zeroblob``, ``bytes(2**63 -
1)``) fails with a MemoryError instead of taking the machine's memory. Each
command is run in turn, with its standard output and error captured; one JSON
line is printed: ``[[status, stdout, stderr], ...]``. An exception escaping
``main`` (a MemoryError included) is not caught here: it ends the process with
a traceback, and the test fails.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import sys


def run(cap: int, commands: list[list[str]]) -> list[tuple[int, str, str]]:
    """Run each command with ``main`` under the cap; its status, stdout and stderr."""
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from assurance_ledger.cli import main  # imported under the cap too  # noqa: PLC0415

    results = []
    for args in commands:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(args)
        results.append((status, out.getvalue(), err.getvalue()))
    return results


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]), json.loads(sys.argv[2]))))
