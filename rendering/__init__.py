"""The render machinery: lecture YAML + scene_data + the lecture's scenes -> finished videos.

Entry points at the top: ``python -m rendering.render`` (``make render``) and ``python -m
rendering.narrate script`` (``make narration-script``). Beneath them: ``jobs`` (Manim in worker
processes), ``keys`` and ``cache`` (what a section's frames depend on, and its clips),
``publish`` and ``media`` (finished files), ``extras`` (YouTube/Bilibili files), ``ownership``,
``narration/`` (speech), ``files`` (atomic writes). It imports the lecture (``scenes``) and the
contract; neither imports it (docs/architecture.md).
"""
