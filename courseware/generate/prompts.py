"""Reviewed prompt templates: a manifest declaring each template's variables, sandboxed
rendering with StrictUndefined, and a lock file of approved hashes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from courseware import safe_yaml
from courseware.errors import CoursewareError
from courseware.lock import Lock, sha256
from courseware.sandbox import environment, raise_located

MANIFEST = "prompts.yaml"
LOCK = "prompts.lock"
KINDS = ("system", "overview", "context", "lesson", "quiz", "slides", "translate")


class TemplateEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    variables: list[str]


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    system: TemplateEntry
    overview: TemplateEntry
    context: TemplateEntry  # what a lesson's three tasks share, first: one prefix for the server's cache
    lesson: TemplateEntry
    quiz: TemplateEntry
    slides: TemplateEntry
    # Translating content into the spec's `translations`; a prompts folder from before them may
    # lack it, and then only cannot translate.
    translate: TemplateEntry | None = None


@dataclass(frozen=True)
class PromptSet:
    """The templates of one prompts folder."""

    folder: Path

    @cached_property
    def manifest(self) -> Manifest:
        path = self.folder / MANIFEST
        if not path.is_file():
            raise CoursewareError(f"{path}:1:1: no prompt manifest here; point llm.prompts (or --prompts) at a folder that 'courseware prompts copy DIR' made")
        try:
            return Manifest.model_validate(safe_yaml.load(path.read_text("utf-8")))
        except (yaml.YAMLError, ValidationError) as exc:
            raise CoursewareError(f"{path}:1:1: invalid prompt manifest: {str(exc).splitlines()[0]}; compare it with the prompts.yaml that 'courseware prompts copy DIR' writes") from None

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

    def files(self) -> dict[str, bytes]:
        """Every file the lock covers: the manifest and each template, with its text."""
        found = {MANIFEST: (self.folder / MANIFEST).read_text("utf-8")}
        for kind in self.kinds():
            found[getattr(self.manifest, kind).file] = self.text(kind)
        return {name: text.encode("utf-8") for name, text in found.items()}

    def kinds(self) -> list[str]:
        """The kinds this folder has a template for."""
        return [kind for kind in KINDS if getattr(self.manifest, kind) is not None]

    def has(self, kind: str) -> bool:
        """Whether this folder has a template for `kind` (an older folder has none to translate)."""
        return getattr(self.manifest, kind) is not None

    def digest(self, kind: str) -> str:
        """The hash of a template's text (part of the content key)."""
        return sha256(self.text(kind).encode("utf-8"))

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

        path = str(self.folder / entry.file)
        try:
            return template.render(**{k: variables[k] for k in entry.variables})
        except UndefinedError as exc:
            raise CoursewareError(f"{path}:1:1: {exc.message}; use only the declared variables ({', '.join(entry.variables)})") from None
        except Exception as exc:  # e.g. the sandbox refusing an attribute: located, not a traceback
            raise_located(exc, {"<template>": path}, f"{path}:1")

    def compile_all(self) -> None:
        """Compile every template: syntax errors and undeclared variables surface here."""
        for kind in self.kinds():
            self.compile(kind)

    def compile(self, kind: str):
        """The sandboxed template for a kind, refusing variables the manifest does not declare."""
        from jinja2 import TemplateSyntaxError, meta

        env = environment(autoescape=False)
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

    @property
    def lock(self) -> Lock:
        return Lock(self.folder, LOCK, "courseware prompts approve")

    def unapproved(self) -> list[str]:
        """Lines naming each file that differs from the lock (changed, new or removed)."""
        return self.lock.unapproved(self.files())

    def require_approved(self) -> None:
        """Stop before any model call if a template is not approved."""
        self.lock.require_approved(self.files())
