"""The tests' own reading of a recorded source: the text a scene recorded beside a drawn number
(:mod:`scenes.shown` writes it) evaluated over the loaded scene data, so every drawn number is
checked against scene_data by a reader independent of the one that drew it. Production code
evaluates no path strings; only the tests do, here.

    resolve(data, "forward_pass.edl.S")                                   # a field
    resolve(data, "rotation.edl_probs[3][1]")                             # list indices
    resolve(data, "training.history['softmax'][0]['heldout_acc']")        # dict keys
    resolve(data, "sum(forward_pass.worked.patch * forward_pass.worked.weights)")  # numpy
    resolve(data, "rotation.argmax(softmax_probs[4])")                    # a derived value

In a scene, ``self.show(self.d.forward_pass.edl.S)`` returns the value and records its source
in the same step (:meth:`scenes.base.LectureScene.show`).

Paths are Python expressions over the scene_data files (``forward_pass``, ``training``,
``heldout``, ``unrelated``, ``rotation``, ``attacks``): attributes, ``[i]``, ``['key']``, and
``len sum max min abs argmax trace exp round`` over numeric lists (read as numpy arrays). Derived values that
need a rule from :mod:`scenes.findings` have a name of their own in :data:`DERIVED` (the
formats of :mod:`scenes.shown`'s derived helpers).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from scenes import findings
from scenes.comparison import findings as compare_f
from scenes.inside_network import findings as inside_f


class _View:
    """Attribute/index access over scene_data objects; numeric lists become numpy arrays."""

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        obj = self._obj
        return _wrap(obj[name] if isinstance(obj, dict) else getattr(obj, name))

    def __getitem__(self, key: Any) -> Any:
        return _wrap(self._obj[key])

    def __iter__(self):
        return (_wrap(x) for x in self._obj)

    def __len__(self) -> int:
        return len(self._obj)


def _wrap(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        try:
            return np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return _View(value)
    if isinstance(value, (int, float, np.ndarray, str)) or value is None:
        return value
    return _View(value)


def _reliability_gap(data: Any, model: str, i: str) -> float:
    b = data.heldout.models[model].reliability[int(i)]
    return b.accuracy - b.confidence


#: derived values: pattern of the source -> rule (groups of the match are its arguments)
DERIVED: dict[str, Callable[..., float]] = {
    r"rotation\.argmax\((softmax|edl)_probs\[(\d+)\]\)":
        lambda d, m, i: float(np.argmax(getattr(d.rotation, f"{m}_probs")[int(i)])),
    r"heldout\.models\.(\w+)\.reliability\(mean accuracy-confidence\)":
        lambda d, m: findings.confidence_gap(d.heldout.models[m]),
    r"heldout\.models\.(\w+)\.reliability\[(\d+)\]\(accuracy-confidence\)": _reliability_gap,
    r"attacks\.(\w+)\.zero_grad_share\(max over models, eps > 0\)":
        lambda d, a: compare_f.masked_share(d, a),
    # an unrelated set's points among the digits of a 2-D embedding (sequence 5's feature space)
    r"inside\.embedding\.models\.(\w+)\.(tsne|pca)\(digit-neighbour share of (\w+) among ([\w,]+)\)":
        lambda d, m, space, s, sets: inside_f.embedding_overlap(d, m, sets.split(","), space)[s],
    r"K/(.+)":  # the Dirichlet strength S = K/u rebuilt from a stored u (K classes)
        lambda d, src: len(d.forward_pass.edl.alpha) / resolve(d, src),
}

_FUNCTIONS = {"sum": np.sum, "max": np.max, "min": np.min, "abs": np.abs, "argmax": np.argmax,
              "trace": np.trace, "exp": np.exp, "round": np.round, "len": len}


def resolve(data: Any, source: str) -> float:
    """The number that ``source`` names in the loaded scene data (see the module docstring)."""
    for pattern, rule in DERIVED.items():
        m = re.fullmatch(pattern, source)
        if m:
            return float(rule(data, *m.groups()))
    return float(read(data, source))


def read(data: Any, source: str) -> Any:
    """What ``source`` names, not converted to a number: a list of numbers comes back as a
    numpy array (``read(data, "forward_pass.softmax.logits")``)."""
    names: dict[str, Any] = {name: _View(getattr(data, name)) for name in
                             ("forward_pass", "training", "heldout", "unrelated", "rotation",
                              "attacks", "inside", "models")
                             if getattr(data, name, None) is not None}
    names.update(_FUNCTIONS)
    names["__builtins__"] = {}
    return eval(source, names)  # noqa: S307 - sources the scenes recorded


__all__ = ["DERIVED", "read", "resolve"]
