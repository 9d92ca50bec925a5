"""Verified snapshots of an opened ledger: its validated records, kept for the next open (private).

Opening a stored ledger validates every record and replays every append rule,
several times the cost of parsing its JSON. A snapshot keeps what such an
open built (the records, the recording times and parties, and the view the
append rules read), so that the next open of the same ledger need
not build it again. The next open still reads every stored line, hashes it and
links it to the line before, up to the snapshot's head, a block of lines at
a time as the store reads them (:class:`~assurance_ledger.chain.Links`):
lines that pass are byte for byte the lines the snapshot was made from.
Lines after the snapshot's head are validated in full, as without it. Any
mismatch and the snapshot is ignored: the ledger is then read again and
opened in full, and a new snapshot written.

A snapshot file is::

    MAGIC  MAC (32 bytes)  payload (a pickle)

The MAC is an HMAC-SHA-256 of the snapshot's identity (this package's version
and the bytes of its source files, the Python and attrs versions, the
codec's commitment kinds and their modules' bytes, the snapshot's seq and
head) followed by the payload, under a key of this user's
(:func:`snapshot_key`). It is checked before anything is unpickled, so a file
written by anyone without the key (planted beside a ledger received from
elsewhere, damaged, cut short, made for another head, another library
version or another codec) is ignored and never unpickled. Whoever can read
the key *and* write the folder can run code in the process that opens the
ledger, as with Python's own ``__pycache__``.

Snapshots are kept in the user's cache folder unless another is chosen (see
:func:`place_for`), so that nothing is written beside a ledger received from
elsewhere. Writing is atomic (a temporary file, then a rename) and best
effort: a folder that cannot be written, or records that cannot be pickled,
leave the open or append as it was, without a snapshot.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import sys
import tempfile
import threading
from array import array
from collections.abc import Sequence
from functools import cache
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

import attrs

from ._files import read_regular_file
from ._pickling import columns, dumps, instances, loads, made
from ._view import Fact, View
from .chain import Links
from .codec import Codec
from .errors import StoreError
from .storage import Store

__all__ = ["KEY_ENV", "SNAPSHOT_DIR_ENV", "Loaded", "Place", "State", "place_for", "snapshot_key"]

#: An environment variable naming the folder snapshots are kept in (default:
#: ``assurance_ledger/snapshots`` in the user's cache folder).
SNAPSHOT_DIR_ENV = "ASSURANCE_LEDGER_SNAPSHOT_DIR"
#: An environment variable naming the key file (default: ``assurance_ledger/snapshot.key``
#: in the user's cache folder).
KEY_ENV = "ASSURANCE_LEDGER_SNAPSHOT_KEY"
#: The first bytes of every snapshot file (its format's version is in them).
MAGIC = b"assurance-ledger snapshot 2\n"
_MAC_BYTES = 32
_KEY_BYTES = 32
_SUFFIX = ".snapshot"
#: The largest snapshot file read (a bound, not a size any ledger reaches).
_MAX_BYTES = 1 << 40


@attrs.frozen
class State:
    """What an open built: the ledger's columns and its view (the snapshot's payload)."""

    records: list[Any]
    times: list[str]
    parties: list[str]
    hashes: list[str]
    view: Any


@attrs.frozen
class Loaded:
    """A re-open with a snapshot: its state, and the stored lines after it, to validate."""

    state: State
    rest: list[bytes]


class _Kept(NamedTuple):
    """A snapshot file of a ledger, as its name says."""

    seq: int  # it holds entries 1 to seq
    head: str  # the hash of entry seq
    path: Path


@cache
def _package_bytes() -> bytes:
    """A digest of every file of this package: another build is another library version."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.digest()


@cache
def _module_bytes(module: str) -> bytes:
    """A digest of the source file of ``module`` (a user's commitment kinds), if it has one."""
    source = getattr(sys.modules.get(module), "__file__", None)
    try:
        return hashlib.sha256(Path(source).read_bytes()).digest() if source else b""
    except OSError:
        return b""


def _identity(codec: Codec, seq: int, head: str) -> bytes:
    """Everything a snapshot must have been made with to be used: the MAC covers it."""
    from . import __version__  # noqa: PLC0415 -- the package imports this module

    kinds = sorted(
        (kind, cls.__module__, cls.__qualname__, _module_bytes(cls.__module__).hex())
        for kind, cls in codec.commitment_kinds.items()
    )
    return repr(
        (
            __version__,
            _package_bytes().hex(),
            sys.version,
            attrs.__version__,
            kinds,
            seq,
            head,
        )
    ).encode()


def snapshot_key() -> bytes | None:
    """The user's key for snapshots, made on first use; ``None`` if it cannot be had.

    The file is ``$ASSURANCE_LEDGER_SNAPSHOT_KEY`` if set, else
    ``assurance_ledger/snapshot.key`` in ``$XDG_CACHE_HOME`` (``~/.cache``):
    32 random bytes, readable by the user alone.
    """
    named = os.environ.get(KEY_ENV)
    path = Path(named) if named else _cache_folder() / "snapshot.key"
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made by another process at this moment
        return _key_or_none(path)
    except OSError:
        return None
    try:
        os.write(fd, os.urandom(_KEY_BYTES))
    finally:
        os.close(fd)
    return _key_or_none(path)


def _cache_folder() -> Path:
    """The package's folder in the user's cache: ``$XDG_CACHE_HOME``, else ``~/.cache``."""
    cache_home = os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return Path(cache_home).expanduser() / "assurance_ledger"


def _read_key(path: Path) -> bytes | None:
    key = path.read_bytes()
    return key if len(key) == _KEY_BYTES else None


def _key_or_none(path: Path) -> bytes | None:
    try:
        return _read_key(path)
    except OSError:
        return None


def _mac(key: bytes, identity: bytes, payload: bytes | memoryview) -> bytes:
    # HMAC-SHA-256: OpenSSL's SHA-256 uses the processor's SHA instructions,
    # quicker than BLAKE2b here.
    mac = hmac.new(key, identity + b"\0", "sha256")
    mac.update(payload)
    return mac.digest()


# -- where snapshots are kept -----------------------------------------------------------


@attrs.frozen
class Place:
    """Where a ledger's snapshots are kept: a folder, and the start of their names."""

    folder: Path
    stem: str
    #: Whether the folder is made if it is missing (the default folder is; one
    #: that was named must exist).
    made: bool = False

    def path(self, seq: int, head: str) -> Path:
        """The snapshot holding entries 1 to ``seq``, ``head`` the hash of the last."""
        return self.folder / f"{self.stem}.{seq}-{head}{_SUFFIX}"

    def _found(self) -> list[_Kept]:
        """The snapshots of this ledger in the folder, newest first."""
        found = []
        start = self.stem + "."
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        for name in names:
            if not (name.startswith(start) and name.endswith(_SUFFIX)):
                continue
            seq, _, head = name[len(start) : -len(_SUFFIX)].partition("-")
            if seq.isdigit() and seq.isascii() and len(head) == 64:
                found.append(_Kept(int(seq), head, self.folder / name))
        return sorted(found, reverse=True)

    def load(self, store: Store, codec: Codec) -> Loaded | None:
        """Read ``store`` through the newest snapshot whose chain its first lines are; or None.

        None: there is no such snapshot (or none can be trusted), and the
        store's lines must be read again, all of them, to be validated.
        """
        found = self._found()
        key = snapshot_key() if found else None
        if key is None:
            return None
        with _Reading(found, key, codec) as reading:
            return reading.loaded(store.read_lines(0, reading.take))

    def write(self, state: State, codec: Codec) -> bool:
        """Keep ``state`` as this ledger's snapshot, atomically; remove the older ones.

        Returns whether it was written; never raises for a folder that cannot be
        written.
        """
        key = snapshot_key()
        if key is None or not state.hashes:
            return False
        seq, head = len(state.hashes), state.hashes[-1]
        target = self.path(seq, head)
        try:  # before the work of pickling: the folder may not take it
            if self.made:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=f".{self.stem}.", dir=self.folder)
        except OSError:
            return False
        try:
            with os.fdopen(fd, "wb") as file:
                # The times as one text, split again when read: a million
                # short strings unpickle more slowly than one split. The hashes
                # are not kept: a re-open computes them from the lines.
                payload = dumps(
                    (
                        columns(state.records, share=True),
                        "\n".join(state.times),
                        state.parties,
                        _packed(state.view, state.records),
                    )
                )
                file.write(MAGIC)
                file.write(_mac(key, _identity(codec, seq, head), payload))
                file.write(payload)
            # (mkstemp made it readable by its owner alone: it holds the ledger's records.)
            os.replace(temporary, target)
        except Exception:  # a full disk, or a user's class that cannot be pickled
            _remove(Path(temporary))
            return False
        except BaseException:
            _remove(Path(temporary))
            raise
        for _, _, older in self._found():
            if older != target:
                _remove(older)
        return True


def place_for(ledger: Path, folder: str | Path | None) -> Place:
    """Where the snapshots of the ledger at ``ledger`` are kept.

    In ``folder``, else ``$ASSURANCE_LEDGER_SNAPSHOT_DIR``, else
    ``assurance_ledger/snapshots`` in the user's cache folder (made when the
    first snapshot is written). A folder may keep the snapshots of many
    ledgers: their names start with the ledger's file name and a digest of
    its absolute path.
    """
    chosen = folder if folder is not None else os.environ.get(SNAPSHOT_DIR_ENV) or None
    where = hashlib.sha256(str(ledger.resolve()).encode()).hexdigest()[:16]
    stem = f"{ledger.name[:100]}-{where}"  # a name of at most 255 bytes
    if chosen is None:
        return Place(_cache_folder() / "snapshots", stem, made=True)
    return Place(Path(chosen), stem)


class _Reading:
    """A re-open's reading of the stored lines, hashed and linked as they are read.

    The store hands each block of lines to :meth:`take`, which hashes those
    up to the newest snapshot's head (:class:`~assurance_ledger.chain.Links`)
    and keeps only those after the oldest's: the lines a snapshot holds are
    needed once, to be hashed, and are never held all at once (400 MB at
    1,000,000 entries, first touched page by page). Meanwhile the newest
    snapshot's file is read and its MAC checked (:class:`_Payload`). Lines
    that link up to a snapshot's head are byte for byte the lines it was
    made of (see :func:`~assurance_ledger.chain.linked_hashes`).
    """

    def __init__(self, found: list[_Kept], key: bytes, codec: Codec) -> None:
        self._found, self._key, self._codec = found, key, codec
        self._links = Links()
        newest = found[0]
        self._last = newest.seq  # no line after the newest's head is hashed here
        self._keep = min(kept.seq for kept in found)  # nor any line before the oldest's kept
        self._payload = _Payload(newest.path, key, _identity(codec, newest.seq, newest.head))

    def __enter__(self) -> _Reading:
        self._payload.__enter__()
        return self

    def __exit__(self, *_: object) -> None:
        self._payload.__exit__()

    def take(self, block: list[bytes]) -> list[bytes]:
        """Hash ``block`` (the next lines read) up to the newest head; what is kept of it."""
        first = len(self._links.hashes)
        self._links.add(block[: max(0, self._last - first)])
        return block[max(0, self._keep - first) :]

    def loaded(self, kept: list[bytes]) -> Loaded | None:
        """The newest snapshot whose chain the lines read are, and the lines after it; or None."""
        for index, (seq, head, path) in enumerate(self._found):
            if self._links.reach(seq, head):
                payload = (
                    self._payload.get()  # the newest's, read beside the hashing
                    if index == 0
                    else _payload(path, self._key, _identity(self._codec, seq, head))
                )
                hashes = self._links.hashes
                state = _state(payload, hashes if seq == len(hashes) else hashes[:seq])
                return None if state is None else Loaded(state, kept[seq - self._keep :])
        return None


class _Payload:
    """A snapshot file's payload, read and its MAC checked in a thread of its own.

    Meanwhile the opening thread hashes the ledger's lines: reading the file
    lets other threads run, and so does hashing a large buffer (the MAC), but
    not hashing a short line. The snapshot then costs the open only the time
    of unpickling it (0.15 s less at 1,000,000 entries). Nothing is unpickled
    before both the lines and the MAC are checked. Leaving the ``with``
    waits for the thread, so that it never outlives the open.
    """

    def __init__(self, path: Path, key: bytes, identity: bytes) -> None:
        self._args = (path, key, identity)
        self._found: memoryview | None = None
        self._thread: threading.Thread | None = threading.Thread(
            target=self._read, name="assurance-ledger snapshot", daemon=True
        )

    def __enter__(self) -> _Payload:
        assert self._thread is not None  # noqa: S101 -- entered once
        try:
            self._thread.start()
        except RuntimeError:  # no thread to be had: read it when asked
            self._thread = None
        return self

    def __exit__(self, *_: object) -> None:
        if self._thread is not None:
            self._thread.join()

    def get(self) -> memoryview | None:
        """The payload, if its MAC holds; once the thread is done."""
        if self._thread is None:
            self._read()
        else:
            self._thread.join()
        return self._found

    def _read(self) -> None:
        with contextlib.suppress(Exception):  # any failure: no snapshot, never an error
            self._found = _payload(*self._args)


def _payload(path: Path, key: bytes, identity: bytes) -> memoryview | None:
    """The payload of the snapshot file at ``path`` if its MAC holds, else None."""
    try:
        data = read_regular_file(path, limit=_MAX_BYTES, what="snapshot")
    except StoreError:
        return None
    start = len(MAGIC) + _MAC_BYTES
    if not data.startswith(MAGIC) or len(data) < start:
        return None
    payload = memoryview(data)[start:]
    if not hmac.compare_digest(_mac(key, identity, payload), data[len(MAGIC) : start]):
        return None
    return payload


def _state(payload: memoryview | None, hashes: list[str]) -> State | None:
    """The state a snapshot's checked payload holds (None: there is none)."""
    if payload is None:
        return None
    try:
        packed, times, parties, view = loads(payload)  # the MAC holds: we wrote it
        records = instances(packed)
        return State(records, times.split("\n"), parties, hashes, _unpacked(view, records))
    except Exception:  # a key of ours, yet not our pickle: never trusted
        return None


# -- the view, without a second object for each record ---------------------------------
#
# The view keeps a Fact (seq, record, corrected_by) for each record it holds;
# nearly all stand as first recorded, the record at their seq. Their objects
# are not kept but made again from the records, as columns (see
# _pickling.made): half the time of unpickling them.


class _Packed(NamedTuple):
    """A view as a snapshot keeps it."""

    indexes: dict[str, Any]  # every slot of the view but its facts
    seqs: array[int]  # the seqs of its facts, in its order
    restated: dict[int, Fact | None]  # the facts that are not their seq's record as first recorded


def _packed(view: View, records: Sequence[Any]) -> _Packed:
    facts = view.facts
    return _Packed(
        {name: getattr(view, name) for name in View.__slots__ if name != "facts"},
        array("q", facts),
        {
            seq: fact
            for seq, fact in facts.items()
            if fact is None or fact.corrected_by is not None or fact.record is not records[seq - 1]
        },
    )


def _unpacked(packed: _Packed, records: list[Any]) -> View:
    view = View()
    for name, value in packed.indexes.items():
        setattr(view, name, value)
    seqs = packed.seqs.tolist()  # one int object for each seq, shared by the fact and its key
    at = map(records.__getitem__, map((-1).__add__, seqs))
    view.facts = dict(zip(seqs, made(Fact, len(seqs), (seqs, at, repeat(None))), strict=True))
    view.facts.update(packed.restated)
    return view


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
