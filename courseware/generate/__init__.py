"""Generation: providers turn a planned task into content (offline extracts, models answer)."""
