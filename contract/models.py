"""The models, declared once: name, display names, colour, how each predicts and the
uncertainty scores it offers.

One name per model, used everywhere: its key in every per-model section of scene_data, its
checkpoint stem and its colour key. The pipeline trains and probes every entry of
:data:`REGISTRY`; the lecture's sequences 1-3 (and sequence 4 as it stands) show the pair
:data:`LECTURE_PAIR`::

    >>> REGISTRY["mc_dropout"].predicts, REGISTRY["mc_dropout"].scores
    ('passes', ('entropy', 'mutual_information'))
    >>> [m.name for m in ordered(LECTURE_PAIR)]
    ['softmax', 'edl']

How many passes or members a prediction takes is a pipeline setting (``pipeline/config.py``:
``mc_passes``, ``ensemble_members``); scene_data records the count used.

Imports nothing from the project, manim or torch: the pipeline, the scenes and the platform use
it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: how a model turns one image into one prediction
Predicts = Literal["single", "passes", "members"]
#: an uncertainty score: entropy of the mean prediction (nats), mutual information between the
#: prediction and the passes/members (the epistemic part, nats), or EDL's u = K / S
Score = Literal["entropy", "mutual_information", "u"]
#: a model's name: a key of :data:`REGISTRY`
ModelName = str


@dataclass(frozen=True)
class Model:
    name: str  # key in scene_data's per-model sections, checkpoint stem, theme colour key
    en: str  # display name, English
    zh: str  # display name, Chinese
    colour: str  # Okabe-Ito, distinguishable with the common colour-vision deficiencies
    predicts: Predicts  # single: one forward pass; passes: T dropout passes; members: M nets
    scores: tuple[Score, ...]  # the first is entropy for every model; the last is its own
    reference: str  # the paper the method comes from

    @property
    def own_score(self) -> Score:
        """The score the method itself proposes (entropy where it offers nothing else)."""
        return self.scores[-1]

    def display(self, language: str) -> str:
        """The display name in ``language`` (``en`` or ``zh``)."""
        return self.zh if language == "zh" else self.en


REGISTRY: dict[str, Model] = {m.name: m for m in (
    Model("softmax", "Softmax", "Softmax", "#E69F00", "single", ("entropy",),
          "LeNet with cross-entropy"),
    Model("mc_dropout", "MC dropout", "MC Dropout", "#D55E00", "passes",
          ("entropy", "mutual_information"), "Gal & Ghahramani 2016"),
    Model("ensemble", "Deep ensemble", "深度集成", "#0072B2", "members",
          ("entropy", "mutual_information"), "Lakshminarayanan et al. 2017"),
    Model("edl", "EDL", "EDL", "#56B4E9", "single", ("entropy", "u"), "Sensoy et al. 2018"),
)}

#: every model, in the order every file and picture lists them
MODEL_NAMES: tuple[str, ...] = tuple(REGISTRY)
#: the model every other one is compared against (paired intervals: other minus EDL)
REFERENCE = "edl"
#: what sequences 1-3 and the existing sequence 4 show: softmax against EDL
LECTURE_PAIR: tuple[str, str] = ("softmax", "edl")


def ordered(names: tuple[str, ...] | list[str]) -> list[Model]:
    """The registry entries of ``names`` in registry order; an unknown name is refused."""
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise KeyError(f"unknown model(s) {unknown}; known: {list(REGISTRY)}")
    return [m for m in REGISTRY.values() if m.name in names]
