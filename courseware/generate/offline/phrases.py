"""The phrase tables moved to courseware/generate/phrases.py (both providers use them)."""

from courseware.generate.phrases import PHRASES, phrases  # noqa: F401
