"""The words courseware shows around a course's own text (site and deck labels, offline quiz and
slide phrases, True/False), per language: gettext catalogues in courseware/locale/, one
<tag>.po per language, the English source in courseware.pot. See docs/languages.md."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import PoFileError, read_po

from courseware.errors import CoursewareError

LOCALE = Path(__file__).resolve().parent / "locale"
TEMPLATE = LOCALE / "courseware.pot"


def words(language: str) -> Mapping[str, str]:
    """Every message (by its msgctxt) for a BCP 47 tag: 'fr-CA' from fr-CA.po, then fr.po, then the
    English of courseware.pot, message by message (an untranslated or fuzzy entry is not used)."""
    return _words(_chain(language))


def languages() -> list[str]:
    """The tags that have a catalogue, English (the template's language) first."""
    return ["en", *sorted(path.stem for path in _files().values())]


def language_name(tag: str) -> str:
    """A language's name in itself, as a menu shows it: 'fr' -> 'Français', 'ar' -> 'العربية'; the
    tag itself for one CLDR does not know."""
    try:
        name = Locale.parse(tag.replace("_", "-"), sep="-").get_display_name() or tag
    except (ValueError, TypeError, UnknownLocaleError):
        return tag
    return name[:1].upper() + name[1:]  # CLDR's names are lowercase mid-sentence (français); a menu starts with a capital


def _chain(language: str) -> tuple[str, ...]:
    """The catalogues to try for a tag, most specific first: 'zh-Hant-TW' -> zh-hant-tw, zh-hant, zh."""
    parts = language.replace("_", "-").lower().split("-")
    return tuple("-".join(parts[:n]) for n in range(len(parts), 0, -1) if "-".join(parts[:n]) in _files())


@cache
def _words(chain: tuple[str, ...]) -> Mapping[str, str]:
    found = dict(_english())
    for tag in reversed(chain):  # the general language first, so that its regional variant wins
        found.update({key: text for key, text in _translations(_files()[tag]).items() if key in found})
    return MappingProxyType(found)


@cache
def _files() -> dict[str, Path]:
    """Each catalogue by its lowercased tag (the file name: pt-BR.po)."""
    return {path.stem.lower(): path for path in LOCALE.glob("*.po")}


@cache
def _english() -> dict[str, str]:
    return {message.context: message.id for message in _read(TEMPLATE) if message.id and message.context}


@cache
def _translations(path: Path) -> dict[str, str]:
    return {m.context: m.string for m in _read(path) if m.id and m.context and isinstance(m.string, str) and m.string and not m.fuzzy}


def _read(path: Path):
    """A catalogue; a broken one is FILE:LINE: problem (abort_invalid: Babel would otherwise skip it quietly)."""
    try:
        with path.open("rb") as handle:
            return read_po(handle, abort_invalid=True)
    except PoFileError as exc:
        problem = str(exc).removesuffix(f" on {exc.lineno}")
        raise CoursewareError(f"{path}:{exc.lineno}: {problem}; fix the entry (msgfmt --check {path.name} shows it too)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CoursewareError(f"{path}: cannot read the catalogue: {exc}") from None
