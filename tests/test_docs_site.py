"""The documentation site builds without a warning, and its API pages cover the public API.

The suite builds the site exactly as the README says (Sphinx, ``-W --keep-going``),
into a temporary folder, so that a docstring or a page that breaks the build
fails the suite.
"""

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import assurance_ledger

ROOT = Path(__file__).resolve().parent.parent
# The README's command, less its folders.
SPHINX = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html"]
TOUR = ROOT / "docs" / "notebooks" / "tour.ipynb"
# A cross-reference as Sphinx writes it, with the link around it when it resolved.
XREF = re.compile(
    r'(<a class="reference internal"[^>]*>)?<code class="xref py[^"]*">'
    r'((?:<span class="pre">[^<]*</span>\s*)+)</code>'
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built from a clean state with warnings as errors; its html folder."""
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [*SPHINX, "-q", "-d", str(out / "doctrees"), "docs", str(out / "html")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    return out / "html"


def _api_pages(site: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in (site / "api").rglob("*.html")}


def _public_modules() -> list[str]:
    found = pkgutil.iter_modules(assurance_ledger.__path__, prefix="assurance_ledger.")
    return sorted(m.name for m in found if not m.name.rpartition(".")[2].startswith("_"))


def test_the_site_builds_without_a_warning(site: Path) -> None:
    """Rule: the Sphinx build with -W passes, and makes the index, the API and the tour."""
    for page in ("index.html", "api/index.html", "notebooks/tour.html"):
        assert (site / page).is_file(), page


def test_the_api_pages_document_every_name_of_all(site: Path) -> None:
    """Rule: every name in ``assurance_ledger.__all__`` (read now) is documented on an API page.

    Each name has an entry of its own (an anchor ``assurance_ledger[.module].NAME``),
    and the package's page links to it.
    """
    pages = _api_pages(site)
    anchors = {
        a for html in pages.values() for a in re.findall(r'id="(assurance_ledger[^"]*)"', html)
    }
    package = pages["assurance_ledger.html"]
    missing, unlinked = [], []
    for name in assurance_ledger.__all__:
        found = [a for a in anchors if re.fullmatch(rf"assurance_ledger(\.[a-z_]+)?\.{name}", a)]
        if not found:
            missing.append(name)
        elif not any(f'#{a}"' in package or f'id="{a}"' in package for a in found):
            unlinked.append(name)
    assert not missing, f"not documented: {missing}"
    assert not unlinked, f"not on the package's page: {unlinked}"


def test_every_public_module_has_a_page(site: Path) -> None:
    """Rule: each submodule without a leading underscore (found now) has its own API page."""
    pages = _api_pages(site)
    modules = _public_modules()
    assert "assurance_ledger.ledger" in modules
    for name in modules:
        importlib.import_module(name)
        assert f'id="module-{name}"' in pages.get(f"{name}.html", ""), name


def test_docstring_references_to_public_names_link(site: Path) -> None:
    """Rule: a docstring's role naming a public name (``:class:`Codec```) links to its entry.

    Docstrings name public values as a user imports them, unqualified, from
    whichever module; each must render as a link, not as bare code.
    """
    public = set(assurance_ledger.__all__)
    unlinked = set()
    for page, html in _api_pages(site).items():
        for linked, spans in XREF.findall(html):
            text = "".join(re.findall(r'<span class="pre">([^<]*)</span>', spans))
            name = text.removeprefix("assurance_ledger.").removesuffix("()")
            if name in public and not linked:
                unlinked.add((page, text))
    assert not unlinked


def test_the_tour_page_shows_the_stored_outputs(site: Path) -> None:
    """Rule: the site renders the tour with its stored outputs (the timeline's SVG among them)."""
    html = (site / "notebooks" / "tour.html").read_text(encoding="utf-8")
    assert "<svg" in html
    assert "c-003" in html


# jupyter_client and its dependencies emit deprecation warnings of their own on
# newer Pythons; they are not ours, and the notebook's errors still fail the test.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_tour_stores_the_outputs_it_makes(tmp_path: Path) -> None:
    """Rule: the outputs stored in the tour (which the site shows) are what running it gives.

    The site does not run the notebook, so a change to the library that
    changes an output must be stored in the notebook too (run it and save).
    """
    stored = nbformat.read(TOUR, as_version=4)
    fresh = nbformat.read(TOUR, as_version=4)
    NotebookClient(
        fresh, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()
    code = [(s, f) for s, f in zip(stored.cells, fresh.cells, strict=True) if s.cell_type == "code"]
    assert code
    for before, after in code:
        assert before.outputs, f"cell {before.id} has no stored output"
        assert before.outputs == after.outputs, f"cell {before.id}: stored output is stale"
