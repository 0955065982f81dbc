"""One rounding rule for every number a person reads, on screen or on the page: a value that is
not exactly 0 or 1 never prints as 0, 0.00, 1 or 1.00 (nor as 0.0% or 100.0%).

A value that rounds to a bound at the usual number of decimals gets more decimals, up to
``most``; one that still rounds to the bound is written as a bound: ``"< 0.001"``, ``"> 0.999"``.

    >>> unit(0.5), unit(0.9951), unit(0.99996), unit(0.0002), unit(0.0), unit(1.0)
    ('0.50', '0.995', '> 0.999', '< 0.001', '0.00', '1.00')
    >>> signed(-0.004), signed(0.00003), signed(-1.5)
    ('-0.004', '< 0.001', '-1.50')
    >>> percent(0.9996), percent(0.972), percent(0.0)
    ('> 99.9%', '97.2%', '0.0%')

The platform's page applies the same rule (``webapp/static/numbers.js``); a browser test feeds
both the values of :data:`EXAMPLES` and compares their strings.
"""
from __future__ import annotations

import math

__all__ = ["unit", "signed", "fixed", "percent", "false_certainty", "EXAMPLES"]


def _fixed(x: float, d: int) -> str:
    text = f"{x:.{d}f}"
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]  # no "-0.00"
    return text


def _digits(x: float, digits: int, most: int, bounds: tuple[float, ...]) -> int | None:
    """The fewest decimals (``digits`` .. ``most``) at which ``x`` does not round onto one of
    ``bounds`` it is not equal to; None when it still does at ``most``."""
    for d in range(digits, max(digits, most) + 1):
        r = round(x, d)
        if not any(r == b and x != b for b in bounds):
            return d
    return None


def unit(x: float, digits: int = 2, most: int = 3) -> str:
    """A value in [0, 1] (a probability, a belief, u): ``digits`` decimals, more when it would
    otherwise read as exactly 0 or 1, a bound beyond ``most``.

    >>> unit(0.004), unit(0.0004), unit(0.999), unit(0.9999, most=5)
    ('0.004', '< 0.001', '0.999', '0.9999')
    """
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    d = _digits(x, digits, most, (0.0, 1.0))
    if d is not None:
        return _fixed(x, d)
    small = "0." + "0" * (most - 1) + "1"
    return f"< {small}" if x < 0.5 else f"> 0.{'9' * most}"


def signed(x: float, digits: int = 2, most: int = 3) -> str:
    """Any real value: ``digits`` decimals, more when a non-zero value would read as zero; a
    non-zero value that is still zero at ``most`` decimals reads ``"< 0.001"`` (its size, with
    the sign before it when negative: ``"-< 0.001"`` would misread, so ``"> -0.001"``).

    >>> signed(2.345), signed(-0.003), signed(-0.00001), signed(0.0)
    ('2.35', '-0.003', '> -0.001', '0.00')
    """
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    d = _digits(x, digits, most, (0.0,))
    if d is not None:
        return _fixed(x, d)
    small = "0." + "0" * (most - 1) + "1"
    return f"< {small}" if x > 0 else f"> -{small}"


def fixed(x: float, digits: int = 2, most: int | None = None) -> str:
    """Any real value with ``digits`` decimals under the rule: :func:`unit`'s for a value in
    [0, 1], :func:`signed`'s otherwise (``most`` defaults to ``max(digits, 3)``).

    >>> fixed(0.99996), fixed(-0.004), fixed(17.236, 1), fixed(0.3, 0)
    ('> 0.999', '-0.004', '17.2', '0.3')
    """
    most = max(digits, 3) if most is None else most
    x = float(x)
    return unit(x, digits, most) if 0.0 <= x <= 1.0 else signed(x, digits, most)


def percent(x: float, digits: int = 1) -> str:
    """A share as a percentage with ``digits`` decimals; never 100.0% for a share below 1, nor
    0.0% for one that is not 0 (a difference of shares may be negative).

    >>> percent(0.5), percent(0.99999), percent(0.00001), percent(1.0), percent(-0.00001)
    ('50.0%', '> 99.9%', '< 0.1%', '100.0%', '> -0.1%')
    """
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    p = 100 * x
    r = round(p, digits)
    step = f"{10.0 ** -digits:.{digits}f}"
    if r >= 100 and 0 < x < 1:
        return f"> {100 - 10.0 ** -digits:.{digits}f}%"
    if r == 0 and x != 0:
        return f"< {step}%" if x > 0 else f"> -{step}%"
    return _fixed(p, digits) + "%"


def false_certainty(text: str, value: float) -> bool:
    """Whether ``text`` prints ``value`` as an exact 0 or 1 (0, 0.0, 0.00, 1.000, 100%, ...)
    although it is not: the check the design rules run on every drawn number.

    >>> false_certainty("1.00", 0.9996), false_certainty("> 0.999", 0.9996), false_certainty("0.00", 0.0)
    (True, False, False)
    """
    t = text.strip().replace("\u2212", "-").rstrip("%")
    try:
        shown = float(t)
    except ValueError:
        return False  # a bound ("< 0.001") or words: not a claim of exactness
    scale = 100.0 if text.strip().endswith("%") else 1.0
    v = float(value) * scale
    # a 1 is a certainty only for a value that can be certain: a share, probability or u in
    # [0, 1] (a logit of 1.2 shown as "1" is ordinary rounding)
    return (shown == 0.0 and v != 0.0) or (shown == scale and 0.0 <= v < scale)


#: values with the strings each rule must give: the shared test table of the Python and the
#: page's rule (rule, value, keyword arguments, expected text)
EXAMPLES: tuple[tuple[str, float, dict[str, int], str], ...] = (
    ("unit", 0.5, {}, "0.50"),
    ("unit", 0.0, {}, "0.00"),
    ("unit", 1.0, {}, "1.00"),
    ("unit", 0.994, {}, "0.99"),
    ("unit", 0.9951, {}, "0.995"),
    ("unit", 0.99996, {}, "> 0.999"),
    ("unit", 0.004, {}, "0.004"),
    ("unit", 0.0002, {}, "< 0.001"),
    ("unit", 0.99996, {"most": 5}, "0.99996"),
    ("unit", 0.999999, {"most": 5}, "> 0.99999"),
    ("unit", 0.123456, {"digits": 3}, "0.123"),
    ("signed", -1.5, {}, "-1.50"),
    ("signed", -0.0004, {}, "> -0.001"),
    ("signed", -0.004, {}, "-0.004"),
    ("signed", 0.00003, {}, "< 0.001"),
    ("signed", 0.0, {}, "0.00"),
    ("signed", 12.3456, {"digits": 1}, "12.3"),
    ("percent", 0.972, {}, "97.2%"),
    ("percent", 0.9996, {}, "> 99.9%"),
    ("percent", 0.0004, {}, "< 0.1%"),
    ("percent", 1.0, {}, "100.0%"),
    ("percent", 0.0, {}, "0.0%"),
    ("percent", 0.5, {"digits": 0}, "50%"),
    ("percent", -0.00001, {}, "> -0.1%"),
    ("percent", -0.031, {}, "-3.1%"),
    ("percent", -0.0, {}, "0.0%"),
)
