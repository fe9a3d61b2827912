"""`courseware build --batch` and `courseware batch ...`: a catalogue through a Batch API, and the
same requests for a server of your own (`vllm run-batch`) as files out and in."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from courseware.cli import BaseUrlOpt, BatchesOpt, ModelOpt, OutputOpt, ProviderOpt, SpecsArg, _batch_options, _console, _error, _fail, _said, _say, _show, _spec_files

batch_app = typer.Typer(help="A batch build's batches: their state, and the requests as a file for a server of your own (vllm run-batch) and its results back.", no_args_is_help=True)


def batch_build(specs: list[Path], options, batch) -> None:
    """`courseware build SPECS --batch`: every course through batches, then each course's outcome
    and what the catalogue cost, against what it would have cost live."""
    from courseware.batch.run import build_batch
    from courseware.errors import CoursewareError

    try:
        results = build_batch(specs, options, batch, _say)
    except KeyboardInterrupt:
        _error(f"stopped; the batches submitted keep running at the provider: rerun the same command to carry on with them ({batch.folder}; 'courseware batch status' shows them)")
        raise typer.Exit(130) from None
    except CoursewareError as exc:
        _said(exc)
        raise typer.Exit(exc.exit_code) from None
    failed = 0
    console = _console()
    for path, result in results:
        failed = max(failed, _said(result) if isinstance(result, CoursewareError) else _show(path, result, console))
    reports = [r for _, r in results if not isinstance(r, CoursewareError)]
    costs = [r.cost for r in reports if r.cost is not None]
    if len(reports) > 1 and costs:
        live = sum(r.live_cost or 0 for r in reports)
        console.print(f"{len(reports)} courses: estimated cost ${sum(costs):.4f} at the batch rate (asked live: ${live:.4f})", markup=False)
    if failed:
        raise typer.Exit(failed)


@batch_app.command("status")
def status(
    batches: BatchesOpt = None,
    refresh: Annotated[bool, typer.Option("--refresh/--no-refresh", help="Ask the provider how each open batch stands (needs its API key); --no-refresh shows what the folder recorded.")] = True,
) -> None:
    """Each batch a batch build submitted: its state, its counts, and what is still to ask.

    Example: courseware batch status
    """
    from courseware.batch.store import BatchStore
    from courseware.batch.submit import describe, poll
    from courseware.errors import CoursewareError
    from courseware.generate.openai_provider import openai_client

    folder = _batch_options(batches, None).folder
    store = BatchStore(folder)
    try:
        records = store.records()
    except CoursewareError as exc:
        _fail(exc.lines())
    if not records:
        print(f"{folder}: no batches; 'courseware build SPECS --batch' submits them")
        return
    for record in records:
        if refresh and not record.collected and record.batch_id:
            try:
                poll(store, record, openai_client(record.base_url, 60.0))
            except CoursewareError as exc:
                _error(f"warning: {exc.lines()[0]}; showing what {folder} recorded")
        print(describe(record))
    outcome = store.outcome()
    open_count = sum(1 for r in records if not r.collected)
    print(f"{len(records)} batch(es), {open_count} open; {len(outcome.answers)} answer(s) in, {len(outcome.unanswered)} request(s) a batch left unanswered, {len(outcome.waiting)} waiting")


@batch_app.command("export")
def export(
    specs: SpecsArg,
    to: Annotated[Path, typer.Option("--to", help="The JSONL file to write the requests to.", show_default=False)],
    output: OutputOpt = Path("output"),
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    batches: BatchesOpt = None,
) -> None:
    """Write every request a batch build would submit, for a server without a Batch API:
    `vllm run-batch -i FILE -o RESULTS --model M`, then `courseware batch import RESULTS`.

    Example: courseware batch export course_specs/ --to requests.jsonl --base-url http://gpu:8000/v1 --model M
    """
    from courseware.batch.run import rounds
    from courseware.batch.submit import request_line
    from courseware.build import Options
    from courseware.errors import CoursewareError
    from courseware.writer import Writer

    options = Options(output=output, llm={"provider": provider, "model": model, "base_url": base_url}, on_wait=_say)
    run = rounds(_spec_files(specs), options, _batch_options(batches, None))
    try:
        with run.collector.store.only_user():
            run.round()
    except CoursewareError as exc:
        _fail(exc.lines())
    failed = 0
    console = _console()
    for path, result in run.results():
        if isinstance(result, CoursewareError):
            failed = max(failed, _said(result))
        elif not result.waiting:  # every answer of the course was in: this round wrote and rendered it
            failed = max(failed, _show(path, result, console))
    waiting = list(run.collector.pending.values())
    lines = [request_line(c, body) for w in waiting for c, body in sorted(w.bodies.items())]
    if not lines:
        print("every request is answered: the courses are written and rendered (above)" if not failed else "nothing to export")
        raise typer.Exit(failed)
    try:
        Writer(to.parent).write_bytes(to.name, b"".join(lines))
    except CoursewareError as exc:
        _fail(exc.lines())
    models = sorted({w.model for w in waiting})
    print(f"wrote {to}: {len(lines)} request(s) to {', '.join(models)}")
    print(f"next: vllm run-batch -i {to} -o results.jsonl --model {models[0]}; then 'courseware batch import results.jsonl' and run this again until it has nothing to export")
    if len(models) > 1:
        _error(f"warning: {to} asks {len(models)} models; vllm run-batch serves one: run it once per model on the lines of that model")
    raise typer.Exit(failed)


@batch_app.command("import")
def import_results(
    results: Annotated[Path, typer.Argument(help="A results file (vllm run-batch's output, or a Batch API output file).", show_default=False)],
    batches: BatchesOpt = None,
) -> None:
    """Read a results file into the batch folder: the next batch build (or export) reads its answers.

    Example: courseware batch import results.jsonl
    """
    from courseware.batch.store import BatchStore, result_line
    from courseware.errors import CoursewareError

    try:
        data = results.read_bytes()
    except OSError as exc:
        _fail([f"{results}: cannot read ({exc.strerror or exc})"])
    lines, ids, failed = [], [], 0
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        custom_id, body, reason = result_line(line)
        if custom_id is None:
            _fail([f"{results}:{number}: not a batch result line ({reason}); expected one JSON object with custom_id and response, as vllm run-batch writes"])
        lines.append(line + b"\n")
        ids.append(custom_id)
        failed += body is None
    if not lines:
        _fail([f"{results}: no result lines"])
    store = BatchStore(_batch_options(batches, None).folder)
    try:
        with store.only_user():
            record = store.new_record("", "", lines, ids, kind="import", note=str(results))
    except CoursewareError as exc:
        _fail(exc.lines())
    errors = f", {failed} of them errors (asked again by the next export or batch build)" if failed else ""
    print(f"imported {len(lines)} result(s) from {results} as {record.name}{errors}", file=sys.stdout)
    print("next: 'courseware batch export SPECS --to FILE' again for what is left, or 'courseware build SPECS --batch' once nothing is")
