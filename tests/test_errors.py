"""Every error the package defines: where it lives, what it is, and who can catch it."""

from __future__ import annotations

import ast
import builtins
import importlib
import pickle
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest

import assurance_ledger
from assurance_ledger import (
    DEFAULT_CODEC,
    ClaimantReturned,
    Detained,
    EmptyLedger,
    InvalidDate,
    Ledger,
    LedgerError,
    NotFound,
    StatsError,
    check,
    checkpoint_of,
    parse_date,
    timeline,
)
from assurance_ledger import errors as errors_module

SRC = Path(assurance_ledger.__file__).resolve().parent

#: Modules not imported to look for classes: running ``__main__`` runs the command.
NOT_IMPORTED = {"assurance_ledger.__main__"}


def _package_modules() -> list[str]:
    """The name of every module of the package, subpackages included."""
    found = ["assurance_ledger"]
    for info in pkgutil.walk_packages(assurance_ledger.__path__, "assurance_ledger."):
        if info.name not in NOT_IMPORTED:
            found.append(info.name)
    return found


def _defined_exceptions() -> set[type[BaseException]]:
    """Every exception class whose module is one of the package's."""
    classes: set[type[BaseException]] = set()
    for name in _package_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseException):
                classes.add(value)
    # Subclasses defined anywhere in the package, even inside a function.
    pending = list(classes)
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub not in classes:
                classes.add(sub)
                pending.append(sub)
    return {c for c in classes if c.__module__.startswith("assurance_ledger")}


#: Builtin exceptions too broad to say what kind of error a class is.
TOO_BROAD = {BaseException, Exception}
BUILTIN_ERRORS = {
    value
    for value in vars(builtins).values()
    if isinstance(value, type) and issubclass(value, Exception) and value not in TOO_BROAD
}


def test_the_walk_finds_every_class_errors_py_defines() -> None:
    """Rule: the walk of the package sees the error classes (so the next tests can fail)."""
    found = _defined_exceptions()
    assert LedgerError in found
    assert {StatsError, EmptyLedger, NotFound, errors_module.UsageError} <= found


def test_every_exception_class_is_defined_in_errors_py() -> None:
    """Rule: every exception class the package defines lives in ``assurance_ledger.errors``."""
    elsewhere = sorted(
        f"{c.__module__}.{c.__qualname__}"
        for c in _defined_exceptions()
        if c.__module__ != "assurance_ledger.errors"
    )
    assert elsewhere == []


@pytest.mark.parametrize(
    "cls", sorted(_defined_exceptions(), key=lambda c: c.__name__), ids=lambda c: c.__name__
)
def test_every_error_is_a_ledger_error_and_a_specific_builtin(cls: type[BaseException]) -> None:
    """Rule: each error is a LedgerError and a builtin more specific than Exception.

    So a caller catches it either as the package's error or as the kind of
    error it is (``ValueError``, ``LookupError``, ``OSError``, ...). The base
    itself is the one exception.
    """
    assert issubclass(cls, LedgerError)
    if cls is LedgerError:
        return
    assert any(issubclass(cls, builtin) for builtin in BUILTIN_ERRORS), cls.__mro__


def _raises_of(tree: ast.AST) -> list[tuple[int, str]]:
    """Each ``raise LedgerError`` (called or not) in a parsed module: line, and what it raises."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = raised.attr if isinstance(raised, ast.Attribute) else getattr(raised, "id", "")
            if name == "LedgerError":
                found.append((node.lineno, ast.unparse(node.exc)))
    return found


def test_the_raise_walk_finds_a_bare_base() -> None:
    """Rule: the walk below recognises ``raise LedgerError(...)`` in each spelling."""
    code = (
        "raise LedgerError('x')\n"
        "raise errors.LedgerError('y')\n"
        "raise LedgerError\n"
        "raise InvalidDate(('on',), 'a day')\n"
    )
    assert [line for line, _ in _raises_of(ast.parse(code))] == [1, 2, 3]


def test_no_code_raises_the_bare_base() -> None:
    """Rule: no module of ``src/`` raises ``LedgerError`` itself, only its subclasses."""
    found = [
        f"{path.relative_to(SRC)}:{line}: raise {what}"
        for path in sorted(SRC.rglob("*.py"))
        for line, what in _raises_of(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []


def _returned() -> ClaimantReturned:
    return ClaimantReturned(
        claimant_id="c-1",
        on="2020-03-22",
        returned_by="CA",
        returned_to="US",
        nationalities=["HT"],
    )


BAD_INPUT: dict[str, Callable[[], object]] = {
    "check-a-month": lambda: check(Ledger(), "2020-03"),
    "check-not-a-date": lambda: check(Ledger(), "soon"),
    "parse_date-no-year": lambda: parse_date("30 March"),
    "parse_date-not-a-date": lambda: parse_date("the day after"),
    "from_json-unknown-type": lambda: DEFAULT_CODEC.from_json({"type": "rumour"}),
    "from_json-bad-date": lambda: DEFAULT_CODEC.from_json(
        {"type": "contact_lost", "outcome_id": "o-1", "claimant_id": "c-1", "on": "2020-13"}
    ),
    "append-an-unknown-claimant": lambda: Ledger().append(
        Detained(outcome_id="o-1", claimant_id="c-9", on="2020-03-22", by="US"),
        recorded_by="CA",
    ),
    "append-a-bad-party": lambda: Ledger().append(_returned(), recorded_by="ca"),
    "append-a-naive-time": lambda: Ledger().append(
        _returned(), recorded_by="CA", recorded_at="2020-04-01T12:00:00"
    ),
}


@pytest.mark.parametrize("call", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_caught_by_except_value_error(call: Callable[[], object]) -> None:
    """Rule: ``except ValueError`` catches bad input to the main entry points.

    ``check``, ``parse_date``, ``Codec.from_json`` and ``Ledger.append``
    refuse it with an error that is a ValueError and a LedgerError.
    """
    try:
        call()
    except ValueError as error:  # the way callers catch it
        assert isinstance(error, LedgerError)  # noqa: PT017 -- the except clause is the rule
    else:
        pytest.fail("the bad input was accepted")


def test_a_day_that_is_not_one_day_is_an_invalid_date() -> None:
    """Rule: ``check`` refuses an evaluation date that is not one day with InvalidDate on as_of."""
    with pytest.raises(InvalidDate) as caught:
        check(Ledger(), "2020-03")
    assert caught.value.field == "as_of"
    assert caught.value.got == "'2020-03'"
    assert str(caught.value) == (
        "as_of: expected one day written YYYY-MM-DD, like 2020-06-30, got '2020-03'"
    )


def test_an_unknown_claimant_is_not_found() -> None:
    """Rule: the timeline of a claimant the ledger lacks raises NotFound, a LookupError."""
    ledger = Ledger()
    ledger.append(_returned(), recorded_by="CA", recorded_at="2020-04-01T12:00:00Z")
    with pytest.raises(LookupError) as caught:
        timeline(ledger, "c-2", "2020-06-30")
    assert isinstance(caught.value, NotFound)
    assert str(caught.value) == "no returned claimant 'c-2' in the ledger"
    assert timeline(ledger, "c-1", "2020-06-30").claimant_id == "c-1"


def test_the_moved_errors_still_import_from_where_they_were() -> None:
    """Rule: StatsError and EmptyLedger, now in errors.py, still import from stats and reconcile."""
    # (The package's attributes stats and reconcile are the functions, not the modules.)
    stats_module = importlib.import_module("assurance_ledger.stats")
    reconcile_module = importlib.import_module("assurance_ledger.reconcile")
    assert stats_module.StatsError is errors_module.StatsError is StatsError
    assert reconcile_module.EmptyLedger is errors_module.EmptyLedger is EmptyLedger
    with pytest.raises(EmptyLedger):
        checkpoint_of(Ledger(), ledger_of="US")


@pytest.mark.parametrize(
    "error",
    [
        StatsError("by", "fields among month", "'colour'"),
        EmptyLedger("an empty ledger has no head to witness"),
        NotFound("no returned claimant 'c-2' in the ledger"),
        errors_module.UsageError("--expect: expected SEQ:HASH"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_the_new_and_moved_errors_pickle(error: LedgerError) -> None:
    """Rule: errors cross process boundaries intact: the same class, message and data."""
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert vars(again) == vars(error)
