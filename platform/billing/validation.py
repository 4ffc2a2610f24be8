"""Check an e-invoice the way the Peppol network will: UBL 2.1 XSD, then the official rules.

The rules are OpenPEPPOL's published Schematron files (PEPPOL-EN16931-UBL.sch, national and
Peppol rules; CEN-EN16931-UBL.sch, the EN 16931 business rules), shipped in peppol_rules/
with their origin. Saxon-HE (saxonche) runs them: SchXslt's pipeline compiles each .sch
into an XSLT that reports SVRL, once per process (about 1.5 s for both, see README), and
that XSLT then checks one invoice in milliseconds.

`validate` returns the failures; a fatal one means the access point would reject the
document, so production checks every invoice before it is sent (billing.sending).
"""

import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

RULES_DIR = Path(str(resources.files("billing") / "peppol_rules"))
XSD_DIR = RULES_DIR / "ubl-2.1" / "maindoc"
# The rules cover both document types of BIS Billing 3.0; we write invoices only so far.
XSD_BY_ROOT = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "UBL-Invoice-2.1.xsd",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": (
        "UBL-CreditNote-2.1.xsd"
    ),
}
SCHEMATRON_FILES = ("CEN-EN16931-UBL.sch", "PEPPOL-EN16931-UBL.sch")
SVRL = "http://purl.oclc.org/dsdl/svrl"

FATAL = "fatal"
WARNING = "warning"


@dataclass(frozen=True)
class Failure:
    rule: str  # "BR-CO-16", "PEPPOL-EN16931-R003", or "XSD" for a schema error
    flag: str  # "fatal" or "warning"
    text: str
    location: str = ""


class InvalidInvoice(ValueError):
    def __init__(self, failures: list[Failure]) -> None:
        self.failures = failures
        super().__init__("; ".join(f"[{f.rule}] {f.text}" for f in failures if f.flag == FATAL))


def validate(xml: bytes) -> list[Failure]:
    """Every XSD error and every failed Schematron assertion, fatal ones first.

    A document that is not schema-valid is not given to the Schematron rules: their
    findings about a malformed document would only repeat the XSD's in a noisier way.
    """
    try:
        tree = etree.fromstring(
            xml, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as error:
        return [Failure("XML", FATAL, str(error))]
    # UBL has no DTD; Saxon would resolve one, so a document with it goes no further.
    # (lxml-stubs 0.5 does not know DocInfo.doctype.)
    if tree.getroottree().docinfo.doctype:  # type: ignore[union-attr]
        return [Failure("XML", FATAL, "A UBL document has no DOCTYPE.")]
    if tree.tag not in XSD_BY_ROOT:
        return [Failure("XSD", FATAL, f"Not a UBL invoice or credit note: {tree.tag}")]
    schema = _xsd(XSD_BY_ROOT[tree.tag])
    if not schema.validate(tree):
        entries = schema.error_log  # lxml-stubs 0.5 lacks _ErrorLog.__iter__
        return [
            Failure("XSD", FATAL, entry.message, f"line {entry.line}")
            for entry in entries  # type: ignore[attr-defined]
        ]
    failures = [failure for name in SCHEMATRON_FILES for failure in _schematron(name, xml)]
    return sorted(failures, key=lambda failure: failure.flag != FATAL)


def fatal(failures: list[Failure]) -> list[Failure]:
    return [failure for failure in failures if failure.flag == FATAL]


def check(xml: bytes) -> list[Failure]:
    """validate(), raising InvalidInvoice on any fatal failure; returns the warnings."""
    failures = validate(xml)
    if fatal(failures):
        raise InvalidInvoice(failures)
    return failures


def warm_up() -> None:
    """Load the XSD and compile both rule sets now (a worker's start, a test session)."""
    for xsd in XSD_BY_ROOT.values():
        _xsd(xsd)
    for name in SCHEMATRON_FILES:
        _compiled(name)


@cache
def _xsd(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / name)))


# One Saxon processor per process; SaxonC objects are not documented as safe to use
# from several threads at once, so one lock guards compiling and running the rules.
_lock = threading.RLock()


@cache
def _processor() -> Any:
    from saxonche import PySaxonProcessor  # imported when first needed: a native library

    return PySaxonProcessor(license=False)


@cache
def _compiled(name: str) -> Any:
    with _lock:
        xslt = _processor().new_xslt30_processor()
        pipeline = xslt.compile_stylesheet(
            stylesheet_file=str(RULES_DIR / "schxslt" / "pipeline-for-svrl.xsl")
        )
        compiled = pipeline.transform_to_string(source_file=str(RULES_DIR / name))
        return xslt.compile_stylesheet(stylesheet_text=compiled)


def _schematron(name: str, xml: bytes) -> list[Failure]:
    with _lock:
        executable = _compiled(name)
        node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
        report = executable.transform_to_string(xdm_node=node)
    svrl = etree.fromstring(report.encode("utf-8"))
    return [
        Failure(
            rule=assertion.get("id", ""),
            flag=assertion.get("flag", FATAL),
            text=" ".join("".join(str(part) for part in assertion.itertext()).split()),
            location=assertion.get("location", ""),
        )
        for assertion in svrl.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report")
    ]
