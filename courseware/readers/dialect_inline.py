"""The inline syntax of markdown dialects, rewritten into the course's inline markdown: Liquid,
Pandoc and kramdown attribute lists, image alt attributes, reference links."""

from __future__ import annotations

import re

from courseware.content.blocks import fold_whitespace

IAL = re.compile(r"^[ \t]*\{:[ \t]*([^}]*)\}[ \t]*$")  # a kramdown attribute list alone on its line (in a list item too)
_LIQUID_LINE = re.compile(r"^[ \t]*\{%.*?%\}[ \t]*$")
DEFINITION = re.compile(r"""^ {0,3}\[([^\]^][^\]]*)\]:[ \t]*<?([^\s>]+)>?(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$""")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_LIQUID = re.compile(r"\{\{.*?\}\}/?|\{%.*?%\}")
# `{{ page.root }}/fig/x.png` in a Jekyll lesson is the lesson's folder, one above the episodes
# (`_episodes/`, `_extras/`), where the file is read from: so `../fig/x.png` from the file.
_ROOT = re.compile(r"\{\{\s*(?:page\.root|site\.root|relative_root_path)\s*\}\}/")
_IMAGE_ATTRS = re.compile(r"!\[((?:\\.|[^\\\]])*)\]\(([^)]*)\)\{([^}]*)\}")
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s}]+))""")
_LINK_ATTRS = re.compile(r"(\]\([^)]*\))\{[^}]*\}")
_REFERENCE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\[([^\]]*)\]")
_SHORTCUT = re.compile(r"(!?)\[([^\[\]^][^\[\]]*)\](?![(\[:{])")
_SPAN = re.compile(r"(?<!!)\[([^\[\]]*)\]\{[^}]*\}")
_INLINE_IAL = re.compile(r"[ \t]*\{:[^}]*\}")
_TRAILING_ATTRS = re.compile(r"[ \t]+\{[#.][^}]*\}[ \t]*$")  # `## Title {#id .class}`


def label(text: str) -> str:
    """A reference label as it is matched: white space folded, case ignored."""
    return fold_whitespace(text).casefold()


class Inline:
    """Rewrites lines of text, given the file's link reference definitions (label -> target);
    the caption an image's bracket text gives goes into `captions` (line -> text)."""

    def __init__(self, references: dict[str, str], captions: dict[int, str]):
        self.references = references
        self.captions = captions

    def line(self, line: str, i: int) -> str:
        """A line of text without the dialect's inline syntax (code spans are left as they are)."""
        if "{" not in line and "[" not in line:
            return line
        if IAL.match(line) or _LIQUID_LINE.match(line):
            return ""
        parts = []
        last = 0
        for span in _CODE_SPAN.finditer(line):
            parts += [self.words(line[last : span.start()], i), span[0]]
            last = span.end()
        parts.append(self.words(line[last:], i))
        return "".join(parts)

    def words(self, text: str, i: int) -> str:
        if "{" in text:
            text = _LIQUID.sub("", _ROOT.sub("../", text))
            text = _IMAGE_ATTRS.sub(lambda m: self.image(m, i), text)
            text = _LINK_ATTRS.sub(r"\1", text)
            text = _SPAN.sub(r"\1", text)
            text = _INLINE_IAL.sub("", text)
            text = _TRAILING_ATTRS.sub("", text)
        if "[" in text:
            text = _REFERENCE.sub(self.reference, text)
            if self.references:
                text = _SHORTCUT.sub(lambda m: self.reference(m, shortcut=True), text)
        return text

    def image(self, match: re.Match, i: int) -> str:
        """`![caption](src){alt='alt'}`: the alt attribute is the alt text; the bracket text, when
        there is an alt attribute too, the caption (Pandoc's reading of an image alone in its paragraph)."""
        brackets, src = match[1], match[2]
        alt = _ALT.search(match[3])
        if alt:
            text = next(g for g in alt.groups() if g is not None)
            if fold_whitespace(brackets) and fold_whitespace(brackets) != fold_whitespace(text):
                self.captions[i + 1] = fold_whitespace(brackets)
            brackets = re.sub(r"([\[\]\\])", r"\\\1", fold_whitespace(text))
        return f"![{brackets}]({src})"

    def reference(self, match: re.Match, shortcut: bool = False) -> str:
        """A reference link as an inline link; one whose label is not defined (it was in an
        included file) keeps its text."""
        bang, text = match[1], match[2]
        target = self.references.get(label(text if shortcut or not match[3].strip() else match[3]))
        if target is None:
            return match[0] if shortcut else text
        return f"{bang}[{text}]({target})"
