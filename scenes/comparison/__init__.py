"""The comparison sequence: its script (``script.py``: the scene, bound to its registry entry), its parts and its findings.

Importing the script binds the scene class (contract.sequences: ``scenes.comparison.script``); the
package itself imports nothing, so its pure modules (``findings``) load without manim."""
