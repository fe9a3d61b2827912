"""The XLIFF 1.2 format of a translation hand-off: a translation task as one `<file>`, a
`<trans-unit>` per text with its placeholders as inline codes and notes giving context, and a
translated document read back into placeholder texts with the line of each.

XLIFF 1.2 rather than 2.x: Weblate (translate-toolkit), OmegaT (Okapi filter), Trados and memoQ
all read and write it. The files are written and read with translate-toolkit's xliff store (lxml
underneath); inline codes are its `X` and `G` placeables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from translate.misc.xml_helpers import parse_xml
from translate.storage import xliff
from translate.storage.placeables import StringElem
from translate.storage.placeables import xliff as inline

from courseware.content.blocks import fold_whitespace
from courseware.translate.plan import FACTS, TranslationTask
from courseware.translate.units import PLACEHOLDER, Unit

NS = "urn:oasis:names:tc:xliff:document:1.2"
VERSION = "1.2"
TOOL = "courseware"
DATATYPE = "x-markdown"  # a unit's text is inline markdown (`*emphasis*`); the strict schema takes x- values
FACTS_ORIGINAL = "facts.md"


class _Unit(xliff.xliffunit):
    namespace = NS


class Store(xliff.xlifffile):
    """translate-toolkit's XLIFF store, writing 1.2 (its own skeleton says 1.1)."""

    UnitClass = _Unit
    namespace = NS
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version="{VERSION}" xmlns="{NS}">
<file original="NoName" source-language="en" datatype="{DATATYPE}">
<body>
</body>
</file>
</xliff>"""


def q(name: str) -> str:
    """An XLIFF 1.2 element name in Clark notation."""
    return f"{{{NS}}}{name}"


def original(task: TranslationTask) -> str:
    """What a task's `<file original>` says: the source file it translates, relative to the content folder."""
    return FACTS_ORIGINAL if task.kind == FACTS else task.source_path


# --- writing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileContext:
    """What a `<file>` records besides its texts: the course, the spec (relative to the XLIFF's
    folder), a line naming the lesson for the translator."""

    course_id: str
    spec_href: str
    source_language: str
    about: str
    tool_version: str = ""


def add_file(store: Store, task: TranslationTask, context: FileContext, targets: dict[str, str]) -> int:
    """Add one `<file>` for `task` to `store`, with `targets` (unit id -> text) filled in as
    translated; returns how many units it holds."""
    name = original(task)
    store.switchfile(name, createifmissing=True)
    node = store.getfilenode(name)
    # The import checks the source is the one exported (build-num: the body hash it was made
    # from) and finds the course (product-name) and its spec (the header's reference).
    for key, value in (("source-language", context.source_language), ("target-language", task.language), ("datatype", DATATYPE),
                       ("tool-id", TOOL), ("product-name", context.course_id), ("build-num", task.source_sha256), ("category", task.kind)):
        node.set(key, value)
    header = etree.Element(q("header"))
    node.insert(0, header)
    tool = etree.SubElement(header, q("tool"), {"tool-id": TOOL, "tool-name": TOOL})
    if context.tool_version:
        tool.set("tool-version", context.tool_version)
    reference = etree.SubElement(header, q("reference"))
    etree.SubElement(reference, q("external-file"), {"href": context.spec_href})
    for text in (context.about, "Each text is markdown: keep *emphasis* marks around the words they stress. Keep every inline code as it is (code, math, a blank to fill in); a link's words are translated inside it."):
        etree.SubElement(header, q("note"), {"from": TOOL}).text = text
    units = task.units()
    glossary = task.glossary
    for unit in units:
        xunit = store.UnitClass("")
        xunit.setid(unit.id)
        xunit.xmlelement.set("resname", unit.where if task.kind == FACTS else f"{name}#{unit.id}")
        xunit.rich_source = [rich(unit.text, unit)]
        _namespace_inline(xunit.source_dom)
        if unit.id in targets:
            xunit.rich_target = [rich(targets[unit.id], unit)]
            _namespace_inline(xunit.target_dom)
            xunit.target_dom.set("state", "translated")
        else:
            # An empty target with state="new": what CAT tools expect of a text still to translate.
            xunit.xmlelement.insert(1, etree.Element(q("target"), {"state": "new"}))
        xunit.addnote(f"{context.about}: {fact_label(unit.where) if task.kind == FACTS else unit.where}", origin="developer")
        terms = terms_in(unit.text, glossary)
        if terms:
            xunit.addnote("Glossary: " + "; ".join(f"{term} → {target}" for term, target in terms), origin="developer")
        codes = _codes_note(unit)
        if codes:
            xunit.addnote(codes, origin="developer")
        store.addunit(xunit)
        if "approved" in xunit.xmlelement.attrib:  # the toolkit marks targets approved; a reviewer decides that
            del xunit.xmlelement.attrib["approved"]
    return len(units)


def fact_label(key: str) -> str:
    """What a facts key (`lessons.m1-l1.title`) names, in words."""
    parts = key.split(".")
    if parts[0] == "objectives":
        return f"learning objective {parts[1]}"
    if parts[0] in ("modules", "lessons") and len(parts) == 3:
        return f"{parts[2]} of {parts[0][:-1]} {parts[1]}"
    return " ".join(parts)


def rich(text: str, unit: Unit) -> StringElem:
    """A unit's text (`<x1/>`, `<g2>…</g2>` placeholders) as translate-toolkit placeables: `<x>`
    with the code it stands for as equiv-text, `<g ctype="link">` around a link's words."""
    stack: list[list] = [[]]
    opened: list[str] = []
    at = 0
    for found in PLACEHOLDER.finditer(text):
        if found.start() > at:
            stack[-1].append(text[at : found.start()])
        x, g_open, g_close = found.groups()
        if x:
            code = unit.codes.get(x, "")
            stack[-1].append(inline.X(id=x, xml_attrib={"ctype": _ctype(code), "equiv-text": code}))
        elif g_open:
            stack.append([])
            opened.append(g_open)
        else:
            children = stack.pop()
            stack[-1].append(inline.G(id=opened.pop(), sub=children, xml_attrib={"ctype": "link"}))
        at = found.end()
    if at < len(text):
        stack[-1].append(text[at:])
    return StringElem(stack[0])


def _ctype(code: str) -> str:
    """What kind of code an `<x>` stands for, in the schema's x- extension values."""
    if code.startswith("`"):
        return "x-code"
    if code.startswith("$"):
        return "x-math"
    if code.startswith("_"):
        return "x-blank"
    if code.startswith("<") and (":" in code or "@" in code):
        return "x-autolink"
    return "x-tag"


def _codes_note(unit: Unit) -> str:
    """What each inline code stands for, for tools that show codes as bare numbers."""
    parts = []
    for number, code in sorted(unit.codes.items(), key=lambda item: int(item[0])):
        if number in unit.standalone:
            parts.append(f"{number} = {code}")
        else:
            parts.append(f"{number} = a link to {code[2:-1].strip()}")
    return "Inline codes: " + "; ".join(parts) if parts else ""


def _namespace_inline(node) -> None:
    """translate-toolkit makes inline elements without a namespace; in the file they are XLIFF's."""
    for element in node.iter():
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            element.tag = q(element.tag)


def terms_in(text: str, glossary: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The glossary pairs whose term `text` uses, by the rule lint and the model's checks apply
    (translate/terms.py: any case, anywhere in the text)."""
    plain = PLACEHOLDER.sub(" ", text).casefold()
    return [(term, target) for term, target in glossary if term.casefold() in plain]


# --- reading ----------------------------------------------------------------------------------


@dataclass
class ReadFile:
    """One `<file>` as read: its attributes, the line it starts on, its units by id."""

    line: int
    original: str
    source_language: str
    target_language: str
    course_id: str
    source_sha256: str
    spec_href: str
    units: dict[str, "ReadUnit"] = field(default_factory=dict)
    duplicates: list["ReadUnit"] = field(default_factory=list)


@dataclass(frozen=True)
class ReadUnit:
    id: str
    line: int
    target: str | None  # the text with `<xN/>` / `<gN>` placeholders; None: no target or an empty one
    problem: str | None = None  # an inline element we cannot take back


class NotXliff(ValueError):
    """The bytes are not an XLIFF 1.2 document: `line` and the message say why."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def read(data: bytes) -> list[ReadFile]:
    """The `<file>`s of an XLIFF 1.2 document, read with translate-toolkit; NotXliff if it is not one."""
    try:
        root = parse_xml(data)  # translate-toolkit's parser for untrusted input: no entities, no network
    except etree.XMLSyntaxError as exc:
        message = re.sub(r", line \d+, column \d+$", "", exc.msg)  # the line is said first
        raise NotXliff(exc.lineno or 1, f"not well-formed XML: {message}") from None
    if etree.QName(root).localname != "xliff":
        raise NotXliff(root.sourceline or 1, f"not an XLIFF file: its root element is <{etree.QName(root).localname}>, not <xliff>")
    version = root.get("version", "")
    if version != VERSION or etree.QName(root).namespace != NS:
        raise NotXliff(root.sourceline or 1, f"this is XLIFF {version or 'of no version'}, not {VERSION}: courseware reads the XLIFF 1.2 it exports; export again")
    if root.find(q("file")) is None:
        raise NotXliff(root.sourceline or 1, "the XLIFF holds no <file>")
    store = Store.parsestring(data)
    files: dict[object, ReadFile] = {}
    for node in store.document.getroot().iterchildren(q("file")):
        reference = node.find(f"{q('header')}/{q('reference')}/{q('external-file')}")
        files[node] = ReadFile(node.sourceline or 1, node.get("original", ""), node.get("source-language", ""), node.get("target-language", ""),
                               node.get("product-name", ""), node.get("build-num", ""), reference.get("href", "") if reference is not None else "")
    for unit in store.units:
        node = next(unit.xmlelement.iterancestors(q("file")))
        found = files[node]
        local = unit.xmlelement.get("id", "")
        text, problem = _target_text(unit)
        read_unit = ReadUnit(local, unit.xmlelement.sourceline or found.line, text, problem)
        if local in found.units:
            found.duplicates.append(read_unit)
        else:
            found.units[local] = read_unit
    return list(files.values())


def _target_text(unit) -> tuple[str | None, str | None]:
    """A unit's target as our placeholder text, or (None, None) when empty, or a problem."""
    target = unit.get_target_dom()
    if target is None:
        return None, None
    out: list[str] = []
    problem = _flatten(unit.rich_target[0], out)
    text = fold_whitespace("".join(out))  # a tool's line breaks and indentation are not the translator's: a text is one line
    return (text or None), problem


def _flatten(elem, out: list[str]) -> str | None:
    """Append `elem` as placeholder text to `out`; the first problem found, if any."""
    if isinstance(elem, str) or (type(elem) is StringElem and elem.isleaf()):
        value = str(elem)
        if PLACEHOLDER.search(value):
            return f"'{PLACEHOLDER.search(value).group(0)}' is typed as text; use the inline code your tool shows instead"
        out.append(value)
        return None
    if isinstance(elem, inline.X):
        out.append(f"<x{elem.id}/>")
        return None
    if isinstance(elem, inline.G):
        out.append(f"<g{elem.id}>")
        problem = _children(elem, out)
        out.append(f"</g{elem.id}>")
        return problem
    if type(elem) is StringElem:
        return _children(elem, out)
    name = etree.QName(elem.xml_node).localname if isinstance(elem, inline.UnknownXML) else type(elem).__name__.lower()
    if name == "mrk":  # a CAT tool's segment or comment marker: its words are the text
        return _children(elem, out)
    return f"<{name}> is not an inline code of the source; keep only its <x/> and <g> codes"


def _children(elem, out: list[str]) -> str | None:
    problem = None
    for sub in elem.sub:
        problem = problem or _flatten(sub, out)
    return problem
