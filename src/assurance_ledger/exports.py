"""Writing flat exports to new files: a fact table, the Uwazi files, a data package.

Every file is created new (``O_EXCL``, never through a symbolic link), so an
export never overwrites anything, and a directory of files is checked whole
before the first file is written: when one of its names is taken, nothing is
written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ._files import create_new, refuse_link
from .datapackage import CSV_NAME, PACKAGE_NAME, datapackage
from .display import one_line
from .errors import StoreError, UsageError
from .flat import facts_csv
from .uwazi import uwazi_files

if TYPE_CHECKING:
    from ._tables import StatsTable
    from .ledger import Ledger

__all__: list[str] = []  # the command line's; the public way is to_records() and to_pandas()


def write_new(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to a new file at ``path``; StoreError if anything is there."""
    try:
        fd = create_new(path)
    except FileExistsError:
        raise StoreError(str(path), "already exists (an export writes only new files)") from None
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
        file.write(text)


def write_into(
    directory: Path, files: Mapping[str, str], *, check_only: bool = False
) -> list[Path]:
    """Write each of ``files`` (name to text) into ``directory``, made if missing.

    The directory may exist (not as a symbolic link) but must hold none of
    the names; then every file is written (with ``check_only``, none is, and
    no directory is made). Returns the paths.
    """
    refuse_link(directory)
    if directory.exists() and not directory.is_dir():
        raise StoreError(str(directory), "not a directory (name a new or existing directory)")
    paths = [directory / name for name in files]
    for path in paths:
        if path.exists() or path.is_symlink():
            raise StoreError(str(path), "already exists (an export writes only new files)")
    if check_only:
        return paths
    directory.mkdir(parents=False, exist_ok=True)
    for path, text in zip(paths, files.values(), strict=True):
        write_new(path, text)
    return paths


def write_flat(ledger: Ledger, form: str, target: Path | None, as_of: str | None) -> str:
    """Export ``ledger`` as ``csv`` (to ``target``) or ``uwazi`` (into directory ``target``).

    Returns what to print: the CSV itself when there is no ``target``, else a
    line saying what was written.
    """
    if form == "csv":
        text = facts_csv(ledger)
        if target is None:
            return text
        write_new(target, text)
        return f"wrote {len(ledger.facts())} facts to {one_line(str(target))}\n"
    if target is None or as_of is None:
        raise UsageError("export --format uwazi needs a DIR and a day")
    files = uwazi_files(ledger, as_of)
    write_into(target, files)
    return f"wrote {', '.join(files)} into {one_line(str(target))}\n"


def write_package(table: StatsTable | None, directory: Path | None) -> None:
    """Write ``table``'s CSV and its ``datapackage.json`` into ``directory`` (if one is given).

    With no table, only check that the files could be written, so that a bad
    directory is refused before a table is published (and logged).
    """
    if directory is None:
        return
    if table is None:
        write_into(directory, dict.fromkeys((CSV_NAME, PACKAGE_NAME), ""), check_only=True)
        return
    package = json.dumps(datapackage(table), indent=2, ensure_ascii=False) + "\n"
    write_into(directory, {CSV_NAME: table.to_csv(), PACKAGE_NAME: package})
