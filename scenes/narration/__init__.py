"""Narration: a voice over every section, timed with the animation (see README, "Narration").

Modules by concern: ``text`` (what is said), ``engines`` (espeak-ng, piper, recorded files),
``narrator`` (a lecture's speech per section, recordings' paths, render keys), ``store`` (the
speech cache), ``timing`` and ``plan`` (pacing a section to its speech), ``audio`` (loudness,
mixing, AAC), ``tracks`` (the track of a finished video), ``transcript``; ``python -m
scenes.narration script`` writes the script to record. Nothing here imports manim or torch.
"""
