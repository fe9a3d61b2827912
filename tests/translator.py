"""A stand-in translator for tests: writes every translation a course needs, each text replaced by
recognisably French or Arabic words that keep its placeholders, as a model or an XLIFF import would."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from courseware.plan import plan
from courseware.spec.load import load_spec
from courseware.translate.plan import TranslationTask, translation_file
from courseware.translate.stage import plan_stage
from courseware.translate.run import put_back
from courseware.translate.units import PLACEHOLDER, Unit

WORDS = {
    "fr": "Le texte de la leçon est traduit en français pour les étudiants",
    "ar": "هذا النص من الدرس مترجم إلى اللغة العربية للطلاب",
}


def stand_in(unit: Unit, language: str, glossary: tuple[tuple[str, str], ...] = ()) -> str:
    """A translation of `unit` in `language`: fixed words, the unit's placeholders in their order
    (a link's label kept), and the approved term of every glossary term the source uses."""
    words = WORDS[language]
    marks = [m.group(0) for m in PLACEHOLDER.finditer(unit.text)]
    terms = [target for term, target in glossary if term.casefold() in unit.text.casefold()]
    return " ".join([words, *terms, *marks, f"({unit.id})"])


def translation_tasks(spec_path: Path, output: Path) -> list[TranslationTask]:
    """Every translation task of a course built into `output`, as the build plans them."""
    loaded = load_spec(spec_path)
    return plan_stage(loaded, plan(loaded.spec, None, lambda kind: {}), output / loaded.spec.course.id / "content").tasks


def translate_all(spec_path: Path, output: Path, only: str | None = None, answer: Callable[[Unit, TranslationTask], str] | None = None) -> list[str]:
    """Write every translation of the course (of one language with `only`), each text as
    `answer(unit, task)` gives it (by default `stand_in`); returns their paths."""
    content_dir = output / load_spec(spec_path).spec.course.id / "content"
    answer = answer or (lambda unit, task: stand_in(unit, task.language, task.glossary))
    written = []
    for task in translation_tasks(spec_path, output):
        if only and task.language != only:
            continue
        text = translation_file(task, put_back(task, {u.id: answer(u, task) for u in task.units()}), "stand-in", "test")
        path = content_dir / task.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(task.path)
    return written


def body(path: Path) -> str:
    """A content file's text below its front matter."""
    return re.split(r"^---\n", path.read_text(encoding="utf-8"), maxsplit=2, flags=re.M)[2]
