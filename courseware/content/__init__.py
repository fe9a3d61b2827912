"""The content model: what a task produces and what the reviewed markdown holds."""
