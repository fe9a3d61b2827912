"""The official QTI 2.1 and IMS CP 1.1.4 schemas from shared/standards/qti21, compiled once per
test session with lxml, never touching the network."""

from __future__ import annotations

from functools import cache

from lxml import etree

from standards import standards

XS = "http://www.w3.org/2001/XMLSchema"
# The namespaces a QTI content package manifest uses, with their schema files under qti21/;
# xml.xsd comes first so that every later import of the XML namespace finds it already loaded.
MANIFEST_SCHEMAS = (
    ("http://www.w3.org/XML/1998/namespace", "w3/xml.xsd"),
    ("http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
    ("http://www.imsglobal.org/xsd/imsmd_v1p2", "imsmd_v1p2p4.xsd"),
)


def parser() -> etree.XMLParser:
    """A parser that never fetches anything from the network and never expands external entities."""
    return etree.XMLParser(no_network=True, resolve_entities=False)


def parse(data: bytes) -> etree._ElementTree:
    """Parse generated XML (bytes) the safe way."""
    return etree.ElementTree(etree.fromstring(data, parser()))


@cache
def qti() -> etree.XMLSchema:
    """imsqti_v2p1.xsd as it is (it imports MathML, XInclude, APIP and xml.xsd by relative paths)."""
    return etree.XMLSchema(etree.parse(str(standards() / "qti21/qtiv2p1/imsqti_v2p1.xsd"), parser()))


@cache
def content_package() -> etree.XMLSchema:
    """A driver schema importing IMS CP 1.1.4 and IMS MD 1.2.4, so inline imsmd:lom is checked too."""
    folder = standards() / "qti21"
    driver = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS})
    for namespace, path in MANIFEST_SCHEMAS:
        etree.SubElement(driver, f"{{{XS}}}import", namespace=namespace, schemaLocation=(folder / path).as_uri())
    document = etree.ElementTree(etree.fromstring(etree.tostring(driver), parser(), base_url=(folder / "driver.xsd").as_uri()))
    return etree.XMLSchema(document)


def errors(schema: etree.XMLSchema, document: etree._ElementTree) -> list[str]:
    """Every validation error as 'line N: message' (empty when the document is valid)."""
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
