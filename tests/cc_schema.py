"""The official IMS Common Cartridge 1.1 schemas from shared/standards/cc11, as Moodle's importer
uses them (backup/cc/validator.php): the manifest against cc11libxml2validator.xsd, an assessment
against ccv1p1_qtiasiv1p2p1_v1p0.xsd. The Schematron rules IMS wrote into the same unmodified
files (xs:appinfo) are run too: they say what the XSD cannot (a true/false item has two labels,
an assessment resource one file and no href, every displayfeedback has its itemfeedback ...)."""

from __future__ import annotations

from functools import cache

from lxml import etree, isoschematron

from standards import standards

MANIFEST_XSD = "cc11libxml2validator.xsd"
QTI_XSD = "ccv1p1_qtiasiv1p2p1_v1p0.xsd"
# The files whose xs:appinfo holds Schematron rules for a manifest or an assessment.
MANIFEST_RULES = ("ccv1p1_imscp_v1p2_v1p0.xsd", "ccv1p1_lommanifest_v1p0.xsd")
QTI_RULES = ("ccv1p1_qtiasiv1p2p1_v1p0.xsd",)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(no_network=True, resolve_entities=False)


def _folder():
    return standards() / "cc11"


@cache
def manifest_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(_folder() / MANIFEST_XSD), _parser()))


@cache
def qti_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(_folder() / QTI_XSD), _parser()))


@cache
def _rules(names: tuple[str, ...]) -> tuple[isoschematron.Schematron, ...]:
    # The rules are written in the Schematron 1.5 manner (a `name` on each pattern), which the ISO
    # schema of Schematron itself refuses; lxml runs them as they are with validate_schema=False.
    return tuple(isoschematron.Schematron(etree.parse(str(_folder() / name), _parser()), store_report=True, validate_schema=False) for name in names)


def parse(data: bytes) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(data, _parser()))


def _errors(schema: etree.XMLSchema, rules: tuple[isoschematron.Schematron, ...], data: bytes) -> list[str]:
    document = parse(data)
    found = [] if schema.validate(document) else [f"line {e.line}: {e.message}" for e in schema.error_log]
    svrl = "{http://purl.oclc.org/dsdl/svrl}"
    for rule in rules:
        if not rule.validate(document):
            found += [" ".join(f.findtext(f"{svrl}text", "").split()) for f in rule.validation_report.iter(f"{svrl}failed-assert")]
    return found


def manifest_errors(data: bytes) -> list[str]:
    """Every XSD error and failed Schematron assertion of an imsmanifest.xml (empty: valid)."""
    return _errors(manifest_schema(), _rules(MANIFEST_RULES), data)


def qti_errors(data: bytes) -> list[str]:
    """Every XSD error and failed Schematron assertion of a CC 1.1 assessment (empty: valid)."""
    return _errors(qti_schema(), _rules(QTI_RULES), data)
