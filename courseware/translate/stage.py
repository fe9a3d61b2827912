"""The build's translation stage: after the content is settled, plan each language's translations
from the files on disk, translate what is new or stale where the provider can, and tell which
languages are complete enough to render."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from courseware.content.files import ContentFile
from courseware.content.history import replace_reviewed
from courseware.errors import BuildRefused, CoursewareError
from courseware.plan import CONFLICT, CURRENT, EDITED, NEW, STALE, Task
from courseware.spec.load import LoadedSpec
from courseware.translate.plan import TranslationTask, parse_translation, plan_translations, read_translation, sources, translation_file, translation_status
from courseware.translate.units import Translatable
from courseware.writer import ChangedOnDisk, Writer

READY = (CURRENT, EDITED)


@dataclass
class Translations:
    """Every translation task of a course with its status and file, and what was done to them."""

    tasks: list[TranslationTask]
    statuses: dict[str, str]
    files: dict[str, ContentFile]
    generated: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    failures: dict[str, CoursewareError] = field(default_factory=dict)
    waiting: list[str] = field(default_factory=list)  # a batch build's round: translations whose answers wait for a batch
    conflicts: list[str] = field(default_factory=list)
    changed_meanwhile: list[str] = field(default_factory=list)
    backups: list[tuple[str, Path]] = field(default_factory=list)
    parsed: dict[str, Translatable] = field(default_factory=dict)  # by translation task id

    def languages(self) -> list[str]:
        """The target languages, in spec order."""
        return list(dict.fromkeys(t.language for t in self.tasks))

    def ready(self, language: str) -> bool:
        """Whether every translation of `language` is current or edited (or was just made): only
        then it renders."""
        return all(t.id in self.parsed for t in self.tasks if t.language == language)

    def of(self, language: str) -> dict[str, Translatable]:
        """The parsed translations of a ready language, by the content task id they translate
        ("m1-l1/lesson", "course/overview") and "facts"."""
        return {_source_id(t): self.parsed[t.id] for t in self.tasks if t.language == language}

    def counts(self, language: str) -> Counter:
        return Counter(self.statuses[t.id] for t in self.tasks if t.language == language)


def _source_id(task: TranslationTask) -> str:
    return task.id.split("/", 1)[1]


def plan_stage(loaded: LoadedSpec, tasks: list[Task], content_dir: Path) -> Translations:
    """The translation tasks of the content as it is on disk now, with their statuses. Writes nothing."""
    if not loaded.spec.translations:
        return Translations([], {}, {})
    planned = plan_translations(loaded.spec, tasks, sources(loaded.spec, tasks, content_dir), loaded.path.name)
    files = {}
    for task in planned:
        file = read_translation(content_dir, task)
        if file is not None:
            files[task.id] = file
    statuses = {t.id: translation_status(t, files.get(t.id)) for t in planned}
    return Translations(planned, statuses, files)


def pending(translations: Translations) -> list[TranslationTask]:
    """The translations a build would make: new, stale or in conflict."""
    return [t for t in translations.tasks if translations.statuses[t.id] in (NEW, STALE, CONFLICT)]


def refuse_frozen(translations: Translations, spec_path: Path) -> None:
    """Under --frozen, a translation that is not current (or a kept hand edit) stops the build."""
    waiting = pending(translations)
    if waiting:
        per_language = []
        for language in translations.languages():
            mine = [t for t in waiting if t.language == language]
            if mine:
                counts = Counter(translations.statuses[t.id] for t in mine)
                shown = ", ".join(t.id for t in mine[:3]) + (f" and {len(mine) - 3} more" if len(mine) > 3 else "")
                per_language.append(f"{language}: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + f" ({shown})")
        raise BuildRefused(f"{spec_path}: frozen build, but {len(waiting)} translation(s) are not current: {'; '.join(per_language)}; translate them (a build with a model, or 'courseware translations export' and 'import') and commit them")


def remember(translations: Translations, task: TranslationTask, course_dir: Path) -> TranslationTask:
    """A stale translation with the texts of its source that did not change remembered (their
    translation kept, not asked again); any other as it is."""
    from dataclasses import replace

    from courseware.translate.memory import remembered

    if translations.statuses[task.id] != STALE:
        return task
    return replace(task, remembered=remembered(task, translations.files.get(task.id), course_dir))


def run_stage(translations: Translations, provider, chosen: list[TranslationTask], jobs: int, progress, content_dir: Path) -> None:
    """Translate `chosen` through `provider`, writing each file as soon as it is done (a hand
    edit saved meanwhile is kept, one replaced on request is backed up first)."""
    from courseware.generate.provider import Deferred
    from courseware.generate.runner import run_tasks
    from courseware.translate.memory import keep_source
    from courseware.translate.run import translate_task

    writer = Writer(content_dir)

    def save(task: TranslationTask, content: Translatable) -> None:
        text = translation_file(task, content, provider.name, provider.model)
        try:
            if replace_reviewed(writer, content_dir.parent, task.path, text, translations.files.get(task.id), translations.backups, task.id):
                translations.written.append(task.path)
        except ChangedOnDisk:
            translations.changed_meanwhile.append(task.id)
            return
        keep_source(content_dir.parent, task)
        translations.parsed[task.id] = content

    done, failures = run_tasks(chosen, lambda task: translate_task(provider, task), jobs, progress, save)  # type: ignore[arg-type]
    order = [t.id for t in chosen]
    translations.waiting = [t.id for t in chosen if isinstance(failures.get(t.id), Deferred)]
    translations.failures = {t.id: failures[t.id] for t in chosen if t.id in failures and t.id not in translations.waiting}
    translations.generated = [t for t in order if t in done and t not in translations.changed_meanwhile]
    translations.written.sort(key=[t.path for t in chosen].index)


def parse_kept(translations: Translations) -> None:
    """Read back every translation that renders as it is (current or edited): a broken hand edit
    is a located error before anything is rendered."""
    for task in translations.tasks:
        if translations.statuses[task.id] in READY and task.id not in translations.parsed:
            translations.parsed[task.id] = parse_translation(task, translations.files[task.id])


def needed_lines(translations: Translations, spec_path: Path, provider_name: str, translates: bool, rendering: bool = False) -> list[str]:
    """A warning per language that does not render, saying what it waits for and how to get it."""
    lines = []
    for language in translations.languages():
        if translations.ready(language):
            continue
        left = [t for t in translations.tasks if t.language == language and t.id not in translations.parsed]
        waiting = dict(sorted(Counter(translations.statuses[t.id] for t in left).items()))
        summary = ", ".join(f"{n} {s}" for s, n in waiting.items())
        total = sum(waiting.values())
        how = "build with a model" if rendering else f"the {provider_name} provider cannot translate: build with a model (--provider openai --model ...)" if not translates else "rerun the build"
        lines.append(f"{language}: {total} translation(s) needed ({summary}), so {language} is not rendered; {how}, or have a translator do them: 'courseware translations export {spec_path} --to {language}', then 'courseware translations import FILE'")
    return lines
