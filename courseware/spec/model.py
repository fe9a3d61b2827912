"""The spec schema as pydantic models that reject unknown keys. docs/spec.md documents every key."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from courseware.spec.language import check_language_tag

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# Names Windows refuses as files or folders, whatever the extension.
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}

BLOOM_LEVELS = ("remember", "understand", "apply", "analyze", "evaluate", "create")
QUIZ_KINDS = ("multiple_choice", "true_false", "cloze")
OUTPUTS = ("markdown", "html", "pptx", "scorm12", "scorm2004", "qti21", "moodle_xml", "gift", "badge", "cc", "epub", "kolibri", "pdf")


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value) or value.endswith("."):
        raise ValueError(
            f"invalid id {value!r}; use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit"
        )
    if value.split(".")[0].lower() in RESERVED_NAMES:
        raise ValueError(f"id {value!r} is a reserved file name on Windows; choose another id")
    return value


# Embeddings, overrides and isolates reorder what a reader sees (a title can display as something
# it is not), and model answers have them dropped; the direction of a course's text comes from
# course.language. The marks U+200E and U+200F stay allowed: they reorder nothing around them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _check_chars(value: str) -> str:
    # Control characters (line breaks and tabs aside) and what XML 1.0 cannot hold would reach
    # the SCORM, QTI and Moodle files, which cannot carry them.
    for char in value:
        if (char < " " and char not in "\t\n\r") or "\x7f" <= char <= "\x9f" or "\ud800" <= char <= "\udfff" or char in "\ufffe\uffff":
            raise ValueError(f"contains the control character U+{ord(char):04X}; remove it")
        if char in BIDI_CONTROLS:
            raise ValueError(f"contains the bidirectional control character U+{ord(char):04X}; remove it (the text direction comes from course.language)")
    return value


def _check_text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return _check_chars(value.strip())


Id = Annotated[str, AfterValidator(_check_id)]
Text = Annotated[str, AfterValidator(_check_text)]
Prose = Annotated[str, AfterValidator(_check_chars)]  # free text that may be empty
LanguageTag = Annotated[str, AfterValidator(check_language_tag)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)


class Course(_Strict):
    id: Id
    title: Text
    language: LanguageTag
    audience: Text
    level: Literal["introductory", "intermediate", "advanced"] = "introductory"
    license: Text = "CC-BY-4.0"
    authors: list[Text] = []
    description: Prose = ""


class Objective(_Strict):
    id: Id
    text: Text
    bloom: Literal[BLOOM_LEVELS] = "understand"  # type: ignore[valid-type]


class QuizSettings(_Strict):
    questions: Annotated[StrictInt, Field(ge=1, le=50)] = 5
    kinds: Annotated[list[Literal[QUIZ_KINDS]], Field(min_length=1)] = list(QUIZ_KINDS)  # type: ignore[valid-type]
    pass_score: Annotated[float, Field(ge=0, le=1)] = 0.8


class SlideSettings(_Strict):
    max: Annotated[StrictInt, Field(ge=1, le=100)] = 8
    quiz: bool = True  # add the lesson's quiz questions to its slides (answers in the notes)


class Lesson(_Strict):
    id: Id
    title: Text
    objectives: Annotated[list[str], Field(min_length=1)]
    key_points: Annotated[list[Text], Field(min_length=1)]
    duration: Annotated[StrictInt, Field(ge=1, le=1440)] = 45
    quiz: QuizSettings = QuizSettings()
    slides: SlideSettings = SlideSettings()
    sources: list[Text] = []  # this lesson's grounding instead of its module's or the course's


class Module(_Strict):
    id: Id
    title: Text
    summary: Prose = ""
    sources: list[Text] = []  # its lessons' grounding instead of the course's (a lesson may narrow it)
    lessons: Annotated[list[Lesson], Field(min_length=1)]


class Credential(_Strict):
    name: Text
    description: Prose = ""
    criteria: Text


class Prices(_Strict):
    """US dollars per million tokens, for the build's cost estimate."""

    input: Annotated[float, Field(ge=0)]
    cached_input: Annotated[float, Field(ge=0)] | None = None
    output: Annotated[float, Field(ge=0)]


STRUCTURED_OUTPUT = ("json_schema", "json_object", "none")
SERVERS = ("openai", "llama.cpp", "vllm", "ollama", "other")  # docs/servers.md: what each honours


class LLMSettings(_Strict):
    provider: Text = "offline"
    model: Text | None = None
    base_url: Text | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    seed: StrictInt | None = None
    max_tokens: Annotated[StrictInt, Field(ge=1)] | None = None
    frequency_penalty: Annotated[float, Field(ge=-2, le=2)] | None = None  # small models that repeat a sentence until the length limit
    timeout: Annotated[float, Field(gt=0)] | None = None
    concurrency: Annotated[StrictInt, Field(ge=1, le=256)] | None = None
    structured_output: Literal[STRUCTURED_OUTPUT] | None = None  # type: ignore[valid-type]
    server: Literal[SERVERS] | None = None  # type: ignore[valid-type]
    prompts: Text | None = None
    prices: Prices | None = None
    batch_prices: Prices | None = None  # a batch build's rate (default: half of prices)


class ScormSettings(_Strict):
    sco: Literal["lesson", "module"] = "lesson"  # one SCO per lesson, or one per module


def _check_colour(value: str) -> str:
    if not re.fullmatch(r"#?[0-9A-Fa-f]{6}", value):
        raise ValueError(f"'{value}' is not a colour; write it as six hex digits, e.g. '#1B6CA8'")
    return value


class Brand(_Strict):
    """The decks' brand, applied without editing the template: accent1 and accent2 of its theme."""

    logo: Text | None = None  # an image file (PNG, JPEG, GIF, SVG) relative to the spec's folder
    logo_alt: Text | None = None  # the logo's alt text (default: its file name)
    colors: Annotated[list[Annotated[str, AfterValidator(_check_colour)]], Field(max_length=2)] = []  # [primary, accent]


class Spec(_Strict):
    course: Course
    sources: list[Text] = []
    objectives: Annotated[list[Objective], Field(min_length=1)]
    modules: Annotated[list[Module], Field(min_length=1)]
    credential: Credential | None = None
    llm: LLMSettings = LLMSettings()
    outputs: list[Literal[OUTPUTS]] = ["markdown"]  # type: ignore[valid-type]
    templates: Text | None = None  # a folder of the user's own templates, relative to the spec
    brand: Brand | None = None
    scorm: ScormSettings = ScormSettings()
    translations: list[LanguageTag] = []  # the languages the course is translated into (docs/translations.md)
    # The key terms with their approved translation per language: inline, or the path of a .yaml
    # or .csv file beside the spec (load_spec reads it into this list).
    glossary: list[dict[str, Text]] | Text = []

    def glossary_terms(self, language: str) -> list[tuple[str, str]]:
        """The (term, approved translation) pairs of one target language, in glossary order."""
        entries = self.glossary if isinstance(self.glossary, list) else []
        return [(entry["term"], entry[language]) for entry in entries if "term" in entry and language in entry]

    def lessons(self) -> list[Lesson]:
        """Every lesson of the course, in spec order."""
        return [lesson for module in self.modules for lesson in module.lessons]

    def source_entries(self) -> list[tuple[list[str | int], str]]:
        """Every `sources` entry of the spec with its key path: the course's, then each module's
        and each of its lessons', in spec order."""
        found: list[tuple[list[str | int], str]] = [(["sources", i], s) for i, s in enumerate(self.sources)]
        for m, module in enumerate(self.modules):
            found += [(["modules", m, "sources", i], s) for i, s in enumerate(module.sources)]
            for n, lesson in enumerate(module.lessons):
                found += [(["modules", m, "lessons", n, "sources", i], s) for i, s in enumerate(lesson.sources)]
        return found

    def source_files(self) -> list[str]:
        """The files the course reads: every path its `sources` name, at any level, each once."""
        return list(dict.fromkeys(source_path(entry) for _, entry in self.source_entries()))


def source_path(entry: str) -> str:
    """The file a `sources` entry names: 'notes.md#key-ideas' -> 'notes.md'."""
    return entry.rpartition("#")[0] if "#" in entry else entry


def source_anchor(entry: str) -> str | None:
    """The section a `sources` entry narrows its file to, if any: 'notes.md#key-ideas' -> 'key-ideas'."""
    return entry.rpartition("#")[2] if "#" in entry else None
