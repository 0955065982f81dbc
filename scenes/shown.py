"""Typed reads of scene_data that carry their own source: the one way to put a number on screen.

A :class:`Ref` is a piece of the loaded scene data together with the text that names it. Each
attribute or index access goes one level down the typed contract models
(:mod:`contract.scene_data`) and writes the matching step of the text, so the source of a number
is built by the same expression that reads it; nothing is parsed or evaluated. In a scene,
``self.d`` is the root and ``self.show(ref)`` takes the number out and records it
(:meth:`scenes.base.LectureScene.show`):

    d = at(data)
    float(d.forward_pass.edl.S)                          # the value; its text:
    source_of(d.forward_pass.edl.S)                      # 'forward_pass.edl.S'
    source_of(d.rotation.edl_probs[3][1])                # 'rotation.edl_probs[3][1]'
    source_of(d.training.history["softmax"][0]["heldout_acc"])
    #   "training.history['softmax'][0]['heldout_acc']" (d.training.history.edl: '....edl')
    source_of(1 - d.rotation.edl_u[4])                   # '1 - rotation.edl_u[4]'
    source_of(total(d.forward_pass.worked.patch * d.forward_pass.worked.weights))
    #   'sum(forward_pass.worked.patch * forward_pass.worked.weights)'

Dict entries can be reached as attributes too (``d.heldout.models.edl``); the text follows the
spelling used. Every step is checked against the contract models as it is taken: a name they
lack fails there, naming the path (``forward_pass.edl has no 'Z'``). Arithmetic (``- * / //``,
unary ``-``, ``< <=``) and the functions below (:func:`length`, :func:`total`, :func:`largest`,
:func:`smallest`, :func:`absolute`, :func:`exp`, :func:`argmax`, :func:`trace`,
:func:`entries`, :func:`sum_over`) work on numeric lists as numpy arrays and write Python's
notation; derived values have a helper and a text format of their own (:func:`rotation_argmax`,
:func:`bin_gap`, :func:`k_over` here; those whose rule is in :mod:`scenes.findings` in
:mod:`scenes.derived`). The tests resolve every
recorded text against scene_data with a resolver of their own (``tests/sources.py``), so a text
that does not name its value is caught.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

#: binding strength of the expression a text is (higher binds tighter), to add parentheses
ATOM, UNARY, PRODUCT, SUM, COMPARE = 100, 80, 70, 60, 40


class Ref:
    """A part of the scene data and the source text that names it (see the module docstring).

    ``float(ref)`` is its number; :func:`source_of` its text; :func:`raw` the typed object
    itself. It has no public attributes of its own, so every field name of the data is free.
    """

    __slots__ = ("_obj", "_text", "_prec")
    #: numpy leaves arithmetic with a Ref to the Ref's own operators
    __array_ufunc__ = None

    def __init__(self, obj: Any, text: str, prec: int = ATOM) -> None:
        self._obj, self._text, self._prec = obj, text, prec

    # -- going down the contract ----------------------------------------------------------
    def __getattr__(self, name: str) -> Ref:
        if name.startswith("_"):  # copy, pickle and friends ask for dunders: not data
            raise AttributeError(name)
        obj = self._obj
        try:
            child = obj[name] if isinstance(obj, dict) else getattr(obj, name)
        except (KeyError, AttributeError):
            raise AttributeError(f"{self._text or 'scene data'} has no {name!r}") from None
        return Ref(child, f"{self._text}.{name}" if self._text else name)

    def __getitem__(self, key: int | str) -> Ref:
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            key = int(key)  # numpy 2 writes np.int64(3); the text says 3
        elif not isinstance(key, str):
            raise TypeError(f"{self._text}[{key!r}]: index with an int or a str key")
        try:
            child = self._obj[key]
        except (KeyError, IndexError, TypeError):
            raise KeyError(f"{self._text}[{key!r}] is not in the scene data") from None
        return Ref(child, f"{self._text}[{key!r}]")

    def __iter__(self) -> Iterator[Ref]:
        if not isinstance(self._obj, (list, tuple)):
            raise TypeError(f"{self._text} is not a list")
        return (self[i] for i in range(len(self._obj)))

    # -- numbers --------------------------------------------------------------------------
    def __float__(self) -> float:
        return float(numeric(self._obj))

    def __int__(self) -> int:
        return int(numeric(self._obj))

    def __neg__(self) -> Ref:
        return Ref(-numeric(self._obj), f"-{_operand(self, UNARY)}", UNARY)

    def __sub__(self, other: Any) -> Ref:
        return _binary(self, other, "-", SUM, np.subtract)

    def __rsub__(self, other: Any) -> Ref:
        return _binary(other, self, "-", SUM, np.subtract)

    def __mul__(self, other: Any) -> Ref:
        return _binary(self, other, "*", PRODUCT, np.multiply)

    def __rmul__(self, other: Any) -> Ref:
        return _binary(other, self, "*", PRODUCT, np.multiply)

    def __truediv__(self, other: Any) -> Ref:
        return _binary(self, other, "/", PRODUCT, np.true_divide)

    def __rtruediv__(self, other: Any) -> Ref:
        return _binary(other, self, "/", PRODUCT, np.true_divide)

    def __floordiv__(self, other: Any) -> Ref:
        return _binary(self, other, "//", PRODUCT, np.floor_divide)

    def __lt__(self, other: Any) -> Ref:  # type: ignore[override]
        return _binary(self, other, "<", COMPARE, np.less)

    def __le__(self, other: Any) -> Ref:  # type: ignore[override]
        return _binary(self, other, "<=", COMPARE, np.less_equal)

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"Ref({self._text!r})"


def at(data: Any) -> Ref:
    """The root of the loaded scene data (:class:`contract.scene_data.SceneData`): its files
    (``forward_pass``, ``training``, ...) are the first step of every text."""
    return Ref(data, "")


def source_of(ref: Ref) -> str:
    """The text that names ``ref``'s value, e.g. ``'rotation.edl_u[4]'``."""
    return ref._text


def raw(ref: Ref) -> Any:
    """The typed object (model, list, dict, number) ``ref`` stands for, not recorded."""
    return ref._obj


def numeric(obj: Any) -> Any:
    """A number as it is; a (nested) list of numbers as a float numpy array."""
    if isinstance(obj, (list, tuple)):
        return np.asarray(obj, dtype=float)
    return obj


# -- expressions ------------------------------------------------------------------------------
def _operand(x: Any, prec: int, strict: bool = False) -> str:
    """``x``'s text inside an expression binding with ``prec``: parenthesized when it binds
    looser (``strict``: also when equally, for a right operand of ``-``, ``/``, ``//``)."""
    if not isinstance(x, Ref):
        return repr(x)
    looser = x._prec < prec or (strict and x._prec == prec)
    return f"({x._text})" if looser else x._text


def _binary(a: Any, b: Any, op: str, prec: int, fn: Callable[[Any, Any], Any]) -> Ref:
    value = fn(*(numeric(x._obj) if isinstance(x, Ref) else x for x in (a, b)))
    return Ref(value, f"{_operand(a, prec)} {op} {_operand(b, prec, strict=True)}", prec)


def _call(name: str, ref: Ref, value: Any, *args: str) -> Ref:
    return Ref(value, f"{name}({', '.join((ref._text, *args))})")


def length(ref: Ref) -> Ref:
    """``len(x)``: entries of a list (rows of a grid)."""
    return _call("len", ref, len(ref._obj))


def total(ref: Ref) -> Ref:
    """``sum(x)`` over every entry of a numeric list or array (a boolean array: the count)."""
    return _call("sum", ref, np.sum(numeric(ref._obj)))


def largest(ref: Ref, axis: tuple[int, ...] | None = None) -> Ref:
    """``max(x)`` over every entry, or ``max(x, axis=(1, 2))`` along ``axis``."""
    value = np.max(numeric(ref._obj), axis=axis)
    return _call("max", ref, value, *([] if axis is None else [f"axis={axis!r}"]))


def smallest(ref: Ref) -> Ref:
    """``min(x)`` over every entry."""
    return _call("min", ref, np.min(numeric(ref._obj)))


def absolute(ref: Ref) -> Ref:
    """``abs(x)``, entry by entry."""
    return _call("abs", ref, np.abs(numeric(ref._obj)))


def exp(ref: Ref) -> Ref:
    """``exp(x)``, entry by entry (softmax's e^z)."""
    return _call("exp", ref, np.exp(numeric(ref._obj)))


def argmax(ref: Ref) -> Ref:
    """``argmax(x)``: the index of the largest entry (of the flattened array)."""
    return _call("argmax", ref, np.argmax(numeric(ref._obj)))


def trace(ref: Ref) -> Ref:
    """``trace(x)``: the sum of a square grid's diagonal (a confusion matrix's correct)."""
    return _call("trace", ref, np.trace(numeric(ref._obj)))


def entries(ref: Ref) -> Ref:
    """``x.size``: the number of entries of a (nested) list."""
    return Ref(numeric(ref._obj).size, f"{ref._text}.size")


def sum_over(rows: Ref, field: str) -> Ref:
    """``sum([l.<field> for l in rows])``: one field added over a list of rows
    (``sum_over(d.training.layers, "params")``: the parameters of the whole network)."""
    value = sum(getattr(row, field) for row in rows._obj)
    return Ref(value, f"sum([l.{field} for l in {rows._text}])")


# -- derived values with a rule of their own --------------------------------------------------
# (rules that need scenes.findings live there: findings reads its verdicts through this module)
def rotation_argmax(rotation: Ref, model: str, i: int) -> Ref:
    """``rotation.argmax(<model>_probs[i])``: the digit ``model`` names at angle index ``i``."""
    probs = getattr(rotation, f"{model}_probs")[i]
    return Ref(np.argmax(numeric(probs._obj)), f"{rotation._text}.argmax({model}_probs[{int(i)}])")


def bin_gap(reliability_bin: Ref) -> Ref:
    """``heldout.models.<m>.reliability[i](accuracy-confidence)``: one bin's gap."""
    b = reliability_bin._obj
    return Ref(b.accuracy - b.confidence, f"{reliability_bin._text}(accuracy-confidence)")


def k_over(u: Ref, k: int) -> Ref:
    """``K/<u>``: the Dirichlet strength S = K/u rebuilt from a stored u (``k`` classes)."""
    return Ref(k / float(u), f"K/{u._text}")


__all__ = ["Ref", "absolute", "argmax", "at", "bin_gap", "entries", "exp", "k_over", "largest", "length",
           "numeric", "raw", "rotation_argmax",
           "smallest", "source_of", "sum_over", "total", "trace"]
