"""The parser of each command of the command line: positionals may follow the options.

``export LEDGER --format csv OUT`` names ``OUT`` after the options. argparse
alone gives an optional positional its value (none) as soon as it reads the
first positional, and then refuses ``OUT``; each command's parser here parses
intermixed instead, as ``parse_intermixed_args`` does.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["Intermixed"]


class Intermixed(argparse.ArgumentParser):
    """A command's parser that reads positionals after options too: ``export L --format csv OUT``.

    argparse alone gives an optional positional its value (none) at the first
    positional, so an ``OUT`` after the options would be refused.
    """

    _inside = False

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Parse intermixed: the intermixed parse calls this again, which then parses plainly."""
        if self._inside:
            return super().parse_known_args(args, namespace)
        self._inside = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._inside = False
