"""The release log: every table published of a ledger, so that the next is safe beside them.

:func:`~assurance_ledger.stats.stats` protects a new table together with the
tables already published of the same ledger state and day (``published=``),
and against earlier releases of the same table (``since=``). A
:class:`ReleaseLog` remembers them for you: a JSON Lines file, one published
table a line (as :meth:`~assurance_ledger.stats.StatsTable.to_json` writes it),
kept beside the ledger. :meth:`ReleaseLog.publish` reads it, makes the new
table beside what it holds, and appends the new table before returning it, so
that nothing is published that the log does not know.

The command line keeps one by default: ``assurance-ledger stats LEDGER`` reads
and extends ``LEDGER.releases.jsonl`` (``--log`` names another, ``--no-log``
keeps none).

>>> import tempfile, pathlib
>>> from assurance_ledger import Ledger, ClaimantReturned
>>> ledger = Ledger()
>>> _ = ledger.append(ClaimantReturned(claimant_id="c-1", on="2020-03-22",
...     returned_by="CA", returned_to="US", nationalities=["HT"]), recorded_by="CA")
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> log = ReleaseLog(folder / "ledger.jsonl.releases.jsonl")
>>> log.publish(ledger, as_of="2020-06-30").total.returns
'--'
>>> _ = log.publish(ledger, "nationality", as_of="2020-06-30")
>>> [table.by for table in log.tables()]
[(), ('nationality',)]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from .commitments import Commitment
from .dates import DateSpan, to_span
from .errors import StoreError
from .ledger import Ledger
from .rules import Rule
from .stats import StatsError, StatsTable, Suppression, stats

__all__ = ["LOG_SUFFIX", "MAX_LOG_BYTES", "ReleaseLog"]

#: What the command line adds to a ledger's file name to name its release log.
LOG_SUFFIX = ".releases.jsonl"
#: The largest release log read (a table a line: far more than any office publishes).
MAX_LOG_BYTES = 64 * 1024 * 1024


@attrs.frozen
class ReleaseLog:
    """The tables published of one ledger, in a JSON Lines file at ``path``.

    A missing file is an empty log; it is created at the first publication.
    """

    path: Path = attrs.field(converter=Path)

    @classmethod
    def beside(cls, ledger_path: str | os.PathLike[str]) -> ReleaseLog:
        """The log the command line keeps for the ledger at ``ledger_path``."""
        path = Path(ledger_path)
        return cls(path.with_name(path.name + LOG_SUFFIX))

    def tables(self) -> tuple[StatsTable, ...]:
        """Every table in the log, oldest first.

        Raise :class:`~assurance_ledger.stats.StatsError` naming the line of
        one that is not a published table, and
        :class:`~assurance_ledger.errors.StoreError` for a file that cannot be read.
        """
        try:
            with self.path.open("rb") as file:
                data = file.read(MAX_LOG_BYTES + 1)
        except FileNotFoundError:
            return ()
        except OSError as exc:
            raise StoreError(str(self.path), f"cannot be read ({exc.strerror})") from None
        if len(data) > MAX_LOG_BYTES:
            raise StoreError(str(self.path), f"a release log of more than {MAX_LOG_BYTES:,} bytes")
        if data and not data.endswith(b"\n"):
            last = data.count(b"\n") + 1
            raise StatsError(f"release log line {last}", "a whole line (ending in a newline)")
        found = []
        for n, line in enumerate(data.splitlines(), 1):
            where = f"release log line {n}"
            try:
                item = json.loads(line)
            except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep
                raise StatsError(where, "a published table as JSON", "a line that is not") from None
            try:
                found.append(StatsTable.from_json(item))
            except StatsError as exc:
                raise StatsError(f"{where}: {exc.field}", exc.expected, exc.got) from None
        return tuple(found)

    def publish(
        self,
        ledger: Ledger,
        by: str | Sequence[str] = (),
        *,
        as_of: dt.date | str | DateSpan,
        suppression: Suppression = Suppression.DEFAULT,
        since: Sequence[StatsTable] = (),
        rules: Mapping[type[Commitment], Rule] | None = None,
    ) -> StatsTable:
        """Make a table as :func:`~assurance_ledger.stats.stats` does, beside the log's; log it.

        The log's tables of the same ledger state and day are passed as
        ``published``; its earlier releases of the same table (same grouping
        and suppression, another state or day) join ``since``. The table is
        appended to the log before it is returned (not again if the log holds
        it already). Raw counts (a suppression with no threshold) are refused:
        they are not for publication beside protected tables. Raise what
        :func:`~assurance_ledger.stats.stats` raises, and
        :class:`~assurance_ledger.errors.StoreError` when the log cannot be
        written: then the table must not be published.
        """
        if isinstance(suppression, Suppression) and not suppression.threshold:
            raise StatsError(
                "suppression",
                "a suppression that hides small counts (raw counts are for the publisher's own "
                "use: published beside protected tables they would reveal them)",
                repr(suppression.to_json()),
            )
        logged = self.tables()
        head = ledger.head.hash if ledger.head is not None else None
        day = _day(as_of)
        fields = (by,) if isinstance(by, str) else tuple(by)
        states = {None, *(entry.hash for entry in ledger.entries)}
        # The log's lines (from 1) of the tables made beside, and of the earlier releases.
        beside = [n for n, t in enumerate(logged, 1) if (t.ledger_head, t.as_of) == (head, day)]
        earlier = [
            n
            for n, t in enumerate(logged, 1)
            if (t.by, t.suppression) == (fields, suppression)
            and (t.ledger_head, t.as_of) != (head, day)
            and t.ledger_head in states  # not a release of a later state, or of another ledger
        ]
        releases = [logged[n - 1] for n in earlier]
        given = [t for t in since if t not in releases]
        try:
            table = stats(
                ledger,
                by,
                as_of=as_of,
                suppression=suppression,
                published=[logged[n - 1] for n in beside],
                since=[*releases, *given],
                rules=rules,
            )
        except StatsError as exc:  # name the log's line, or the caller's own since[i]
            which = re.fullmatch(r"(published|since)\[([0-9]+)\]", exc.field)
            if which is None:
                raise
            i = int(which[2])
            if which[1] == "published":
                field = f"release log line {beside[i]}"
            elif i < len(earlier):
                field = f"release log line {earlier[i]}"
            else:
                field = f"since[{i - len(earlier)}]"
            raise StatsError(field, exc.expected, exc.got) from None
        if table not in logged:
            self._append(table)
        return table

    def _append(self, table: StatsTable) -> None:
        line = json.dumps(table.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n"
        try:
            with self.path.open("ab") as file:
                file.write(line.encode())
                file.flush()
                os.fsync(file.fileno())
        except OSError as exc:
            raise StoreError(
                str(self.path), f"cannot be written ({exc.strerror}); the table is not published"
            ) from None


def _day(as_of: object) -> dt.date | None:
    """The evaluation day ``as_of`` names, or ``None`` (then ``stats`` says what is wrong)."""
    try:
        span = to_span(as_of)  # type: ignore[arg-type]
    except ValueError:
        return None
    if isinstance(span, DateSpan) and span.is_exact:
        return span.earliest
    return None
