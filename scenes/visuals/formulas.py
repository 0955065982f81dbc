"""Typeset formulas whose numbers are real values.

    f = LiveFormula(r"S = {S}", {"S": 17.2}, digits=1)
    f.part("S")               # the sub-mobject showing 17.2
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from manim import TexTemplate, MathTex, VMobject

from scenes.visuals.numbers import format_number


#: MathTex through a plain ``article`` so only texlive-latex-base and dvisvgm are needed.
TEX_TEMPLATE = TexTemplate(
    documentclass=r"\documentclass[12pt]{article}",
    preamble=r"\usepackage{amsmath}\usepackage{amssymb}\pagestyle{empty}",
)


class LiveFormula(MathTex):
    """A typeset formula whose numbers come from data: ``[[name]]`` marks each number.

        f = LiveFormula(r"\\alpha_{7} = e_{7} + 1 = [[e]] + 1 = [[alpha]]",
                        {"e": 3.2134, "alpha": 4.2134}, color=theme.text)
        f.numbers        # {'e': 3.2134, 'alpha': 4.2134}   (the real values)
        f.strings        # {'e': '3.21', 'alpha': '4.21'}   (what is drawn)
        f.part("alpha")  # the drawn number, e.g. to Indicate or colour it

    ``[[name:.3f]]`` gives a per-number format; ``digits`` is the default number of decimals.
    Numbers follow the one rounding rule (:func:`scenes.visuals.numbers.format_number`): where a
    value is written as a bound, the bound takes the place of the ``=`` before it
    (``u = [[u:.3f]]`` with u = 0.0002 reads ``u < 0.001``).
    Typeset with the project's article template (``scenes.base.TEX_TEMPLATE``).
    """

    PLACEHOLDER = re.compile(r"\[\[(\w+)(?::([^\]]+))?\]\]")

    def __init__(self, template: str, values: Mapping[str, float] | None = None,
                 digits: int = 2, tex_template: Any = None, **kwargs: Any) -> None:
        values = dict(values or {})
        parts: list[str] = []
        names: list[str | None] = []
        self.numbers: dict[str, float] = {}
        self.strings: dict[str, str] = {}
        pos = 0
        for m in self.PLACEHOLDER.finditer(template):
            name, spec = m.group(1), m.group(2) or f".{digits}f"
            if name not in values:
                raise KeyError(f"LiveFormula: no value given for [[{name}]] in {template!r}")
            text = format_number(values[name], "{:" + spec + "}", unicode_minus=False)
            before = template[pos:m.start()]
            if text[0] in "<>" and before.rstrip().endswith("="):
                before = before.rstrip()[:-1]  # "u = < 0.001" reads "u < 0.001"
            if before:
                parts.append(before)
                names.append(None)
            self.numbers[name] = float(values[name])
            self.strings[name] = text
            parts.append(text)
            names.append(name)
            pos = m.end()
        if pos < len(template):
            parts.append(template[pos:])
            names.append(None)
        unused = set(values) - set(self.numbers)
        if unused:
            raise KeyError(f"LiveFormula: values {sorted(unused)} have no [[placeholder]]")
        self.template = template
        self._part_names = names
        super().__init__(*parts, tex_template=tex_template or TEX_TEMPLATE, **kwargs)

    def part(self, name: str, occurrence: int = 0) -> VMobject:
        """The drawn number ``name`` (its ``occurrence``-th appearance)."""
        idx = [i for i, n in enumerate(self._part_names) if n == name]
        return self.submobjects[idx[occurrence]]


__all__ = ["TEX_TEMPLATE", "LiveFormula"]
