"""Manim scenes of the lecture. They read ``scene_data/`` and the lecture YAML, never torch."""
