"""The public surface: what `import assurance_ledger` offers and promises."""

import inspect
import pickle
import subprocess
import sys
from importlib.resources import files

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
