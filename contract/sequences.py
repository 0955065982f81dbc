"""The lecture's sequences, declared once: name, place, sections in viewing order, and the
scene_data files each reads.

One name per sequence, used everywhere: its key in the lecture YAML, its folder
``scenes/<name>/`` and its output stem ``NN_<name>`` (NN its place). The scene class binds itself
to its entry explicitly (``class EDLPass(LectureScene, sequence="edl_pass")``), and
:class:`scenes.base.LectureScene` takes ``SECTIONS`` and ``DATA`` from here. Everything else
derives from this table: the lecture schema (one wording block per sequence), the checks of the
lecture files, the render plan and the tests::

    >>> SEQUENCES["edl_pass"].sections[:2]
    ('evidence_head', 'dirichlet_numbers')
    >>> SEQUENCES["comparison"].stem, SEQUENCES["comparison"].module
    ('05_comparison', 'scenes.comparison.script')

Imports nothing from the project, manim or torch: the pipeline and the config checker use it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Sequence:
    name: str  # YAML key, folder scenes/<name>/ (scenes/<name>.py for the title card)
    number: int  # place in the lecture: the NN of the output stem
    sections: tuple[str, ...] = ()  # in viewing order; each is a method of the scene class
    data: Optional[tuple[str, ...]] = None  # scene_data files read (stems); None: all of them

    @property
    def stem(self) -> str:
        """Output file name without extension: ``01_cnn_forward_pass``."""
        return f"{self.number:02d}_{self.name}"

    @property
    def module(self) -> str:
        """The lecture module that holds its scene (importing it binds the class): the script
        of its folder, ``scenes/<name>/script.py``."""
        return f"scenes.{self.name}.script"


TITLE = Sequence("title_card", 0, ("title",), ())
SEQUENCES: dict[str, Sequence] = {s.name: s for s in (
    Sequence("cnn_forward_pass", 1,
             ("task", "pixels", "convolution", "feature_maps", "relu", "pooling", "deeper",
              "classifier", "softmax", "architecture", "training"),
             ("forward_pass", "training")),
    Sequence("overconfidence", 2,
             ("confident_mistakes", "reliability", "unrelated_inputs", "rotated_digit",
              "why_softmax"),
             ("heldout", "unrelated", "rotation")),
    Sequence("edl_pass", 3,
             ("evidence_head", "dirichlet_numbers", "belief_bar", "simplex", "loss",
              "unrelated_uncertainty", "rotated_digit"),
             ("training", "forward_pass", "heldout", "unrelated", "rotation")),
    Sequence("other_models", 4,
             ("dropout_passes", "ensemble_votes", "mutual_information", "every_model"),
             ("rotation", "unrelated", "heldout", "models")),
    Sequence("comparison", 5,
             ("accuracy", "rotated_digit", "entropy_cdfs", "rejection", "calibration",
              "adversarial", "summary"),
             ("heldout", "rotation", "unrelated", "attacks")),
    Sequence("inside_network", 6,
             ("gradcam", "activation_maximization", "training_dynamics", "feature_space",
              "confusion"),
             ("inside", "training")),
)}


#: every entry by name, the title card included
ENTRIES: dict[str, Sequence] = {TITLE.name: TITLE, **SEQUENCES}
