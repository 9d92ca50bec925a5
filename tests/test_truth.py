"""Three-valued truth (Kleene's strong logic)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assurance_ledger import Truth

truths = st.sampled_from(list(Truth))
ORDER = {Truth.NO: 0, Truth.MAYBE: 1, Truth.YES: 2}


@given(truths, truths)
def test_and_or_are_min_and_max(a: Truth, b: Truth) -> None:
    """Rule: AND is the minimum and OR the maximum of NO < MAYBE < YES."""
    assert ORDER[a & b] == min(ORDER[a], ORDER[b])
    assert ORDER[a | b] == max(ORDER[a], ORDER[b])


@given(truths, truths)
def test_de_morgan(a: Truth, b: Truth) -> None:
    """Rule: not (a and b) == (not a) or (not b), and dually."""
    assert ~(a & b) is (~a | ~b)
    assert ~(a | b) is (~a & ~b)


@given(truths)
def test_double_negation_and_readings(a: Truth) -> None:
    """Rule: negating twice is the identity; certain implies possible."""
    assert ~~a is a
    assert a.certain <= a.possible
    assert Truth.of(True) is Truth.YES
    assert Truth.of(False) is Truth.NO


def test_bool_is_refused() -> None:
    """Rule: a three-valued answer cannot be used as a plain bool by mistake."""
    with pytest.raises(TypeError):
        bool(Truth.MAYBE)
