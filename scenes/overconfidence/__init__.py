"""The overconfidence sequence: its script (the scene) and its parts."""
