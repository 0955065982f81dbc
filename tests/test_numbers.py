"""The one rounding rule (contract.numbers): no false certainty, the shared example table."""
from __future__ import annotations

import doctest

import pytest

from contract import numbers


@pytest.mark.parametrize("rule, value, kwargs, text", numbers.EXAMPLES)
def test_the_example_table(rule, value, kwargs, text):
    assert getattr(numbers, rule)(value, **kwargs) == text


def test_the_docstrings():
    assert doctest.testmod(numbers).failed == 0


@pytest.mark.parametrize("rule", ["unit", "percent"])
def test_no_value_short_of_a_bound_prints_as_the_bound(rule):
    fn = getattr(numbers, rule)
    for k in range(1, 12):
        for v in (10.0 ** -k, 1 - 10.0 ** -k):
            assert not numbers.false_certainty(fn(v), v), (v, fn(v))
    assert not numbers.false_certainty(numbers.signed(-1e-9), -1e-9)
    assert numbers.false_certainty("1.00", 0.9996) and numbers.false_certainty("0.0%", 1e-4)
