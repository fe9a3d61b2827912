"""Translation tasks: per target language, one for each content file and one for the spec's facts,
each keyed by the source body it translates and the glossary; their files and statuses."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from courseware.content.files import ContentFile, parse_content, read_content_file
from courseware.content.model import Quiz
from courseware.errors import ContentError, Problem
from courseware.markdown.frontmatter import FrontMatter, body_hash
from courseware.markdown.write import to_markdown
from courseware.names import SELECT_ALL
from courseware.plan import Recorded, Task, status
from courseware.spec.model import Spec
from courseware.translate.terms import occurs
from courseware.translate.facts import FACTS_FILE, Facts, facts_markdown, facts_of, parse_facts
from courseware.translate.units import Translatable, Unit, units

# Bump when a translation's file format or the meaning of its key changes.
TRANSLATION_FORMAT = 1
FACTS = "facts"


@dataclass(frozen=True)
class TranslationTask:
    """Translate one file into `language`: the content file at `source_path` (relative to the
    content folder; the spec for facts), written to `path`."""

    id: str  # "fr/m1-l1/lesson", "fr/course/overview", "fr/facts"
    language: str
    kind: str  # overview | lesson | quiz | slides | facts
    lesson_id: str | None
    source_path: str
    path: str
    key: str
    source_sha256: str
    glossary: tuple[tuple[str, str], ...] = ()
    source: Translatable | None = field(default=None, compare=False, repr=False)
    # Texts whose translation is kept from before their file changed (translate/memory.py), by unit id.
    remembered: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def units(self) -> list[Unit]:
        """The texts to translate, in reading order."""
        assert self.source is not None
        return units(self.source)

    def asked(self) -> list[Unit]:
        """The texts a translator or model must translate: all but the remembered ones."""
        return [u for u in self.units() if u.id not in self.remembered]

    def matches(self, selector: str) -> bool:
        """Whether `--regenerate selector` names this translation: its id, its language, or 'all'."""
        return selector in (SELECT_ALL, self.id, self.language)


def translation_key(language: str, source_sha256: str, glossary: tuple[tuple[str, str], ...]) -> str:
    """What decides a translation: its language, the source body and the approved terms. Not
    the provider or the prompt: a reviewed translation stays current until its source changes."""
    payload = {"format": TRANSLATION_FORMAT, "kind": "translation", "language": language, "source": source_sha256, "glossary": [list(p) for p in glossary]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Source:
    """A file translations are made from: its content model and body hash."""

    content: Translatable
    sha256: str


def sources(spec: Spec, tasks: list[Task], content_dir: Path) -> dict[str, Source]:
    """The current source of every translation, by content task id (and FACTS): each content
    file as it is on disk now. A task without a file yet has none (its translations wait)."""
    found: dict[str, Source] = {}
    for task in tasks:
        file = read_content_file(content_dir / task.path, str(content_dir / task.path))
        if file is not None:
            found[task.id] = Source(parse_content(task, file), body_hash(file.body))
    facts = facts_of(spec)
    found[FACTS] = Source(facts, body_hash(facts_markdown(facts)))
    return found


def plan_translations(spec: Spec, tasks: list[Task], found: dict[str, Source], spec_name: str) -> list[TranslationTask]:
    """Every translation task, language by language, in the content tasks' order, facts first;
    content not generated yet has none."""
    from courseware.spec.checks import targets

    planned: list[TranslationTask] = []
    for language in targets(spec):
        glossary = tuple(spec.glossary_terms(language))
        facts = found[FACTS]
        planned.append(_task(language, FACTS, None, spec_name, FACTS_FILE, facts, glossary))
        for task in tasks:
            if task.id in found:
                planned.append(_task(language, task.kind, task.lesson_id, task.path, task.path, found[task.id], glossary))
    return planned


def _task(language: str, kind: str, lesson_id: str | None, source_path: str, path: str, source: Source, glossary: tuple[tuple[str, str], ...]) -> TranslationTask:
    task_id = f"{language}/{path.removesuffix('.md')}" if kind != "overview" else f"{language}/course/overview"
    glossary = used_terms(glossary, units(source.content))  # a new term stales only the files that use it
    key = translation_key(language, source.sha256, glossary)
    return TranslationTask(task_id, language, kind, lesson_id, source_path, f"{language}/{path}", key, source.sha256, glossary, source.content)


def used_terms(glossary: tuple[tuple[str, str], ...], found: list[Unit]) -> tuple[tuple[str, str], ...]:
    """The glossary pairs whose term the texts use (terms.occurs)."""
    text = "\n".join(u.text for u in found)
    return tuple((term, target) for term, target in glossary if occurs(term, text))


def read_translation(content_dir: Path, task: TranslationTask) -> ContentFile | None:
    """The translation file of `task`, if there is one."""
    return read_content_file(content_dir / task.path, str(content_dir / task.path))


def translation_status(task: TranslationTask, file: ContentFile | None) -> str:
    """new, current, stale, edited or conflict (plan.py's statuses), from the file's front matter."""
    return status(task, Recorded(file.front.key, file.recorded.edited) if file else None)  # type: ignore[arg-type]


def parse_translation(task: TranslationTask, file: ContentFile) -> Translatable:
    """A translation file's body read back into its model; a ContentError names the line."""
    if task.kind == FACTS:
        assert isinstance(task.source, Facts)
        return parse_facts(file.body, file.name, file.first_line, task.source)
    content = parse_content(task, file)  # type: ignore[arg-type]
    if isinstance(content, Quiz) and isinstance(task.source, Quiz):
        problem = _answers_changed(task.source, content)
        if problem:
            raise ContentError(problems=[Problem(file.name, file.first_line, 1, "", f"{problem} than {task.source_path}; a translation keeps its source's questions and right answers (change them in {task.source_path})")])
    return content


def _answers_changed(source: Quiz, translated: Quiz) -> str | None:
    """How a translated quiz differs from its source in what is asked and what is right, or None."""
    if len(source.items) != len(translated.items):
        return f"{len(translated.items)} question(s) instead of {len(source.items)}"
    for number, (one, other) in enumerate(zip(source.items, translated.items), start=1):
        if one.kind != other.kind or one.objective != other.objective:
            return f"question {number} is of another kind or objective"
        if [o.correct for o in one.options] != [o.correct for o in other.options]:
            return f"question {number} has other options or another right answer"
    return None


def translation_file(task: TranslationTask, content: Translatable, provider: str, model: str) -> str:
    """The full file of a fresh translation: front matter (source and its hash), then the body."""
    body = facts_markdown(content) if isinstance(content, Facts) else to_markdown(content)
    front = FrontMatter(task=task.id, key=task.key, provider=provider, model=model, body_sha256=body_hash(body), translation_of=task.source_path, source_sha256=task.source_sha256)
    return front.dump() + body
