"""Lesson markdown in its real dialects (Carpentries Workbench, Jekyll/kramdown), rewritten line
for line into the course's own markdown, with its boxes kept apart as line ranges.

Every line keeps its number (a line of dialect syntax becomes an empty line or an HTML comment,
a box's `>` marks are taken off), so the blocks read from the rewritten text stand at their
line in the file.
What is rewritten: YAML front matter (its title and its questions/objectives/keypoints lists
are kept), Pandoc fenced divs (`::: challenge`, `:::::: {.callout}`; a closing fence closes
the innermost div, as in Pandoc), kramdown boxes (a blockquote followed by `{: .challenge}`),
code fences with a kramdown class after them (`{: .language-bash}`, `{: .output}`), image
and link attributes (`{alt='...'}`), reference links, Liquid tags and `{{ page.root }}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from courseware import safe_yaml
from courseware.content.blocks import fold_whitespace
from courseware.readers.base import BOX, EXERCISE, INSTRUCTOR, OVERVIEW, SOLUTION, SourceUnreadable
from courseware.readers.dialect_inline import DEFINITION, IAL, Inline, label

# A box class -> its role, its callout style (boxes only) and the title it has when it names none.
CLASSES: dict[str, tuple[str, str | None, str | None]] = {
    "callout": (BOX, "note", None), "caution": (BOX, "warning", None), "checklist": (BOX, "note", None),
    "prereq": (BOX, "note", "Prerequisites"), "testimonial": (BOX, "note", None), "spoiler": (BOX, "note", None),
    "keypoints": (BOX, "takeaway", "Key Points"), "objectives": (OVERVIEW, "note", "Objectives"),
    "questions": (OVERVIEW, "note", "Questions"),
    "challenge": (EXERCISE, None, None), "exercise": (EXERCISE, None, None), "discussion": (EXERCISE, None, None),
    "solution": (SOLUTION, None, None), "hint": (SOLUTION, None, None),
    "instructor": (INSTRUCTOR, None, None),
}
# The course's own callouts (docs/formats.md) are boxes of their style in a dialect file too.
CLASSES.update({style: (BOX, style, None) for style in ("note", "tip", "warning", "example", "activity", "takeaway")})
DIALECT_CLASSES = {name for name, (_, style, _) in CLASSES.items() if style != name}  # what only a dialect writes
PASSED = ("figure", "notes")  # the course's own containers, read as they are
# Front matter lists (the Jekyll form) that become boxes before the text.
FRONT_LISTS = ("questions", "objectives", "keypoints")

# What a line of box syntax becomes: an HTML comment, which the reader leaves out, and which ends
# a list or a paragraph as the box's edge did (an empty line would let the lists of two boxes
# in a row read as one).
EDGE = "<!-- -->"
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")  # indented too: a fence in a list item, with its class after it
_DIV_OPEN = re.compile(r"^ {0,3}(:{3,})[ \t]*(\{[^}]*\}|[A-Za-z][\w-]*)(.*?)[ \t:]*$")
_DIV_CLOSE = re.compile(r"^ {0,3}:{3,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>")

@dataclass
class Box:
    """A box of the source: the lines it spans (its opening and closing lines included, 1-based),
    its class, and what that makes it (role, callout style, a title from its attributes)."""

    start: int
    end: int
    name: str
    role: str | None  # None: a div of no class we know, read as the text around it
    style: str | None = None
    title: str | None = None


@dataclass
class Rewritten:
    """A dialect source as the course's markdown, line for line, and what it said apart from its text."""

    text: str
    title: str = ""
    boxes: list[Box] = field(default_factory=list)
    captions: dict[int, str] = field(default_factory=dict)  # line -> caption of the figure on it
    front: list[tuple[int, str, list[str]]] = field(default_factory=list)  # (line, class, items) of front matter lists


def is_dialect(data: bytes) -> bool:
    """Whether the file `data` (UTF-8) uses anything of a dialect. Cheap on a long plain file:
    byte searches, a one-character one first (the fastest), and only the lines holding ':::'
    or ']:' looked at."""
    if re.match(rb"---[ \t]*\r?\n", data.removeprefix(b"\xef\xbb\xbf")):
        return True
    if b"{" in data and any(s in data for s in (b"{%", b"{{", b"{:", b"){", b"]{")):
        return True
    for marker, check in ((b":::", _dialect_div), (b"]:", DEFINITION.match)):
        if marker == b"]:" and b"]" not in data:
            break
        at = data.find(marker)
        while at != -1:
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            end = end if end != -1 else len(data)
            if check(data[start:end].decode("utf-8", "replace").rstrip("\r")):
                return True
            at = data.find(marker, end)
    return False


def _dialect_div(line: str) -> bool:
    match = _DIV_OPEN.match(line)
    return bool(match) and (match[2].startswith("{") or match[2] in DIALECT_CLASSES)


def rewrite(text: str) -> Rewritten:
    """The dialect source `text` as the course's markdown, line for line; raises SourceUnreadable
    for bad front matter or a fenced div never closed."""
    lines = text.split("\n")
    result = Rewritten("")
    first = _front_matter(lines, result)
    walker = _Walker(lines, result, _definitions(lines, first))
    walker.level([(i, lines[i]) for i in range(first, len(lines))])
    result.text = "\n".join(walker.out)
    result.boxes.sort(key=lambda b: (b.start, -b.end))
    return result


def _front_matter(lines: list[str], result: Rewritten) -> int:
    """Read the front matter into `result` and blank its lines; the index of the first line after it."""
    if not re.match(r"^---[ \t]*$", lines[0]):
        return 0
    end = next((i for i in range(1, len(lines)) if re.match(r"^(---|\.\.\.)[ \t]*$", lines[i])), None)
    if end is None:
        raise SourceUnreadable("the front matter that starts here is never closed; end it with a line '---'", line=1)
    source = "\n".join(lines[1:end])
    try:
        node = safe_yaml.compose(source)
        data = safe_yaml.construct(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise SourceUnreadable(f"front matter: {problem}; write it as 'key: value' lines between two '---' lines", line=mark.line + 2 if mark else 1) from None
    if data is not None and not isinstance(data, dict):
        raise SourceUnreadable("front matter: this is not 'key: value' lines; write it as 'title: ...' between two '---' lines", line=2)
    data = data or {}
    if data.get("title") is not None:
        result.title = fold_whitespace(str(data["title"]))
    key_lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value} if node is not None else {}
    for name in FRONT_LISTS:
        value = data.get(name)
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        texts = [fold_whitespace(str(item)) for item in items if item is not None]
        if any(texts):
            result.front.append((key_lines.get(name, 1), name, [t for t in texts if t]))
    for i in range(end + 1):
        lines[i] = ""
    return end + 1


def _definitions(lines: list[str], first: int) -> dict[str, str]:
    """The link reference definitions outside code (label folded -> destination); their lines are blanked."""
    found: dict[str, str] = {}
    fence = None
    for i in range(first, len(lines)):
        line = lines[i]
        if fence:
            if _closes(line, fence):
                fence = None
        elif opened := _FENCE.match(line):
            fence = opened[2]
        elif match := DEFINITION.match(line):
            found.setdefault(label(match[1]), match[2])
            lines[i] = ""
    return found


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence) and set(stripped) == {fence[0]}


def _classes(attributes: str) -> tuple[list[str], str | None]:
    """The classes of a `{.a .b title="T"}` or `{: .a}` attribute list, and its title attribute."""
    title = re.search(r"""\btitle\s*=\s*(?:"([^"]*)"|'([^']*)')""", attributes)
    return re.findall(r"\.([\w-]+)", attributes), fold_whitespace(title[1] or title[2]) if title else None


class _Walker:
    """Rewrites the lines of one level (the file, or the inside of a kramdown box) into `out`."""

    def __init__(self, lines: list[str], result: Rewritten, references: dict[str, str]):
        self.out = lines
        self.result = result
        self.inline = Inline(references, result.captions)

    def box(self, start: int, name: str, title: str | None) -> Box:
        role, style, default = CLASSES.get(name, (None, None, None))
        box = Box(start + 1, start + 1, name, role, style, title or default)
        self.result.boxes.append(box)
        return box

    def level(self, entries: list[tuple[int, str]]) -> None:
        divs: list[tuple[Box | None, int, str]] = []  # the fenced divs open: (box, or None for one kept; its line; its opening)
        n = 0
        while n < len(entries):
            i, line = entries[n]
            if fence := _FENCE.match(line):
                n = self.code(entries, n, fence)
            elif _QUOTE.match(line):
                n = self.quote(entries, n)
            elif opened := _DIV_OPEN.match(line):
                name, rest = opened[2], opened[3].strip()
                classes, title = _classes(name) if name.startswith("{") else ([name], None)
                name = next((c for c in classes if c in CLASSES or c in PASSED), classes[0] if classes else "")
                if name in PASSED:
                    divs.append((None, i, line))
                    self.out[i] = line
                else:
                    box = self.box(i, name, title or (self.inline.line(rest, i) if name in CLASSES and CLASSES[name][1] == name and rest else None))
                    divs.append((box, i, line))
                    self.out[i] = EDGE
                n += 1
            elif _DIV_CLOSE.match(line):
                if divs:
                    box, _, _ = divs.pop()
                    if box is None:
                        self.out[i] = line
                    else:
                        box.end = i + 1
                        self.out[i] = EDGE
                else:
                    self.out[i] = ""  # a closing fence with nothing open: an extra one, left out as Pandoc's readers would not
                n += 1
            else:
                self.out[i] = self.inline.line(line, i)
                n += 1
        if divs:
            box, i, line = divs[-1]
            opened = _DIV_OPEN.match(line)
            raise SourceUnreadable(f"'::: {opened[2] if opened else box.name}' is never closed; end it with a line of colons ':::' after its last line", line=i + 1)

    def code(self, entries: list[tuple[int, str]], n: int, fence: re.Match) -> int:
        """A code block, left as it is but for its language: from its info (```{r}) or from a
        kramdown class right after it (`{: .language-bash}`; `{: .output}` marks output)."""
        i = entries[n][0]
        indent, marker, info = fence[1], fence[2], fence[3].strip()
        if info.startswith("{"):
            classes, _ = _classes(info)
            word = re.match(r"\{[ \t]*([A-Za-z][\w+#.-]*)", info)
            info = classes[0] if classes else word[1] if word else ""
        self.out[i] = indent + marker + info
        end = n + 1
        while end < len(entries) and not _closes(entries[end][1], marker):
            self.out[entries[end][0]] = entries[end][1]
            end += 1
        if end < len(entries):
            self.out[entries[end][0]] = entries[end][1]
        after = end + 1
        if after < len(entries) and (ial := IAL.match(entries[after][1])):
            classes, _ = _classes(ial[1])
            language = _language(classes[0]) if classes else None
            if language is not None:
                self.out[i] = indent + marker + language
            self.out[entries[after][0]] = ""
            return after + 1
        return after

    def quote(self, entries: list[tuple[int, str]], n: int) -> int:
        """A blockquote: a kramdown box when a `{: .class}` line follows it (its text read one
        level out, as the text of the box), otherwise a quote."""
        end = n
        while end < len(entries) and _QUOTE.match(entries[end][1]):
            end += 1
        ial = IAL.match(entries[end][1]) if end < len(entries) else None
        if not ial:
            for i, line in entries[n:end]:
                self.out[i] = self.inline.line(line, i)
            return end
        classes, title = _classes(ial[1])
        name = next((c for c in classes if c in CLASSES), classes[0] if classes else "")
        box = self.box(entries[n][0], name, title)
        box.end = entries[end][0] + 1
        self.out[entries[end][0]] = EDGE
        self.level([(i, re.sub(r"^ {0,3}> ?", "", line, count=1)) for i, line in entries[n:end]])
        return end + 1


def _language(name: str) -> str | None:
    """A code block's language from its kramdown class; 'output' for output and errors; None to keep the block's own."""
    if name in ("output", "error", "warning"):
        return "output"
    if name == "source":
        return None
    name = name.removeprefix("language-")
    return name if re.match(r"^[A-Za-z0-9_+#.-]{1,40}$", name) else None
