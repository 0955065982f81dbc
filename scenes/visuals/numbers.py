"""Numbers as a person reads them in the lecture: a true minus sign, and the one rounding rule of
:mod:`contract.numbers` (never a false 0 or 1), which the platform's page follows too
(``webapp/static/numbers.js``, tested against :data:`contract.numbers.EXAMPLES`). Every number a
scene writes, as Text, in a table cell or in TeX, goes through this module.

    format_number(-0.031), format_cell(-0.0004)           # ('−0.03', '−.0004')
    prob_str(0.9999996), prob_tex(0.997)                  # ('> 0.99999', '= 0.997')
    compact(2.5e6), sci_tex(2.54e6)                       # ('2.5⋅10⁶', '2.54\\times 10^{6}')
"""
from __future__ import annotations

import math
import re

from contract import numbers
from scenes.visuals.theme import MINUS, NumberFormat


#: a fixed-decimals format ("{:.2f}", "{:+.3f}", "{:.1%}"): sign, decimals, kind
_FIXED = re.compile(r"^\{:(\+?)\.(\d+)([f%])\}$")


def fixed_decimals(fmt: NumberFormat) -> int | None:
    """The decimals of a fixed-decimals format (``"{:.2f}"``, ``"{:+.3f}"``); None for a
    percentage or a function.

    >>> fixed_decimals("{:+.3f}"), fixed_decimals("{:.1%}"), fixed_decimals(str)
    (3, None, None)
    """
    rule = None if callable(fmt) else _FIXED.match(fmt)
    return int(rule.group(2)) if rule and rule.group(3) == "f" else None


def format_number(value: float, fmt: NumberFormat = "{:.2f}", unicode_minus: bool = True,
                  most: int | None = None) -> str:
    """Format one real number for the screen: a true minus sign, and the one rounding rule
    (:mod:`contract.numbers`): a value that is not exactly 0 or 1 never reads as 0.00 or 1.00
    (more decimals, up to ``most``, or a bound such as ``< 0.001``).

    >>> format_number(-0.0004), format_number(-1.5, "{:+.1f}"), format_number(0.7, FMT_BYTE)
    ('> −0.001', '−1.5', '178')
    >>> format_number(0.99996), format_number(0.004, "{:+.2f}"), format_number(0.9996, "{:.1%}")
    ('> 0.999', '+0.004', '> 99.9%')
    """
    v = float(value)
    text = fmt(v) if callable(fmt) else fmt.format(v)
    if text.startswith("-") and not re.search(r"[1-9]", text):
        text = fmt(0.0) if callable(fmt) else fmt.format(0.0)
    rule = None if callable(fmt) else _FIXED.match(fmt)
    if rule and numbers.false_certainty(text, v):
        sign, digits, kind = rule.group(1), int(rule.group(2)), rule.group(3)
        text = numbers.percent(v, digits) if kind == "%" else numbers.fixed(v, digits, most)
        if sign and text[0].isdigit():
            text = "+" + text
    return text.replace("-", MINUS) if unicode_minus else text


def format_cell(value: float, fmt: NumberFormat = "{:.2f}") -> str:
    """A number for a small cell beside others of its format: where the rule needs more
    decimals (:func:`format_number`; here up to two more), they are written without the
    leading zero, so that the number is no wider than its neighbours.

    >>> format_cell(0.15), format_cell(-0.003), format_cell(-0.0004), format_cell(0.0)
    ('0.15', '−.003', '−.0004', '0.00')
    """
    digits = fixed_decimals(fmt)
    if digits is None or not numbers.false_certainty(fmt.format(float(value)), float(value)):
        return format_number(value, fmt)
    return re.sub(r"(^|[^\d])0\.", r"\1.", format_number(value, fmt, most=digits + 2))


def FMT_BYTE(value: float) -> str:  # noqa: N802 - used like a constant
    """A value in [0, 1] written as the 0-255 byte it came from: ``FMT_BYTE(0.5) == '128'``."""
    return str(int(round(float(value) * 255)))


FMT_UNIT = "{:.2f}"  #: a value in [0, 1] with two decimals


def prob_digits(p: float, lo: int = 2, hi: int = 5) -> int:
    """Decimals for a probability: ``lo``, more when it would otherwise read 1.00 (or 0.00)."""
    d = lo
    while d < hi and (round(p, d) >= 1.0 or (0 < p and round(p, d) <= 0.0)):
        d += 1
    return d


def prob_str(p: float, hi: int = 5) -> str:
    """A probability for the screen; one that still rounds to 1 at ``hi`` decimals reads
    "> 0.99999" (never a false certainty: a stored 1.0 is a float that saturated)."""
    d = prob_digits(p, hi=hi)
    if round(p, d) >= 1.0:
        return "> 0." + "9" * d
    return format_number(p, "{:.%df}" % d)


def prob_parts(p: float) -> dict[str, str]:
    """``{"rel": "=", "p": "0.997"}`` or ``{"rel": ">", "p": "0.99999"}`` for YAML strings
    written as ``p {rel} {p}``."""
    text = prob_str(p)
    if text.startswith(">"):
        return {"rel": ">", "p": text[2:]}
    return {"rel": "=", "p": text}


def prob_tex(p: float) -> str:
    """``= 0.997`` or ``> 0.99999`` for MathTex."""
    text = prob_str(p)
    return text if text.startswith(">") else "= " + text


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def compact(v: float, digits: int = 1) -> str:
    """A positive number in a bar label: 0.53, 12.4, 2.5⋅10⁶ (``digits`` decimals of the
    mantissa; 2 matches :func:`sci_tex`). The dot is the dot operator U+22C5: a CJK font draws
    the middle dot U+00B7 full-width."""
    if v == 0:
        return "0"
    if abs(v) >= 1000 or abs(v) < 0.01:
        e = int(math.floor(math.log10(abs(v))))
        m = v / 10 ** e
        if round(m, digits) >= 10:
            m, e = m / 10, e + 1
        return f"{m:.{digits}f}\u22c510{str(e).translate(_SUPERSCRIPT)}"
    return numbers.fixed(v, 2) if abs(v) < 10 else f"{v:.1f}"


def sci_tex(v: float) -> str:
    """A number for MathTex: 2.54 \\times 10^{6} when large, else two decimals."""
    if abs(v) >= 1e4 or (0 < abs(v) < 0.01):
        e = int(math.floor(math.log10(abs(v))))
        m = v / 10 ** e
        if round(m, 2) >= 10:
            m, e = m / 10, e + 1
        return rf"{m:.2f}\times 10^{{{e}}}"
    return numbers.fixed(v, 2)


__all__ = ["fixed_decimals", "format_number", "format_cell", "FMT_BYTE", "FMT_UNIT", "prob_digits", "prob_str", "prob_parts", "prob_tex", "compact", "sci_tex"]
