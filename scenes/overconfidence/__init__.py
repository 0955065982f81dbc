"""The overconfidence sequence: its script (the scene, bound to its registry entry) and its parts.

Importing this package binds the scene class (contract.sequences: ``scenes.overconfidence``)."""
from scenes.overconfidence.script import Overconfidence

__all__ = ["Overconfidence"]
