"""Read a spec file into a `Spec`, reporting every problem as FILE:LINE:COL: key.path: message."""

from __future__ import annotations

import difflib
import typing
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from courseware import safe_yaml
from courseware.errors import Problem, SpecError
from courseware.spec.checks import cross_check, source_warnings
from courseware.spec.locate import duplicate_keys, expanded_size, format_path, node_for
from courseware.spec.model import Spec

MAX_NODES = 100_000
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class LoadedSpec:
    """A valid spec with where it came from: `root` is the folder its source paths are relative to."""

    spec: Spec
    path: Path
    node: yaml.Node = field(compare=False, repr=False)
    warnings: tuple[Problem, ...] = field(default=(), compare=False)  # printed, never fatal

    @property
    def root(self) -> Path:
        return self.path.parent

    def problem(self, loc: list[str | int], message: str) -> Problem:
        """A Problem located at the spec value `loc` points to."""
        return _at(str(self.path), node_for(self.node, loc), loc, message)

    def lesson_loc(self, lesson_id: str) -> list[str | int]:
        """The key path of a lesson, e.g. ['modules', 1, 'lessons', 0]."""
        for m, module in enumerate(self.spec.modules):
            for n, lesson in enumerate(module.lessons):
                if lesson.id == lesson_id:
                    return ["modules", m, "lessons", n]
        raise KeyError(lesson_id)


def load_spec(path: Path) -> LoadedSpec:
    """Load and validate one spec file; raise SpecError listing every problem found."""
    name = str(path)
    text = _read_text(path)
    try:
        root = safe_yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        raise SpecError(problems=[_yaml_problem(name, exc, "YAML syntax error", "fix the YAML at this place")]) from None
    except RecursionError:
        raise SpecError(problems=[Problem(name, 1, 1, "", "the YAML is nested too deeply to read; write it out plainly")]) from None
    except yaml.YAMLError as exc:
        raise SpecError(problems=[Problem(name, 1, 1, "", f"cannot read the YAML: {type(exc).__name__}; check the file")]) from None
    if root is None:
        raise SpecError(problems=[Problem(name, 1, 1, "", "the spec is empty; start from 'courseware init'")])
    if expanded_size(root, MAX_NODES) >= MAX_NODES:
        raise SpecError(problems=[Problem(name, 1, 1, "", f"the spec expands to more than {MAX_NODES} values (through YAML aliases?); write it out plainly")])
    if not isinstance(root, yaml.MappingNode):
        raise SpecError(problems=[_at(name, root, [], "the spec must be a mapping with the keys course, objectives, modules, ...; see docs/spec.md")])

    problems = [_at(name, node, p, f"duplicate key '{p[-1]}'; a key may appear only once in a mapping") for node, p in duplicate_keys(root)]
    try:
        data = safe_yaml.construct(root)  # the composed nodes: no second parse
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        problems += [_from_pydantic(name, root, err) for err in exc.errors()]
        raise SpecError(problems=_sorted(problems)) from None
    except yaml.MarkedYAMLError as exc:  # e.g. a tag such as !!python/object, or a list as a key
        problems.append(_yaml_problem(name, exc, "cannot read the YAML", "use plain YAML values here"))
        raise SpecError(problems=_sorted(problems)) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        problems.append(Problem(name, 1, 1, "", f"cannot read the YAML: {_one_line(str(exc)) or type(exc).__name__}; check the file"))
        raise SpecError(problems=problems) from None
    problems += [_at(name, node_for(root, loc), loc, message) for loc, message in cross_check(spec, path.parent)]
    if problems:
        raise SpecError(problems=_sorted(problems))
    if isinstance(spec.glossary, str):
        spec = spec.model_copy(update={"glossary": _glossary_file(spec, path)})
    warnings = tuple(_at(name, node_for(root, loc), loc, message) for loc, message in source_warnings(spec, path.parent))
    return LoadedSpec(spec=spec, path=path, node=root, warnings=warnings)


def _glossary_file(spec: Spec, path: Path) -> list[dict[str, str]]:
    """The entries of the spec's glossary file, each checked; problems name the file and line."""
    from courseware.spec.glossary import entry_problems, read_glossary

    assert isinstance(spec.glossary, str)
    shown = str(path.parent / spec.glossary)
    entries, lines = read_glossary(path.parent / spec.glossary, shown)
    problems = [Problem(shown, lines[index], 1, key, message) for index, key, message in entry_problems(entries, spec.course.language, spec.translations)]
    if problems:
        raise SpecError(problems=problems)
    return entries


def _yaml_problem(name: str, exc: yaml.MarkedYAMLError, what: str, hint: str) -> Problem:
    """A PyYAML error (several lines, with a snippet) as one problem at the place it names."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(name, line, col, "", f"{what}: {_one_line(exc.problem or exc.context or str(exc))}; {hint}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _read_text(path: Path) -> str:
    name = str(path)
    if not path.exists():
        raise SpecError(problems=[Problem(name, 1, 1, "", "no such file; check the path")])
    if path.is_dir():
        raise SpecError(problems=[Problem(name, 1, 1, "", "is a folder, not a spec file; name a .yaml file")])
    if not path.is_file():  # a pipe or a device would block the read, or never end
        raise SpecError(problems=[Problem(name, 1, 1, "", "is not a regular file; name a .yaml file")])
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise SpecError(problems=[Problem(name, 1, 1, "", f"the spec is larger than {MAX_BYTES // 1_000_000} MB; split the course")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise SpecError(problems=[Problem(name, line, col, "", f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")]) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SpecError(problems=[Problem(name, line, 1, "", "contains a NUL character; this is not a text file")])
    if not text.strip():
        raise SpecError(problems=[Problem(name, 1, 1, "", "the spec is empty; start from 'courseware init'")])
    return text


def _at(name: str, node: yaml.Node, loc: list, message: str) -> Problem:
    mark = node.start_mark
    return Problem(name, mark.line + 1, mark.column + 1, format_path(loc), message)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.line, p.col, p.path, p.message))


def _from_pydantic(name: str, root: yaml.Node, err: dict) -> Problem:
    loc = [step for step in err["loc"] if isinstance(step, int) or not step.startswith(("literal[", "function-"))]
    kind = err["type"]
    if kind == "missing":
        parent = node_for(root, loc[:-1])
        return _at(name, parent, loc, f"missing required key '{loc[-1]}'; add it here")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "valid keys are: " + ", ".join(allowed)
        return _at(name, node_for(root, loc, key=True), loc, f"unknown key '{loc[-1]}'; {hint}")
    return _at(name, node_for(root, loc), loc, _message(err))


TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "model_type": "a mapping of keys",
    "model_attributes_type": "a mapping of keys",
    "dict_type": "a mapping of keys",
}


def _message(err: dict) -> str:
    kind, value = err["type"], err.get("input")
    if kind in TYPE_NAMES:
        return f"expected {TYPE_NAMES[kind]}, got {_describe(value)}"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{_describe(value)} is not allowed; use one of: {expected.replace(' or ', ', ')}"
    if kind == "value_error":
        return str(err["ctx"]["error"])
    if kind == "too_short":
        least = err["ctx"]["min_length"]
        return f"must list at least {least} item{'s' if least != 1 else ''}"
    if kind == "too_long":
        return f"must list at most {err['ctx']['max_length']} items"
    bounds = {"greater_than_equal": ("ge", "at least"), "less_than_equal": ("le", "at most"), "greater_than": ("gt", "more than"), "less_than": ("lt", "less than")}
    if kind in bounds:
        key, words = bounds[kind]
        return f"must be {words} {err['ctx'][key]}, got {value!r}"
    return f"{err['msg'][0].lower()}{err['msg'][1:]}"


def _describe(value: object) -> str:
    if value is None:
        return "nothing (null)"
    kinds = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping"}
    label = kinds.get(type(value), type(value).__name__)
    if isinstance(value, (list, dict)):
        return label
    shown = repr(value)
    return f"{label} {shown if len(shown) <= 40 else shown[:37] + '...'}"


def _allowed_keys(loc: list) -> list[str]:
    """The field names of the model found at `loc` inside Spec."""
    model: type[BaseModel] = Spec
    for step in loc:
        if isinstance(step, int):
            continue
        field = model.model_fields.get(step)
        if field is None:
            break
        inner = _model_in(field.annotation)
        if inner is None:
            break
        model = inner
    return list(model.model_fields)


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
