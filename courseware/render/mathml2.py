"""MathML as QTI 2.1 can hold it: the schema imports MathML 2, and latex2mathml writes MathML
Core/3 (attributes such as voffset, negative named spaces, several notations in one menclose).

`to_mathml2` copies a formula into the MathML namespace keeping each attribute only where the
MathML 2 schema (shared/standards/qti21/w3/mathml2) defines it and its value fits the type, and
repairs the few shapes MathML 2 spells differently. A formula whose structure MathML 2 cannot
hold raises Unsupported; the caller shows its LaTeX instead.
"""

from __future__ import annotations

import re

from lxml import etree

MATHML = "http://www.w3.org/1998/Math/MathML"

# Value types of the MathML 2 schema (presentation/common-types.xsd and the element modules),
# as regular expressions matched against the whole value; None: any string.
BOOL = r"true|false"
LENGTH = r"-?([0-9]+|[0-9]*\.[0-9]+)*(em|ex|px|in|cm|mm|pt|pc|%)|0"
NAMED_SPACE = r"(veryverythin|verythin|thin|medium|thick|verythick|veryverythick)mathspace"
SPACE = rf"{LENGTH}|{NAMED_SPACE}"
PADDED = r"(\+|-)?([0-9]+|[0-9]*\.[0-9]+)(((%?) *(width|lspace|height|depth))|(em|ex|px|in|cm|mm|pt|pc))"
PADDED_WIDTH = rf"(\+|-)?([0-9]+|[0-9]*\.[0-9]+)(((%?) *(width|lspace|height|depth)?)|(em|ex|px|in|cm|mm|pt|pc))|{NAMED_SPACE}|0"
SIZE = rf"small|normal|big|{LENGTH}"
THICKNESS = r"-?([0-9]+|[0-9]*\.[0-9]+)*(em|ex|px|in|cm|mm|pt|pc|%)?|thin|medium|thick"
VARIANT = (r"normal|bold|italic|bold-italic|double-struck|bold-fraktur|script|bold-script|fraktur|sans-serif"
           r"|bold-sans-serif|sans-serif-italic|sans-serif-bold-italic|monospace")
TOKENS = r"[\w.:-]+( [\w.:-]+)*"
POSITIVE = r"\+?0*[1-9][0-9]*"
ALIGNS = r"(left|center|right)( left| center| right)*"
ROWALIGNS = r"(top|bottom|center|baseline|axis)( top| bottom| center| baseline| axis)*"
NOTATION = (r"actuarial|longdiv|radical|box|roundedbox|circle|left|right|top|bottom|updiagonalstrike"
            r"|downdiagonalstrike|verticalstrike|horizontalstrike")

COMMON = {"class": TOKENS, "style": None}
TOKEN = {**COMMON, "mathvariant": VARIANT, "mathsize": SIZE, "mathcolor": None, "mathbackground": None}
OPERATOR = {"form": r"prefix|infix|postfix", "fence": BOOL, "separator": BOOL, "lspace": SPACE, "rspace": SPACE,
            "stretchy": BOOL, "symmetric": BOOL, "maxsize": rf"{SPACE}|infinity|[0-9]*\.?[0-9]+", "minsize": SPACE,
            "largeop": BOOL, "movablelimits": BOOL, "accent": BOOL}
TABLE_CELL = {**COMMON, "rowalign": ROWALIGNS, "columnalign": ALIGNS, "groupalign": None}
# Each element MathML 2 has, with the attributes it defines (id and xref left out: a formula
# repeated in one item would repeat its ids).
ATTRIBUTES: dict[str, dict[str, str | None]] = {
    "math": {**COMMON, "display": r"block|inline", "alttext": None, "overflow": r"scroll|elide|truncate|scale"},
    "semantics": {**COMMON, "encoding": None, "definitionURL": None},
    "annotation": {**COMMON, "encoding": None},
    "mrow": COMMON, "mphantom": COMMON, "msqrt": COMMON, "mroot": COMMON, "merror": COMMON, "mmultiscripts": COMMON,
    "mprescripts": {}, "none": {},
    "mi": TOKEN, "mn": TOKEN, "mtext": TOKEN, "ms": {**TOKEN, "lquote": None, "rquote": None},
    "mo": {**TOKEN, **OPERATOR},
    "mspace": {**COMMON, "width": SPACE, "height": LENGTH, "depth": LENGTH,
               "linebreak": r"auto|newline|indentingnewline|nobreak|goodbreak|badbreak"},
    "mstyle": {**TOKEN, **OPERATOR, "scriptlevel": r"[+-]?[0-9]+", "displaystyle": BOOL, "scriptsizemultiplier": r"[0-9]*\.?[0-9]+",
               "scriptminsize": LENGTH, "color": None, "background": None, "linethickness": THICKNESS},
    "mpadded": {**COMMON, "width": PADDED_WIDTH, "lspace": PADDED, "height": PADDED, "depth": PADDED},
    "mfrac": {**COMMON, "linethickness": THICKNESS, "numalign": r"left|center|right", "denomalign": r"left|center|right", "bevelled": BOOL},
    "msub": {**COMMON, "subscriptshift": LENGTH}, "msup": {**COMMON, "superscriptshift": LENGTH},
    "msubsup": {**COMMON, "subscriptshift": LENGTH, "superscriptshift": LENGTH},
    "munder": {**COMMON, "accentunder": BOOL}, "mover": {**COMMON, "accent": BOOL},
    "munderover": {**COMMON, "accent": BOOL, "accentunder": BOOL},
    "mtable": {**COMMON, "align": None, "rowalign": ROWALIGNS, "columnalign": ALIGNS, "groupalign": None,
               "alignmentscope": r"(true|false)( true| false)*", "columnwidth": None, "width": None, "rowspacing": None,
               "columnspacing": None, "rowlines": None, "columnlines": None, "frame": r"none|solid|dashed",
               "framespacing": None, "equalrows": BOOL, "equalcolumns": BOOL, "displaystyle": BOOL,
               "side": r"left|right|leftoverlap|rightoverlap", "minlabelspacing": LENGTH},
    "mtr": TABLE_CELL, "mlabeledtr": TABLE_CELL,
    "mtd": {**TABLE_CELL, "rowspan": POSITIVE, "columnspan": POSITIVE},
    "menclose": {**COMMON, "notation": NOTATION},
}
# Elements MathML 2 gives a fixed number of children.
ARITY = {"mfrac": 2, "mroot": 2, "msub": 2, "msup": 2, "munder": 2, "mover": 2, "msubsup": 3, "munderover": 3}
TOKEN_ELEMENTS = {"mi", "mn", "mo", "mtext", "ms"}
# MathML 3's negative named spaces, as the lengths MathML 2 reads.
NEGATIVE_SPACES = {f"negative{name}mathspace": f"-{em}em" for name, em in (
    ("veryverythin", "0.0556"), ("verythin", "0.1111"), ("thin", "0.1667"), ("medium", "0.2222"),
    ("thick", "0.2778"), ("verythick", "0.3333"), ("veryverythick", "0.3889"))}
_MATCHERS = {pattern: re.compile(pattern) for element in ATTRIBUTES.values() for pattern in element.values() if pattern}


class Unsupported(ValueError):
    """A formula MathML 2 cannot hold (an element it lacks, a script missing its base)."""


def to_mathml2(source: etree._Element) -> etree._Element:
    """A copy of a MathML <math> element that the MathML 2 schema accepts, prefixed m:."""
    for enclose in list(source.iter(f"{{{MATHML}}}menclose")):
        _split_notations(enclose)
    return _copy(source)


def _copy(source: etree._Element) -> etree._Element:
    tag = etree.QName(source).localname
    if tag not in ATTRIBUTES:
        raise Unsupported(f"MathML 2 has no <{tag}>")
    copy = etree.Element(f"{{{MATHML}}}{tag}", nsmap={"m": MATHML})
    for name, value in source.attrib.items():
        kept = _value(ATTRIBUTES[tag], name, value)
        if kept is not None:
            copy.set(name, kept)
    if tag in TOKEN_ELEMENTS:  # MathML 2 tokens hold text only (latex2mathml nests an mrow in \mathbin{...})
        copy.text = "".join(source.itertext())
        return copy
    copy.text = source.text
    for child in source:
        if etree.QName(child).localname == "mstyle" and len(child) == 0:
            continue  # a lone \displaystyle: MathML 2 wants an mstyle to hold something
        copy.append(_copy(child))
    if tag in ARITY and len(copy) != ARITY[tag]:
        raise Unsupported(f"<{tag}> needs {ARITY[tag]} parts, has {len(copy)}")
    return copy


def _value(attributes: dict[str, str | None], name: str, value: str) -> str | None:
    """The value MathML 2 reads for this attribute, or None if the element has no such attribute."""
    if name not in attributes:
        return None
    pattern = attributes[name]
    value = NEGATIVE_SPACES.get(value, value)
    if pattern is None:
        return value
    for candidate in (value, f"{value}em" if re.fullmatch(r"[+-]?[0-9.]+", value) else None):
        if candidate is not None and _MATCHERS[pattern].fullmatch(candidate):
            return candidate
    return None


def _split_notations(element: etree._Element) -> None:
    """MathML 2 takes one notation per menclose: several become nested ones."""
    notations = (element.get("notation") or "").split()
    if len(notations) <= 1:
        return
    element.set("notation", notations[0])
    inner = etree.SubElement(element, f"{{{MATHML}}}menclose", notation=" ".join(notations[1:]))
    inner.text, element.text = element.text, None
    for child in list(element)[:-1]:
        inner.append(child)
    _split_notations(inner)
