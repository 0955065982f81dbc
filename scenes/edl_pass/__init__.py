"""The edl_pass sequence: its script (the scene, bound to its registry entry) and its parts.

Importing this package binds the scene class (contract.sequences: ``scenes.edl_pass``)."""
from scenes.edl_pass.script import EDLPass

__all__ = ["EDLPass"]
