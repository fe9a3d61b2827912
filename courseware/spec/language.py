"""BCP 47 language tags: validity and writing direction."""

from __future__ import annotations

# Languages and scripts written right to left (ISO 639 / ISO 15924 codes).
RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "ha-arab", "he", "iw", "ks", "ku-arab", "pa-arab", "ps", "sd", "syr", "ug", "ur", "yi"}
RTL_SCRIPTS = {"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr"}


def check_language_tag(tag: str) -> str:
    """Return the tag if it is a valid BCP 47 tag; raise ValueError with a hint otherwise."""
    import langcodes

    if "_" in tag:
        raise ValueError(f"invalid language tag {tag!r}; BCP 47 uses '-', e.g. {tag.replace('_', '-')!r}")
    if not tag or not langcodes.tag_is_valid(tag):
        raise ValueError(f"invalid language tag {tag!r}; use a BCP 47 tag such as 'en', 'fr', 'ar' or 'sw-KE'")
    return tag


def direction(tag: str) -> str:
    """'rtl' for right-to-left languages or scripts, else 'ltr'."""
    parts = tag.lower().split("-")
    if any(part in RTL_SCRIPTS for part in parts[1:]):
        return "rtl"
    if len(parts) > 1 and len(parts[1]) == 4:  # an explicit non-RTL script wins over the language
        return "ltr"
    return "rtl" if parts[0] in RTL_LANGUAGES else "ltr"
