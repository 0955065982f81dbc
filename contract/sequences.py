"""The lecture's sequences, declared once: name, output file, scene class, sections in viewing
order, and the scene_data files each reads.

Everything else derives from this table: the lecture schema (one wording block per sequence),
the checks of the default lecture files, the scene classes' ``SECTIONS`` and ``DATA``
(:class:`scenes.base.LectureScene` reads them from here), the render plan and the tests::

    >>> SEQUENCES["edl_pass"].sections[:2]
    ('evidence_head', 'dirichlet_numbers')
    >>> entry_for("scenes.comparison.script:Comparison").stem
    '04_comparison'

Imports nothing from the project, manim or torch: the pipeline and the config checker use it.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Sequence:
    name: str  # key in the lecture YAML
    stem: str  # output file name without extension
    target: str  # "module:Class"
    sections: tuple[str, ...] = ()  # in viewing order; each is a method of the scene class
    data: Optional[tuple[str, ...]] = None  # scene_data files read (stems); None: all of them

    def scene_class(self) -> type:
        module, cls = self.target.split(":")
        return getattr(importlib.import_module(module), cls)


TITLE = Sequence("title_card", "00_title", "scenes.title_card:TitleCard", ("title",), ())
SEQUENCES: dict[str, Sequence] = {s.name: s for s in (
    Sequence("cnn_forward_pass", "01_cnn_forward_pass",
             "scenes.cnn_forward_pass.script:CNNForwardPass",
             ("task", "pixels", "convolution", "feature_maps", "relu", "pooling", "deeper",
              "classifier", "softmax", "architecture", "training"),
             ("forward_pass", "training")),
    Sequence("overconfidence", "02_overconfidence", "scenes.overconfidence.script:Overconfidence",
             ("confident_mistakes", "reliability", "unrelated_inputs", "rotated_digit",
              "why_softmax"),
             ("heldout", "unrelated", "rotation")),
    Sequence("edl_pass", "03_edl_pass", "scenes.edl_pass.script:EDLPass",
             ("evidence_head", "dirichlet_numbers", "belief_bar", "simplex", "loss",
              "unrelated_uncertainty", "rotated_digit"),
             ("training", "forward_pass", "heldout", "unrelated", "rotation")),
    Sequence("comparison", "04_comparison", "scenes.comparison.script:Comparison",
             ("accuracy", "rotated_digit", "entropy_cdfs", "rejection", "calibration",
              "adversarial", "summary"),
             ("heldout", "rotation", "unrelated", "attacks")),
    Sequence("inside_network", "05_inside_network", "scenes.inside_network.script:InsideNetwork",
             ("gradcam", "activation_maximization", "training_dynamics", "feature_space",
              "confusion"),
             ("inside", "training")),
)}


def entry_for(target: str) -> Optional[Sequence]:
    """The registry entry (title card included) whose scene class is ``target``
    ("module:Class"), or None."""
    return next((s for s in (TITLE, *SEQUENCES.values()) if s.target == target), None)
