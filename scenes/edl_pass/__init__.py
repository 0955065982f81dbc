"""The edl_pass sequence: its script (the scene) and its parts."""
