"""pytest-qt tests, offscreen."""
