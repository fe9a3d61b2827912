"""The interface strings: one gettext catalogue per language in courseware/locale/, English for
whatever a language lacks, message by message; our catalogues are complete and well formed."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import get_args

import pytest
from babel.messages.pofile import read_po

from conftest import REPO
from courseware import catalogue
from courseware.content.blocks import CALLOUT_STYLES
from courseware.errors import CoursewareError
from courseware.spec.model import Course

POS = sorted(catalogue.LOCALE.glob("*.po"))


def _clear() -> None:
    for cached in (catalogue._files, catalogue._words, catalogue._english, catalogue._translations):
        cached.cache_clear()


@pytest.fixture
def locale(tmp_path, monkeypatch) -> Path:
    """A copy of courseware/locale/ that the catalogue reads instead, for a test to add a language to."""
    folder = tmp_path / "locale"
    shutil.copytree(catalogue.LOCALE, folder)
    monkeypatch.setattr(catalogue, "LOCALE", folder)
    monkeypatch.setattr(catalogue, "TEMPLATE", folder / "courseware.pot")
    _clear()
    yield folder
    _clear()


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def _template() -> dict[str, str]:
    return {m.context: m.id for m in _read(catalogue.TEMPLATE) if m.id}


def test_a_regional_tag_falls_back_to_its_language_then_to_english_message_by_message():
    assert catalogue.words("fr-CA")["callout_note"] == "Remarque"
    assert catalogue.words("fr_ca")["callout_note"] == "Remarque"
    swahili = catalogue.words("sw")  # quiz phrases, but no site labels yet
    assert (swahili["true"], swahili["callout_note"]) == ("Kweli", "Note")
    assert catalogue.words("sw-KE")["fill_blank"] == "Jaza pengo:"
    assert catalogue.words("wo") == catalogue.words("en")  # Wolof: no catalogue, all English
    for tag in ("en", "fr", "ar", "sw", "es", "pt", "zh-Hant-TW"):
        assert set(catalogue.words(tag)) == set(_template()), tag  # every message, whatever the language has


def test_english_is_the_templates_source_text():
    assert dict(catalogue.words("en")) == _template()
    assert catalogue.words("en")["level_advanced"] == "Advanced"
    assert catalogue.languages() == ["en", "ar", "es", "fr", "pt", "sw"]


def test_a_translator_adds_a_regional_variant_with_only_what_differs(locale):
    (locale / "fr-CA.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: fr_CA\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "home"\nmsgid "Course home"\nmsgstr "Accueil"\n\n'
        '#, fuzzy\nmsgctxt "next"\nmsgid "Next"\nmsgstr "Prochain"\n\n'  # fuzzy: not reviewed, not shown
        'msgctxt "retry"\nmsgid "Try again"\nmsgstr ""\n',  # untranslated: the language's own
        "utf-8",
    )
    canadian = catalogue.words("fr-CA")
    assert (canadian["home"], canadian["next"], canadian["retry"], canadian["which_term"]) == ("Accueil", "Suivant", "Réessayer", "Quel terme complète la phrase ?")
    assert catalogue.words("fr")["home"] == "Accueil du cours"
    assert catalogue.languages() == ["en", "ar", "es", "fr", "fr-CA", "pt", "sw"]


def test_a_broken_catalogue_is_a_located_error(locale):
    (locale / "sw.po").write_text('msgid ""\nmsgstr ""\n\nmsgctxt "home"\nmsgid "Course home"\n\nmsgctxt "skip"\n', "utf-8")
    with pytest.raises(CoursewareError) as caught:
        catalogue.words("sw")
    assert str(caught.value) == f"{locale / 'sw.po'}:4: missing msgstr for msgid 'Course home'; fix the entry (msgfmt --check sw.po shows it too)"


def test_language_names_are_endonyms_as_a_menu_shows_them():
    names = {tag: catalogue.language_name(tag) for tag in ("en", "fr", "ar", "sw", "es", "pt-BR", "fr-CA")}
    assert names == {"en": "English", "fr": "Français", "ar": "العربية", "sw": "Kiswahili", "es": "Español", "pt-BR": "Português (Brasil)", "fr-CA": "Français (Canada)"}
    assert catalogue.language_name("x-klingon") == "x-klingon"  # a private-use tag CLDR cannot name


@pytest.mark.parametrize("path", POS, ids=lambda p: p.name)
def test_every_catalogue_is_well_formed_and_matches_the_template(path):
    english = _template()
    po = _read(path)
    assert str(po.locale).replace("_", "-").lower() == path.stem.lower()  # its Language header is its file name
    messages = [m for m in po if m.id]
    assert all(m.context in english for m in messages), [m.context for m in messages if m.context not in english]
    assert [m.context for m in messages if m.id != english[m.context]] == []  # translated from today's English
    assert [m.context for m in messages if m.fuzzy] == []
    assert len({m.context for m in messages}) == len(messages)
    check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert check.returncode == 0 and check.stderr == "", check.stderr  # GNU gettext reads it as we do


def test_every_message_a_template_or_renderer_asks_for_is_in_the_template():
    english = _template()
    asked = set()
    for page in (REPO / "courseware/templates").rglob("*.html"):
        asked |= set(re.findall(r"\bwords\.(\w+)", page.read_text("utf-8"))) | set(re.findall(r"""\bwords\[["'](\w+)["']\]""", page.read_text("utf-8")))
    for module in (REPO / "courseware").rglob("*.py"):
        asked |= set(re.findall(r"""\b(?:words|labels)\[["'](\w+)["']\]""", module.read_text("utf-8")))
    asked |= {f"callout_{style}" for style in CALLOUT_STYLES} | {f"level_{level}" for level in get_args(Course.model_fields["level"].annotation)}
    assert {"home", "callout_note", "which_term", "true", "level_introductory"} <= asked  # the scan finds them
    assert sorted(asked - set(english)) == []


def test_the_catalogues_ship_in_the_wheel():
    """A built wheel holds every file of courseware/locale/ (checked by hand with `pip wheel .`:
    the shared venv's setuptools cannot build this pyproject offline)."""
    globs = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]["courseware"]
    package = REPO / "courseware"
    for path in catalogue.LOCALE.iterdir():
        assert any(path.relative_to(package).match(glob) for glob in globs), path.name


def test_a_build_with_a_broken_catalogue_names_its_place_and_keeps_what_finished(cli, project, locale):
    line = (locale / "fr.po").read_text("utf-8").count("\n") + 2  # the msgctxt of the entry added here
    with (locale / "fr.po").open("a", encoding="utf-8") as po:
        po.write('\nmsgctxt "home"\nmsgid "Course home"\n')  # a translator's half-written entry: no msgstr
    result = cli("build", "course_specs/evaluation-formative.yaml", "--formats", "markdown")
    assert result.exit_code == 3
    problem = f"{locale / 'fr.po'}:{line}: missing msgstr for msgid 'Course home'; fix the entry (msgfmt --check fr.po shows it too)"
    tasks = [f"{lesson}/{kind}" for lesson in ("m1-l1", "m1-l2", "m2-l1") for kind in ("quiz", "slides")]
    assert result.stderr.splitlines() == [*(f"{task}: {problem}" for task in tasks), "evaluation-formative: 6 task(s) failed; what finished is saved, rerun to do the rest"]
    assert sorted(p.name for p in (project / "output/evaluation-formative/content/m1-l1").iterdir()) == ["lesson.md"]
