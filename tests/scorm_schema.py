"""The official SCORM 1.2 and 2004 4th edition schemas, loaded with lxml as
shared/standards/README.md describes (driver schemas, local resolution, no network)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from standards import standards

XML_NS = "http://www.w3.org/XML/1998/namespace"


class _Fixups(etree.Resolver):
    """Serve the schema files that libxml2 cannot take as they are, fixed in memory."""

    def __init__(self, root: Path):
        super().__init__()
        self.root = root

    def resolve(self, url, pubid, context):
        if url.endswith("ims_xml.xsd"):  # binds the default namespace to the XML one: not allowed
            text = (self.root / "scorm12/ims_xml.xsd").read_text("utf-8").replace(f'xmlns="{XML_NS}"', "")
            return self.resolve_string(text, context)
        if url.endswith("imsmd_rootv1p2p1.xsd"):  # '##any' after optional elements: not deterministic for libxml2
            text = (self.root / "scorm12/imsmd_rootv1p2p1.xsd").read_text("utf-8").replace('namespace="##any"', 'namespace="##other"')
            return self.resolve_string(text, context)
        if url == "http://www.w3.org/2001/xml.xsd":
            return self.resolve_filename(str(self.root / "scorm2004_4ed/xml.xsd"), context)
        return None


def _driver(imports: list[tuple[str, Path]]) -> etree.XMLSchema:
    lines = ['<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">']
    lines += [f'<xs:import namespace="{ns}" schemaLocation="{path.as_uri()}"/>' for ns, path in imports]
    lines.append("</xs:schema>")
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Fixups(standards()))
    return etree.XMLSchema(etree.fromstring("\n".join(lines).encode(), parser, base_url=standards().as_uri() + "/"))


@cache
def scorm12() -> etree.XMLSchema:
    s = standards() / "scorm12"
    return _driver([
        ("http://www.imsproject.org/xsd/imscp_rootv1p1p2", s / "imscp_rootv1p1p2.xsd"),
        ("http://www.adlnet.org/xsd/adlcp_rootv1p2", s / "adlcp_rootv1p2.xsd"),
        ("http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", s / "imsmd_rootv1p2p1.xsd"),  # the package's metadata: strict in 1.2
    ])


@cache
def scorm2004() -> etree.XMLSchema:
    s = standards() / "scorm2004_4ed"
    return _driver([
        (XML_NS, s / "xml.xsd"),
        ("http://www.imsglobal.org/xsd/imscp_v1p1", s / "imscp_v1p1.xsd"),
        ("http://www.adlnet.org/xsd/adlcp_v1p3", s / "adlcp_v1p3.xsd"),
        ("http://www.adlnet.org/xsd/adlseq_v1p3", s / "adlseq_v1p3.xsd"),
        ("http://www.adlnet.org/xsd/adlnav_v1p3", s / "adlnav_v1p3.xsd"),
        ("http://www.imsglobal.org/xsd/imsss", s / "imsss_v1p0.xsd"),
        # IEEE LOM: without it the manifest's lax wildcard would let any metadata through unchecked.
        ("http://ltsc.ieee.org/xsd/LOM/unique", s / "unique/loose.xsd"),
        ("http://ltsc.ieee.org/xsd/LOM/vocab", s / "vocab/loose.xsd"),
        ("http://ltsc.ieee.org/xsd/LOM/extend", s / "extend/custom.xsd"),
        ("http://ltsc.ieee.org/xsd/LOM", s / "lom.xsd"),
    ])


def errors(schema: etree.XMLSchema, xml: bytes) -> list[str]:
    """Validation errors of `xml` (empty when valid)."""
    document = etree.fromstring(xml, etree.XMLParser(no_network=True))
    schema.validate(document)
    return [f"{e.line}: {e.message}" for e in schema.error_log]
