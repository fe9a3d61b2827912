"""Reviewed markdown: content models to markdown files and back, with front matter."""
