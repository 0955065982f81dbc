"""Narration: a voice over every section, timed with the animation (see README, "Narration").

Modules by concern: ``text`` (what is said), ``engines`` (espeak, piper, recorded files),
``audio`` (loudness, mixing, AAC), ``store`` (the speech cache), ``timing`` (pacing to speech).
Nothing here imports manim or torch.
"""
