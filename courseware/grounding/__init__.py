"""Grounding: source passages, their retrieval, and the passages each task is grounded in."""
