"""The public surface: what `import assurance_ledger` offers and promises."""

import importlib
import inspect
import pickle
import pkgutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import attrs
import pytest

import assurance_ledger
from assurance_ledger import (
    BUILTIN_COMMITMENTS,
    RECORD_TYPES,
    InvalidDate,
    InvalidRecord,
    InvalidRecords,
    LedgerError,
)

ROOT = Path(__file__).resolve().parent.parent


def _isort_key(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: CONSTANTS, then Classes, then functions and the rest."""
    if name.isupper():
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


def test_all_is_sorted_and_importable() -> None:
    """Rule: __all__ is sorted (constants, classes, then functions), unique, and all exist."""
    names = assurance_ledger.__all__
    assert names == sorted(names, key=_isort_key)
    assert len(set(names)) == len(names)
    for name in names:
        assert hasattr(assurance_ledger, name), name


def test_every_public_name_has_a_docstring() -> None:
    """Rule: every public class and function documents itself, and so do their public methods."""
    for name in assurance_ledger.__all__:
        obj = getattr(assurance_ledger, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), name
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and (
                    inspect.isfunction(member) or isinstance(member, property | classmethod)
                ):
                    assert inspect.getdoc(member), f"{name}.{attr}"


def test_the_command_prints_the_public_api() -> None:
    """Rule: the acceptance command lists the public API."""
    out = subprocess.run(
        [sys.executable, "-c", "import assurance_ledger; print(assurance_ledger.__all__)"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "'Codec'" in out
    assert "'ClaimantReturned'" in out


@pytest.mark.parametrize(
    "cls", [*RECORD_TYPES.values(), *BUILTIN_COMMITMENTS.values()], ids=lambda c: c.__name__
)
def test_records_are_frozen_and_slotted(cls: type) -> None:
    """Rule: records and commitments are immutable, slotted attrs classes."""
    assert attrs.has(cls)
    assert "__slots__" in vars(cls)
    params = attrs.fields(cls)
    assert all(p.kw_only for p in params)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        # Any instance will do: setattr is refused before the value is looked at.
        object.__new__(cls).__setattr__("source", None)


def test_error_hierarchy() -> None:
    """Rule: every input error is a LedgerError and a ValueError, carrying its data."""
    for cls in (InvalidRecord, InvalidDate, InvalidRecords):
        assert issubclass(cls, LedgerError)
        assert issubclass(cls, ValueError)
    error = InvalidDate(("on",), "a date", "'x'", line=4)
    assert error.field == "on"
    assert str(error) == "line 4: on: expected a date, got 'x'"
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is InvalidDate
    assert (again.path, again.expected, again.got, again.line) == (("on",), "a date", "'x'", 4)
    assert str(again) == str(error)
    many = pickle.loads(pickle.dumps(InvalidRecords([error], truncated=True)))
    assert many.truncated
    assert many.errors[0].line == 4


def test_py_typed_is_shipped() -> None:
    """Rule: the package tells type checkers it is typed."""
    assert files("assurance_ledger").joinpath("py.typed").is_file()


#: The public submodules: each offers, besides names the top level also exports,
#: the names listed for it below (or, with ``ALL``, every name of its ``__all__``),
#: for the reason given. Every other module's ``__all__`` lists only names the top
#: level exports. docs/api.md says the same to users.
ALL = "*"
SUBMODULE_ONLY: dict[str, dict[str, str]] = {
    "assurance_ledger.strategies": {
        ALL: "hypothesis strategies: the module needs the optional strategies extra",
    },
    "assurance_ledger.cli": {
        "main": "the entry point of the assurance-ledger command, not a library function",
    },
    "assurance_ledger.errors": {
        "Path": "a type alias of InvalidRecord.path; at the top it would read as pathlib.Path",
        "UsageError": "the command line's own error, raised and caught inside it",
    },
    "assurance_ledger.truth": {
        "YES": "Truth.YES for rules that combine many truths; bare words at the top",
        "NO": "Truth.NO for rules that combine many truths; bare words at the top",
        "MAYBE": "Truth.MAYBE for rules that combine many truths; bare words at the top",
        "COVERAGE_UNCERTAIN": "a reason tag for rule authors; REASONS lists them at the top",
        "DATE_IMPRECISE": "a reason tag for rule authors; REASONS lists them at the top",
        "RECORD_MISSING": "a reason tag for rule authors; REASONS lists them at the top",
        "UNSUBSTANTIATED": "a reason tag for rule authors; REASONS lists them at the top",
        "EXCUSE_UNCERTAIN": "a reason tag for rule authors; REASONS lists them at the top",
        "UNEXPLAINED": "the checker's tag for a possible finding with no reason; needs its module",
        "doubts": "gathers a rule's reasons from its parts; a tool for rule authors",
        "sorted_reasons": "reasons as a report holds them; a tool for rule authors",
    },
    "assurance_ledger.stats": {
        "FIELDS": "a stats table's groupings; a name that needs its module to be read",
        "MEASURES": "a stats table's columns; a name that needs its module to be read",
        "SUPPRESSED": "what a hidden count shows; a name that needs its module",
        "PROTECTING": "what a count hidden to protect another shows; needs its module",
        "Cell": "the type of a published count; a name that needs its module",
    },
    "assurance_ledger.audit": {
        "Kind": "the kinds of an audit finding; a name that needs its module",
        "DISCLOSING": "the kinds of finding that disclose; a name that needs its module",
        "MAX_COMBINATIONS": "the audit's own limit; a name that needs its module",
    },
    "assurance_ledger.reconcile": {
        "KINDS": "the discrepancy kinds in order; at the top it would read as commitment kinds",
    },
    "assurance_ledger.columns": {
        ALL: "a table's columns and cells: names (columns, example) read with their module",
    },
    "assurance_ledger.countries": {
        "code_of_name": "the command line's check of a party given by name; needs its module",
        "with_country_names": "how the reports for people name countries; needs its module",
    },
}


def _public_modules() -> list[str]:
    """Every module of the package whose dotted name has no part starting with ``_``."""
    names = []
    for info in pkgutil.walk_packages(assurance_ledger.__path__, "assurance_ledger."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def _submodule_only(module: str, name: str) -> bool:
    declared = SUBMODULE_ONLY.get(module, {})
    return ALL in declared or name in declared


def test_every_module_declares_its_names() -> None:
    """Rule: every module without an underscore has an ``__all__`` of names it holds."""
    modules = _public_modules()
    assert "assurance_ledger.records" in modules
    assert "assurance_ledger.strategies" in modules
    for name in modules:
        module = importlib.import_module(name)
        assert isinstance(getattr(module, "__all__", None), list), name
        for attr in module.__all__:
            assert hasattr(module, attr), f"{name}.{attr}"


def test_a_submodule_name_is_at_the_top_or_declared_submodule_only() -> None:
    """Rule: a submodule's ``__all__`` and the top level agree.

    Each name a submodule exports is exported at the top as the same object,
    or is one its public submodule offers alone, with a reason
    (``SUBMODULE_ONLY``).
    """
    disagree = []
    for name in _public_modules():
        module = importlib.import_module(name)
        for attr in module.__all__:
            if attr in assurance_ledger.__all__:
                if getattr(assurance_ledger, attr) is not getattr(module, attr):
                    disagree.append(f"{name}.{attr} is not assurance_ledger.{attr}")
            elif not _submodule_only(name, attr):
                disagree.append(f"{name}.{attr} is not at the top level")
    assert disagree == []


def test_every_top_level_name_is_exported_by_its_module() -> None:
    """Rule: each name at the top is in the ``__all__`` of a public module holding it."""
    homes: dict[str, set[str]] = {}
    for name in _public_modules():
        module = importlib.import_module(name)
        for attr in module.__all__:
            if getattr(module, attr) is getattr(assurance_ledger, attr, None):
                homes.setdefault(attr, set()).add(name)
    missing = [n for n in assurance_ledger.__all__ if n != "__version__" and n not in homes]
    assert missing == []


def test_the_submodule_only_names_are_real_and_explained() -> None:
    """Rule: each name declared submodule-only is in its module's ``__all__``, not at the top.

    And each has a reason: so the declaration cannot outlive what it declares.
    """
    for module_name, names in SUBMODULE_ONLY.items():
        module = importlib.import_module(module_name)
        for attr, reason in names.items():
            assert len(reason) > 20, (module_name, attr)
            if attr == ALL:
                assert not set(module.__all__) & set(assurance_ledger.__all__), module_name
                continue
            assert attr in module.__all__, f"{module_name}.{attr}"
            assert attr not in assurance_ledger.__all__, f"{module_name}.{attr}"


def test_the_api_page_names_the_public_submodules_and_their_names() -> None:
    """Rule: docs/api.md names every public submodule and each name it alone offers."""
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for module_name, names in SUBMODULE_ONLY.items():
        assert f"`{module_name}`" in page, module_name
        for attr in names:
            if attr != ALL:
                assert f"`{attr}`" in page, f"{module_name}.{attr}"


def test_the_othman_profile_is_public_and_documented() -> None:
    """Rule: the profile's names and the assessment record are at the top and on docs/api.md."""
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    names = (
        "Assessment",
        "Basis",
        "FACTORS",
        "Factor",
        "FactorFinding",
        "PROFILE_ROW_FIELDS",
        "Profile",
        "ProfileFactor",
        "profile",
        "profiles",
    )
    for name in names:
        assert name in assurance_ledger.__all__, name
        assert f"`{name}`" in page, name
    assert RECORD_TYPES["assessment"] is assurance_ledger.Assessment
