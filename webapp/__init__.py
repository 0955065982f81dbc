"""The learning platform: watch the rendered lecture, then try both models on your own digit.

``make serve`` runs :func:`webapp.app.create_app` under uvicorn. It imports the pipeline's
inference (never Manim) and reads scene_data/, renders/ and the lecture YAMLs; it writes nothing.
"""
