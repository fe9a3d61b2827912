"""XLIFF for human translators: export what a language still needs translated, and import the
translated file as reviewed translation files, writing nothing unless every unit of it is good."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from courseware.errors import CoursewareError, GenerationError, _visible
from courseware.plan import CONFLICT, CURRENT, EDITED, NEW, STALE
from courseware.spec.load import LoadedSpec, load_spec
from courseware.translate.plan import FACTS, TranslationTask, parse_translation, read_translation, translation_file, translation_status
from courseware.translate.stage import plan_stage
from courseware.translate.terms import missing_terms
from courseware.translate.memory import aligned, keep_source, remembered
from courseware.translate.units import PLACEHOLDER, check_placeholders, units
from courseware.translate.xliff_format import FileContext, NotXliff, ReadFile, Store, add_file, original, read
from courseware.writer import ChangedOnDisk, Writer

MAX_BYTES = 50_000_000
NEEDED = (NEW, STALE, CONFLICT)  # what a translator is asked for by default
PROVIDER = "xliff"
MODEL = "translator"  # who translated an imported file: a person, through whatever tool
SAME_WORDS = 4  # a target equal to its source from this many words: a tool may have copied the source


@dataclass
class Exported:
    """What `export_xliff` wrote: the file, and how much it asks a translator for."""

    path: Path
    language: str
    files: int
    units: int
    words: int
    translated: int  # units exported with their current translation (--all)
    not_generated: list[str] = field(default_factory=list)  # content files with no translation task yet
    seconds: float = 0.0


@dataclass
class Imported:
    """What `import_xliff` did: the translation files written (relative to `content_dir`)."""

    content_dir: Path
    files: int
    written: list[str] = field(default_factory=list)
    backups: list[tuple[str, Path]] = field(default_factory=list)  # (task, copy of the hand edit replaced)
    kept: list[str] = field(default_factory=list)  # changed on disk while importing: kept, not replaced
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def translation_tasks(loaded: LoadedSpec, content_dir: Path) -> tuple[list[TranslationTask], list[str]]:
    """Every translation task of the course from the content on disk, as the build plans them,
    and the content files that are not generated yet (they have none)."""
    from courseware.plan import plan

    tasks = plan(loaded.spec, None, lambda kind: {})  # only each task's file matters here
    planned = plan_stage(loaded, tasks, content_dir).tasks
    translated = {t.source_path for t in planned}
    return planned, [t.path for t in tasks if t.path not in translated]


def _language(loaded: LoadedSpec, tag: str) -> str:
    from courseware.spec.checks import targets

    chosen = {t.casefold(): t for t in targets(loaded.spec)}
    if tag.casefold() not in chosen:
        listed = ", ".join(chosen.values()) or "none"
        raise CoursewareError(f"{loaded.path}: '{tag}' is not a translation of this course (translations: {listed}); add it to the spec's translations")
    return chosen[tag.casefold()]


def export_xliff(spec_path: Path, output: Path, language: str, file: Path | None = None, everything: bool = False) -> Exported:
    """Write the XLIFF of the `language` translations that need a translator (new, stale,
    conflict), or of all of them with their current text as translated targets (`everything`)."""
    from courseware import __version__
    from translate.tools.pocount import wordcount

    started = time.perf_counter()
    loaded = load_spec(spec_path)
    spec = loaded.spec
    language = _language(loaded, language)
    course_dir = output / spec.course.id
    content_dir = course_dir / "content"
    planned, missing = translation_tasks(loaded, content_dir)
    if missing and not any(t.kind != FACTS for t in planned):
        raise CoursewareError(f"{content_dir}: no content to translate yet; run 'courseware build {spec_path}' first")
    path = file or course_dir / "translations" / f"{spec.course.id}.{language}.xlf"
    href = Path(os.path.relpath(spec_path.resolve(), path.parent.resolve())).as_posix()
    store = Store()
    store.setsourcelanguage(spec.course.language)
    counted = Exported(path, language, 0, 0, 0, 0, missing)
    for task in (t for t in planned if t.language == language):
        existing = read_translation(content_dir, task)
        state = translation_status(task, existing)
        if state not in NEEDED and not everything:
            continue
        if state in (CURRENT, EDITED) and existing is not None:
            targets = _current_targets(task, existing)
        else:  # a stale file: the texts that did not change keep their translation, the translator does the rest
            targets = remembered(task, existing, course_dir) if state == STALE else {}
        counted.units += add_file(store, task, FileContext(spec.course.id, href, spec.course.language, _about(loaded, task), __version__), targets)
        counted.files += 1
        counted.translated += len(targets)
        counted.words += sum(wordcount(PLACEHOLDER.sub(" ", u.text)) for u in task.units() if u.id not in targets)
    if counted.files:
        target = Writer(path.parent)
        target.write_bytes(path.name, bytes(store))
    counted.seconds = time.perf_counter() - started
    return counted


def _about(loaded: LoadedSpec, task: TranslationTask) -> str:
    """The line that tells a translator what a file is."""
    spec = loaded.spec
    if task.kind == FACTS:
        return f"Course “{spec.course.title}”, its facts"
    if task.lesson_id is None:
        return f"Course “{spec.course.title}”: the course overview"
    lesson = next(l for l in spec.lessons() if l.id == task.lesson_id)
    what = {"lesson": "lesson text", "quiz": "quiz", "slides": "slide deck"}.get(task.kind, task.kind)
    return f"Lesson {lesson.id} “{lesson.title}”, {what}"


def _current_targets(task: TranslationTask, file) -> dict[str, str]:
    """The texts of an existing translation by the source's unit ids, with its codes numbered as
    the source's; none when its structure no longer matches the source (a hand edit added a
    paragraph): then the translator sees the file as new."""
    try:
        return aligned(task.units(), units(parse_translation(task, file)))
    except CoursewareError:
        return {}


# --- import -------------------------------------------------------------------------------------


def import_xliff(path: Path, output: Path, spec_path: Path | None = None, wait: bool = False, on_wait=None) -> Imported:
    """Check every unit of a translated XLIFF and write its translation files; a CoursewareError
    lists every problem (`FILE:LINE: ...`) and nothing is written if there is any."""
    from courseware.buildlock import course_lock
    from courseware.content.history import replace_reviewed

    started = time.perf_counter()
    shown = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CoursewareError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise CoursewareError(f"{shown}: larger than {MAX_BYTES // 1_000_000} MB; split the translation into smaller files")
    try:
        files = read(data)
    except NotXliff as exc:
        raise CoursewareError(f"{shown}:{exc.line}: {exc}") from None
    loaded = load_spec(spec_path or _spec_of(path, files))
    spec = loaded.spec
    course_dir = output / spec.course.id
    content_dir = course_dir / "content"
    if not content_dir.is_dir():
        raise CoursewareError(f"{content_dir}: no content of the course '{spec.course.id}' here; give the folder it was built into with --output")
    planned, _ = translation_tasks(loaded, content_dir)
    answers, problems, warnings = _check(shown, files, loaded, planned)
    if problems:
        raise CoursewareError("\n".join(_visible(p) for p in problems))
    result = Imported(content_dir, len(answers), warnings=warnings)
    writer = Writer(content_dir)
    with course_lock(course_dir, wait, on_wait):
        for task, content in answers:
            before = read_translation(content_dir, task)  # read again under the lock: what a build may just have written
            text = translation_file(task, content, PROVIDER, MODEL)
            try:  # a hand-edited translation is replaced by the translator's as `build --force` does: backed up first
                if replace_reviewed(writer, course_dir, task.path, text, before, result.backups, task.id):
                    result.written.append(task.path)
                keep_source(course_dir, task)
            except ChangedOnDisk:
                result.kept.append(task.path)
    result.seconds = time.perf_counter() - started
    return result


def _spec_of(path: Path, files: list[ReadFile]) -> Path:
    """The spec a file was exported from: its header's reference, relative to the file's folder."""
    first = files[0]
    if not first.spec_href:
        raise CoursewareError(f"{path}:{first.line}: the <file> names no spec (the <reference> in its <header>); name the spec with --spec SPEC")
    spec = path.parent / first.spec_href
    if not spec.is_file():
        raise CoursewareError(f"{path}:{first.line}: the spec {first.spec_href} this file was exported from is not there (from the file's folder); name it with --spec SPEC")
    return spec


def _check(shown: str, files: list[ReadFile], loaded: LoadedSpec, planned: list[TranslationTask]):
    """The (task, translated content) of every file, the problems (one line each) and warnings."""
    from courseware.spec.checks import targets
    from courseware.translate.run import put_back

    spec = loaded.spec
    by_original = {(t.language, original(t)): t for t in planned}
    languages = {t.casefold(): t for t in targets(spec)}
    answers, problems, warnings = [], [], []
    seen: set[tuple[str, str]] = set()
    for found in files:
        at = f"{shown}:{found.line}"
        if found.course_id and found.course_id != spec.course.id:
            problems.append(f"{at}: this file is for the course '{found.course_id}', but {loaded.path} is '{spec.course.id}'")
            continue
        if found.source_language.casefold() != spec.course.language.casefold():
            problems.append(f"{at}: {found.original}: source-language '{found.source_language}' is not the course's language '{spec.course.language}'")
            continue
        language = languages.get(found.target_language.casefold())
        if language is None:
            listed = ", ".join(languages.values()) or "none"
            problems.append(f"{at}: {found.original}: target-language '{found.target_language}' is not a translation of this course (translations: {listed})")
            continue
        task = by_original.get((language, found.original))
        if task is None:
            problems.append(f"{at}: '{found.original}' is not a file of this course's {language} translation")
            continue
        if (language, found.original) in seen:
            problems.append(f"{at}: {found.original} ({language}) is in this XLIFF twice; keep one <file>")
            continue
        seen.add((language, found.original))
        if found.source_sha256 != task.source_sha256:
            problems.append(f"{at}: {found.original} changed since this file was exported; export again")
            continue
        before = len(problems)
        texts = _unit_texts(shown, found, task, problems, warnings)
        if len(problems) > before:
            continue
        try:
            answers.append((task, put_back(task, texts)))
        except GenerationError as exc:
            problems.append(f"{at}: {found.original}: {exc}")
    return answers, problems, warnings


def _unit_texts(shown: str, found: ReadFile, task: TranslationTask, problems: list[str], warnings: list[str]) -> dict[str, str]:
    """Each unit's translated text by id, after every check; problems and warnings appended."""
    source = {u.id: u for u in task.units()}
    texts: dict[str, str] = {}
    for extra in found.duplicates:
        problems.append(f"{shown}:{extra.line}: {found.original}: text {extra.id} is given twice; keep one <trans-unit>")
    for unit_id, got in found.units.items():
        at = f"{shown}:{got.line}: {found.original}"
        unit = source.get(unit_id)
        if unit is None:
            problems.append(f"{at}: there is no text '{unit_id}' in this file's source; remove that <trans-unit>")
            continue
        name = f"text {unit.id} ({unit.where})"
        if got.problem:
            problems.append(f"{at}: {name}: {got.problem}")
        elif got.target is None:
            problems.append(f"{at}: {name} has no translation; write it in its <target>")
        elif problem := check_placeholders(unit, got.target):
            problems.append(f"{at}: {name}: {problem}")
        else:
            texts[unit_id] = got.target
            if got.target == unit.text and len(PLACEHOLDER.sub(" ", unit.text).split()) >= SAME_WORDS:
                warnings.append(f"{at}: {name} is the same as its source; was it left untranslated?")
            for term, wanted in missing_terms(PLACEHOLDER.sub(" ", unit.text), got.target, task.glossary):
                warnings.append(f"{at}: {name}: the glossary translates '{term}' as '{wanted}', which this translation does not use")
    for unit_id, unit in source.items():
        if unit_id not in found.units:
            problems.append(f"{shown}:{found.line}: {found.original}: text {unit_id} ({unit.where}) is missing; keep every <trans-unit> the export wrote")
    return texts
