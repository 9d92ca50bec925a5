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
made meanwhile by other threads are collected at the next full collection. A
pause inside a pause (or in a program that turned the collector off itself)
leaves it as it was.

What a paused operation made is still in the youngest generation when it
ends, and the next young collection would visit all of it (a third of a
second after a re-open of 1,000,000 entries), then the next middle one,
then a full one. So at the end of a pause its objects are moved straight
to the oldest generation, where only a full collection visits them, in one
step: ``gc.freeze()`` then ``gc.unfreeze()`` (which puts every frozen object
in the oldest generation). That moves the young objects of the rest of the
program too, which only delays collecting their cycles to the next full
collection; it is not done if the program has frozen objects of its own
(``gc.get_freeze_count()``), which it would unfreeze.
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
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
