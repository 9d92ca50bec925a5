"""Opening files that may be hostile: regular files only, bounded reads, links never followed.

A path handed to the library (a records file, a ledger to create) may name a
FIFO that blocks a reader forever, a device that never ends (``/dev/zero``), or
a symbolic link planted where a new ledger is to be made, so that creating the
ledger would create or change a file elsewhere. These helpers refuse each of
them with one :class:`~assurance_ledger.errors.StoreError` naming the path,
before anything is read or created, and without a window between a check and
the use of the file (the check is made again on the opened descriptor, or the
file is created with ``O_EXCL | O_NOFOLLOW``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import StoreError

__all__ = ["create_new", "kind_of", "read_regular_file", "refuse_link"]

#: Flags every open here adds: never become the controlling terminal, never leak
#: the descriptor to a child process.
_OPEN_FLAGS = os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


def kind_of(mode: int) -> str:
    """What a file of ``st_mode`` ``mode`` is, in words, for an error message."""
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def _not_regular(path: str | Path, mode: int) -> StoreError:
    return StoreError(str(path), f"cannot read: {kind_of(mode)}, not a regular file")


def read_regular_file(path: str | Path, *, limit: int, what: str = "records file") -> bytes:
    """The bytes of the regular file at ``path``, refused if it holds more than ``limit``.

    A FIFO, a device, a socket or a directory is refused before it is opened
    (so nothing blocks and no device is touched), and again after opening,
    from the descriptor, in case the path changed in between; the open itself
    does not block (``O_NONBLOCK``). At most ``limit + 1`` bytes are ever read,
    whatever the file claims its size is.
    """
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(path, mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _OPEN_FLAGS)
    except OSError as exc:
        raise StoreError(str(path), f"cannot read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        if info.st_size > limit:
            raise _too_big(path, limit, what)
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # the file grew while it was read
            raise _too_big(path, limit, what)
        return b"".join(chunks)
    except OSError as exc:
        raise StoreError(str(path), f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)


def _too_big(path: str | Path, limit: int, what: str) -> StoreError:
    return StoreError(str(path), f"more than {limit} bytes, the most read from one {what}")


def refuse_link(path: str | Path) -> None:
    """Raise StoreError if ``path`` is a symbolic link, dangling or not: never made through one."""
    if os.path.islink(path):
        raise StoreError(
            str(path),
            "a symbolic link: a new ledger is never created through one (name the file itself)",
        )


def create_new(path: str | Path) -> int:
    """Create the file at ``path`` empty and return its descriptor, opened for writing.

    ``O_EXCL | O_NOFOLLOW``: the call fails if anything is there already,
    a symbolic link included (even one pointing at nothing), so a link
    planted at ``path`` cannot redirect the file being created. Raise
    :class:`FileExistsError` if something is there, StoreError otherwise.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | _OPEN_FLAGS
    try:
        return os.open(path, flags, 0o644)
    except FileExistsError:
        refuse_link(path)
        raise
    except OSError as exc:
        raise StoreError(str(path), f"cannot create: {exc.strerror}") from None
