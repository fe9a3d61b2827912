"""HTML, as the templates and the site's block views make it, as XHTML: parsed by an HTML5 parser
(tinyhtml5, the WHATWG algorithm, so `<img>`, `&nbsp;` and MathML come out as a browser reads
them), then serialised with lxml as well-formed XML in the XHTML, MathML and EPUB namespaces."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
MATHML = "http://www.w3.org/1998/Math/MathML"
OPS = "http://www.idpf.org/2007/ops"  # epub:type
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NSMAP = {None: XHTML, "epub": OPS}


def xhtml(html: str) -> etree._ElementTree:
    """The document `html` (a whole page) as an XHTML tree: `epub:type` in the EPUB namespace,
    `xml:lang` beside every `lang`, MathML in its namespace."""
    import tinyhtml5

    parsed = tinyhtml5.parse(html)  # xml.etree, the elements namespaced as the HTML5 parser puts them
    root = etree.Element(f"{{{XHTML}}}html", nsmap=NSMAP)
    _copy(parsed, root)
    return etree.ElementTree(root)


def _copy(source: ET.Element, target: etree._Element) -> None:
    for name, value in source.attrib.items():
        if name == "epub:type":
            target.set(f"{{{OPS}}}type", value)
        elif name in ("xml:lang", "xmlns") or name.startswith(("xmlns:", "{http://www.w3.org/2000/xmlns/}")):
            continue  # xml:lang is set from lang below; namespaces come from the element names
        elif name == "aria-label" and target.tag == f"{{{MATHML}}}math":
            continue  # the site's label for Chromium; MathML 3 (EPUB's) has no such attribute: alttext says it
        else:
            target.set(name, value)
    if "lang" in source.attrib:
        target.set(XML_LANG, source.attrib["lang"])
    target.text = source.text
    last = None
    for child in source:
        if not isinstance(child.tag, str):  # a comment: dropped, the text after it kept
            if last is None:
                target.text = (target.text or "") + (child.tail or "")
            else:
                last.tail = (last.tail or "") + (child.tail or "")
            continue
        last = etree.SubElement(target, child.tag, nsmap={None: MATHML} if child.tag == f"{{{MATHML}}}math" else None)
        _copy(child, last)
        last.tail = child.tail


def serialised(tree: etree._ElementTree) -> bytes:
    """The tree as an XHTML content document: XML declaration, `<!DOCTYPE html>`, UTF-8."""
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


def has_math(tree: etree._ElementTree) -> bool:
    """True when the document shows MathML (its manifest item then says `mathml`)."""
    return tree.find(f".//{{{MATHML}}}math") is not None
