"""The pipeline, top to bottom: spec -> plan -> generate -> reviewed markdown -> Course -> render."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from courseware.buildlock import course_lock
from courseware.content.figures import shown
from courseware.content.files import ContentFile, parse_content, read_content_file, render_file
from courseware.content.history import replace_reviewed
from courseware.content.leftovers import leftovers, remove_temp_files
from courseware.course import read_course
from courseware.content.model import Article, Quiz, SlideDeck
from courseware.errors import BuildRefused, CoursewareError, GenerationError
from courseware.generate.figures import source_figures
from courseware.generate.provider import Deferred, FatalProviderError, Provider, ProviderContext, make_provider
from courseware.generate.runner import Progress, run_tasks
from courseware.generate.settings import LLMConfig, resolve
from courseware.generate.stats import Stats
from courseware.plan import CONFLICT, NEW, STALE, Task, plan, status
from courseware.grounding.select import Grounding
from courseware.grounding.sources import SourceDocument, read_sources, source_media
from courseware.names import MEDIA_DIR
from courseware.spec.load import LoadedSpec, load_spec
from courseware.translate.stage import Translations, needed_lines, parse_kept, pending, plan_stage, refuse_frozen, remember, run_stage
from courseware.writer import ChangedOnDisk, Writer

if TYPE_CHECKING:
    from courseware.batch.collect import Collector


@dataclass(frozen=True)
class Options:
    output: Path = Path("output")
    frozen: bool = False
    force: bool = False
    regenerate: tuple[str, ...] = ()
    formats: tuple[str, ...] | None = None
    llm: dict = field(default_factory=dict)  # LLM settings given on the command line
    wait: bool = False  # wait for another build of the same course instead of stopping at once
    on_wait: Callable[[str], None] | None = None  # told once when a build starts waiting
    templates: Path | None = None  # --templates: a template folder instead of the spec's
    dist: Path | None = None  # render there instead of <course>/dist (`courseware serve`'s preview)
    batch: Collector | None = None  # a batch build's round (courseware/batch/): calls are collected, not made


@dataclass
class Planned:
    """A course's tasks with their status and the files already there."""

    loaded: LoadedSpec
    config: LLMConfig
    provider: Provider
    stats: Stats
    content_dir: Path
    tasks: list[Task]
    statuses: dict[str, str]
    files: dict[str, ContentFile]
    orphans: list[str]
    sources: list[SourceDocument] = field(default_factory=list)


@dataclass
class Report:
    course_id: str
    content_dir: Path
    statuses: dict[str, str]
    orphans: list[str] = field(default_factory=list)
    generated: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)
    failures: dict[str, CoursewareError] = field(default_factory=dict)
    usage: str = ""  # the calls/tokens/cost summary, for providers that call a model
    cost: float | None = None  # its estimated dollars, when the model has a price
    live_cost: float | None = None  # what the same answers cost asked live (a batch build's comparison)
    read: int = 0  # content files read back for rendering
    changed_meanwhile: list[str] = field(default_factory=list)  # tasks whose file a human changed during the build
    backups: list[tuple[str, Path]] = field(default_factory=list)  # (task, copy of the hand edit it replaced)
    warnings: list[str] = field(default_factory=list)  # hand edits and content this build leaves out
    pruned: list[str] = field(default_factory=list)  # files of an earlier render removed from dist/
    translations: Translations | None = None  # the translation stage, when the course has translations
    languages: list[str] = field(default_factory=list)  # the languages rendered, the original first
    waiting: list[str] = field(default_factory=list)  # a batch build's round: tasks whose answers wait for a batch


def plan_course(spec: Path | LoadedSpec, options: Options) -> Planned:
    """Load the spec and its sources, plan the tasks and read what content exists. Writes nothing."""
    loaded = spec if isinstance(spec, LoadedSpec) else load_spec(spec)
    sources = read_sources(loaded.spec.source_files(), loaded.root)  # course, module and lesson sources
    grounding = Grounding(loaded.spec, sources)
    config = resolve(loaded.spec.llm, loaded.root, options.llm)
    stats = options.batch.stats(loaded.spec.course.id) if options.batch else Stats()  # a batch build counts across its rounds
    content_dir = options.output / loaded.spec.course.id / "content"
    figures = source_figures(sources, content_dir) if config.provider != "offline" else ()  # the offline provider reads them from its passages
    provider = make_provider(config.provider, ProviderContext(loaded.spec, sources, config, stats, content_dir, figures, grounding, options.batch))
    tasks = plan(loaded.spec, grounding, provider.identity, provider.own_quiz_pools)
    files = {}
    for task in tasks:
        file = read_content_file(content_dir / task.path, str(content_dir / task.path))
        if file is not None:
            files[task.id] = file
    statuses = {t.id: status(t, files[t.id].recorded if t.id in files else None) for t in tasks}
    lesson_ids = {lesson.id for lesson in loaded.spec.lessons()}
    languages = set(loaded.spec.translations)
    orphans = sorted(p.name for p in content_dir.iterdir() if p.is_dir() and p.name not in lesson_ids | languages and p.name != MEDIA_DIR) if content_dir.is_dir() else []
    for language in sorted(languages):  # a translation's folder holds one folder per lesson too
        folder = content_dir / language
        orphans += sorted(f"{language}/{p.name}" for p in folder.iterdir() if p.is_dir() and p.name not in lesson_ids) if folder.is_dir() else []
    return Planned(loaded, config, provider, stats, content_dir, tasks, statuses, files, orphans, sources)


def spec_ref(path: Path) -> str:
    """How course.md names the spec it was built from: its path from the working folder."""
    return Path(os.path.relpath(path.resolve(), Path.cwd().resolve())).as_posix()


def build(spec_path: Path, options: Options) -> Report:
    """Generate what is new or stale, keep hand edits, write the markdown, then render; one build
    of a course at a time (the course folder is locked from planning to the last file)."""
    loaded = load_spec(spec_path)
    with course_lock(options.output / loaded.spec.course.id, options.wait, options.on_wait):
        return _build(loaded, options)


def _build(loaded: LoadedSpec, options: Options) -> Report:
    remove_temp_files(options.output / loaded.spec.course.id)  # a killed build's half-written files
    planned = plan_course(loaded, options)
    check_selectors(planned.tasks, options.regenerate, planned.loaded.spec.translations)
    templates = approved_templates(planned.loaded, options)
    report = Report(planned.loaded.spec.course.id, planned.content_dir, planned.statuses, planned.orphans)
    own_spec = spec_ref(loaded.path)
    left_out = leftovers(options.output, planned.content_dir, planned.orphans, own_spec)
    report.warnings = [str(w) for w in planned.loaded.warnings] + left_out
    chosen = [t for t in planned.tasks if _should_generate(t, planned.statuses[t.id], options)]
    report.conflicts = [t.id for t in planned.tasks if planned.statuses[t.id] == CONFLICT and t not in chosen]

    if options.frozen:
        pending = [t for t in planned.tasks if planned.statuses[t.id] in (NEW, STALE, CONFLICT)]
        refusals = [f"{planned.loaded.path}: frozen build, but {line}" for line in left_out]
        if pending:
            listed = ", ".join(f"{t.id} ({planned.statuses[t.id]})" for t in pending)
            refusals.insert(0, f"{planned.loaded.path}: frozen build, but {len(pending)} task(s) would be generated: {listed}; run 'courseware build' and commit the content")
        if refusals:
            raise BuildRefused("\n".join(refusals))
        chosen = []

    # Every kept file must read back before anything is written: a broken hand edit stops here.
    generating = {t.id for t in chosen}  # by id: comparing two Tasks compares their inputs
    known = {t.id: parse_content(t, planned.files[t.id]) for t in planned.tasks if t.id in planned.files and t.id not in generating}

    if chosen:
        if options.batch is not None and not planned.provider.calls_model:
            raise CoursewareError(f"{planned.loaded.path}: --batch: the {planned.provider.name} provider calls no model; use --provider openai, or build without --batch")
        planned.provider.prepare()
    progress = Progress(planned.stats, enabled=planned.provider.calls_model and options.batch is None)  # a batch round says what it collected
    writer = Writer(planned.content_dir)
    course_dir = planned.content_dir.parent

    def save(task: Task, content: Article | Quiz | SlideDeck) -> None:
        """Write a finished task's file at once; a failed task elsewhere never loses it. The file
        is replaced only if it is still what the plan read: an edit saved meanwhile is kept."""
        provider = planned.provider
        text = render_file(task, content, provider.name, provider.model, own_spec if task.kind == "overview" else None, provider.answered_by(task.id))
        try:
            if replace_reviewed(writer, course_dir, task.path, text, planned.files.get(task.id), report.backups, task.id):
                report.written.append(task.path)
        except ChangedOnDisk:
            report.changed_meanwhile.append(task.id)

    generated, failures = run_tasks(chosen, lambda task: _generate(planned, task), planned.config.concurrency, progress, save, planned.provider)
    report.waiting = [t.id for t in chosen if isinstance(failures.get(t.id), Deferred)]
    report.failures = {t.id: failures[t.id] for t in chosen if t.id in failures and t.id not in report.waiting}  # task order, not finishing order
    report.written.sort(key=[t.path for t in chosen].index)
    report.changed_meanwhile.sort(key=[t.id for t in chosen].index)
    report.generated = [t.id for t in chosen if t.id in generated and t.id not in report.changed_meanwhile]
    known.update({task_id: content for task_id, content in generated.items() if task_id not in report.changed_meanwhile})
    report.warnings += planned.provider.notes()
    if not options.frozen:
        _write_media(planned, known, writer)
    if report.conflicts or report.failures or report.changed_meanwhile or report.waiting:
        _usage(planned, report)
        return report  # not rendered over: the CLI exits non-zero, or a batch round goes on
    report.translations = _translate(planned, options, progress)  # a failed or conflicting one keeps its language from rendering
    _usage(planned, report)
    if report.translations.waiting:
        report.waiting = report.translations.waiting
        return report  # the course renders once, when its batch answers are all in
    report.warnings += needed_lines(report.translations, planned.loaded.path, planned.provider.name, planned.provider.translates)
    _render(planned.loaded, planned.tasks, planned.content_dir, options, report, known, templates, report.translations)
    return report


def _usage(planned: Planned, report: Report) -> None:
    if planned.provider.calls_model:
        stats, config = planned.stats, planned.config
        report.usage = stats.summary(config.model, config.prices, local=planned.provider.local, batch_prices=config.batch_prices)
        report.cost, report.live_cost = stats.cost(config.model, config.prices, config.batch_prices), stats.live_cost(config.model, config.prices)


def _translate(planned: Planned, options: Options, progress: Progress) -> Translations:
    """The translation stage, once the content is settled: plan from the files on disk, translate
    what is new or stale where the provider can (in conflict: only with --force or --regenerate),
    and read back every translation that renders as it is."""
    translations = plan_stage(planned.loaded, planned.tasks, planned.content_dir)
    if options.frozen:
        refuse_frozen(translations, planned.loaded.path)
    waiting = [t for t in translations.tasks if any(t.matches(s) for s in options.regenerate) or t in pending(translations)]
    chosen = [t for t in waiting if translations.statuses[t.id] != CONFLICT or options.force or any(t.matches(s) for s in options.regenerate)]
    translations.conflicts = [t.id for t in waiting if t not in chosen]
    parse_kept(translations)
    if chosen and planned.provider.translates and not options.frozen:
        chosen = [t if any(t.matches(s) for s in options.regenerate) else remember(translations, t, planned.content_dir.parent) for t in chosen]  # asked again: all of it
        run_stage(translations, planned.provider, chosen, planned.config.concurrency, progress, planned.content_dir)
    return translations


def render_course(spec_path: Path, options: Options) -> Report:
    """Re-render from the reviewed markdown alone: no provider, no model, no content key."""
    loaded = load_spec(spec_path)
    content_dir = options.output / loaded.spec.course.id / "content"
    tasks = plan(loaded.spec, None, lambda kind: {})  # only the file of each task matters here
    report = Report(loaded.spec.course.id, content_dir, {}, warnings=[str(w) for w in loaded.warnings])
    templates = approved_templates(loaded, options)
    with course_lock(content_dir.parent, options.wait, options.on_wait):
        report.translations = plan_stage(loaded, tasks, content_dir)
        parse_kept(report.translations)
        report.warnings += needed_lines(report.translations, loaded.path, "", True, rendering=True)
        _render(loaded, tasks, content_dir, options, report, None, templates, report.translations)
    return report


def approved_templates(loaded: LoadedSpec, options: Options) -> Path | None:
    """The user's template folder, if any, once every file in it is approved: before anything is written."""
    from courseware.render.templates import UserTemplates, user_folder

    folder = user_folder(loaded, options.templates)
    if folder is not None:
        UserTemplates(folder).require_approved()
    return folder


def _render(loaded: LoadedSpec, tasks: list[Task], content_dir: Path, options: Options, report: Report, known: dict | None, templates: Path | None, translations: Translations | None = None) -> None:
    """Render the course, then each translation whose every file is current or edited, into
    dist/<lang>/ with the original's layout."""
    from dataclasses import replace

    from courseware.render import render
    from courseware.render.notices import collected

    ready = [lang for lang in translations.languages() if translations.ready(lang)] if translations else []
    languages = (loaded.spec.course.language, *ready)
    course = read_course(loaded, tasks, content_dir, known or {}, templates)
    if ready:
        course = replace(course, languages=languages)
    report.read = len(tasks)
    formats = list(options.formats or loaded.spec.outputs)
    dist = Writer(options.dist or content_dir.parent / "dist", hold=True)  # a template failing on the last page leaves dist/ as it was
    with collected() as notices:  # what a format could not show as written, said once (render/notices.py)
        report.rendered, report.unavailable = render(course, formats, dist)
        for language in ready:
            from courseware.translate.course import translated_course
            from courseware.writer import Subfolder

            assert translations is not None
            translated = translated_course(loaded, tasks, content_dir, language, translations.of(language), languages, templates)
            render(translated, formats, Subfolder(dist, language))
            report.read += len(translations.of(language))
    report.languages = list(languages)
    report.warnings += notices.lines
    dist.flush()
    report.pruned = dist.prune()  # dist/ is exactly what this render made: no page of a removed lesson survives


def _write_media(planned: Planned, contents: dict, writer: Writer) -> None:
    """Copy the images embedded in PDF, Word and PowerPoint sources that the content shows to
    content/_media/ (committed with the content, like any figure beside a lesson)."""
    media = source_media(planned.sources)
    if not media:
        return
    paths = {t.id: t.path for t in planned.tasks}
    wanted = sorted({
        posixpath.normpath(posixpath.join(posixpath.dirname(paths[task_id]), figure.src))
        for task_id, content in contents.items() for figure in shown(content)
    } & media.keys())
    for relative in wanted:
        writer.write_bytes(relative, media[relative])


def _generate(planned: Planned, task: Task) -> Article | Quiz | SlideDeck:
    """Run the provider on one task; its error names the task and, where it can, the spec line."""
    try:
        return planned.provider.generate(task)
    except FatalProviderError:
        raise  # about the server, not this task: said once for the whole build
    except GenerationError as exc:
        kind = type(exc)
        if exc.where is None:
            raise kind(f"{task.id}: {exc}") from None
        loc = planned.loaded.lesson_loc(task.lesson_id) + exc.where if task.lesson_id else exc.where
        raise kind(problems=[planned.loaded.problem(loc, f"{task.id}: {exc}")]) from None
    except CoursewareError as exc:  # e.g. the response cache could not be written: name the task too
        raise GenerationError("\n".join(f"{task.id}: {line}" for line in exc.lines())) from None


def _should_generate(task: Task, state: str, options: Options) -> bool:
    if any(task.matches(selector) for selector in options.regenerate):
        return True
    if state in (NEW, STALE):
        return True
    return state == CONFLICT and options.force


def check_selectors(tasks: list[Task], selectors: tuple[str, ...], languages: list[str] = ()) -> None:  # type: ignore[assignment]
    """Every --regenerate value must name a task, a lesson, 'course' or 'all', a translation
    language, or one translation (its language, '/', the task it translates or 'facts')."""
    for selector in selectors:
        language, _, rest = selector.partition("/")
        if selector in languages or (language in languages and (rest == "facts" or any(t.id == rest for t in tasks))):
            continue
        if not any(t.matches(selector) for t in tasks):
            raise CoursewareError(f"--regenerate {selector}: no such task or lesson; see 'courseware plan' for task ids")

