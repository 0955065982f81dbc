"""The cnn_forward_pass sequence: its script (the scene, bound to its registry entry) and its parts.

Importing this package binds the scene class (contract.sequences: ``scenes.cnn_forward_pass``)."""
from scenes.cnn_forward_pass.script import CNNForwardPass

__all__ = ["CNNForwardPass"]
