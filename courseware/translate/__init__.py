"""Translations: translation units, the spec facts document, translation tasks, XLIFF, per-language content."""
