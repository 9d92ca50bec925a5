"""Sphinx configuration: the Markdown pages (MyST), the notebook tour, the API reference.

Build the site with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.

The API pages are written at each build from the package itself, so that a
module or a name added later appears without editing any page: one page per
public submodule (a module whose name has no leading underscore), documented by
autodoc from the module's ``__all__``, and a page for the package that lists
every name of ``assurance_ledger.__all__`` with a link to where it is
documented. The pages go to ``docs/api/generated/``, which git ignores.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

import assurance_ledger

project = "assurance_ledger"
author = "The assurance_ledger developers"
project_copyright = "2026, The assurance_ledger developers"
release = assurance_ledger.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
]
# The tour is shown with the outputs stored in it; the suite runs it separately.
nb_execution_mode = "off"
# The pages link to each other's sections by heading (checking.md#keeping-a-report-up-to-date).
myst_heading_anchors = 4
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
autodoc_member_order = "bysource"
html_theme = "alabaster"
html_title = f"assurance_ledger {release}"

PACKAGE = assurance_ledger.__name__
GENERATED = Path(__file__).resolve().parent / "api" / "generated"


def public_modules() -> list[ModuleType]:
    """Every public submodule of the package, imported, by name."""
    found = pkgutil.iter_modules(assurance_ledger.__path__, prefix=f"{PACKAGE}.")
    names = sorted(m.name for m in found if not m.name.rpartition(".")[2].startswith("_"))
    return [importlib.import_module(name) for name in names]


@functools.cache
def public_homes() -> dict[str, str]:
    """:func:`homes` of every public module, worked out once per build."""
    return homes(public_modules())


def homes(modules: list[ModuleType]) -> dict[str, str]:
    """Each public name, mapped to the module whose page documents it.

    A name is documented where it is defined when that module exports it, else
    in the first public module that exports it; a name of the package's
    ``__all__`` that no submodule exports (``__version__``) on the package page.
    """
    found: dict[str, str] = {}
    for module in modules:
        for name in getattr(module, "__all__", ()):
            defined_here = getattr(getattr(module, name), "__module__", None) == module.__name__
            if name not in found or defined_here:
                found[name] = module.__name__
    for name in assurance_ledger.__all__:
        found.setdefault(name, PACKAGE)
    return found


def _title(text: str) -> list[str]:
    escaped = text.replace("_", r"\_")
    return [escaped, "=" * len(escaped), ""]


def package_page(modules: list[ModuleType], home: dict[str, str]) -> str:
    """The reST page of the package: its docstring, then every name of ``__all__``."""
    own = [name for name in assurance_ledger.__all__ if home[name] == PACKAGE]
    lines = [*_title(PACKAGE), f".. automodule:: {PACKAGE}"]
    lines += [f"   :members: {', '.join(own)}", ""] if own else [""]
    lines += [
        "Every name that ``import assurance_ledger`` gives, by the module that documents it.",
        "",
    ]
    for module in modules:
        names = [n for n in assurance_ledger.__all__ if home[n] == module.__name__]
        if names:
            lines += [f".. rubric:: From :mod:`{module.__name__}`", ""]
            lines += [f".. currentmodule:: {module.__name__}", "", ".. autosummary::", ""]
            lines += [f"   {name}" for name in names]
            lines.append("")
    return "\n".join(lines)


def module_page(module: ModuleType) -> str:
    """The reST page of one public submodule: autodoc of everything its ``__all__`` names."""
    name = module.__name__
    return "\n".join([*_title(name), f".. automodule:: {name}", "   :members:", ""])


def write_api_pages(_app: object) -> None:
    """Write the API pages, leaving unchanged files alone so that rebuilds stay incremental."""
    modules = public_modules()
    home = homes(modules)
    pages = {PACKAGE: package_page(modules, home)}
    pages.update({m.__name__: module_page(m) for m in modules})
    GENERATED.mkdir(parents=True, exist_ok=True)
    for stale in GENERATED.glob("*.rst"):
        if stale.stem not in pages:
            stale.unlink()
    for name, text in pages.items():
        path = GENERATED / f"{name}.rst"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def resolve_public_name(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Link a docstring's ``:class:`Codec``` to where ``Codec`` is documented.

    Docstrings name the package's values unqualified (or as
    ``assurance_ledger.Codec``), as a user imports them; Sphinx looks for them
    only in the module being documented, and would leave the name unlinked.
    """
    if node.get("refdomain") != "py":
        return None
    home = public_homes()
    target = node["reftarget"].removeprefix(f"{PACKAGE}.")
    head = target.partition(".")[0]
    if head not in home or home[head] == PACKAGE:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env,
        node["refdoc"],
        app.builder,
        node["reftype"],
        f"{home[head]}.{target}",
        node,
        contnode,
    )


def setup(app: Any) -> dict[str, Any]:
    """Write the API pages before Sphinx reads the sources, and link public names."""
    app.connect("builder-inited", write_api_pages)
    app.connect("missing-reference", resolve_public_name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
