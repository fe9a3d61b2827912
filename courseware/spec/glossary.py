"""The course glossary: key terms with their approved translation per language, written in the
spec or in a .yaml or .csv file beside it, and the checks every entry must pass."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from courseware import safe_yaml
from courseware.errors import Problem, SpecError
from courseware.spec.model import _check_text

MAX_BYTES = 2_000_000
SUFFIXES = (".yaml", ".yml", ".csv")


def read_glossary(path: Path, shown: str) -> tuple[list[dict[str, str]], list[int]]:
    """The entries of a glossary file and the line each starts on; a SpecError names the file
    and line of anything wrong. `shown` is how errors name the file."""
    if path.suffix.lower() not in SUFFIXES:
        raise SpecError(problems=[Problem(shown, 1, 1, "", "a glossary file is .yaml or .csv (header row: term, then one column per language)")])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError(problems=[Problem(shown, 1, 1, "", f"cannot read the glossary ({exc.strerror or exc})")]) from None
    if len(data) > MAX_BYTES:
        raise SpecError(problems=[Problem(shown, 1, 1, "", f"the glossary is larger than {MAX_BYTES // 1_000_000} MB")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SpecError(problems=[Problem(shown, line, 1, "", "not valid UTF-8; save the glossary as UTF-8")]) from None
    if path.suffix.lower() == ".csv":
        return _csv(text, shown)
    return _yaml(text, shown)


def _csv(text: str, shown: str) -> tuple[list[dict[str, str]], list[int]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise SpecError(problems=[Problem(shown, reader.line_num or 1, 1, "", f"not valid CSV: {exc}")]) from None
    rows = [(n, row) for n, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise SpecError(problems=[Problem(shown, 1, 1, "", "the glossary is empty; its first row is the header: term, then one column per language")])
    header = [cell.strip() for cell in rows[0][1]]
    if not header or header[0] != "term" or len(header) < 2 or len(set(header)) != len(header):
        raise SpecError(problems=[Problem(shown, rows[0][0], 1, "", "the header row is 'term' followed by one column per language, each once (e.g. term,fr,ar)")])
    entries, lines = [], []
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise SpecError(problems=[Problem(shown, line, 1, "", f"this row has {len(row)} cell(s) but the header has {len(header)}")])
        entries.append({key: cell.strip() for key, cell in zip(header, row) if cell.strip()})
        lines.append(line)
    return entries, lines


def _yaml(text: str, shown: str) -> tuple[list[dict[str, str]], list[int]]:
    try:
        root = safe_yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise SpecError(problems=[Problem(shown, mark.line + 1 if mark else 1, 1, "", f"YAML syntax error: {exc.problem or exc}")]) from None
    except yaml.YAMLError:
        raise SpecError(problems=[Problem(shown, 1, 1, "", "cannot read the YAML")]) from None
    if not isinstance(root, yaml.SequenceNode):
        raise SpecError(problems=[Problem(shown, 1, 1, "", "a glossary file is a list of entries like {term: blended learning, fr: apprentissage hybride}")])
    entries, lines = [], []
    for node in root.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode) or not all(isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode) for k, v in node.value):
            raise SpecError(problems=[Problem(shown, line, node.start_mark.column + 1, "", "each entry maps 'term' and language tags to text, e.g. {term: quiz, fr: quiz}")])
        entries.append({str(k.value): str(v.value) for k, v in node.value})
        lines.append(line)
    return entries, lines


def entry_problems(entries: list[dict[str, str]], source_language: str, translations: list[str]) -> list[tuple[int, str, str]]:
    """(entry index, key, message) for each glossary entry that is not a term with a text for
    every translation language, or that names a language the course is not translated into."""
    problems: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if not entry.get("term", "").strip():
            problems.append((index, "term", "each glossary entry names its term (in the course language) under 'term'"))
            continue
        for key, value in entry.items():
            if key != "term" and key not in translations:
                hint = "the course language's term goes under 'term'" if key == source_language else f"the course is translated into: {', '.join(translations) or 'no language (add translations: [...])'}"
                problems.append((index, key, f"'{key}' is not a translation of this course; {hint}"))
            else:
                try:
                    _check_text(value)
                except ValueError as exc:
                    problems.append((index, key, str(exc)))
        missing = [tag for tag in translations if tag not in entry]
        if missing:
            problems.append((index, "term", f"the term '{entry['term']}' has no {', '.join(missing)} translation; add it (write the term itself to keep it as it is)"))
        folded = entry["term"].casefold()
        if folded in seen:
            problems.append((index, "term", f"the term '{entry['term']}' is already in the glossary (entry {seen[folded] + 1}); keep one"))
        seen.setdefault(folded, index)
    return problems
