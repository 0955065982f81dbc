"""The cnn_forward_pass sequence: its script (the scene) and its parts."""
