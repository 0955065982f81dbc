"""The lecture's sequences: config name -> scene class and output file stem, in viewing order."""
from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Sequence:
    name: str  # key in the lecture YAML
    stem: str  # output file name without extension
    target: str  # "module:Class"

    def scene_class(self) -> type:
        module, cls = self.target.split(":")
        return getattr(importlib.import_module(module), cls)


TITLE = Sequence("title_card", "00_title", "scenes.title_card:TitleCard")
SEQUENCES: dict[str, Sequence] = {s.name: s for s in (
    Sequence("cnn_forward_pass", "01_cnn_forward_pass", "scenes.seq1_cnn_forward_pass:CNNForwardPass"),
    Sequence("overconfidence", "02_overconfidence", "scenes.seq2_overconfidence:Overconfidence"),
    Sequence("edl_pass", "03_edl_pass", "scenes.seq3_edl_pass:EDLPass"),
    Sequence("comparison", "04_comparison", "scenes.seq4_comparison:Comparison"),
    Sequence("inside_network", "05_inside_network", "scenes.seq5_inside:InsideNetwork"),
)}
