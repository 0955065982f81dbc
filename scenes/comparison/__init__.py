"""The comparison sequence: its script (the scene, bound to its registry entry) and its parts.

Importing this package binds the scene class (contract.sequences: ``scenes.comparison``)."""
from scenes.comparison.script import Comparison

__all__ = ["Comparison"]
