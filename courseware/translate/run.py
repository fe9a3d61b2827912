"""One translation task through a provider: its units translated, put back into the source's
structure, every placeholder checked."""

from __future__ import annotations

from courseware.errors import GenerationError
from courseware.generate.provider import Provider
from courseware.translate.plan import TranslationTask
from courseware.translate.units import Translatable, UnitError, rebuild, repointer


def translate_task(provider: Provider, task: TranslationTask) -> Translatable:
    """The translated content of `task`; a GenerationError names the task and the unit."""
    answers = provider.translate(task) if task.asked() else {}  # every text remembered: no call
    return put_back(task, {**task.remembered, **answers})


def put_back(task: TranslationTask, answers: dict[str, str]) -> Translatable:
    """The source of `task` with `answers` (unit id -> translated text) in place of its texts."""
    assert task.source is not None
    try:
        return rebuild(task.source, answers, repointer(task.source_path, task.path))
    except UnitError as exc:
        raise GenerationError(f"{task.id}: text {exc.unit.id} ({exc.unit.where}): {exc}") from None
