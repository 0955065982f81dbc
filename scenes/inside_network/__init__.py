"""The inside_network sequence: its script (the scene, bound to its registry entry) and its parts.

Importing this package binds the scene class (contract.sequences: ``scenes.inside_network``)."""
from scenes.inside_network.script import InsideNetwork

__all__ = ["InsideNetwork"]
