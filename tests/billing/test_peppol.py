"""Every invoice built here is checked against the UBL 2.1 XSD and both official rule sets."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from billing.peppol import Address, Buyer, InvoiceDocument, Line, PaymentMeans, Seller, invoice_xml
from billing.validation import Failure, fatal

Validate = Callable[[bytes], list[Failure]]
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "peppol"
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}

SELLER = Seller(
    name="Tovholder ApS",
    cvr="12345674",
    address=Address(street="Vestergade 1", city="Odense C", postal_code="5000"),
    contact_name="Vera Vendor",
    contact_email="faktura@tovholder.dk",
    contact_phone="+4512345678",
)
BUYER = Buyer(
    name="Nyborg Kommune",
    ean="5798000416604",
    address=Address(street="Torvet 1", city="Nyborg", postal_code="5800"),
    order_reference="PO-2026-117",
    contact_person="Nanna Nyborg",
)
SUBSCRIPTION = Line(
    description="Tovholder, abonnement december 2026",
    quantity=Decimal(1),
    price=Decimal("4995.00"),
    unit_code="MON",
)


def document(*lines: Line, **changes: object) -> InvoiceDocument:
    fields: dict[str, object] = {
        "number": "2026-0001",
        "issue_date": date(2026, 12, 1),
        "due_date": date(2026, 12, 31),
        "seller": SELLER,
        "buyer": BUYER,
        "lines": lines or (SUBSCRIPTION,),
        "payment_means": PaymentMeans(iban="DK5000400440116243", bic="DABADKKK"),
        "payment_terms": "Netto 30 dage",
        "note": "Tak for samarbejdet",
    }
    fields.update(changes)
    return InvoiceDocument(**fields)  # type: ignore[arg-type]


def value(xml: bytes, path: str) -> str:
    return str(etree.fromstring(xml).findtext(path, namespaces=NS))


def assert_valid(validate: Validate, xml: bytes) -> list[Failure]:
    failures = validate(xml)
    assert fatal(failures) == [], failures
    return failures


def test_it_writes_one_line_with_the_buyers_ean_and_references(peppol_rules: Validate) -> None:
    xml = invoice_xml(document())
    assert_valid(peppol_rules, xml)
    assert value(xml, "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID") == "5798000416604"
    root = etree.fromstring(xml)
    endpoint = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert endpoint is not None and endpoint.get("schemeID") == "0088"
    assert value(xml, "cac:OrderReference/cbc:ID") == "PO-2026-117"
    assert value(xml, "cbc:BuyerReference") == "Nanna Nyborg"
    assert value(xml, "cac:PaymentTerms/cbc:Note") == "Netto 30 dage"
    assert value(xml, "cac:TaxTotal/cbc:TaxAmount") == "1248.75"
    assert value(xml, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "6243.75"


def test_it_writes_many_lines(peppol_rules: Validate) -> None:
    lines = [
        Line(description=f"Vagtplan, hold {n}", quantity=Decimal(n), price=Decimal("12.50"))
        for n in range(1, 41)
    ]
    xml = invoice_xml(document(*lines))
    assert_valid(peppol_rules, xml)
    assert len(etree.fromstring(xml).findall("cac:InvoiceLine", NS)) == 40
    assert value(xml, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") == "10250.00"


def test_it_breaks_mixed_vat_down_per_category(peppol_rules: Validate) -> None:
    xml = invoice_xml(
        document(
            SUBSCRIPTION,
            Line(
                description="Porto",
                quantity=Decimal(2),
                price=Decimal("19.99"),
                vat_rate=Decimal(0),
                vat_category="Z",
            ),
            Line(
                description="Kursus",
                quantity=Decimal(1),
                price=Decimal(800),
                vat_rate=Decimal(0),
                vat_category="E",
            ),
        )
    )
    assert_valid(peppol_rules, xml)
    subtotals = etree.fromstring(xml).findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    assert [
        (
            s.findtext("cac:TaxCategory/cbc:ID", namespaces=NS),
            s.findtext("cbc:TaxableAmount", namespaces=NS),
            s.findtext("cbc:TaxAmount", namespaces=NS),
        )
        for s in subtotals
    ] == [("S", "4995.00", "1248.75"), ("Z", "39.98", "0.00"), ("E", "800.00", "0.00")]


def test_it_handles_large_amounts(peppol_rules: Validate) -> None:
    line = Line(
        description="Licens, alle kommuner", quantity=Decimal(98), price=Decimal("987654.32")
    )
    xml = invoice_xml(document(line))
    assert_valid(peppol_rules, xml)
    assert value(xml, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "120987654.20"


def test_it_rounds_so_the_totals_add_up(peppol_rules: Validate) -> None:
    lines = [
        Line(description="Sms-pakke", quantity=Decimal(3), price=Decimal("33.335")),
        Line(description="Timer", quantity=Decimal("1.5"), price=Decimal("0.333"), unit_code="HUR"),
        Line(description="Kopier", quantity=Decimal(7), price=Decimal("0.0725")),
    ]
    xml = invoice_xml(document(*lines))
    assert_valid(peppol_rules, xml)
    # 100.005 -> 100.01, 0.4995 -> 0.50, 0.5075 -> 0.51; VAT 25 % of 101.02 = 25.255 -> 25.26
    assert value(xml, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") == "101.02"
    assert value(xml, "cac:TaxTotal/cbc:TaxAmount") == "25.26"
    assert value(xml, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "126.28"


def test_it_pays_to_a_danish_account_too(peppol_rules: Validate) -> None:
    means = PaymentMeans(registration_number="1234", account_number="0012345678")
    xml = invoice_xml(document(payment_means=means))
    assert_valid(peppol_rules, xml)
    assert value(xml, "cac:PaymentMeans/cbc:PaymentMeansCode") == "31"


def test_it_needs_only_an_order_reference_or_a_contact_person(peppol_rules: Validate) -> None:
    for buyer in (replace(BUYER, contact_person=""), replace(BUYER, order_reference="")):
        assert_valid(peppol_rules, invoice_xml(document(buyer=buyer)))
    with pytest.raises(ValueError, match="order reference or a contact person"):
        invoice_xml(document(buyer=replace(BUYER, contact_person="", order_reference="")))


def test_it_escapes_what_people_type(peppol_rules: Validate) -> None:
    line = replace(SUBSCRIPTION, description='Æblegrød & <b>kager</b> "ø"')
    buyer = replace(BUYER, contact_person="Åse Ørsted <åse@nyborg.dk>")
    xml = invoice_xml(document(line, buyer=buyer))
    assert_valid(peppol_rules, xml)
    assert value(xml, "cac:InvoiceLine/cac:Item/cbc:Name") == line.description
    assert value(xml, "cbc:BuyerReference") == buyer.contact_person


def test_it_refuses_a_document_with_a_doctype(peppol_rules: Validate) -> None:
    xml = invoice_xml(document())
    head, body = xml.split(b"\n", 1)
    doctyped = head + b'\n<!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + body
    assert [failure.rule for failure in peppol_rules(doctyped)] == ["XML"]


def test_it_refuses_a_buyer_with_a_wrong_ean() -> None:
    with pytest.raises(ValueError, match="EAN"):
        invoice_xml(document(buyer=replace(BUYER, ean="5798000416605")))


def test_it_reports_a_wrong_payable_amount_as_br_co_16(peppol_rules: Validate) -> None:
    xml = invoice_xml(document())
    wrong = xml.replace(b">6243.75</cbc:PayableAmount>", b">6243.76</cbc:PayableAmount>")
    assert wrong != xml
    assert "BR-CO-16" in {failure.rule for failure in fatal(peppol_rules(wrong))}


def test_it_reports_schema_errors(peppol_rules: Validate) -> None:
    xml = invoice_xml(document()).replace(
        b"<cbc:IssueDate>2026-12-01", b"<cbc:IssueDate>1. december"
    )
    failures = peppol_rules(xml)
    assert failures and {failure.rule for failure in failures} == {"XSD"}


@pytest.mark.parametrize("example", sorted(path.name for path in EXAMPLES.glob("*.xml")))
def test_it_passes_openpeppols_examples(peppol_rules: Validate, example: str) -> None:
    assert_valid(peppol_rules, (EXAMPLES / example).read_bytes())
