"""The pipeline, top to bottom: spec -> plan -> generate -> reviewed markdown -> Course -> render."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from courseware.content.files import ContentFile, parse_content, read_content_file, render_file
from courseware.course import read_course
from courseware.content.model import Article, Quiz, SlideDeck
from courseware.errors import BuildRefused, CoursewareError, GenerationError, Problem
from courseware.generate.provider import Provider, ProviderContext, make_provider
from courseware.generate.runner import Progress, run_tasks
from courseware.generate.settings import LLMConfig, resolve
from courseware.generate.stats import Stats
from courseware.plan import CONFLICT, NEW, STALE, Task, plan, status
from courseware.sources import read_sources, sources_digest
from courseware.spec.load import LoadedSpec, load_spec
from courseware.writer import Writer


@dataclass(frozen=True)
class Options:
    output: Path = Path("output")
    frozen: bool = False
    force: bool = False
    regenerate: tuple[str, ...] = ()
    formats: tuple[str, ...] | None = None
    llm: dict = field(default_factory=dict)  # LLM settings given on the command line


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
    read: int = 0  # content files read back for rendering
    warnings: list[Problem] = field(default_factory=list)  # the spec's, e.g. a large source


def plan_course(spec_path: Path, options: Options) -> Planned:
    """Load the spec and its sources, plan the tasks and read what content exists. Writes nothing."""
    loaded = load_spec(spec_path)
    spec = loaded.spec
    sources = read_sources(spec.sources, loaded.root)
    config = resolve(spec.llm, loaded.root, options.llm)
    stats = Stats()
    provider = make_provider(config.provider, ProviderContext(spec, sources, config, stats))
    content_dir = options.output / spec.course.id / "content"
    tasks = plan(spec, sources_digest(sources), provider.identity)
    files = {}
    for task in tasks:
        file = read_content_file(content_dir / task.path, str(content_dir / task.path))
        if file is not None:
            files[task.id] = file
    statuses = {t.id: status(t, files[t.id].recorded if t.id in files else None) for t in tasks}
    lesson_ids = {lesson.id for lesson in spec.lessons()}
    orphans = sorted(p.name for p in content_dir.iterdir() if p.is_dir() and p.name not in lesson_ids) if content_dir.is_dir() else []
    return Planned(loaded, config, provider, stats, content_dir, tasks, statuses, files, orphans)


def build(spec_path: Path, options: Options) -> Report:
    """Generate what is new or stale, keep hand edits, write the markdown, then render."""
    planned = plan_course(spec_path, options)
    check_selectors(planned.tasks, options.regenerate)
    report = Report(planned.loaded.spec.course.id, planned.content_dir, planned.statuses, planned.orphans, warnings=list(planned.loaded.warnings))
    chosen = [t for t in planned.tasks if _should_generate(t, planned.statuses[t.id], options)]
    report.conflicts = [t.id for t in planned.tasks if planned.statuses[t.id] == CONFLICT and t not in chosen]

    if options.frozen:
        pending = [t for t in planned.tasks if planned.statuses[t.id] in (NEW, STALE, CONFLICT)]
        if pending:
            listed = ", ".join(f"{t.id} ({planned.statuses[t.id]})" for t in pending)
            raise BuildRefused(f"{planned.loaded.path}: frozen build, but {len(pending)} task(s) would be generated: {listed}; run 'courseware build' and commit the content")
        chosen = []

    # Every kept file must read back before anything is written: a broken hand edit stops here.
    known = {t.id: parse_content(t, planned.files[t.id]) for t in planned.tasks if t not in chosen and t.id in planned.files}

    if chosen:
        planned.provider.prepare()
    progress = Progress(planned.stats, enabled=planned.provider.calls_model)
    writer = Writer(planned.content_dir)

    def save(task: Task, content: Article | Quiz | SlideDeck) -> None:
        """Write a finished task's file at once; a failed task elsewhere never loses it."""
        if writer.write_text(task.path, render_file(task, content, planned.provider.name, planned.provider.model)):
            report.written.append(task.path)

    generated, failures = run_tasks(chosen, lambda task: _generate(planned, task), planned.config.concurrency, progress, save)
    report.failures = {t.id: failures[t.id] for t in chosen if t.id in failures}  # task order, not finishing order
    report.written.sort(key=[t.path for t in chosen].index)
    report.generated = [t.id for t in chosen if t.id in generated]
    known.update(generated)
    if planned.provider.calls_model:
        report.usage = planned.stats.summary(planned.config.model, planned.config.prices)

    if report.conflicts or report.failures:
        return report  # not rendered over: the CLI exits non-zero
    _render(planned.loaded, planned.tasks, planned.content_dir, options, report, known)
    return report


def render_course(spec_path: Path, options: Options) -> Report:
    """Re-render from the reviewed markdown alone: no provider, no model, no content key."""
    loaded = load_spec(spec_path)
    content_dir = options.output / loaded.spec.course.id / "content"
    tasks = plan(loaded.spec, {}, lambda kind: {})  # only the file of each task matters here
    report = Report(loaded.spec.course.id, content_dir, {}, warnings=list(loaded.warnings))
    _render(loaded, tasks, content_dir, options, report)
    return report


def _render(loaded: LoadedSpec, tasks: list[Task], content_dir: Path, options: Options, report: Report, known: dict | None = None) -> None:
    from courseware.render import render

    course = read_course(loaded, tasks, content_dir, known or {})
    report.read = len(tasks)
    formats = list(options.formats or loaded.spec.outputs)
    dist = Writer(content_dir.parent / "dist")
    report.rendered, report.unavailable = render(course, formats, dist)


def _generate(planned: Planned, task: Task) -> Article | Quiz | SlideDeck:
    """Run the provider on one task; its error names the task and, where it can, the spec line."""
    try:
        return planned.provider.generate(task)
    except GenerationError as exc:
        kind = type(exc)  # a fatal provider error stays fatal
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


def check_selectors(tasks: list[Task], selectors: tuple[str, ...]) -> None:
    """Every --regenerate value must name a task, a lesson, 'course' or 'all'."""
    for selector in selectors:
        if not any(t.matches(selector) for t in tasks):
            raise CoursewareError(f"--regenerate {selector}: no such task or lesson; see 'courseware plan' for task ids")

