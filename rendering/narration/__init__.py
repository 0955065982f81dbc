"""Narration: a voice over every section, timed with the animation (see README, "Narration").

Modules by concern: ``engines`` (espeak-ng, piper, recorded files), ``narrator`` (a lecture's
speech per section, recordings' paths, render keys), ``store`` (the speech cache), ``plan``
(pacing a section to its speech), ``audio`` (loudness, mixing, AAC), ``tracks`` (the track of a
finished video), ``transcript``. What is said comes from the lecture (:mod:`scenes.spoken`), and
how long a section holds for it from :mod:`scenes.speech_pacing`; ``python -m rendering.narrate
script`` writes the script to record. Nothing here imports manim or torch.
"""
