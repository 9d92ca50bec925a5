"""Ledger entries and their hash chain: the bytes that are stored and how they are checked.

An entry is stored as one line of canonical JSON (see
:func:`~assurance_ledger.codec.canonical_json`) with six keys::

    {"hash":"<64 hex>","prev":"<64 hex>","record":{...},
     "recorded_at":"2020-04-01T12:00:00.000000Z","recorded_by":"CA","seq":1}

(on one line, without the break).

``hash`` is the SHA-256 of the canonical JSON of the other five keys, ``prev``
is the ``hash`` of the entry before (64 zeros, :data:`GENESIS`, for seq 1).
Because keys are sorted and ``hash`` sorts first, the hashed bytes are exactly
the stored line with its ``"hash":"...",`` member cut out: verifying a stored
ledger hashes the bytes as they are on disk, never a re-encoding of them.

Any edit, deletion, insertion or reordering of stored entries breaks the chain
at the first entry affected. Cutting entries off the end leaves a valid but
shorter chain: only a witnessed head (a checkpoint the other side holds, or the
``expected_head`` given to :func:`verify_lines`) reveals that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import json.scanner
import re
import sys
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

import attrs

from ._validate import short
from .clock import MAX_CLOCK_SKEW, Clock, format_time, latest_time, system_clock
from .codec import (
    DEFAULT_CODEC,
    MAX_LINE_BYTES,
    Codec,
    canonical_json,
    canonical_string,
    loads_json,
)
from .countries import is_party
from .errors import ChainBroken, InvalidRecord, InvalidRecords, LedgerError
from .records import Record

__all__ = ["GENESIS", "Entry", "Verification", "format_time", "verify_lines"]

#: The ``prev`` of the first entry.
GENESIS = "0" * 64
#: Longest reason given for a stored entry that does not verify, in characters:
#: the problems of a hostile record are listed up to it, then cut short.
MAX_REASON = 4_000

_KEYS = frozenset({"hash", "prev", "record", "recorded_at", "recorded_by", "seq"})
_HEX = re.compile(rb"[0-9a-f]{64}")
_PREFIX = b'{"hash":"'
_BODY_START = len(_PREFIX) + 64 + 2  # after '{"hash":"<64 hex>",'
_LINK = b'"prev":"'
_STATED = itemgetter(slice(0, _BODY_START))  # a good line's '{"hash":"<its hash>",'
_LINKED = itemgetter(slice(_BODY_START, _BODY_START + len(_LINK) + 64))  # '"prev":"<hash>'
#: Lines compared at a time by :func:`linked_hashes`.
_BLOCK = 4096
_TAIL = b',"recorded_at":"'
# The tail of a good line, as canonical JSON writes it: a canonical time, a
# party's name with nothing to escape, a seq without leading zeros.
_QUICK_TAIL = re.compile(
    rb',"recorded_at":"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z)"'
    rb',"recorded_by":"([^"\\\x00-\x1f]*)","seq":([1-9][0-9]{0,17})\}'
)
# (typeshed types the scanner's argument wrongly: it is the decoder whose settings it uses.)
_SCAN = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
# The allowance in words, for the warning.
_ALLOWANCE = f"{MAX_CLOCK_SKEW // dt.timedelta(hours=1)} hours"
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


@attrs.frozen(kw_only=True)
class Entry:
    """One entry of a ledger: a record, who recorded it and when, and its place in the chain."""

    seq: int
    recorded_at: str
    recorded_by: str
    record: Record
    prev: str
    hash: str

    @property
    def time(self) -> dt.datetime:
        """``recorded_at`` as an aware ``datetime`` in UTC."""
        return dt.datetime.strptime(self.recorded_at, "%Y-%m-%dT%H:%M:%S.%f%z")


def encode_entry(
    *, seq: int, recorded_at: str, recorded_by: str, record: dict[str, Any], prev: str
) -> tuple[str, bytes]:
    """The hash and the stored line (without its newline) of an entry.

    The body is the canonical JSON of the five keys, written out in their
    sorted order with only the record encoded as a whole: the same bytes as
    ``canonical_json`` of the dict (a test checks it), without sorting and
    encoding the outer object for every entry.
    """
    body = b'{"prev":%s,"record":%s,"recorded_at":%s,"recorded_by":%s,"seq":%d}' % (
        canonical_string(prev),
        canonical_json(record),
        canonical_string(recorded_at),
        canonical_string(recorded_by),
        seq,
    )
    digest = hashlib.sha256(body).hexdigest()
    return digest, _PREFIX + digest.encode("ascii") + b'",' + body[1:]


def linked_hashes(lines: Sequence[bytes], head: str) -> list[str] | None:
    """Each line's hash, if ``lines`` are a chain from the first entry to ``head``; else None.

    Each line's hash is computed from its bytes (its body after the hash,
    which holds its seq and its prev link), its stated hash compared with it,
    and its prev with the hash of the line before (:data:`GENESIS` for the
    first). Hashes being collision-free, lines that pass are byte for byte
    the lines whose last hash was ``head`` when they were verified: so a
    snapshot of a ledger's first entries (see
    :mod:`assurance_ledger._snapshot`), made from lines that were verified in
    full, holds exactly these lines' records. Nothing else of a line is read:
    this is not :func:`verify_lines`. :class:`Links` does the same a block of
    lines at a time, as they are read.
    """
    links = Links()
    links.add(lines)
    return links.hashes if links.reach(len(lines), head) else None


class Links:
    """The hashes of lines read a block at a time, and how far from the first they link.

    :meth:`add` hashes each line of a block and checks, as
    :func:`linked_hashes` does, its stated hash and its prev: so a re-open
    keeps each line's hash, not the line, until the lines of a snapshot's
    chain are all read (a million lines held at once are 400 MB). The
    comparisons join the parts of many lines at a time and compare them in
    C; only the hashing is a step for each line.
    """

    __slots__ = ("hashes", "linked")

    def __init__(self) -> None:
        """No lines yet."""
        #: Each line's hash, computed from its bytes, in order.
        self.hashes: list[str] = []
        #: How many lines, from the first, state their own hash and link to the one before.
        self.linked = 0

    def add(self, lines: Sequence[bytes]) -> None:
        """Hash the next ``lines`` and check how far they link."""
        sha256 = hashlib.sha256
        first = len(self.hashes)
        hashes = self.hashes
        hashes += [sha256(b"{" + line[_BODY_START:]).hexdigest() for line in lines]
        if self.linked < first:  # broken before these: nothing after links
            return
        for start in range(first, len(hashes), _BLOCK):
            end = min(start + _BLOCK, len(hashes))
            block = lines[start - first : end - first]
            previous = hashes[start - 1 : end - 1] if start else [GENESIS, *hashes[: end - 1]]
            stated = '",{"hash":"'.join(hashes[start:end]).encode("ascii")
            prevs = '"prev":"'.join(previous).encode("ascii")
            if (
                b"".join(map(_STATED, block)) != _PREFIX + stated + b'",'
                or b"".join(map(_LINKED, block)) != _LINK + prevs
            ):
                self.linked = start + _linked_in(block, hashes[start:end], previous)
                return
            self.linked = end

    def reach(self, seq: int, head: str) -> bool:
        """Whether the lines up to entry ``seq`` are read, linked, and end at ``head``."""
        return 0 < seq <= self.linked and self.hashes[seq - 1] == head


def _linked_in(lines: Sequence[bytes], hashes: list[str], previous: list[str]) -> int:
    """How many of ``lines``, from the first, state their hash and link (a block that fails)."""
    for index, (line, digest, prev) in enumerate(zip(lines, hashes, previous, strict=True)):
        stated = b'%s%s",' % (_PREFIX, digest.encode("ascii"))
        if _STATED(line) != stated or _LINKED(line) != _LINK + prev.encode("ascii"):
            return index
    return len(lines)  # pragma: no cover -- only a block that failed is looked at


#: What a stored line holds beyond its seq and prev: recorded_at, recorded_by,
#: the record, and the entry's hash.
Fields = tuple[str, str, Record, str]


def decode_fields(line: bytes, *, seq: int, prev: str, codec: Codec = DEFAULT_CODEC) -> Fields:
    """Check one stored line as entry ``seq`` after ``prev``; raise :class:`ChainBroken` if not.

    Gives the entry's fields, not an :class:`Entry`: a ledger keeps its
    entries as columns.

    Nearly every stored line is a good one, so it is first read the quick way
    (see :func:`_quick`); only a line that fails any part of that is read
    again the strict way, which accepts exactly the same lines and says
    exactly what is wrong with the others.
    """
    if len(line) > MAX_LINE_BYTES:  # whatever store it came from (a file's store checks first)
        raise ChainBroken(seq, f"its line is longer than {MAX_LINE_BYTES} bytes")
    fields = _quick(line, seq, prev, codec)
    return fields if fields is not None else _strict(line, seq, prev, codec)


def _quick(line: bytes, seq: int, prev: str, codec: Codec) -> Fields | None:
    """The entry's fields if ``line`` is a good one (the common case), else ``None``.

    A good line is exactly ``{"hash":H,"prev":P,"record":R,<tail>}``, where
    everything but ``R`` and ``<tail>`` is known before reading, ``<tail>``
    (recorded_at, recorded_by, seq) is small, and ``R`` must be the canonical
    bytes of the record read from it: read the quick way
    (:meth:`~assurance_ledger.codec.Codec.from_canonical`, which reads only
    canonical text), or else parsed in full and compared with the record's
    canonical bytes. Either proves the whole line canonical: no duplicated
    key, white space, escape or other liberty can survive it. The tail's
    first key cannot occur inside the record or the party's name (a quote
    there is escaped), so its last occurrence is where the tail starts.
    """
    try:
        stated = line[9:73]
        head = b'%s%s","prev":"%s","record":' % (_PREFIX, stated, prev.encode("ascii"))
        cut = line.rfind(_TAIL)
        tail = _QUICK_TAIL.fullmatch(line, cut) if cut >= len(head) else None
        digest = stated.decode("ascii")
        if not (
            tail is not None
            and int(tail[3]) == seq
            and line.startswith(head)
            # (So the stated hash is 64 lower-case hex digits, as hexdigest writes them.)
            and hashlib.sha256(b"{" + line[_BODY_START:]).hexdigest() == digest
        ):
            return None
        recorded_by = tail[2].decode("utf-8")
        body = line[len(head) : cut]
        text = body.decode("utf-8")
        if not is_party(recorded_by):
            return None
        record = codec.from_canonical(text)  # most records: one regular expression
        if record is None:
            value, end = _SCAN(text, 0)  # the C parser, without its wrapping
            if end != len(text):
                return None
            record = codec.from_json(value)
            if canonical_json(codec.to_json(record)) != body:
                return None
        recorded_at = tail[1].decode("ascii")
    except (LedgerError, ValueError, TypeError, RecursionError, StopIteration):
        return None  # not a plain good line: read it strictly
    # One copy of each party's name.
    return recorded_at, sys.intern(recorded_by), record, digest


def _strict(line: bytes, seq: int, prev: str, codec: Codec) -> Fields:
    """Read ``line`` strictly: the entry's fields, or :class:`ChainBroken` saying what is wrong."""
    if not (line.startswith(_PREFIX) and _HEX.fullmatch(line, 9, 73) and line[73:75] == b'",'):
        raise ChainBroken(seq, "not an entry: a stored entry starts with its hash")
    digest = line[9:73].decode("ascii")
    if hashlib.sha256(b"{" + line[_BODY_START:]).hexdigest() != digest:
        raise ChainBroken(seq, "its bytes do not match its hash (the entry was changed)")
    try:
        data = loads_json(line)
    except InvalidRecord as exc:
        raise ChainBroken(seq, f"not valid JSON ({exc.got})") from None
    if not isinstance(data, dict) or set(data) != _KEYS:
        raise ChainBroken(seq, "an entry has exactly the keys " + ", ".join(sorted(_KEYS)))
    if type(data["seq"]) is not int or data["seq"] != seq:
        raise ChainBroken(
            seq,
            f"it says seq {short(data['seq'])} where seq {seq} belongs "
            "(an entry was deleted, inserted or moved here)",
        )
    if data["prev"] != prev:
        raise ChainBroken(
            seq, "its prev is not the hash of the entry before (an entry before it was replaced)"
        )
    recorded_at, recorded_by = data["recorded_at"], data["recorded_by"]
    if not (isinstance(recorded_at, str) and _TIME.fullmatch(recorded_at)):
        raise ChainBroken(seq, f"recorded_at {short(recorded_at)} is not a canonical UTC time")
    if not is_party(recorded_by):
        raise ChainBroken(seq, f"recorded_by {short(recorded_by)} is not a country code or a name")
    try:
        record = codec.from_json(data["record"])
        canonical = codec.to_json(record) == data["record"]
    except (InvalidRecord, InvalidRecords) as exc:
        raise ChainBroken(seq, _bounded(f"its record is invalid: {exc}")) from None
    if not canonical or canonical_json(data) != line:
        raise ChainBroken(seq, "it is not in canonical form (it was written by another tool)")
    return recorded_at, recorded_by, record, digest


def _bounded(reason: str) -> str:
    """``reason`` cut to :data:`MAX_REASON` characters, at a line break if it has one."""
    if len(reason) <= MAX_REASON:
        return reason
    cut = reason.rfind("\n", 0, MAX_REASON)
    cut = cut if cut > 0 else MAX_REASON
    return f"{reason[:cut]}\n  ... ({len(reason) - cut} more characters not shown)"


@attrs.frozen(kw_only=True)
class Verification:
    """The result of verifying a chain of stored entries.

    ``entries`` is how many entries were verified in order before the first
    break (all of them when ``ok``), ``head`` the hash of the last of those, and
    ``broken_at`` and ``reason`` locate and explain the first break.

    ``future_entries`` counts the verified entries recorded more than
    :data:`~assurance_ledger.clock.MAX_CLOCK_SKEW` ahead of the clock when
    they were verified, and ``first_future`` is the seq of the first of them.
    They do not break the chain (a ledger received from a state whose clock ran
    ahead still verifies), but no append could add such an entry now, and
    every later entry must be recorded at that time or after: :attr:`warning`
    says so, and ``str()`` adds it.
    """

    entries: int
    head: str
    broken_at: int | None = None
    reason: str | None = None
    future_entries: int = 0
    first_future: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the whole chain verified."""
        return self.broken_at is None

    @property
    def warning(self) -> str | None:
        """What to tell people about entries recorded in the future, or ``None``."""
        if not self.future_entries:
            return None
        count = self.future_entries
        entries = "1 entry was" if count == 1 else f"{count} entries were"
        return (
            f"{entries} recorded in the future, more than {_ALLOWANCE} ahead of the clock "
            f"(the first at seq {self.first_future})"
        )

    def __str__(self) -> str:
        """One line for people."""
        if self.ok:
            text = f"verified: {self.entries} entries, head {self.head}"
        else:
            text = f"chain broken at seq {self.broken_at}: {self.reason}"
        warning = self.warning
        return text if warning is None else f"{text}; warning: {warning}"


def verify_lines(
    lines: Iterable[bytes],
    *,
    expected_head: tuple[int, str] | None = None,
    codec: Codec = DEFAULT_CODEC,
    clock: Clock = system_clock,
) -> Verification:
    """Verify stored lines (without newlines) as a chain from seq 1.

    With ``expected_head`` (a seq and the hash witnessed for it, as in a
    checkpoint), also report a chain that no longer has that head: entries cut
    off the end, or history rewritten since it was witnessed. Entries recorded
    in the future by ``clock`` are counted, not refused (see :class:`Verification`).
    """
    prev, count = GENESIS, 0
    witnessed = None
    latest = latest_time(clock())
    future = _Future()
    for seq, line in enumerate(lines, start=1):
        try:
            recorded_at, _, _, digest = decode_fields(line, seq=seq, prev=prev, codec=codec)
        except LedgerError as exc:  # ChainBroken, or (never yet) anything else decode_fields let by
            reason = exc.reason if isinstance(exc, ChainBroken) else str(exc)
            return _verified(count, prev, future, broken_at=seq, reason=reason)
        prev, count = digest, seq
        if recorded_at > latest:  # canonical times sort as text in time order
            future.count, future.first = future.count + 1, future.first or seq
        if expected_head is not None and seq == expected_head[0]:
            witnessed = digest
    if expected_head is not None:
        want_seq, want_hash = expected_head
        if count < want_seq:
            return _verified(
                count,
                prev,
                future,
                broken_at=count + 1,
                reason=f"the ledger ends at seq {count}, but seq {want_seq} was witnessed "
                "(entries were cut off the end)",
            )
        if witnessed != want_hash:
            return _verified(
                count,
                prev,
                future,
                broken_at=want_seq,
                reason=f"seq {want_seq} does not have the witnessed hash {want_hash} "
                "(history was rewritten after it was witnessed)",
            )
    return _verified(count, prev, future)


@attrs.define
class _Future:
    """The entries recorded in the future found so far: how many, and the first seq (private)."""

    count: int = 0
    first: int | None = None


def _verified(
    entries: int,
    head: str,
    future: _Future,
    *,
    broken_at: int | None = None,
    reason: str | None = None,
) -> Verification:
    return Verification(
        entries=entries,
        head=head,
        broken_at=broken_at,
        reason=reason,
        future_entries=future.count,
        first_future=future.first,
    )
