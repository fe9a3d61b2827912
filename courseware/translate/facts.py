"""The spec's learner-visible texts (course title, audience, objectives, module and lesson titles,
the credential) as a document a translation can be made of, reviewed as `content/<lang>/facts.md`
and applied back onto the spec to render the course in that language."""

from __future__ import annotations

from dataclasses import dataclass

from courseware.content.blocks import fold_whitespace
from courseware.errors import ContentError, Problem
from courseware.spec.model import Spec

FACTS_FILE = "facts.md"
HEADING = "## "


@dataclass(frozen=True)
class Facts:
    """(key, text) pairs in spec order: `course.title`, `objectives.LO1`, `modules.m1.title`,
    `lessons.m1-l1.title`, `credential.name` ..."""

    items: tuple[tuple[str, str], ...]

    def get(self, key: str) -> str | None:
        return dict(self.items).get(key)


def facts_of(spec: Spec) -> Facts:
    """The texts of `spec` a learner reads in any format, empty ones left out."""
    course = spec.course
    found = [("course.title", course.title), ("course.audience", course.audience), ("course.description", course.description)]
    found += [(f"objectives.{o.id}", o.text) for o in spec.objectives]
    for module in spec.modules:
        found += [(f"modules.{module.id}.title", module.title), (f"modules.{module.id}.summary", module.summary)]
        found += [(f"lessons.{lesson.id}.title", lesson.title) for lesson in module.lessons]
    if spec.credential:
        credential = spec.credential
        found += [("credential.name", credential.name), ("credential.description", credential.description), ("credential.criteria", credential.criteria)]
    return Facts(tuple((key, fold_whitespace(text)) for key, text in found if text.strip()))


def facts_markdown(facts: Facts) -> str:
    """The document's body: one `## key` heading a text, reviewable in a pull request."""
    return "".join(f"{HEADING}{key}\n\n{text}\n\n" for key, text in facts.items).rstrip("\n") + "\n"


def parse_facts(body: str, name: str, first_line: int, expected: Facts) -> Facts:
    """A facts body read back; every key of `expected` (the source's) once, each with a text, in
    any order, or a ContentError at the line to fix."""
    found: dict[str, str] = {}
    lines_of: dict[str, int] = {}
    key: str | None = None
    text: list[str] = []

    def close() -> None:
        if key is not None:
            if not " ".join(text).strip():
                raise ContentError(problems=[Problem(name, lines_of[key], 1, "", f"'{key}' has no text; write its translation below the heading")])
            found[key] = fold_whitespace(" ".join(text))

    wanted = dict(expected.items)
    for number, line in enumerate(body.split("\n"), start=first_line):
        if line.startswith(HEADING):
            close()
            key, text = line[len(HEADING) :].strip(), []
            if key not in wanted:
                raise ContentError(problems=[Problem(name, number, 4, "", f"'{key}' is not a text of this course; the headings are: {', '.join(wanted)}")])
            if key in found or key in lines_of:
                raise ContentError(problems=[Problem(name, number, 4, "", f"'{key}' is given twice; keep one")])
            lines_of[key] = number
        elif line.strip():
            if key is None:
                raise ContentError(problems=[Problem(name, number, 1, "", "text before the first '## key' heading; put it under its heading")])
            text.append(line.strip())
    close()
    missing = [k for k in wanted if k not in found]
    if missing:
        raise ContentError(problems=[Problem(name, first_line, 1, "", f"no translation of '{missing[0]}'; add a '## {missing[0]}' heading with its text")])
    return Facts(tuple((k, found[k]) for k in wanted))


def apply_facts(spec: Spec, language: str, facts: Facts) -> Spec:
    """The spec as the course reads in `language`: its texts replaced by the translated facts."""

    def text(key: str, value: str) -> str:
        return facts.get(key) or value

    course = spec.course.model_copy(update={
        "language": language,
        "title": text("course.title", spec.course.title),
        "audience": text("course.audience", spec.course.audience),
        "description": text("course.description", spec.course.description),
    })
    objectives = [o.model_copy(update={"text": text(f"objectives.{o.id}", o.text)}) for o in spec.objectives]
    modules = [
        m.model_copy(update={
            "title": text(f"modules.{m.id}.title", m.title),
            "summary": text(f"modules.{m.id}.summary", m.summary),
            "lessons": [l.model_copy(update={"title": text(f"lessons.{l.id}.title", l.title)}) for l in m.lessons],
        })
        for m in spec.modules
    ]
    credential = spec.credential.model_copy(update={
        "name": text("credential.name", spec.credential.name),
        "description": text("credential.description", spec.credential.description),
        "criteria": text("credential.criteria", spec.credential.criteria),
    }) if spec.credential else None
    return spec.model_copy(update={"course": course, "objectives": objectives, "modules": modules, "credential": credential})
