"""Training, evaluation and probing of the lecture's two classifiers.

Data flows one way: datasets -> this package -> ``scene_data/``. This package imports torch and
never manim; :mod:`contract.scene_data` (the scene_data schema) imports neither, so the scenes
can use it.
"""
