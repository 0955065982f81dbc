"""The contract the pipeline and the scenes share, so that neither imports the other.

- :mod:`contract.scene_data`: what ``scene_data/`` holds (one pydantic model per file).
- :mod:`contract.lecture`: what a lecture YAML says (schema, loader, checker).
- :mod:`contract.sequences`: which sequences exist, their sections and the data they read.
- :mod:`contract.manifest`: what a rendered lecture folder's ``manifest.json`` holds (written by
  the renderer, read by the platform).
- :mod:`contract.titles`: the one rule for section and sequence titles (chapters, video list).

Nothing here imports manim or torch.
"""
