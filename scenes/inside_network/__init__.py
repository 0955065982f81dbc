"""The inside_network sequence: its script (the scene) and its parts."""
