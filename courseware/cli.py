"""The command line: thin commands over the pipeline; heavy modules are imported inside them."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    help="Turn a YAML course spec into reviewed markdown courseware.\n\nExit codes: 0 success; 1 invalid input, or a build refused (conflict with a hand edit, stale content under --frozen, unapproved prompt or template), or a lint finding; 2 wrong command-line usage; 3 some generation tasks failed (what finished is kept; rerun to do the rest).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

SpecsArg = Annotated[list[Path], typer.Argument(help="Spec files, or folders of *.yaml specs.", show_default=False)]
SpecArg = Annotated[Path, typer.Argument(help="The course spec (YAML).", show_default=False)]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="Folder that holds <course-id>/content and <course-id>/dist.")]
ProviderOpt = Annotated[Optional[str], typer.Option("--provider", help="Provider instead of the spec's llm.provider: offline or openai. Env: COURSEWARE_PROVIDER.")]
ModelOpt = Annotated[Optional[str], typer.Option("--model", help="Model name (openai provider). Env: COURSEWARE_MODEL.")]
BaseUrlOpt = Annotated[Optional[str], typer.Option("--base-url", help="OpenAI-compatible endpoint. Env: COURSEWARE_BASE_URL or OPENAI_BASE_URL.")]
WaitOpt = Annotated[bool, typer.Option("--wait", help="If another build of the same course is running, wait for it instead of stopping.")]
PromptsOpt = Annotated[Optional[Path], typer.Option("--prompts", help="Folder of prompt templates with its own prompts.lock. Env: COURSEWARE_PROMPTS.")]
BatchesOpt = Annotated[Optional[Path], typer.Option("--batches", help="The batch folder: what a batch build submitted and what came back (default .courseware/batches). Env: COURSEWARE_BATCHES.")]
TemplatesOpt = Annotated[Optional[Path], typer.Option("--templates", help="Folder of your own HTML/SCO/PPTX templates instead of the spec's `templates` (it may lie anywhere; it needs its own templates.lock).")]


def _print_version(value: bool) -> None:
    if value:
        from courseware import __version__

        print(f"courseware {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the installed version and exit.")] = False,
) -> None:
    # What the imports made lives as long as the process: frozen, no collection walks it again
    # (in a live build of the bench course, the first full one took 70 ms before the first call).
    gc.freeze()


def _spec_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
            if not inside:
                _fail([f"{path}: no spec files (*.yaml) in this folder"])
            found += inside
        else:
            found.append(path)
    return found


def _fail(lines: list[str], code: int = 1) -> None:
    for line in lines:
        _error(line)
    raise typer.Exit(code)


def _error(line: str) -> None:
    """Print an error or warning line on stderr, through the redactor: whatever path a server's or
    an exception's text took to get here, no secret is printed and the line stays one line."""
    from courseware.redact import line as redacted

    print(redacted(line), file=sys.stderr, flush=True)


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


@app.command()
def init(
    course_id: Annotated[str, typer.Argument(help="Id of the new course: letters, digits and '-'.", show_default=False)],
    title: Annotated[str, typer.Option(help="Course title.")] = "Getting Started with courseware",
    language: Annotated[str, typer.Option(help="BCP 47 language tag of the course.")] = "en",
    folder: Annotated[Path, typer.Option("--dir", help="Folder for the spec and its sources.")] = Path("course_specs"),
) -> None:
    """Scaffold a commented spec and a sources folder that build as they are.

    Example: courseware init intro-statistics --title "Introductory Statistics"
    """
    from courseware.errors import CoursewareError
    from courseware.scaffold import scaffold

    try:
        written = scaffold(folder, course_id, title, language)
    except CoursewareError as exc:
        _fail(exc.lines())
    for path in written:
        print(f"created {path}")
    dist = Path("output") / course_id / "dist"  # where `courseware build` writes by default
    print(f"next: run 'courseware build {written[0]}' (offline: no model, no key, a few seconds)")
    print(f"then open {dist / 'html' / 'index.html'} (the site) and {dist / f'{course_id}.pptx'} (the deck)")
    print(f"review the markdown in {dist.parent / 'content'}/, edit {written[0]} and {written[1]}, and build again")


def _unreadable_sources(loaded) -> list[str]:
    """What the readers say of the sources they cannot read (a damaged PDF, a Word file with a
    password), one line each: validation reads every source as a build would."""
    from courseware.errors import CoursewareError
    from courseware.grounding.sources import read_sources

    found = []
    for doc in read_sources(loaded.spec.source_files(), loaded.root):
        try:
            doc.document
        except CoursewareError as exc:
            found += exc.lines()
    return found


@app.command()
def validate(specs: SpecsArg) -> None:
    """Check specs: every problem as FILE:LINE:COL: key.path: message.

    Example: courseware validate course_specs/blended-teaching.yaml
    """
    from courseware.errors import CoursewareError
    from courseware.spec.load import load_spec

    failed = False
    for path in _spec_files(specs):
        try:
            loaded = load_spec(path)
        except CoursewareError as exc:
            failed = True
            for line in exc.lines():
                _error(line)
            continue
        _warn(loaded.warnings)
        unreadable = _unreadable_sources(loaded)
        if unreadable:
            failed = True
            for line in unreadable:
                _error(line)
            continue
        spec = loaded.spec
        lessons = spec.lessons()
        print(f"{path}: valid: '{spec.course.title}' ({spec.course.language}), {len(spec.objectives)} objectives, {len(spec.modules)} modules, {len(lessons)} lessons, {len(spec.source_files())} sources")
    if failed:
        raise typer.Exit(1)


@app.command()
def lint(specs: SpecsArg, output: OutputOpt = Path("output")) -> None:
    """Check the committed quizzes, hand edits included; exit 1 on a finding (FILE:LINE:COL: message).

    Checks: every objective of a lesson assessed; as many questions as the lesson asks for; one
    right answer; distinct options, look-alikes included; no 'all/none of the above'; the right
    answer not the one longest option; right answers spread over the positions within 10 points of
    uniform over the course; blanks and right answers key terms (no stop word, single letter or
    fragment of a word); statements that end as statements and come from the sources' narrative
    (not an image's alt text or caption, an exercise or a solution); no item asked twice in the
    course. Translations: each uses the glossary's approved terms where its source uses the term,
    and reads in its own language. Prints the Bloom levels each lesson's items test.

    Example: courseware lint course_specs/
    """
    from courseware.errors import CoursewareError
    from courseware.grounding.sources import read_sources
    from courseware.lint import lint_course
    from courseware.spec.load import load_spec
    from courseware.translate.lint import lint_translations

    failed = False
    for path in _spec_files(specs):
        try:
            loaded = load_spec(path)
            spec = loaded.spec
            report = lint_course(spec, output / spec.course.id / "content", read_sources(spec.source_files(), loaded.root))
            report.findings.extend(lint_translations(loaded, output / spec.course.id / "content"))
        except CoursewareError as exc:
            failed = True
            for line in exc.lines():
                _error(line)
            continue
        for line in report.levels:
            print(line)
        for finding in report.findings:
            _error(str(finding))
        found = len(report.findings)
        print(f"{spec.course.id}: {report.quizzes} quizzes, {report.items} items: {found or 'no'} finding{'s' if found != 1 else ''}")
        failed = failed or bool(found)
    if failed:
        raise typer.Exit(1)


@app.command()
def plan(
    spec: SpecArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    output: OutputOpt = Path("output"),
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    prompts: PromptsOpt = None,
) -> None:
    """List the generation tasks with content key and status, calling no model.

    Statuses: new, current, stale, edited (kept), conflict (edited, and its inputs changed).

    Example: courseware plan course_specs/blended-teaching.yaml --json
    """
    from courseware.build import Options, plan_course
    from courseware.errors import CoursewareError

    try:
        planned = plan_course(spec, Options(output=output, llm={"provider": provider, "model": model, "base_url": base_url, "prompts": prompts}))
    except CoursewareError as exc:
        _fail(exc.lines())
    _warn(planned.loaded.warnings)
    from courseware.translate.stage import plan_stage

    try:
        translations = plan_stage(planned.loaded, planned.tasks, planned.content_dir)
    except CoursewareError as exc:
        _fail(exc.lines())
    rows = [
        {"id": t.id, "kind": t.kind, "lesson": t.lesson_id, "path": str(planned.content_dir / t.path), "key": t.key, "status": planned.statuses[t.id]}
        for t in planned.tasks
    ]
    translated = [
        {"id": t.id, "language": t.language, "kind": t.kind, "lesson": t.lesson_id, "translates": t.source_path, "path": str(planned.content_dir / t.path), "key": t.key, "status": translations.statuses[t.id]}
        for t in translations.tasks
    ]
    if as_json:
        import json

        identity = {"provider": planned.provider.name, "model": planned.provider.model}
        print(json.dumps({"course": planned.loaded.spec.course.id, "provider": identity, "tasks": rows, "translations": translated}, indent=2, ensure_ascii=False))
        return
    from collections import Counter

    from rich.table import Table

    table = Table("task", "status", "key", "file", box=None, pad_edge=False)
    for row in rows + translated:
        table.add_row(row["id"], row["status"], row["key"][:12], row["path"])
    console = _console()
    console.print(table)
    counts = Counter(r["status"] for r in rows)
    console.print(f"{len(rows)} tasks: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())), markup=False)
    for language in translations.languages():
        counts = translations.counts(language)
        state = "renders" if all(s in ("current", "edited") for s in counts.elements()) else "not rendered until every one is current"
        console.print(f"{language}: {sum(counts.values())} translations: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + f" ({state})", markup=False)
    from courseware.build import spec_ref
    from courseware.content.leftovers import leftovers

    _warn(leftovers(output, planned.content_dir, planned.orphans, spec_ref(planned.loaded.path)))


def _warn(lines: list[str]) -> None:
    for line in lines:
        _error(f"warning: {line}")


@app.command()
def build(
    specs: SpecsArg,
    output: OutputOpt = Path("output"),
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    prompts: PromptsOpt = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, max=256, help="Model calls in flight at once (default 4). Env: COURSEWARE_JOBS.")] = None,
    cache: Annotated[Optional[Path], typer.Option("--cache", help="Response cache folder (default .courseware/cache). Env: COURSEWARE_CACHE.")] = None,
    frozen: Annotated[bool, typer.Option("--frozen", help="Call no model; fail listing the tasks that would be generated (for CI).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Regenerate conflicting files, overwriting their hand edits.")] = False,
    regenerate: Annotated[Optional[list[str]], typer.Option("--regenerate", help="Regenerate a task or a lesson (e.g. m1-l2 or m1-l2/quiz) even if current or edited.")] = None,
    formats: Annotated[Optional[str], typer.Option("--formats", help="Comma-separated formats to render instead of the spec's outputs.")] = None,
    wait: WaitOpt = False,
    templates: TemplatesOpt = None,
    batch: Annotated[bool, typer.Option("--batch", help="Ask the model through its Batch API (half the price, answers within 24 h): submit every call of every course, wait, write and render. Rerun the same command after a stop: it carries on with the batches already submitted.")] = False,
    batches: BatchesOpt = None,
    poll: Annotated[Optional[float], typer.Option("--poll", min=0, help="With --batch: seconds between looks at the open batches (default 60). Env: COURSEWARE_BATCH_POLL.")] = None,
    finish_live: Annotated[bool, typer.Option("--finish-live", help="With --batch: ask live, at the live price, what a batch ended without answering (expired, failed, cancelled) instead of a new batch.")] = False,
) -> None:
    """Generate what is new or stale, keep hand edits, write reviewed markdown, render.

    Example: courseware build course_specs/ --provider openai --model gpt-4o-mini
    """
    from courseware.build import Options, build as run_build

    llm = {"provider": provider, "model": model, "base_url": base_url, "prompts": prompts, "concurrency": jobs, "cache_dir": cache}
    options = Options(output=output, frozen=frozen, force=force, regenerate=tuple(regenerate or ()), formats=_formats(formats), llm=llm, wait=wait, on_wait=_say, templates=templates)
    if not batch:
        if poll is not None or finish_live:
            _fail(["--poll and --finish-live go with --batch"], code=2)
        _each_spec(specs, run_build, options)
        return
    if frozen:
        _fail(["--batch and --frozen do not go together: a frozen build calls no model"], code=2)
    from courseware.cli_batch import batch_build

    batch_build(_spec_files(specs), options, _batch_options(batches, poll, finish_live))


def _batch_options(folder: Path | None, poll: float | None, finish_live: bool = False):
    import os

    from courseware.batch.run import DEFAULT_FOLDER, DEFAULT_POLL_SECONDS, BatchOptions

    if poll is None and os.environ.get("COURSEWARE_BATCH_POLL"):
        try:
            poll = float(os.environ["COURSEWARE_BATCH_POLL"])
        except ValueError:
            _fail([f"COURSEWARE_BATCH_POLL={os.environ['COURSEWARE_BATCH_POLL']!r}: expected a number of seconds"], code=2)
    folder = folder or Path(os.environ.get("COURSEWARE_BATCHES") or DEFAULT_FOLDER)
    return BatchOptions(folder=folder, poll=DEFAULT_POLL_SECONDS if poll is None else poll, finish_live=finish_live)


def _say(line: str) -> None:
    _error(line)


@app.command()
def render(
    specs: SpecsArg,
    output: OutputOpt = Path("output"),
    formats: Annotated[Optional[str], typer.Option("--formats", help="Comma-separated formats to render instead of the spec's outputs.")] = None,
    wait: WaitOpt = False,
    templates: TemplatesOpt = None,
) -> None:
    """Re-render from the reviewed markdown, without any model call.

    Example: courseware render course_specs/blended-teaching.yaml
    """
    from courseware.build import Options, render_course

    _each_spec(specs, render_course, Options(output=output, formats=_formats(formats), wait=wait, on_wait=_say, templates=templates))


def _formats(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    from courseware.spec.model import OUTPUTS

    chosen = tuple(dict.fromkeys(f.strip() for f in value.split(",") if f.strip()))  # each once
    unknown = [f for f in chosen if f not in OUTPUTS]
    if unknown:
        _fail([f"--formats: unknown format(s) {', '.join(unknown)}; choose from {', '.join(OUTPUTS)}"], code=2)
    return chosen


def _each_spec(specs: list[Path], run, options) -> None:
    """Run `run` on each spec, saying each course's outcome as it is done; exit with the worst code."""
    from courseware.errors import CoursewareError

    failed = 0
    console = _console()
    for path in _spec_files(specs):
        try:
            report = run(path, options)
        except CoursewareError as exc:
            failed = max(failed, _said(exc))
            continue
        failed = max(failed, _show(path, report, console))
    if failed:
        raise typer.Exit(failed)


def _said(exc) -> int:
    """Print a course's error, one problem a line; its exit code."""
    for line in exc.lines():
        _error(line)
    return exc.exit_code


def _show(path: Path, report, console) -> int:
    """Say what a course's build or render did; the exit code it calls for (0: all went well)."""
    from collections import Counter

    failed = 0
    if report.statuses:
        counts = Counter(report.statuses.values())
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        console.print(f"{report.course_id}: {len(report.statuses)} tasks ({summary}); generated {len(report.generated)}, wrote {len(report.written)} file(s) in {report.content_dir}", markup=False)
    else:
        console.print(f"{report.course_id}: read {report.read} content files in {report.content_dir}", markup=False)
    translations = report.translations
    if translations is not None and translations.tasks:
        for language in translations.languages():
            counts = translations.counts(language)
            summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
            made = [t for t in translations.generated if t.startswith(f"{language}/")]
            wrote = [p for p in translations.written if p.startswith(f"{language}/")]
            done = f"; translated {len(made)}, wrote {len(wrote)} file(s)" if report.statuses else ""
            console.print(f"{report.course_id}: {language}: {sum(counts.values())} translations ({summary}){done}", markup=False)
    _warn(report.warnings)
    for task_id, backup in report.backups + (translations.backups if translations else []):
        _error(f"{report.content_dir}: {task_id} was edited by hand; replaced it as asked, your version is kept in {backup}")
    if report.usage:
        console.print(f"{report.course_id}: {report.usage}", markup=False)
    said: set[str] = set()
    for error in report.failures.values():  # each names its task (and the spec line where it can)
        failed = 3
        for line in error.lines():
            if line not in said:  # a server-wide failure (connection refused) is said once
                said.add(line)
                _error(line)
    for error in (translations.failures.values() if translations else []):
        failed = 3
        for line in error.lines():
            if line not in said:
                said.add(line)
                _error(line)
    if report.failures or (translations and translations.failures):
        count = len(report.failures) + (len(translations.failures) if translations else 0)
        _error(f"{report.course_id}: {count} task(s) failed; what finished is saved, rerun to do the rest")
    for task_id in report.conflicts:
        failed = max(failed, 1)
        _error(f"{report.content_dir}: conflict: {task_id} was edited by hand and its inputs changed; kept it. See your edit with 'courseware diff {path} {task_id}', merge by hand and run 'courseware resolve {path} {task_id}', or rerun with --regenerate {task_id} (or --force) to replace it (your version is backed up)")
    for task_id in (translations.conflicts if translations else []):
        failed = max(failed, 1)
        _error(f"{report.content_dir}: conflict: {task_id} was edited by hand and the file it translates changed since; kept it, and its language is not rendered. Bring it up to date by hand and run 'courseware resolve {path} {task_id}', or rerun with --regenerate {task_id} (or --force) to translate it again (your version is backed up)")
    for task_id in report.changed_meanwhile + (translations.changed_meanwhile if translations else []):
        failed = max(failed, 1)
        _error(f"{report.content_dir}: conflict: {task_id} was changed on disk while the build ran; kept the change, not the generated text. Rerun the build to see where it stands")
    if report.rendered or report.unavailable:
        line = f"{report.course_id}: rendered {', '.join(report.rendered) or 'nothing'}"
        if len(report.languages) > 1:
            line += f" in {', '.join(report.languages)}"
        if report.pruned:
            line += f"; removed {len(report.pruned)} file(s) an earlier render left in dist/"
        if report.unavailable:
            line += f"; not available in this version: {', '.join(report.unavailable)}"
        console.print(line, markup=False)
    return failed


TasksArg = Annotated[list[str], typer.Argument(help="Task ids (m1-l2/quiz), lesson ids (m1-l2), 'course' or 'all'.", show_default=False)]


@app.command()
def diff(
    spec: SpecArg,
    tasks: TasksArg,
    output: OutputOpt = Path("output"),
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    prompts: PromptsOpt = None,
) -> None:
    """Show each hand edit against the text it was generated as (a unified diff).

    Example: courseware diff course_specs/blended-teaching.yaml m1-l2/quiz
    """
    from courseware.build import Options
    from courseware.review import diff as run_diff

    _print_lines(run_diff, spec, tasks, Options(output=output, llm={"provider": provider, "model": model, "base_url": base_url, "prompts": prompts}))


def _print_lines(run, spec: Path, tasks: list[str], options) -> None:
    """Run a review command and print its lines, or its error in one line."""
    from courseware.errors import CoursewareError

    try:
        lines = run(spec, tuple(tasks), options)
    except CoursewareError as exc:
        _fail(exc.lines())
    for line in lines:
        print(line)


@app.command()
def resolve(
    spec: SpecArg,
    tasks: TasksArg,
    output: OutputOpt = Path("output"),
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    prompts: PromptsOpt = None,
    wait: WaitOpt = False,
) -> None:
    """Accept merged files as current for the spec as it is now; they stay marked as hand edits.

    Use it after merging a conflict by hand; the file must read back and hold no conflict markers.

    Example: courseware resolve course_specs/blended-teaching.yaml m1-l1/lesson
    """
    from courseware.build import Options
    from courseware.review import resolve as run_resolve

    llm = {"provider": provider, "model": model, "base_url": base_url, "prompts": prompts}
    _print_lines(run_resolve, spec, tasks, Options(output=output, llm=llm, wait=wait, on_wait=_say))


from courseware.cli_reviewed import prompts_app, templates_app  # noqa: E402  (they use the helpers above)
from courseware.cli_translations import translations_app  # noqa: E402
from courseware.cli_batch import batch_app  # noqa: E402

app.add_typer(prompts_app, name="prompts")
app.add_typer(templates_app, name="templates")
app.add_typer(translations_app, name="translations")
app.add_typer(batch_app, name="batch")
import courseware.cli_serve  # noqa: E402,F401  (registers `courseware serve`)


def main() -> None:
    """Console entry point."""
    app()
