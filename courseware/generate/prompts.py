"""Reviewed prompt templates: a manifest declaring each template's variables, sandboxed
rendering with StrictUndefined, and a lock file of approved hashes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from courseware.errors import CoursewareError, Problem

MANIFEST = "prompts.yaml"
LOCK = "prompts.lock"
KINDS = ("system", "overview", "lesson", "quiz", "slides")


class TemplateEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    variables: list[str]


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    system: TemplateEntry
    overview: TemplateEntry
    lesson: TemplateEntry
    quiz: TemplateEntry
    slides: TemplateEntry


@dataclass(frozen=True)
class PromptSet:
    """The templates of one prompts folder."""

    folder: Path

    @cached_property
    def manifest(self) -> Manifest:
        path = self.folder / MANIFEST
        if not path.is_file():
            raise CoursewareError(f"{path}:1:1: no prompt manifest here; point llm.prompts (or --prompts) at a folder like prompts/")
        try:
            return Manifest.model_validate(yaml.safe_load(path.read_text("utf-8")))
        except (yaml.YAMLError, ValidationError) as exc:
            raise CoursewareError(f"{path}:1:1: invalid prompt manifest: {str(exc).splitlines()[0]}; see docs/prompts.md") from None

    def text(self, kind: str) -> str:
        """The template source for a kind (read once per run)."""
        if kind not in self._texts:
            self._texts[kind] = self._read(kind)
        return self._texts[kind]

    @cached_property
    def _texts(self) -> dict[str, str]:
        return {}

    @cached_property
    def _compiled(self) -> dict:
        return {}

    def _read(self, kind: str) -> str:
        path = self.folder / getattr(self.manifest, kind).file
        try:
            return path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CoursewareError(f"{path}:1:1: cannot read the template ({exc}); check prompts.yaml") from None

    def files(self) -> dict[str, str]:
        """Every file the lock covers: the manifest and each template, with its text."""
        found = {MANIFEST: (self.folder / MANIFEST).read_text("utf-8")}
        for kind in KINDS:
            found[getattr(self.manifest, kind).file] = self.text(kind)
        return found

    def digest(self, kind: str) -> str:
        """The hash of a template's text (part of the content key)."""
        return _sha256(self.text(kind))

    def render(self, kind: str, variables: dict) -> str:
        """Render a template in a sandbox; an undeclared or missing variable is an error naming it."""
        if kind not in self._compiled:  # compiled once per run, not once per call
            self._compiled[kind] = self.compile(kind)
        template = self._compiled[kind]
        entry = getattr(self.manifest, kind)
        missing = set(entry.variables) - set(variables)
        if missing:
            raise CoursewareError(f"{self.folder / entry.file}: no value for declared variable(s) {', '.join(sorted(missing))}")
        from jinja2 import UndefinedError

        try:
            return template.render(**{k: variables[k] for k in entry.variables})
        except UndefinedError as exc:
            raise CoursewareError(f"{self.folder / entry.file}:1:1: {exc.message}; use only the declared variables ({', '.join(entry.variables)})") from None

    def compile_all(self) -> None:
        """Compile every template: syntax errors and undeclared variables surface here."""
        for kind in KINDS:
            self.compile(kind)

    def compile(self, kind: str):
        """The sandboxed template for a kind, refusing variables the manifest does not declare."""
        from jinja2 import StrictUndefined, TemplateSyntaxError, meta
        from jinja2.sandbox import SandboxedEnvironment

        env = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, autoescape=False)
        entry = getattr(self.manifest, kind)
        source = self.text(kind)
        path = self.folder / entry.file
        try:
            used = meta.find_undeclared_variables(env.parse(source))
            template = env.from_string(source)
        except TemplateSyntaxError as exc:
            raise CoursewareError(f"{path}:{exc.lineno}:1: template syntax error: {exc.message}") from None
        undeclared = used - set(entry.variables)
        if undeclared:
            raise CoursewareError(f"{path}:1:1: uses undeclared variable(s) {', '.join(sorted(undeclared))}; declare them in {MANIFEST} or remove them")
        return template

    # The lock ------------------------------------------------------------------------------

    def unapproved(self) -> list[str]:
        """Lines naming each file that differs from the lock (changed, new or removed)."""
        lock_path = self.folder / LOCK
        try:
            locked = json.loads(lock_path.read_text("utf-8")) if lock_path.is_file() else {}
        except json.JSONDecodeError:
            locked = {}
        current = {name: _sha256(text) for name, text in self.files().items()}
        problems = []
        for name in sorted(set(locked) | set(current)):
            if name not in locked:
                problems.append(f"{self.folder / name}: not approved (new); review it, then run 'courseware prompts approve'")
            elif name not in current:
                problems.append(f"{self.folder / name}: approved but no longer used; run 'courseware prompts approve'")
            elif locked[name] != current[name]:
                problems.append(f"{self.folder / name}: changed since it was approved; review the change, then run 'courseware prompts approve'")
        return problems

    def lock_text(self) -> str:
        """The lock file content approving the current files."""
        return json.dumps({name: _sha256(text) for name, text in sorted(self.files().items())}, indent=2) + "\n"

    def require_approved(self) -> None:
        """Stop before any model call if a template is not approved."""
        problems = self.unapproved()
        if problems:
            raise CoursewareError(problems=[Problem(p.split(": ", 1)[0], 1, 1, "", p.split(": ", 1)[1]) for p in problems])


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
