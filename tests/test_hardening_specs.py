"""Hardening: bad specs made from the sample spec, each refused by `validate` and `build` with
located one-line problems, no traceback and nothing written; and the encodings that must pass.

Every bad spec is the sample course_specs/blended-teaching.yaml with one mistake (or one
hostile construct) put in by a function below, so the expected line and column are found in
the mutated text itself rather than written down by hand.
"""

from __future__ import annotations

import json
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SPECS, run_cli, snapshot

SAMPLE = (SPECS / "blended-teaching.yaml").read_text("utf-8")
CORPUS = Path(__file__).parent / "bad_specs"
SOURCE = "sources/blended-teaching/01-blended-learning-and-its-models.md"
FIRST_KEY_POINTS = """        key_points:
          - Blended learning is a planned combination of face-to-face and online learning, with each mode chosen for what it does best
          - The rotation model and its variants of station rotation, lab rotation and individual rotation
          - A flipped classroom moves first exposure to new content out of class time so class time is used for practice
          - The flex model, the enriched virtual model and the a la carte model
          - The SAMR model asks whether technology changes the learning task or only how it is delivered
"""
LESSON_QUIZ = "quiz: {questions: 5, kinds: [multiple_choice, true_false, cloze], pass_score: 0.8}"


@dataclass(frozen=True)
class Bad:
    """A bad spec: its bytes and the problem it must produce (line, col, key path, message part)."""

    name: str
    data: bytes
    line: int
    col: int | None
    path: str
    message: str


def edit(*pairs: str, text: str = SAMPLE) -> str:
    """The sample with each (old, new) pair replaced once; every `old` must be in it."""
    for old, new in zip(pairs[::2], pairs[1::2]):
        assert old in text, f"the sample spec no longer contains {old!r}"
        text = text.replace(old, new, 1)
    return text


def at(text: str, anchor: str) -> tuple[int, int]:
    """The 1-based line and column where `anchor` first starts in `text`; a '^' in the anchor
    marks the place inside it (e.g. 'duration: ^0' is the value)."""
    offset = max(anchor.find("^"), 0)
    index = text.index(anchor.replace("^", "", 1)) + offset
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def bad(name: str, text: str, anchor: str | tuple[int, int], path: str, message: str) -> Bad:
    line, col = at(text, anchor) if isinstance(anchor, str) else anchor
    return Bad(name, text.encode("utf-8"), line, col, path, message)


def utf8_error(data: bytes) -> tuple[int, int, int]:
    """(line, column, byte) of the first byte that is not valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        return before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1, data[exc.start]
    raise AssertionError("valid UTF-8")


def cases() -> list[Bad]:
    found: list[Bad] = []

    def add(name: str, text: str, anchor, path: str, message: str) -> None:
        found.append(bad(name, text, anchor, path, message))

    # Required keys deleted: the problem points at the mapping that lacks the key.
    t = edit("  id: blended-teaching\n", "")
    add("missing-course-id", t, "title: Foundations of Blended Teaching", "course.id", "missing required key 'id'; add it here")
    t = edit("  language: en\n", "")
    add("missing-course-language", t, "id: blended-teaching", "course.language", "missing required key 'language'")
    t = edit("  audience: university lecturers new to online and blended teaching\n", "")
    add("missing-course-audience", t, "id: blended-teaching", "course.audience", "missing required key 'audience'")
    t = edit("    text: Explain what blended learning is and distinguish the rotation, flipped classroom, flex and enriched virtual models.\n", "")
    add("missing-objective-text", t, "id: LO1", "objectives[0].text", "missing required key 'text'")
    t = edit(FIRST_KEY_POINTS, "")
    add("missing-key-points", t, "id: m1-l1", "modules[0].lessons[0].key_points", "missing required key 'key_points'")
    t = edit("    title: Reaching Every Learner\n", "")
    add("missing-module-title", t, "id: m2\n", "modules[1].title", "missing required key 'title'")
    t = edit("  criteria: Pass every lesson quiz with a score of at least 80 percent.\n", "")
    add("missing-credential-criteria", t, "name: Blended Teaching Foundations", "credential.criteria", "missing required key 'criteria'")
    t = edit("        objectives: [LO1]\n", "")
    add("missing-lesson-objectives", t, "id: m1-l1", "modules[0].lessons[0].objectives", "missing required key 'objectives'")
    t = SAMPLE[: SAMPLE.index("modules:\n")] + SAMPLE[SAMPLE.index("# Digital credential") :]
    add("missing-modules", t, "course:", "modules", "missing required key 'modules'")

    # Wrong types and values out of range.
    t = edit("title: Foundations of Blended Teaching", "title: [Foundations, of]")
    add("title-is-a-list", t, "[Foundations, of]", "course.title", "expected text, got a list")
    t = edit("language: en", "language: 42")
    add("language-is-a-number", t, "language: ^42", "course.language", "expected text, got a number 42")
    t = edit("authors: [courseware contributors]", "authors: {name: courseware}")
    add("authors-is-a-mapping", t, "{name: courseware}", "course.authors", "expected a list, got a mapping")
    t = edit("authors: [courseware contributors]", "authors: courseware contributors")
    add("authors-is-text", t, "courseware contributors\n", "course.authors", "expected a list, got text 'courseware contributors'")
    t = edit("duration: 45", "duration: forty-five")
    add("duration-is-text", t, "duration: ^forty-five", "modules[0].lessons[0].duration", "expected a whole number, got text 'forty-five'")
    t = edit("duration: 45", "duration: 0")
    add("duration-zero", t, "duration: ^0", "modules[0].lessons[0].duration", "must be at least 1, got 0")
    t = edit("duration: 45", "duration: 1441")
    add("duration-over-a-day", t, "duration: ^1441", "modules[0].lessons[0].duration", "must be at most 1440, got 1441")
    t = edit("duration: 45", "duration: true")
    add("duration-is-a-boolean", t, "duration: ^true", "modules[0].lessons[0].duration", "expected a whole number, got true/false True")
    t = edit("duration: 45", "duration: .inf")
    add("duration-infinite", t, "duration: ^.inf", "modules[0].lessons[0].duration", "expected a whole number, got a number inf")
    t = edit("slides: {max: 8}", "slides: {max: 0}")
    add("slides-max-zero", t, "max: ^0}", "modules[0].lessons[0].slides.max", "must be at least 1, got 0")
    t = edit("pass_score: 0.8}", "pass_score: -0.1}")
    add("pass-score-negative", t, "pass_score: ^-0.1", "modules[0].lessons[0].quiz.pass_score", "must be at least 0.0, got -0.1")
    t = edit("pass_score: 0.8}", "pass_score: .nan}")
    add("pass-score-not-a-number", t, "pass_score: ^.nan", "modules[0].lessons[0].quiz.pass_score", "got nan")
    t = edit("kinds: [multiple_choice, true_false, cloze]", "kinds: [multiple_choice, essay, cloze]")
    add("quiz-kind-unknown", t, "essay", "modules[0].lessons[0].quiz.kinds[1]", "text 'essay' is not allowed; use one of: 'multiple_choice', 'true_false', 'cloze'")
    t = edit("  provider: offline\n", "  provider: offline\n  temperature: 3\n")
    add("temperature-too-high", t, "temperature: ^3", "llm.temperature", "must be at most 2.0, got 3")
    t = edit("  provider: offline\n", "  provider: offline\n  frequency_penalty: 2.5\n")
    add("frequency-penalty-too-high", t, "frequency_penalty: ^2.5", "llm.frequency_penalty", "must be at most 2.0, got 2.5")
    t = edit("  provider: offline\n", "  provider: offline\n  max_tokens: 0\n")
    add("max-tokens-zero", t, "max_tokens: ^0", "llm.max_tokens", "must be at least 1, got 0")
    t = edit("  provider: offline\n", "  provider: offline\n  timeout: -5\n")
    add("timeout-negative", t, "timeout: ^-5", "llm.timeout", "must be more than 0.0, got -5")
    t = edit("  provider: offline\n", "  provider: offline\n  concurrency: 1000\n")
    add("concurrency-too-high", t, "concurrency: ^1000", "llm.concurrency", "must be at most 256, got 1000")
    t = edit("  provider: offline\n", "  provider: offline\n  structured_output: xml\n")
    add("structured-output-unknown", t, "structured_output: ^xml", "llm.structured_output", "text 'xml' is not allowed")
    t = edit("  provider: offline\n", "  provider: offline\n  server: lmstudio\n")
    add("server-unknown", t, "server: ^lmstudio", "llm.server", "text 'lmstudio' is not allowed; use one of: 'openai', 'llama.cpp', 'vllm', 'ollama', 'other'")
    t = edit("  provider: offline\n", "  provider: offline\n  seed: 1.5\n")
    add("seed-not-whole", t, "seed: ^1.5", "llm.seed", "expected a whole number, got a number 1.5")
    t = edit("  provider: offline\n", "  provider: offline\n  prices: {input: 0.15}\n")
    add("prices-without-output", t, "prices: ^{input", "llm.prices.output", "missing required key 'output'")
    t = edit("llm:\n  provider: offline\n", "llm: offline\n")
    add("llm-is-text", t, "llm: ^offline", "llm", "expected a mapping of keys, got text 'offline'")
    t = edit("outputs: [markdown, html, pptx, scorm12, scorm2004, qti21, moodle_xml, gift, badge]", "outputs: html")
    add("outputs-is-text", t, "outputs: ^html", "outputs", "expected a list, got text 'html'")
    t = edit("outputs: [markdown, html,", "outputs: [markdown, html, markdown,")
    add("outputs-listed-twice", t, "markdown, pptx", "outputs[2]", "'markdown' is listed twice; remove one")
    t = edit("outputs:", "scorm: {sco: course}\noutputs:")
    add("scorm-sco-unknown", t, "sco: ^course}", "scorm.sco", "text 'course' is not allowed; use one of: 'lesson', 'module'")
    t = edit("outputs:", "templates: my-templates\noutputs:")
    add("templates-folder-missing", t, "templates: ^my-templates", "templates", "no folder 'my-templates'")
    t = edit(f"          - The flex model, the enriched virtual model and the a la carte model\n", "          -\n")
    add("key-point-null", t, "          -^\n", "modules[0].lessons[0].key_points[3]", "expected text, got nothing (null)")
    t = edit("          - The flex model, the enriched virtual model and the a la carte model\n", "          - '   '\n")
    add("key-point-blank", t, "'   '", "modules[0].lessons[0].key_points[3]", "must not be empty")

    # Ids that break the rules, or that would name files badly.
    t = edit("  - id: LO1\n", "  - id: LO 1\n")
    add("objective-id-with-space", t, "LO 1", "objectives[0].id", "invalid id 'LO 1'")
    t = edit("      - id: m1-l1\n", "      - id: m1/l1\n")
    add("lesson-id-with-slash", t, "m1/l1", "modules[0].lessons[0].id", "invalid id 'm1/l1'")
    t = edit("      - id: m1-l1\n", "      - id: 'm1\\l1'\n")
    add("lesson-id-with-backslash", t, "'m1\\l1'", "modules[0].lessons[0].id", "invalid id 'm1\\\\l1'")
    t = edit("  id: blended-teaching\n", "  id: '..'\n")
    add("course-id-dot-dot", t, "'..'", "course.id", "invalid id '..'")
    t = edit("      - id: m1-l1\n", "      - id: COM1.notes\n")
    add("lesson-id-reserved-name", t, "COM1.notes", "modules[0].lessons[0].id", "id 'COM1.notes' is a reserved file name on Windows; choose another id")
    t = edit("  - id: m1\n", "  - id: Nul\n")
    add("module-id-reserved-name", t, "Nul", "modules[0].id", "id 'Nul' is a reserved file name on Windows")

    # Unknown keys, with the closest valid key as the hint.
    t = edit("        duration: 45", "        durations: 45")
    add("lesson-unknown-key", t, "durations", "modules[0].lessons[0].durations", "unknown key 'durations'; did you mean 'duration'?")
    t = edit("outputs:", "output:")
    add("top-level-unknown-key", t, "output:", "output", "unknown key 'output'; did you mean 'outputs'?")
    t = edit("    bloom: understand", "    blooms: understand")
    add("objective-unknown-key", t, "blooms", "objectives[0].blooms", "unknown key 'blooms'; did you mean 'bloom'?")
    t = edit("quiz: {questions: 5,", "quiz: {question: 5,")
    add("quiz-unknown-key", t, "question:", "modules[0].lessons[0].quiz.question", "unknown key 'question'; did you mean 'questions'?")

    # Duplicates: ids (one namespace, case-insensitive) and YAML keys.
    t = edit("  - id: LO2\n", "  - id: LO1\n")
    add("duplicate-objective-id", t, "LO1\n    text: Design", "objectives[1].id", "duplicate id 'LO1', already used by objectives[0]")
    t = edit("      - id: m1-l2\n", "      - id: M1-L1\n")
    add("duplicate-id-other-case", t, "M1-L1", "modules[0].lessons[1].id", "duplicate id 'M1-L1', already used by modules[0].lessons[0]")
    t = edit("  - id: m2\n", "  - id: m1-l1\n")
    add("module-id-is-a-lesson-id", t, "m1-l1\n    title: Reaching", "modules[1].id", "duplicate id 'm1-l1', already used by modules[0].lessons[0]")
    t = edit("        title: Blended Learning and Its Models\n", "        title: Blended Learning and Its Models\n        title: Blended Learning, again\n")
    add("duplicate-yaml-key-in-lesson", t, "title: Blended Learning, again", "modules[0].lessons[0].title", "duplicate key 'title'")

    # Dangling and missing references.
    t = edit("objectives: [LO1]", "objectives: [LO1, LO10]")
    add("dangling-objective-ref", t, "LO10", "modules[0].lessons[0].objectives[1]", "unknown objective 'LO10'; defined objectives are: LO1, LO2")
    t = edit("objectives: [LO1]", "objectives: []")
    add("lesson-objectives-empty", t, "objectives: ^[]", "modules[0].lessons[0].objectives", "must list at least 1 item")
    t = edit("\n# Three modules", "  - id: LO10\n    text: Teach something nobody teaches.\n\n# Three modules")
    add("objective-never-taught", t, "LO10", "objectives[9].id", "objective 'LO10' is taught by no lesson")
    t = edit(f"  - {SOURCE}\n", f"  - {SOURCE}\n  - ./{SOURCE}\n")
    add("source-dot-slash-duplicate", t, f"./{SOURCE}", "sources[1]", "is listed twice; remove one")
    t = edit(f"  - {SOURCE}\n", "  - sources/blended-teaching/06-missing.md\n")
    add("source-sixth-file-missing", t, "sources/blended-teaching/06-missing.md", "sources[0]", "does not exist")
    t = edit(f"  - {SOURCE}\n", "  - sources/blended-teaching\n")
    add("source-is-the-sources-folder", t, "sources/blended-teaching\n", "sources[0]", "is a folder; list the files in it one by one")

    # Control characters and what XML cannot hold, written as YAML escapes.
    t = edit("title: Foundations of Blended Teaching", 'title: "Foundations\\e[31m of Blended Teaching"')
    add("escape-character-in-title", t, 'title: ^"Foundations', "course.title", "contains the control character U+001B; remove it")
    t = edit("  - id: m1\n    title: Foundations of Blended Design\n", '  - id: m1\n    title: "Foundations\\0 of Blended Design"\n')
    add("nul-in-module-title", t, 'title: ^"Foundations\\0', "modules[0].title", "contains the control character U+0000")
    t = edit("          - The flex model, the enriched virtual model and the a la carte model\n", '          - "The flex model \\uFFFF"\n')
    add("noncharacter-in-key-point", t, '- ^"The flex model', "modules[0].lessons[0].key_points[3]", "contains the control character U+FFFF")
    t = edit(f"  - {SOURCE}\n", '  - "sources/a\\0b.md"\n')
    add("nul-in-source-path", t, '"sources/a', "sources[0]", "contains the control character U+0000")
    t = edit("    summary: What blended", '    summary: "\\a What blended', "asynchronously.\n", 'asynchronously."\n')
    add("bell-in-module-summary", t, '"\\a What', "modules[0].summary", "contains the control character U+0007")
    t = edit("    summary: What blended", '    summary: "What \\u2067blended', "asynchronously.\n", 'asynchronously."\n')
    add("isolate-in-module-summary", t, '"What', "modules[0].summary", "contains the bidirectional control character U+2067; remove it (the text direction comes from course.language)")

    # YAML that a safe loader refuses, or that is not a spec.
    t = edit("title: Foundations of Blended Teaching", "title: !!python/object/apply:os.system ['touch pwned']")
    add("python-object-tag", t, "!!python", "", "cannot read the YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'")
    t = edit("course:\n", "course:\n  ? [id, title]\n  : both\n")
    add("list-as-a-key", t, "[id, title]", "", "cannot read the YAML: found unhashable key")
    t = SAMPLE + "---\ncourse: {id: second}\n"
    add("two-documents", t, "---\ncourse: {id: second}", "", "YAML syntax error: but found another document")
    t = edit("title: Foundations of Blended Teaching", 'title: "Foundations of Blended Teaching')
    add("unclosed-quote", t, (None, None), "", "YAML syntax error")
    t = edit("  language: en\n", " language: en\n")
    add("bad-indentation", t, (None, None), "", "YAML syntax error")
    t = edit("course:\n", "course:\n  a: &a [*a]\n")
    add("self-referencing-alias", t, (1, 1), "", "the spec expands to more than 100000 values")
    bomb = "".join(f"x{k}: &x{k} [{', '.join([f'*x{k - 1}'] * 10) if k else ', '.join(['lol'] * 10)}]\n" for k in range(7))
    add("alias-bomb-inside-the-spec", edit("llm:\n", bomb + "llm:\n"), (1, 1), "", "the spec expands to more than 100000 values (through YAML aliases?)")

    # Huge values and deep nesting.
    t = edit("  description: >-\n", "  description: " + "x" * 10_000_000 + "\n  summary: >-\n")
    add("ten-megabyte-string", t, (1, 1), "", "the spec is larger than 5 MB; split the course")
    t = edit("          - Blended learning is a planned", "".join(f"          - point {k}\n" for k in range(100_000)) + "          - Blended learning is a planned")
    add("hundred-thousand-key-points", t, (1, 1), "", "the spec expands to more than 100000 values")
    t = edit("  description: >-\n", "  description: " + "[" * 10_000 + "]" * 10_000 + "\n  summary: >-\n")
    add("nesting-ten-thousand-deep", t, (1, 1), "", "the YAML is nested too deeply to read; write it out plainly")
    t = edit("  description: >-\n", "  description: " + "{a: " * 10_000 + "b" + "}" * 10_000 + "\n  summary: >-\n")
    add("mappings-ten-thousand-deep", t, (1, 1), "", "the YAML is nested too deeply to read")

    # Bytes that are not a UTF-8 spec.
    junk = random.Random(20240611).randbytes(4096)
    line, col, byte = utf8_error(junk)
    found.append(Bad("binary-junk", junk, line, col, "", f"not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8"))
    t = edit("  audience: university", "  audience: univer\x00sity")
    found.append(Bad("nul-byte", t.encode(), at(t, "audience: univer")[0], 1, "", "contains a NUL character; this is not a text file"))
    found.append(Bad("utf-16-with-bom", SAMPLE.encode("utf-16"), 1, 1, "", "not valid UTF-8 (byte 0xff); save the file as UTF-8"))
    found.append(Bad("utf-16-without-bom", SAMPLE.encode("utf-16-be"), 1, 1, "", "contains a NUL character; this is not a text file"))
    latin1 = edit("title: Foundations of Blended Teaching", "title: Fondements de l'enseignement hybride é")
    line, col, _ = utf8_error(latin1.encode("latin-1"))
    found.append(Bad("latin-1", latin1.encode("latin-1"), line, col, "", "not valid UTF-8 (byte 0xe9)"))
    cut = (SAMPLE + "# fin du fichier: café").encode("utf-8")[:-1]
    line, col, _ = utf8_error(cut)
    found.append(Bad("utf-8-cut-mid-character", cut, line, col, "", "not valid UTF-8 (byte 0xc3)"))
    found.append(Bad("empty-file", b"", 1, 1, "", "the spec is empty; start from 'courseware init'"))
    found.append(Bad("blank-lines-only", b"\n   \n\t\n\r\n", 1, 1, "", "the spec is empty"))
    found.append(Bad("a-scalar-document", b"just some words\n", 1, 1, "", "the spec must be a mapping"))

    # A byte-order mark or CRLF line ends change nothing in where a problem is reported.
    t = edit("language: en", "language: english")
    line, col = at(t, "english")
    found.append(Bad("bom-with-an-error", b"\xef\xbb\xbf" + t.encode(), line, col, "course.language", "invalid language tag 'english'"))
    found.append(Bad("crlf-with-an-error", t.replace("\n", "\r\n").encode(), line, col, "course.language", "invalid language tag 'english'"))
    return found


CASES = cases()
PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<rest>\S.*)$")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """The sample courses and a good offline build of the sample under output/."""
    import shutil

    root = tmp_path_factory.mktemp("bad-specs")
    shutil.copytree(SPECS, root / "course_specs")
    result = run_cli("build", root / "course_specs/blended-teaching.yaml", "--output", root / "output", "--formats", "markdown,gift")
    assert result.exit_code == 0, result.stderr
    return root


def everything(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder under `root` (files with bytes and mtime)."""
    listing = snapshot(root)
    listing.update({str(p.relative_to(root)) + "/": (b"", 0) for p in root.rglob("*") if p.is_dir()})
    return listing


def test_the_cases_are_many_distinct_and_new():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)) and len(CASES) >= 40
    assert len({c.data for c in CASES}) == len(CASES)
    corpus = {p.read_bytes() for p in CORPUS.glob("*.yaml")}
    assert [c.name for c in CASES if c.data in corpus] == ["empty-file"]  # asked for again; the corpus has it
    assert len([c for c in CASES if c.data not in corpus]) >= 40
    assert not set(names) & {p.stem for p in CORPUS.glob("*.yaml")}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_spec_is_refused_with_located_lines_and_writes_nothing(case, workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    name = f"course_specs/{case.name}.yaml"
    before = everything(workspace)
    Path(name).write_bytes(case.data)
    try:
        commands = [["validate", name], ["build", name]]
        if len(case.data) < 1_000_000:  # the huge ones take seconds to read each time
            commands += [["build", name, "--frozen"], ["plan", name]]
        for command in commands:
            result = run_cli(*command)  # fails the test on any traceback
            assert result.exit_code == 1, (command, result.stdout, result.stderr)
            lines = result.stderr.splitlines()
            assert lines, command
            for line in lines:
                match = PROBLEM.match(line)
                assert match and match["file"] == name, (command, line)
            if command[0] == "validate":
                assert result.stdout == ""
                expected_path = f"{case.path}: " if case.path else ""
                located = [PROBLEM.match(line) for line in lines]
                wanted = [
                    m for m in located
                    if (case.line is None or int(m["line"]) == case.line)
                    and (case.col is None or m["col"] is not None and int(m["col"]) == case.col)
                    and m["rest"].startswith(expected_path) and case.message in m["rest"]
                ]
                assert wanted, (case, lines)
    finally:
        Path(name).unlink()
    assert everything(workspace) == before  # no output, no cache, no temporary file, nothing changed


VALID = {
    "utf-8-bom": b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"),
    "crlf": SAMPLE.replace("\n", "\r\n").encode("utf-8"),
    "bom-and-crlf": b"\xef\xbb\xbf" + SAMPLE.replace("\n", "\r\n").encode("utf-8"),
    "document-markers": ("---\n" + SAMPLE + "...\n").encode("utf-8"),
}


@pytest.mark.parametrize("variant", VALID)
def test_bom_and_crlf_are_accepted_and_change_no_content_key(variant, workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    plain = run_cli("plan", "course_specs/blended-teaching.yaml", "--json")
    assert plain.exit_code == 0, plain.stderr
    name = f"course_specs/{variant}.yaml"
    Path(name).write_bytes(VALID[variant])
    try:
        result = run_cli("validate", name)
        assert (result.exit_code, result.stderr) == (0, "")
        assert result.stdout.startswith(f"{name}: valid: 'Foundations of Blended Teaching' (en), 9 objectives, 3 modules, 8 lessons, 5 sources")
        planned = run_cli("plan", name, "--json")
        assert planned.exit_code == 0, planned.stderr
    finally:
        Path(name).unlink()
    keys = lambda r: {t["id"]: (t["key"], t["status"]) for t in json.loads(r.stdout)["tasks"]}  # noqa: E731
    assert keys(planned) == keys(plain)  # the same spec, so the same content, already current
    assert set(s for _, s in keys(planned).values()) == {"current"}


def test_a_spec_that_is_a_pipe_is_refused_without_blocking(workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    os.mkfifo("course_specs/pipe.yaml")
    try:
        result = run_cli("validate", "course_specs/pipe.yaml")
        assert (result.exit_code, result.stderr) == (1, "course_specs/pipe.yaml:1:1: is not a regular file; name a .yaml file\n")
    finally:
        os.unlink("course_specs/pipe.yaml")


def test_control_characters_in_a_problem_never_break_its_line(workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    name = "course_specs/newline-in-a-reference.yaml"
    text = edit("objectives: [LO1]", 'objectives: [LO1, "LO9\\nmodules[0]: fake second problem \\e[2J"]')
    Path(name).write_text(text, "utf-8")
    try:
        result = run_cli("validate", name)
    finally:
        Path(name).unlink()
    line, col = at(text, '"LO9')
    assert result.exit_code == 1
    assert result.stderr == f"{name}:{line}:{col}: modules[0].lessons[0].objectives[1]: unknown objective 'LO9\\nmodules[0]: fake second problem \\x1b[2J'; defined objectives are: LO1, LO2, LO3, LO4, LO5, LO6, LO7, LO8, LO9\n"
