"""The ledger: an append-only, hash-chained sequence of entries, and the rules for appending.

A :class:`Ledger` only ever grows. Appending checks the new records against what
is already recorded and refuses them, leaving the ledger exactly as it was, when
they conflict with it. Nothing is edited or deleted in place: a
:class:`~assurance_ledger.records.Correction` entry replaces or retracts an
earlier record in the *current view* (:meth:`Ledger.facts`), while the entry it
corrects stays in the chain as evidence.

The rules an append must pass, checked against the current view (corrections
applied) at the time of appending:

=========================  =====================================================
record                     refused when
=========================  =====================================================
``assurance_requested``    its ``assurance_id`` was already requested or given
``assurance_given``        its ``assurance_id`` was already given or declined; it
                           was requested by other states (``given_by`` must be
                           the requested state, ``given_to`` the requesting one);
                           it is dated certainly before the request
``assurance_declined``     nothing was requested under that ``assurance_id``, or
                           it was already given or declined; it is dated
                           certainly before the request
``assurance_withdrawn``    the assurance was never given, or was already
                           withdrawn; it is dated certainly before the giving
``claimant_returned``      the ``claimant_id`` was recorded before
any outcome                the ``outcome_id`` was recorded before; the claimant
                           was never returned; it is dated certainly before the
                           return (its latest possible day precedes the return's
                           earliest)
``notified``               ``regarding`` is not an earlier outcome of the same
                           claimant
``assessment``             the ``assessment_id`` was recorded before; its
                           ``assurance_id`` names no assurance recorded earlier
                           (requested or given)
``correction``             ``target`` is not an earlier entry, or is itself a
                           correction; the replacement is another kind of record
                           (an outcome may become another type of outcome: a
                           release mistyped as a detention) or changes the id;
                           the corrected view would break any rule above
``checkpoint``             never
=========================  =====================================================

Ids are never reused, even after a retraction. Recording times never go back:
an entry's ``recorded_at`` is on or after the one before, so the ledger *as
recorded* at any time T (:meth:`Ledger.as_recorded`) is a prefix of it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import attrs

from . import _snapshot, flat
from . import records as r
from ._files import read_regular_file, refuse_link
from ._gc import collector_paused
from ._view import Fact, Undo, View, refuse
from .chain import GENESIS, Entry, Verification, decode_fields, encode_entry, verify_lines
from .clock import Clock, format_time, next_time, system_clock
from .codec import DEFAULT_CODEC, MAX_LINE_BYTES, MAX_RECORDS_FILE_BYTES, Codec
from .countries import is_party
from .errors import (
    ChainBroken,
    InvalidRecord,
    InvalidRecords,
    ReadOnlyLedger,
    RecordRefused,
    StoreError,
)
from .records import Record
from .storage import Store, StoreWriter, open_store

__all__ = ["Fact", "Ledger", "OpenStats"]

#: Most problems one refused batch reports.
MAX_REPORTED = 100
#: A ledger's snapshot is written again once this share of its entries (or
#: more) are not in it: writing one costs the whole ledger, so after an append
#: or an open that validated a few entries, the next open validates them again
#: instead, until they add up.
SNAPSHOT_STALE = 0.01


@attrs.frozen
class OpenStats:
    """How :meth:`Ledger.open` read the stored entries: counted, not assumed.

    ``validated`` entries were decoded, validated and checked against the
    append rules in full; ``from_snapshot`` were taken from the ledger's
    verified snapshot (their lines hashed and compared, byte for byte, with
    the lines it was made of). ``snapshot_written`` says whether the open
    then wrote a new snapshot.
    """

    validated: int
    from_snapshot: int = 0
    snapshot_written: bool = False


def _on_line(
    error: InvalidRecord, numbered: Sequence[tuple[int | None, Record]], first: int
) -> InvalidRecord:
    """The error located on the line of the file its record came from."""
    if error.seq is None or not 0 <= error.seq - first < len(numbered):
        return error
    return error.at(line=numbered[error.seq - first][0])


class Ledger:
    """An append-only ledger of records, hash-chained, in memory or backed by a store.

    ``Ledger()`` is a new, empty ledger in memory. :meth:`open` opens (or
    creates) one stored in a JSON Lines or SQLite file; appends to it are
    written through, durably, before they return, and entries appended by other
    processes are picked up first.

    >>> from assurance_ledger import ClaimantReturned, Detained
    >>> ledger = Ledger()
    >>> entry = ledger.append(
    ...     ClaimantReturned(claimant_id="c-1", on="2020-03-22", returned_by="CA",
    ...                      returned_to="US", nationalities=["HT"]),
    ...     recorded_by="CA", recorded_at="2020-03-23T10:00:00-04:00")
    >>> entry.seq, entry.recorded_at
    (1, '2020-03-23T14:00:00.000000Z')
    >>> ledger.append(Detained(outcome_id="o-1", claimant_id="c-9", on="2020-03-22", by="US"),
    ...               recorded_by="CA")
    Traceback (most recent call last):
    ...
    assurance_ledger.errors.RecordRefused: seq 2: claimant_id: expected a claimant whose ...
    >>> len(ledger)
    1
    """

    __slots__ = (
        "_clock",
        "_codec",
        "_hashes",
        "_lines",
        "_opened",
        "_parties",
        "_records",
        "_snapshot",
        "_snapshot_len",
        "_store",
        "_times",
        "_view",
    )

    def __init__(self, *, codec: Codec = DEFAULT_CODEC, clock: Clock = system_clock) -> None:
        """A new, empty ledger in memory: records read with ``codec``, the time from ``clock``."""
        self._codec, self._clock = codec, clock
        # The entries, as columns (seq 1 first): a ledger keeps no Entry objects,
        # which would cost memory, and time to make, for every entry it reads.
        # An entry's prev is the hash of the one before it (GENESIS for seq 1).
        self._records: list[Record] = []
        self._times: list[str] = []  # recorded_at
        self._parties: list[str] = []  # recorded_by
        self._hashes: list[str] = []
        self._lines: list[bytes] = []
        self._view = View()
        self._store: Store | None = None
        self._opened = OpenStats(validated=0)
        self._snapshot: _snapshot.Place | None = None  # where its snapshots are kept, if anywhere
        self._snapshot_len = 0  # entries in the newest snapshot known to be written

    # -- building -----------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        create: bool = False,
        readonly: bool = False,
        codec: Codec = DEFAULT_CODEC,
        progress: Callable[[int, int], None] | None = None,
        clock: Clock = system_clock,
        snapshot: bool = True,
        snapshot_dir: str | Path | None = None,
    ) -> Ledger:
        """Open the ledger stored at ``path`` (``.jsonl`` or ``.sqlite``), verifying it whole.

        With ``create``, a missing file is created empty (never through a
        symbolic link). With ``readonly``, the file is only read and never
        changed, whatever it holds, and appending raises
        :class:`~assurance_ledger.errors.ReadOnlyLedger`: the way to open a
        ledger received from elsewhere to verify or check it. ``progress``, if
        given, is called as ``progress(done, total)`` while entries are verified
        (every 10,000 and at the end), for long loads; ``clock`` gives the time. Raise
        :class:`~assurance_ledger.errors.StoreError` (or its
        :class:`~assurance_ledger.errors.TornTail`) for a file that cannot be
        used, and :class:`~assurance_ledger.errors.ChainBroken` or
        :class:`~assurance_ledger.errors.RecordRefused` for stored entries that
        do not verify.

        With ``snapshot`` (the default), the open keeps a verified snapshot of
        the validated ledger in ``snapshot_dir`` (or
        ``$ASSURANCE_LEDGER_SNAPSHOT_DIR``, or else the user's cache folder)
        and takes from it the entries whose stored lines are, byte for byte,
        the ones it was made of; every line is still hashed and linked, and
        any other line validated in full (see ``docs/snapshot.md``).
        :attr:`opened` counts which were which. ``snapshot=False`` reads and
        writes no snapshot: every entry is validated, as ``verify`` does.
        """
        store = open_store(path, create=create, readonly=readonly)
        ledger = cls(codec=codec, clock=clock)
        ledger._store = store
        try:
            if not snapshot:
                lines = store.read_lines(0)
                validated = ledger._ingest(lines, where=str(store.path), progress=progress)
                ledger._opened = OpenStats(validated=validated)
            else:
                ledger._open_with_snapshot(snapshot_dir, progress)
        except BaseException:
            store.close()
            raise
        return ledger

    def _open_with_snapshot(
        self, folder: str | Path | None, progress: Callable[[int, int], None] | None
    ) -> None:
        """Take what a snapshot holds of the stored lines, validate the rest, keep one if due."""
        assert self._store is not None  # noqa: S101 -- called by open only
        place = self._snapshot = _snapshot.place_for(self._store.path, folder)
        with collector_paused():  # millions of objects, no cycles: see _gc
            loaded = place.load(self._store, self._codec)
        taken = 0
        if loaded is None:  # no snapshot fits: every line read (again) and validated
            rest = self._store.read_lines(0)
        else:
            state, rest = loaded.state, loaded.rest
            self._records, self._times, self._parties = state.records, state.times, state.parties
            self._hashes, self._view = state.hashes, state.view
            taken = self._snapshot_len = len(state.hashes)
        if progress is not None and taken:
            told = progress  # counted over every line, those taken from the snapshot too
            progress = lambda done, total: told(done + taken, total + taken)  # noqa: E731
        validated = self._ingest(rest, where=str(self._store.path), progress=progress)
        self._opened = OpenStats(
            validated=validated, from_snapshot=taken, snapshot_written=self._keep_snapshot()
        )

    def _keep_snapshot(self) -> bool:
        """Write the snapshot again if enough entries are not in it; whether it was written."""
        place = self._snapshot
        missing = len(self._records) - self._snapshot_len
        if place is None or missing <= 0 or missing < SNAPSHOT_STALE * len(self._records):
            return False
        state = _snapshot.State(self._records, self._times, self._parties, self._hashes, self._view)
        with collector_paused():
            written = place.write(state, self._codec)
        if written:
            self._snapshot_len = len(self._records)
        else:  # a folder that took none will take none: not tried again for each append
            self._snapshot = None
        return written

    @classmethod
    def from_lines(
        cls, lines: Iterable[bytes], *, codec: Codec = DEFAULT_CODEC, clock: Clock = system_clock
    ) -> Ledger:
        """A ledger in memory from stored lines (without newlines), verifying each."""
        ledger = cls(codec=codec, clock=clock)
        ledger._opened = OpenStats(validated=ledger._ingest(list(lines), where=None))
        return ledger

    def _ingest(
        self,
        lines: Sequence[bytes],
        *,
        where: str | None,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Add already-stored entries after verifying their chain and their rules."""
        count = 0
        seq = len(self._records)
        prev = self._hashes[-1] if self._hashes else GENESIS
        last = self._times[-1] if self._times else ""  # every time sorts after ""
        with collector_paused():  # millions of objects, no cycles: see _gc
            for line in lines:
                if progress is not None and count % 10_000 == 0 and count:
                    progress(count, len(lines))
                seq += 1
                try:
                    recorded_at, recorded_by, record, digest = decode_fields(
                        line, seq=seq, prev=prev, codec=self._codec
                    )
                except ChainBroken as exc:
                    raise ChainBroken(exc.seq, exc.reason, path=where) from None
                if recorded_at < last:
                    raise ChainBroken(seq, "it was recorded before the entry before it", path=where)
                try:
                    self._admit(record, seq, None)  # stored entries are never undone
                except RecordRefused as exc:  # stored, so the ledger is at fault, not the record
                    raise ChainBroken(
                        seq,
                        f"it breaks a ledger rule: {exc.field}: expected {exc.expected}, "
                        f"got {exc.got}",
                        path=where,
                    ) from None
                self._add_entry(recorded_at, recorded_by, record, digest)
                if self._store is None:  # a stored ledger's lines are on disk (see lines())
                    self._lines.append(line)
                count += 1
                prev, last = digest, recorded_at
        if progress is not None:
            progress(count, len(lines))
        return count

    # -- reading ------------------------------------------------------------------

    @property
    def codec(self) -> Codec:
        """The codec this ledger reads and writes records with."""
        return self._codec

    @property
    def opened(self) -> OpenStats:
        """How the entries were read when the ledger was opened (see :class:`OpenStats`).

        For a ledger made in memory, every entry it was made from was validated.
        """
        return self._opened

    @property
    def store(self) -> Store | None:
        """The store this ledger is kept in, or ``None`` for a ledger in memory."""
        return self._store

    @property
    def head(self) -> Entry | None:
        """The last entry, or ``None`` for an empty ledger."""
        return self._entry_at(len(self._records) - 1) if self._records else None

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry, seq 1 first."""
        return tuple(self)

    def __len__(self) -> int:
        """How many entries the ledger holds."""
        return len(self._records)

    def __iter__(self) -> Iterator[Entry]:
        """The entries, seq 1 first."""
        return map(self._entry_at, range(len(self._records)))

    def entry(self, seq: int) -> Entry:
        """The entry ``seq`` (from 1); ``IndexError`` if there is none."""
        return self._entry_at(self._index_of(seq))

    def record(self, seq: int) -> Record:
        """The record of entry ``seq`` as appended: ``entry(seq).record``, without the entry.

        ``IndexError`` if there is none. The record as it stands now, after
        any correction, is in :meth:`facts`.
        """
        return self._records[self._index_of(seq)]

    def _index_of(self, seq: int) -> int:
        """Where entry ``seq`` is in the columns; ``IndexError`` if there is none."""
        if not 1 <= seq <= len(self._records):
            raise IndexError(f"no entry with seq {seq} (the ledger has {len(self)})")
        return seq - 1

    def _entry_at(self, index: int) -> Entry:
        """Entry ``index + 1``, made from the columns."""
        return Entry(
            seq=index + 1,
            recorded_at=self._times[index],
            recorded_by=self._parties[index],
            record=self._records[index],
            prev=self._hashes[index - 1] if index else GENESIS,
            hash=self._hashes[index],
        )

    def lines(self) -> Iterator[bytes]:
        """The stored form of every entry: canonical JSON, one line each, no newline.

        A ledger in memory holds these bytes. A stored ledger does not keep a
        second copy of its file in memory: its lines are encoded again from
        its entries, which gives the stored bytes exactly, since a ledger only
        opens when every stored entry is in canonical form.
        """
        if self._store is None:
            return iter(self._lines)
        return (self._line(entry) for entry in self)

    def _line(self, entry: Entry) -> bytes:
        return encode_entry(
            seq=entry.seq,
            recorded_at=entry.recorded_at,
            recorded_by=entry.recorded_by,
            record=self._codec.to_json(entry.record),
            prev=entry.prev,
        )[1]

    def facts(self) -> tuple[Fact, ...]:
        """The current view: every record as corrected, retracted ones left out, in seq order.

        Corrections themselves are not facts; checkpoints are.
        """
        return tuple(self._view.current())

    def facts_of(self, claimant_id: str) -> tuple[Fact, ...]:
        """One claimant's facts in the current view (their return and outcomes), in seq order.

        It costs the claimant's facts, not the ledger's: this is how a
        :class:`~assurance_ledger.monitor.Monitor` re-checks one claimant.
        """
        view = self._view
        seqs = sorted(view.groups.get(("claimant", claimant_id), ()))
        return tuple(filter(None, map(view.facts.__getitem__, seqs)))

    def as_recorded(self, at: str | dt.datetime) -> Ledger:
        """The ledger as it stood at time ``at``: the entries recorded at or before it.

        The result is a new ledger in memory; its entries and hashes are the
        same as this one's, so any report made from it can be reproduced.
        """
        cutoff = format_time(at)
        count = bisect.bisect_right(self._times, cutoff)
        lines = itertools.islice(self.lines(), count)
        return Ledger.from_lines(lines, codec=self._codec, clock=self._clock)

    def verify(self, *, expected_head: tuple[int, str] | None = None) -> Verification:
        """Verify the chain again from the stored bytes (see :func:`.chain.verify_lines`)."""
        lines = self._store.read_lines(0) if self._store else self._lines
        return verify_lines(
            lines, expected_head=expected_head, codec=self._codec, clock=self._clock
        )

    def export(self, path: str | Path) -> int:
        """Write every entry, byte for byte, to a new store at ``path`` (either kind).

        The target must not exist yet or be an empty ledger, and must not be a
        symbolic link; the copy is one all-or-nothing batch. Returns how many
        entries were written. This is how a ledger moves between JSON Lines and
        SQLite, and how one in memory is saved.
        """
        refuse_link(path)
        target = open_store(path, create=True)
        try:
            with target.writer() as writer:
                if writer.read_lines(0):
                    raise StoreError(str(target.path), "not empty: export only to a new ledger")
                writer.write(list(self.lines()))
        finally:
            target.close()
        return len(self._records)

    def refresh(self) -> int:
        """Read entries other processes appended to the store since; return how many."""
        if self._store is None:
            return 0
        return self._ingest(self._store.read_lines(len(self)), where=str(self._store.path))

    def close(self) -> None:
        """Release the store (an SQLite connection); the ledger stays readable in memory."""
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Ledger:
        """Use the ledger in a ``with`` block that closes its store at the end."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the store."""
        self.close()

    def _repr_html_(self) -> str:
        """A summary for notebooks: where, how long, the head, and records by type."""
        counts: dict[str, int] = {}
        for fact in self._view.current():
            counts[fact.record.TYPE] = counts.get(fact.record.TYPE, 0) + 1
        where = html.escape(str(self._store.path)) if self._store else "in memory"
        head = self.head
        rows = "".join(
            f"<tr><td>{html.escape(kind)}</td><td>{count}</td></tr>"
            for kind, count in sorted(counts.items())
        )
        return (
            f"<p><strong>Ledger</strong> ({where}): {len(self)} entries"
            + (f", head seq {head.seq} <code>{head.hash}</code>" if head else "")
            + f", recorded up to {html.escape(head.recorded_at) if head else '-'}.</p>"
            + "<table><thead><tr><th>record type (current view)</th><th>count</th></tr>"
            + f"</thead><tbody>{rows}</tbody></table>"
        )

    def __repr__(self) -> str:
        """Where the ledger is and how long it is."""
        where = f" at {self._store.path}" if self._store else " in memory"
        return f"<Ledger{where}: {len(self)} entries>"

    def to_records(self) -> list[dict[str, Any]]:
        """One flat row per current fact, for ``pandas.DataFrame`` (rules: :mod:`.flat`).

        ``seq``, ``recorded_at``, ``recorded_by``, ``corrected_by``, ``type``,
        the record's ids, ``on_earliest`` and ``on_latest`` (days), then every
        field with dotted names (``scope.returns_from``, ``source.citation``).

        >>> from assurance_ledger import ClaimantReturned
        >>> ledger = Ledger()
        >>> _ = ledger.append(ClaimantReturned(claimant_id="c-1", on="2020-03",
        ...     returned_by="CA", returned_to="US", nationalities=["HT"]),
        ...     recorded_by="CA", recorded_at="2020-04-01T00:00:00Z")
        >>> row = ledger.to_records()[0]
        >>> row["type"], row["claimant_id"], row["on"], row["on_latest"], row["nationalities"]
        ('claimant_returned', 'c-1', '2020-03', datetime.date(2020, 3, 31), ['HT'])
        """
        return flat.fact_rows(self)

    def to_pandas(self) -> Any:
        """The facts as a ``pandas.DataFrame`` (the ``pandas`` extra): :meth:`to_records`.

        ``seq`` and ``corrected_by`` are nullable integers, ``on_earliest`` and
        ``on_latest`` dates (``datetime64``), ``recorded_at`` a UTC time.
        """
        rows = self.to_records()
        return flat.dataframe(
            rows,
            flat.columns_of(rows, (*flat.ENTRY_COLUMNS, "type")),
            integers=("seq", "corrected_by"),
            days=flat.DAY_COLUMNS if rows else (),
            times=("recorded_at",),
        )

    # -- appending ----------------------------------------------------------------

    def append(
        self,
        record: Record,
        *,
        recorded_by: str,
        recorded_at: str | dt.datetime | None = None,
    ) -> Entry:
        """Append one record; see :meth:`extend`."""
        return self.extend([record], recorded_by=recorded_by, recorded_at=recorded_at)[0]

    def extend(
        self,
        records: Iterable[Record],
        *,
        recorded_by: str,
        recorded_at: str | dt.datetime | None = None,
    ) -> tuple[Entry, ...]:
        """Append records as one batch: all of them, or none.

        ``recorded_by`` is the party recording (a country code or an
        organisation). ``recorded_at`` defaults to now; a time given with any
        UTC offset is converted to UTC, and must not be before the last entry's,
        nor more than a day ahead of the clock (:data:`.clock.MAX_CLOCK_SKEW`).
        Every record is checked against the rules (see the module docs); if any
        is refused, :class:`~assurance_ledger.errors.RecordRefused` (or
        :class:`~assurance_ledger.errors.InvalidRecords` listing each refused
        record) is raised and the ledger, and its store, are left unchanged.
        For a stored ledger the batch is durable when this returns.
        """
        self._refuse_if_readonly()
        batch = list(records)
        if not is_party(recorded_by):
            raise InvalidRecord(
                ("recorded_by",),
                "a country code like 'CA' or an organisation's name of at most 200 "
                "printable characters",
                repr(recorded_by),
            )
        for index, record in enumerate(batch):
            if not isinstance(record, Record):
                raise InvalidRecord((index,), "a record", repr(record)[:60])
        given_time = None if recorded_at is None else format_time(recorded_at)
        if self._store is None:
            return self._write(batch, recorded_by, given_time, None)
        with self._store.writer() as store:
            self._ingest(store.read_lines(len(self._records)), where=str(store.path))
            written = self._write(batch, recorded_by, given_time, store)
        self._keep_snapshot()
        return written

    def _write(
        self,
        batch: Sequence[Record],
        recorded_by: str,
        given_time: str | None,
        store: StoreWriter | None,
    ) -> tuple[Entry, ...]:
        """Stage the batch and write it to ``store`` (if any); undo it all if either fails."""
        last = self._times[-1] if self._times else None
        time = next_time(given_time, last, seq=len(self._times) + 1, now=self._clock())
        undo: list[Callable[[], None]] = []
        try:
            new_entries, new_lines = self._stage(batch, recorded_by, time, undo)
            if store is not None:
                store.write(new_lines)
        except BaseException:
            for step in reversed(undo):
                step()
            raise
        return new_entries

    def append_file(
        self,
        path: str | Path,
        *,
        recorded_by: str,
        recorded_at: str | dt.datetime | None = None,
    ) -> tuple[Entry, ...]:
        """Append the plain records of a JSON Lines file (or a JSON array) as one batch.

        All or nothing: a record that is invalid, or that an append rule refuses,
        is reported with its line in the file (``.line``) and the seq it would
        have had (``.seq``), and nothing is appended. The file must be a
        regular file (not a FIFO or a device) of at most
        :data:`~assurance_ledger.codec.MAX_RECORDS_FILE_BYTES` bytes, or
        :class:`~assurance_ledger.errors.StoreError` is raised before reading.
        """
        self._refuse_if_readonly()
        data = read_regular_file(path, limit=MAX_RECORDS_FILE_BYTES)
        numbered = self._codec.read_numbered(data)
        first = len(self) + 1
        try:
            return self.extend(
                [record for _, record in numbered],
                recorded_by=recorded_by,
                recorded_at=recorded_at,
            )
        except InvalidRecords as exc:
            raise InvalidRecords(
                [_on_line(e, numbered, first) for e in exc.errors], truncated=exc.truncated
            ) from None
        except InvalidRecord as exc:
            raise _on_line(exc, numbered, first) from None

    def _refuse_if_readonly(self) -> None:
        if self._store is not None and self._store.readonly:
            raise ReadOnlyLedger(
                str(self._store.path), "opened read-only: open it with readonly=False to append"
            )

    def _stage(
        self,
        batch: Sequence[Record],
        recorded_by: str,
        time: str,
        undo: list[Callable[[], None]],
    ) -> tuple[tuple[Entry, ...], list[bytes]]:
        start = len(self._records)
        undo.append(partial(self._truncate, start))
        problems: list[InvalidRecord] = []
        staged: list[bytes] = []
        entries: list[Entry] = []
        prev = self._hashes[-1] if start else GENESIS
        for index, record in enumerate(batch):
            seq = start + index + 1
            try:
                record_json = self._codec.to_json(record)
            except InvalidRecord as exc:
                problems.append(exc.at(seq=seq))
                record_json = {}  # keeps the seqs after it in place; never stored
            digest, line = encode_entry(
                seq=seq, recorded_at=time, recorded_by=recorded_by, record=record_json, prev=prev
            )
            if len(line) > MAX_LINE_BYTES:  # it could be stored, but never read back
                problems.append(
                    InvalidRecord(
                        (),
                        f"a record whose stored entry is at most {MAX_LINE_BYTES} bytes",
                        f"{len(line)} bytes",
                        seq=seq,
                    )
                )
            try:
                self._admit(record, seq, undo)
            except RecordRefused as exc:
                problems.append(exc)
                if len(problems) > MAX_REPORTED:
                    break
            # Later records are still checked after a refusal, to report every
            # problem at once; the whole batch is then undone. A refused entry
            # keeps its place so that later seqs stay where they would be.
            self._add_entry(time, recorded_by, record, digest)
            entries.append(self._entry_at(seq - 1))
            staged.append(line)
            if self._store is None:
                self._lines.append(line)
            prev = digest
        if problems:
            if len(problems) == 1:
                raise problems[0]
            raise InvalidRecords(problems[:MAX_REPORTED], truncated=len(problems) > MAX_REPORTED)
        return tuple(entries), staged

    def _truncate(self, count: int) -> None:
        del self._records[count:]
        del self._times[count:]
        del self._parties[count:]
        del self._hashes[count:]
        del self._lines[count:]

    def _add_entry(self, recorded_at: str, recorded_by: str, record: Record, digest: str) -> None:
        """Add the next entry to the columns (its seq and prev follow from where it goes)."""
        self._records.append(record)
        self._times.append(recorded_at)
        self._parties.append(recorded_by)
        self._hashes.append(digest)

    def _admit(self, record: Record, seq: int, undo: Undo) -> None:
        """Check ``record`` at ``seq`` against the rules and put it in the view.

        Raise RecordRefused if it breaks one.
        """
        if isinstance(record, r.Correction):
            self._admit_correction(record, seq, undo)
            return
        view = self._view
        used = view.used(record)
        if used is not None:
            article = "a" if used[0] == "claimant" else "an"
            raise refuse(
                used[0] + "_id", f"{article} {used[0]}_id never recorded before", used[1], seq
            )
        view.check(record, seq)
        fact = Fact(seq, record)
        view.add(fact)
        if undo is not None:
            undo.append(partial(view.take_back, fact))

    def _admit_correction(self, correction: r.Correction, seq: int, undo: Undo) -> None:
        target = correction.target
        if target >= seq or target > len(self._records):
            raise refuse("target", f"the seq of an earlier entry (1 to {seq - 1})", target, seq)
        original = self._records[target - 1]
        if isinstance(original, r.Correction):
            raise refuse(
                "target",
                "an entry that is not itself a correction (correct the original entry instead)",
                target,
                seq,
            )
        self._view.correct(original, target, correction.replacement, seq, undo)
