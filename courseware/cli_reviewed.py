"""`courseware prompts ...` and `courseware templates ...`: the reviewed folders (checked against
their lock, approved) and copies of the built-in ones to start your own from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from courseware.cli import PromptsOpt, TemplatesOpt, _fail

CopyDirArg = Annotated[Path, typer.Argument(metavar="DIR", help="A new (or empty) folder to copy into.", show_default=False)]

prompts_app = typer.Typer(help="Review prompt templates: check them against prompts.lock, approve them; copy the built-in ones to start your own.", no_args_is_help=True)


def _prompt_set(spec: Path | None, folder: Path | None):
    """The prompts folder a build would use: --prompts, else the environment, the spec, the built-in one."""
    from courseware.generate.prompts import PromptSet
    from courseware.generate.settings import resolve
    from courseware.spec.load import load_spec
    from courseware.spec.model import LLMSettings

    settings, root = (LLMSettings(), Path(".")) if spec is None else ((loaded := load_spec(spec)).spec.llm, loaded.root)
    return PromptSet(resolve(settings, root, {"prompts": folder}).prompts)


@prompts_app.command("check")
def prompts_check(
    spec: Annotated[Optional[Path], typer.Argument(help="A spec whose llm.prompts folder to check (default: the built-in prompts).", show_default=False)] = None,
    folder: PromptsOpt = None,
) -> None:
    """Exit 1 listing every template changed since it was approved.

    Example: courseware prompts check course_specs/blended-teaching.yaml
    """
    _check(lambda: _prompt_set(spec, folder), "prompt template")


@prompts_app.command("approve")
def prompts_approve(
    spec: Annotated[Optional[Path], typer.Argument(help="A spec whose llm.prompts folder to approve (default: the built-in prompts).", show_default=False)] = None,
    folder: PromptsOpt = None,
) -> None:
    """Record the current templates as reviewed and approved in prompts.lock.

    Example: courseware prompts approve --prompts my_prompts/
    """
    _approve(lambda: _prompt_set(spec, folder))


def _check(reviewed_folder, what: str) -> None:
    """Exit 1 listing each file of a locked folder (prompts, templates) that is not approved, or
    one that does not compile."""
    from courseware.errors import CoursewareError

    try:
        reviewed = reviewed_folder()
        problems = reviewed.lock.unapproved(reviewed.files())
        reviewed.compile_all()
    except CoursewareError as exc:
        _fail(exc.lines())
    if problems:
        _fail(problems)
    print(f"{reviewed.folder}: every {what} is approved")


def _approve(reviewed_folder) -> None:
    """Record every file of a locked folder as approved, once each compiles."""
    from courseware.errors import CoursewareError

    try:
        reviewed = reviewed_folder()
        files = reviewed.files()
        reviewed.compile_all()
        changed = reviewed.lock.approve(files)
    except CoursewareError as exc:
        _fail(exc.lines())
    for path in changed:
        print(f"approved: {path}")
    print(f"{reviewed.lock.path}: {len(changed)} change(s) approved")


templates_app = typer.Typer(help="Review your own templates (spec key `templates`, or --templates): check them against templates.lock, approve them; copy the built-in ones to start your own.", no_args_is_help=True)
TemplateSpecArg = Annotated[Optional[Path], typer.Argument(help="A spec whose `templates` folder to review.", show_default=False)]


def _user_templates(spec: Path | None, folder: Path | None, approving: bool):
    """The template folder a build would use: --templates, else the spec's `templates`."""
    from courseware.render.templates import UserTemplates, user_folder
    from courseware.spec.load import load_spec

    found = user_folder(None if spec is None else load_spec(spec), folder)
    if found is None:  # the built-in templates are the project's own code: no lock
        if approving:
            _fail([f"{spec or 'no spec'}: no template folder to approve; name one with the spec key `templates` or --templates DIR"])
        print(f"{spec or 'no spec'}: uses the built-in templates only; they need no lock")
        raise typer.Exit(0)
    return UserTemplates(found)


@templates_app.command("check")
def templates_check(spec: TemplateSpecArg = None, folder: TemplatesOpt = None) -> None:
    """Exit 1 listing every file of your template folder (HTML, CSS, JS, PPTX) changed since it was approved.

    Example: courseware templates check course_specs/blended-teaching.yaml
    """
    _check(lambda: _user_templates(spec, folder, approving=False), "template file")


@templates_app.command("approve")
def templates_approve(spec: TemplateSpecArg = None, folder: TemplatesOpt = None) -> None:
    """Record every file of your template folder as reviewed and approved in templates.lock.

    Example: courseware templates approve --templates my-look/
    """
    _approve(lambda: _user_templates(spec, folder, approving=True))


@prompts_app.command("copy")
def prompts_copy(folder: CopyDirArg) -> None:
    """Copy the built-in prompt templates, with their prompts.lock, into a new folder to edit.

    Example: courseware prompts copy course_specs/my-prompts
    """
    from courseware.generate.settings import BUILT_IN_PROMPTS

    count = _copy(BUILT_IN_PROMPTS, folder)
    print(f"copied the built-in prompts to {folder}: {count} files, approved as they are in {folder}/prompts.lock")
    print(f"next: edit them, run 'courseware prompts approve --prompts {folder}', and use them: set `prompts: {folder.name}` under `llm:` in a spec in {_spec_folder(folder)} (relative to the spec's folder), or pass --prompts {folder}")


@templates_app.command("copy")
def templates_copy(folder: CopyDirArg) -> None:
    """Copy the built-in templates (site, SCORM pages, deck master, README.md) into a new folder to edit, approved in templates.lock.

    Example: courseware templates copy course_specs/my-look
    """
    from courseware.render.templates import BUILT_IN, UserTemplates

    def approve(copy: Path) -> None:
        reviewed = UserTemplates(copy)
        reviewed.lock.approve(reviewed.files())  # courseware's own files: the copy starts approved

    count = _copy(BUILT_IN, folder, approve)
    print(f"copied the built-in templates to {folder}: {count} files, approved as they are in {folder}/templates.lock")
    print(f"next: edit them ({folder}/README.md says what each file gets), run 'courseware templates approve --templates {folder}', and use them: set `templates: {folder.name}` in a spec in {_spec_folder(folder)} (relative to the spec's folder), or pass --templates {folder}")


def _copy(source: Path, folder: Path, finish=None) -> int:
    from courseware.errors import CoursewareError
    from courseware.starter import copy_folder

    try:
        return copy_folder(source, folder, finish)
    except CoursewareError as exc:
        _fail(exc.lines())


def _spec_folder(folder: Path) -> str:
    from courseware.starter import spec_folder

    return spec_folder(folder)
