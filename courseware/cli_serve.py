"""`courseware serve SPEC`: a local preview of the site, rendered again and reloaded on every change."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from courseware.cli import OutputOpt, ProviderOpt, SpecArg, TemplatesOpt, _error, _fail, app


@app.command()
def serve(
    spec: SpecArg,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to serve on; 0 picks a free one.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Address to serve on; the default serves this computer only.")] = "127.0.0.1",
    output: OutputOpt = Path("output"),
    templates: TemplatesOpt = None,
    build: Annotated[bool, typer.Option("--build", help="Generate what is new or stale before each render, with the spec's provider (or --provider): the only way serve calls a model.")] = False,
    provider: ProviderOpt = None,
) -> None:
    """Preview the site: render it from the reviewed markdown, serve it, render again and reload the
    page on every change to the markdown, the spec, your templates or the sources.

    It calls no model (like 'courseware render') unless --build. It renders into
    OUTPUT/<course>/.courseware/preview/, never into dist/. A file that no longer reads shows as
    an error page naming the file and line until it is fixed. Ctrl-C stops it.

    Example: courseware serve course_specs/blended-teaching.yaml --port 8000
    """
    if provider is not None and not build:
        _fail(["--provider: only with --build; without it, serve renders what is on disk and calls no model"], code=2)
    from courseware.errors import CoursewareError
    from courseware.serve.preview import Settings
    from courseware.serve.session import run

    settings = Settings(spec=spec, output=output, templates=templates, build=build, provider=provider)
    try:
        run(settings, host, port, _say, _error)
    except CoursewareError as exc:
        _fail(exc.lines())


def _say(line: str) -> None:
    print(line, flush=True)
