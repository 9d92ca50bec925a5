"""The repository documents its format itself: docs/format.md, linked, and nothing pointing outside.

The interchange format and the breach rules were first written in a document
shared with the project, not kept in the repository; a reader of the repository
alone has only ``docs/format.md``. So no tracked file may send them to that
other document, the README and the docs index link the page, every link
between the Markdown files leads to a file that exists, and the page names
every record type and commitment kind the library reads.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from assurance_ledger import BUILTIN_COMMITMENTS, RECORD_TYPES

ROOT = Path(__file__).resolve().parent.parent
FORMAT = ROOT / "docs" / "format.md"
# Spelled in two parts so that this file does not name it itself.
OUTSIDE_DOCUMENT = "DOMAIN" + ".md"
# Folders that are never the project's own files when git cannot list them.
NOT_SOURCE = {".git", ".venv", "__pycache__", "_build", "build", "dist", "generated"}
# A Markdown link to a relative path: [text](path) or [text](path#anchor).
LINK = re.compile(r"\]\(([^)\s#:]+)(?:#[^)\s]*)?\)")


def _tracked_files() -> list[Path]:
    """Every file git tracks in the repository (every file outside build output without git)."""
    git = shutil.which("git")
    if git is not None and (ROOT / ".git").exists():
        listed = subprocess.run(
            [git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout
        return [ROOT / name for name in listed.decode("utf-8").split("\0") if name]
    return [
        p
        for p in ROOT.rglob("*")
        if p.is_file() and not NOT_SOURCE & set(p.relative_to(ROOT).parts)
    ]


def test_no_tracked_file_refers_to_the_outside_document() -> None:
    """Rule: no tracked file (the changelog included) names the shared document.

    The format lives in docs/format.md; a docstring, page, test or script that
    sends its reader elsewhere sends them to a file the repository lacks.
    """
    files = _tracked_files()
    assert any(p.name == "README.md" for p in files)  # the listing found the repository
    offenders = []
    for path in files:
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        offenders += [
            f"{path.relative_to(ROOT)}:{number}"
            for number, line in enumerate(text.splitlines(), start=1)
            if OUTSIDE_DOCUMENT in line
        ]
    assert offenders == []


def test_the_readme_and_the_docs_index_link_the_format() -> None:
    """Rule: the README and the docs index each link docs/format.md."""
    readme = LINK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    index = LINK.findall((ROOT / "docs" / "index.md").read_text(encoding="utf-8"))
    assert "docs/format.md" in readme
    assert "format.md" in index


def test_every_relative_link_between_markdown_files_leads_to_a_file() -> None:
    """Rule: each relative link in the README and in docs/*.md names a file that exists."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = [
        f"{page.relative_to(ROOT)}: {target}"
        for page in pages
        for target in LINK.findall(page.read_text(encoding="utf-8"))
        if not (page.parent / target).exists()
    ]
    assert broken == []


def test_the_format_names_every_record_type_and_commitment_kind() -> None:
    """Rule: every ``type`` tag and built-in ``kind`` tag the library reads is on the format page.

    Tags are the public contract; one the page leaves out is one a user cannot
    learn from the repository.
    """
    text = FORMAT.read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_]+)`", text))
    missing = (set(RECORD_TYPES) | set(BUILTIN_COMMITMENTS)) - named
    assert missing == set()
