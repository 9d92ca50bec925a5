"""Pausing Python's cycle collector while a whole ledger is read or checked (private).

Reading a stored ledger, and checking one, make millions of small objects that
live on (records, facts, each claimant's results) and form no reference
cycles: reference counting frees all of their garbage. Yet CPython's cycle
collector starts a collection every few hundred new container objects, and
every so often a full one that visits *every* tracked object of the process.
On a 1,000,000-entry ledger those full collections were about a sixth of an
open and a fifth of a check, and collected nothing (see docs/performance.md).

So these bulk operations pause the collector, as Mercurial does for its bulk
parsing, and set it back as they found it when they end, error or not. Cycles
made meanwhile by other threads are collected at the next collection after
that. A pause inside a pause (or in a program that turned the collector off
itself) leaves it as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector inside the block; set it back as it was at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
