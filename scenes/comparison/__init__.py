"""The comparison sequence: its script (the scene) and its parts."""
