"""`courseware translations ...`: XLIFF for human translators, export and import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from courseware.cli import OutputOpt, SpecArg, WaitOpt, _fail, _say, _warn

translations_app = typer.Typer(help="Hand translations to human translators as XLIFF 1.2 (OmegaT, Trados, memoQ, Weblate) and take them back.", no_args_is_help=True)


@translations_app.command("export")
def export(
    spec: SpecArg,
    to: Annotated[str, typer.Option("--to", help="The language to translate into: one of the spec's translations.", show_default=False)],
    output: OutputOpt = Path("output"),
    file: Annotated[Optional[Path], typer.Option("--file", help="Where to write the XLIFF (default: OUTPUT/<course>/translations/<course>.<lang>.xlf).")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Also export translations that are current or edited, with their text, for review.")] = False,
) -> None:
    """Write an XLIFF of the translations a language needs (new, stale, conflict), one <file> per content file.

    Example: courseware translations export course_specs/describing-data.yaml --to fr
    """
    from courseware.errors import CoursewareError
    from courseware.translate.xliff import export_xliff

    try:
        done = export_xliff(spec, output, to, file, everything)
    except CoursewareError as exc:
        _fail(exc.lines())
    _warn([f"{path} is not generated yet: it has no translation to export; build the course first" for path in done.not_generated])
    if not done.files:
        print(f"{spec}: every {done.language} translation is current or edited; nothing to export (--all exports them for review)")
        return
    reviewed = f", {done.translated} with their current translation" if done.translated else ""
    print(f"wrote {done.path}: {done.files} file(s), {done.units} text(s){reviewed}, {done.words} word(s) to translate into {done.language}")
    print(f"next: translate it in your CAT tool, then run 'courseware translations import {done.path}'")


@translations_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A translated XLIFF that 'courseware translations export' wrote.", show_default=False)],
    output: OutputOpt = Path("output"),
    spec: Annotated[Optional[Path], typer.Option("--spec", help="The course spec, if the XLIFF moved away from where it was exported (it names the spec relative to its own folder).")] = None,
    wait: WaitOpt = False,
) -> None:
    """Check every unit (all there, inline codes intact, the course's language, the source unchanged) and write the translation files.

    Nothing is written if any unit of any file is wrong. A hand-edited translation it replaces is
    backed up first (OUTPUT/<course>/backups/).

    Example: courseware translations import output/describing-data/translations/describing-data.fr.xlf
    """
    from courseware.errors import CoursewareError
    from courseware.translate.xliff import import_xliff

    try:
        done = import_xliff(file, output, spec, wait, _say)
    except CoursewareError as exc:
        _fail(exc.lines())
    _warn(done.warnings)
    for task_id, path in done.backups:
        _say(f"{done.content_dir}: {task_id} was edited by hand; replaced it with the imported translation, your version is kept in {path}")
    for path in done.kept:
        _say(f"{done.content_dir / path}: changed on disk while importing; kept the change, not the imported translation. Import again to replace it")
    print(f"imported {file}: {done.files} file(s), wrote {len(done.written)} translation file(s) in {done.content_dir}")
    if done.kept:
        raise typer.Exit(1)
