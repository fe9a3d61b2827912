"""The YAML front matter each generated file carries: task, content key, provider, model, body hash."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import yaml

from courseware import safe_yaml
from courseware.errors import ContentError, Problem

FENCE = "---\n"


@dataclass(frozen=True)
class FrontMatter:
    """What a generated file records about the task it came from."""

    task: str
    key: str
    provider: str
    model: str
    body_sha256: str
    spec: str | None = None  # course.md only: the spec the course was built from, to notice a changed course id
    answered_by: str | None = None  # the model the server says answered, where it is not `model`
    translation_of: str | None = None  # a translation: the content file it translates (facts: the spec)
    source_sha256: str | None = None  # a translation: the body hash of that file when it was translated

    def dump(self) -> str:
        """The front matter block, keys in a fixed order."""
        data = {"task": self.task, "key": self.key, "provider": self.provider, "model": self.model}
        if self.answered_by is not None:
            data["answered_by"] = self.answered_by
        if self.translation_of is not None:
            data["translation_of"] = self.translation_of
            data["source_sha256"] = self.source_sha256
        data["body_sha256"] = self.body_sha256
        if self.spec is not None:
            data["spec"] = self.spec
        return FENCE + "".join(_entry(name, value) for name, value in data.items()) + FENCE


PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")  # ids, hex keys, model names, paths: YAML writes them as they are
_RESOLVER = yaml.resolver.Resolver()


def _entry(name: str, value: str | None) -> str:
    """One `name: value` line as yaml.safe_dump writes it (an entry of a block mapping does not
    depend on the others): by hand where YAML would write the value plain and read it back as
    text (not `true`, `1e3`, `2001-01-01`), else through PyYAML, a tenth of the time otherwise."""
    if isinstance(value, str) and PLAIN.fullmatch(value) and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str":
        return f"{name}: {value}\n"
    return yaml.safe_dump({name: value}, sort_keys=False, allow_unicode=True, width=1000)


def normalise(text: str) -> str:
    """`text` as courseware reads it: no byte-order mark, LF line endings (Windows CRLF and old-Mac CR too)."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def body_hash(body: str) -> str:
    """The hash that tells a hand edit: line endings are normalised first."""
    return hashlib.sha256(normalise(body).encode("utf-8")).hexdigest()


def split(text: str, name: str) -> tuple[FrontMatter, str, int]:
    """Split a file into its front matter, its body and the line number the body starts on."""
    header, body = _fenced(text, name)
    try:
        data = safe_yaml.load(header)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise ContentError(problems=[Problem(name, line, 1, "", f"the front matter is not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    fields = ("task", "key", "provider", "model", "body_sha256")
    if not isinstance(data, dict) or any(not isinstance(data.get(f), str) for f in fields):
        raise ContentError(problems=[Problem(name, 2, 1, "", f"the front matter needs the keys {', '.join(fields)}; restore it from git")])
    optional = ("spec", "answered_by", "translation_of", "source_sha256")
    if any(not isinstance(data.get(f, ""), str) for f in optional):
        raise ContentError(problems=[Problem(name, 2, 1, "", f"the front matter's {', '.join(optional)} are text; restore it from git")])
    first_body_line = header.count("\n") + 3
    return FrontMatter(**{f: data[f] for f in fields}, **{f: data.get(f) for f in optional}), body, first_body_line


def body_of(text: str, name: str) -> str:
    """A file's body, without reading its front matter (the YAML is most of split's time)."""
    return _fenced(text, name)[1]


def _fenced(text: str, name: str) -> tuple[str, str]:
    """A file's front matter block (the text between its fences) and its body."""
    text = normalise(text)
    if not text.startswith(FENCE):
        raise ContentError(problems=[Problem(name, 1, 1, "", "missing front matter (a '---' block with task and key); restore it from git, keeping your changes to the text below it")])
    end = text.find("\n" + FENCE, len(FENCE) - 1)
    if end < 0:
        raise ContentError(problems=[Problem(name, 1, 1, "", "the front matter is not closed by a '---' line")])
    return text[len(FENCE) : end + 1], text[end + 1 + len(FENCE) :]
