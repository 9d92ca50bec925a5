"""The package's seams: no module reads another's private names, and no module grows too long.

A name two modules need gets a home and a name without an underscore; a
private module (``_plain``, ``_sqlite``, ...) is the package's own, and its
names without an underscore are its to share.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "assurance_ledger"
MAX_LINES = 800


def _modules() -> dict[str, Path]:
    """Every module of the package, by its dotted name under the package."""
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _resolve(module: str, node: ast.ImportFrom) -> str | None:
    """The dotted name (under the package) an ``import from`` names, or None if outside it."""
    if node.level == 0:
        if node.module is None or not node.module.startswith("assurance_ledger"):
            return None
        return node.module.removeprefix("assurance_ledger").lstrip(".")
    base = module.split(".") if module else []
    # A module's own package is its name less its last part (a package's, itself).
    package = base if _is_package(module) else base[:-1]
    up = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*up, *([node.module] if node.module else [])])


def _is_module(name: str) -> bool:
    """Whether a dotted name under the package is a module or a subpackage of it."""
    path = SRC / Path(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _is_package(module: str) -> bool:
    return (SRC / Path(*module.split(".")) / "__init__.py").exists() if module else True


def crossings(module: str, tree: ast.AST) -> list[str]:
    """Where ``module`` reads a private name of another module of the package.

    An ``import from`` of a private name, or an attribute read ``m._x`` where
    ``m`` is a module imported under that name; private modules themselves may
    be imported.
    """
    found: list[str] = []
    modules: dict[str, str] = {}  # local name -> the package module it is
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _resolve(module, node)
            if source is None:
                continue
            for alias in node.names:
                target = f"{source}.{alias.name}".strip(".")
                if _is_module(target):
                    modules[alias.asname or alias.name] = target
                elif _private(alias.name) and source != module:
                    found.append(f"{module}:{node.lineno} imports {source}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("assurance_ledger"):
                    local = alias.asname or alias.name.split(".")[0]
                    modules[local] = alias.name.removeprefix("assurance_ledger").lstrip(".")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and _private(node.attr)
            and modules[node.value.id] != module
        ):
            target = f"{modules[node.value.id]}.{node.attr}".strip(".")
            if not _is_module(target):
                found.append(f"{module}:{node.lineno} reads {modules[node.value.id]}.{node.attr}")
    return sorted(found, key=lambda line: int(line.split(":")[1].split()[0]))


def test_no_module_reads_another_modules_private_names() -> None:
    """Rule: no module imports or reads a private name (``_x``) of another module of the package."""
    found = [
        crossing
        for module, path in _modules().items()
        for crossing in crossings(module, ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []


def test_the_seams_test_sees_a_private_name_crossing() -> None:
    """Rule: the walk finds a private import and a private attribute read, and allows the rest."""
    source = """
from .checker import _assess, check
from . import dates, _plain
from ._plain import Encoder
import assurance_ledger.rules as rules
dates._span(1, 2)
rules._MANY
_plain.Encoder
"""
    found = crossings("monitor", ast.parse(source))
    assert found == [
        "monitor:2 imports checker._assess",
        "monitor:6 reads dates._span",
        "monitor:7 reads rules._MANY",
    ]
    assert crossings("checker", ast.parse("from .checker import _own")) == []


def test_no_module_is_over_800_lines() -> None:
    """Rule: every module of the package is at most 800 lines (small modules with one job)."""
    long = {
        module: lines
        for module, path in _modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_architecture_page_names_every_module_and_is_linked() -> None:
    """Rule: docs/architecture.md names every module of the package, and docs/index.md links it."""
    docs = SRC.parent.parent / "docs"
    page = (docs / "architecture.md").read_text(encoding="utf-8")
    missing = [
        module
        for module in _modules()
        if module and module != "__main__" and f"`{module.rsplit('.', 1)[-1]}`" not in page
    ]
    assert missing == []
    assert "(architecture.md)" in (docs / "index.md").read_text(encoding="utf-8")
