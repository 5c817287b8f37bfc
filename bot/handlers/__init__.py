"""One module per conversation capability; each exposes small `Turn → messages` functions."""
