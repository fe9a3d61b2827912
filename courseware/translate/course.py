"""A translation as a Course: the spec with its translated facts, the translated content, the
original's figures, ready for every renderer."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from courseware.course import Course, read_course
from courseware.plan import Task
from courseware.spec.load import LoadedSpec
from courseware.translate.facts import Facts, apply_facts
from courseware.translate.plan import FACTS
from courseware.translate.units import Translatable


def translated_course(
    loaded: LoadedSpec, tasks: list[Task], content_dir: Path, language: str, translations: dict[str, Translatable],
    languages: tuple[str, ...], templates: Path | None,
) -> Course:
    """The course in `language`: `translations` holds each content task's translated model by
    its id, and the facts under "facts"; a task missing there is read from content/<lang>/."""
    facts = translations[FACTS]
    assert isinstance(facts, Facts)
    spec = apply_facts(loaded.spec, language, facts)
    known = {task.id: translations[task.id] for task in tasks if task.id in translations}
    return read_course(
        dataclasses.replace(loaded, spec=spec), tasks, content_dir / language, known, templates,  # type: ignore[arg-type]
        languages=languages, original_dir=content_dir,
    )
