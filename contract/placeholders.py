"""The ``{placeholders}`` each sequence fills in, declared once, and the check of a lecture's
strings against them.

Two kinds of names per sequence:

- caption names: values a section computes for its caption (and narration), stored in the
  scene's ``values``;
- text names: keyword arguments the scene passes when it formats an on-screen string
  (``self.t(key, n=...)``).

The lecture checker (:mod:`contract.lecture`) reads this table, so checking a lecture imports
neither manim nor a scene; the scene base class refuses, while rendering, a name that is not
declared here, so the table cannot fall behind the code.

    >>> problems("{n} of {totl}", {"n", "total"})
    ['unknown placeholder {totl}; this scene provides {n}, {total}']
    >>> "share" in FILLS["cnn_forward_pass"].captions
    True
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Iterable, Optional


@dataclass(frozen=True)
class Fills:
    """The placeholder names a sequence fills in: in its captions and in its on-screen text."""
    captions: frozenset[str]
    text: frozenset[str]


def _names(*names: str) -> frozenset[str]:
    return frozenset(names)


#: sequence name (contract.sequences) -> the names it fills in
FILLS: dict[str, Fills] = {
    "cnn_forward_pass": Fills(
        captions=_names(
            "best", "big", "classes", "f", "flat", "h", "hidden", "kh", "kw", "label",
            "n1", "n2", "n_maps", "p", "params", "pred", "share", "total", "w"),
        text=_names(
            "acc", "c", "c0", "c1", "edl_score", "epochs", "eps", "f", "h", "h2", "i",
            "index", "k", "kh", "kw", "label", "n", "n1", "n2", "n_heldout", "n_train",
            "name", "p", "params", "pred", "r", "r0", "r1", "s", "set", "shape",
            "share", "total", "w", "w2")),
    "overconfidence": Fills(
        captions=_names(
            "rel_finding", "rotation_finding", "unrelated_finding", "unrelated_pages"),
        text=_names(
            "acc", "angle", "conf", "count", "digit", "ece", "edl_score", "eps", "gap",
            "hi", "index", "k", "label", "lo", "mean", "min", "n", "n_conf", "n_wrong",
            "name", "p", "pred", "rel", "s", "set", "share", "total", "value")),
    "edl_pass": Fills(
        captions=_names(
            "angle_first", "angle_max", "annealing_epochs", "digit", "evidence_name",
            "rot_caveat", "u_first", "u_max"),
        text=_names(
            "angle", "c", "digit", "edl_score", "epoch", "eps", "index", "k", "kl",
            "label", "n", "name", "p", "set", "share", "u", "w")),
    "other_models": Fills(
        captions=_names(
            "T", "M", "digit", "drop", "spread_finding", "votes_finding", "letter_finding",
            "mi_angle", "h", "hm", "mi", "standings", "edl_ms", "mc_ms", "ens_ms"),
        text=_names(
            "T", "M", "angle", "digit", "i", "n", "n_other", "letter", "votes", "set", "best",
            "best_auroc", "edl", "second", "second_auroc", "lo", "hi", "value", "model",
            "h", "hm", "mi", "s0", "smax", "pred")),
    "comparison": Fills(
        captions=_names(
            "accuracy_verdict", "auroc_verdict", "ece_verdict", "fgsm_verdict",
            "n_heldout", "rejection_verdict", "rotation_finding", "summary_verdict"),
        text=_names(
            "angle", "best", "best_auroc", "conf", "dataset", "diff", "edl", "edl_digit",
            "edl_h0", "edl_h1", "edl_score", "eps", "full_pp", "hi", "index", "items", "lo",
            "margin", "margin_pp", "model", "n", "n_full", "n_wrong", "own", "own_acc",
            "pp", "second", "second_auroc", "set", "sets", "share", "sm_h0", "sm_h1",
            "softmax", "softmax_digit", "steps", "tie", "u", "u0", "u1", "u_right",
            "u_wrong", "value", "what", "who", "worst", "zero")),
    "inside_network": Fills(
        captions=_names(
            "a0", "a1", "b0", "b1", "confusion_finding", "dynamics_finding", "e1",
            "e2", "edl", "edl_set", "gradcam_finding", "k", "layer", "n", "n2",
            "n_heldout", "overlap_finding", "p", "p2", "set", "sm", "sm_set", "t", "t2"),
        text=_names(
            "a0", "a1", "b0", "b1", "digit", "e1", "e2", "edl", "edl_score", "edl_set",
            "eps", "errors", "index", "item", "k", "label", "layer", "model", "n",
            "n2", "name", "p", "p2", "set", "share", "sm", "sm_set", "t", "t2", "value")),
}


def fields(template: str) -> list[tuple[str, str]]:
    """(name, format spec) of every replacement field; raises ValueError on bad braces."""
    out: list[tuple[str, str]] = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        out.append((name, spec or ""))
        # a nested field in the spec ("{x:{width}}") is a field too
        if spec and "{" in spec:
            out += fields(spec)
    return out


def _spec_ok(spec: str) -> bool:
    """A format spec valid for some value a scene may pass (a number or a string)."""
    if "{" in spec:
        return True  # nested fields are checked as fields
    for sample in (1.5, 7, "text"):
        try:
            format(sample, spec)
            return True
        except (ValueError, TypeError):
            continue
    return False


def problems(template: str, allowed: Optional[Iterable[str]]) -> list[str]:
    """What is wrong with the ``{placeholders}`` of ``template`` for a scene providing
    ``allowed``: unbalanced braces, unknown names, attribute/index access, bad format specs.
    ``allowed=None`` checks the syntax only."""
    try:
        found = fields(template)
    except ValueError as exc:
        msg = str(exc)
        if "Single '}'" in msg:
            return ["'}' has no matching '{' (write '}}' for a literal brace)"]
        if "expected '}'" in msg or "Single '{'" in msg or "unexpected '{'" in msg:
            return ["'{' has no matching '}' (write '{{' for a literal brace)"]
        return [f"bad placeholder: {msg}"]
    names = set(allowed) if allowed is not None else None
    out: list[str] = []
    for name, spec in found:
        base = name.split(".")[0].split("[")[0]
        if names is None:
            pass
        elif name == "" or name.isdigit():
            out.append("positional placeholder '{}'; name the value, e.g. {" +
                       (sorted(names)[0] if names else "name") + "}")
        elif base not in names:
            shown = ", ".join("{" + a + "}" for a in sorted(names)) or "none"
            out.append(f"unknown placeholder {{{base}}}; this scene provides {shown}")
        elif name != base:
            out.append(f"placeholder {{{name}}}: only plain names are filled in")
        if spec and not _spec_ok(spec):
            out.append(f"placeholder {{{name}:{spec}}}: {spec!r} is not a valid format spec")
    return out


__all__ = ["FILLS", "Fills", "fields", "problems"]
