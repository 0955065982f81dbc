"""The other_models sequence: its script (``script.py``: the scene, bound to its registry entry) and its findings.

Importing the script binds the scene class (contract.sequences: ``scenes.other_models.script``); the
package itself imports nothing, so its pure modules (``findings``) load without manim."""
