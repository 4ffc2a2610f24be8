"""Nyborg pays by e-invoice to its EAN: the month's invoice leaves as a Peppol BIS Billing 3.0
document that passes the official rules, is kept as sent, and is sent once."""

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from lxml import etree

from apps.audit.models import AuditEvent
from billing.einvoice import buyer_address, invoice_einvoice_send
from billing.models import Invoice, Subscription
from billing.services import invoice_issue, subscription_start
from tests.billing.test_services import NOVEMBER, make_plan, usage

pytestmark = pytest.mark.django_db
UBL = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


@pytest.fixture
def outbox(settings, tmp_path):
    settings.EINVOICE_FILE_PATH = str(tmp_path)
    return tmp_path


@pytest.fixture
def ean_invoice(nyborg, vera) -> Invoice:
    with schema_context("public"):
        nyborg.contact_address = "Torvet 1\n5800 Nyborg"
        nyborg.save(update_fields=["contact_address"])
    subscription_start(tenant=nyborg, plan=make_plan(trial_days=0), actor=vera, today=NOVEMBER)
    with schema_context("public"):
        Subscription.objects.filter(tenant=nyborg).update(
            payment_method="ean",
            ean="5798000416604",
            order_reference="PO-4711",
            contact_person="Lise Jensen",
        )
    usage(nyborg, NOVEMBER, volunteers=151, segments=3)
    return invoice_issue(tenant=nyborg, month=NOVEMBER)


def test_it_sends_the_invoice_as_a_valid_peppol_document_once(ean_invoice, outbox, peppol_rules):
    with schema_context("public"):
        assert invoice_einvoice_send(invoice_id=ean_invoice.pk) is True
        assert invoice_einvoice_send(invoice_id=ean_invoice.pk) is False  # a rerun
        invoice = Invoice.objects.get(pk=ean_invoice.pk)
        assert AuditEvent.objects.filter(action="billing.einvoice_sent").count() == 1
    xml = bytes(invoice.einvoice_xml)
    assert [f for f in peppol_rules(xml) if f.flag == "fatal"] == []
    sent = list(outbox.iterdir())
    assert [p.name for p in sent] == [f"0088_5798000416604_{invoice.number}.xml"]
    assert sent[0].read_bytes() == xml  # kept exactly as sent
    root = etree.fromstring(xml)
    assert root.findtext("cbc:ID", namespaces=UBL) == str(invoice.number)
    assert root.findtext("cac:OrderReference/cbc:ID", namespaces=UBL) == "PO-4711"
    assert root.findtext("cbc:BuyerReference", namespaces=UBL) == "Lise Jensen"
    totals = "cac:LegalMonetaryTotal/cbc:PayableAmount"
    # The document's sums are the invoice's own, to the øre (VAT rounded once, half up).
    assert root.findtext(totals, namespaces=UBL) == str(Decimal(invoice.gross_total) / 100)
    tax = root.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=UBL)
    assert tax == str(Decimal(invoice.vat_total) / 100)


@pytest.mark.parametrize(
    ("typed", "street", "postcode", "city"),
    [
        ("Torvet 1\n5800 Nyborg", "Torvet 1", "5800", "Nyborg"),
        ("Rådhuset, Torvet 1\n\n5800  Nyborg\n", "Rådhuset, Torvet 1", "5800", "Nyborg"),
        ("5800 Nyborg", "", "5800", "Nyborg"),
        ("Torvet 1", "Torvet 1", "", ""),
        ("", "", "", ""),
    ],
)
def test_it_reads_the_postal_address_as_typed(typed, street, postcode, city):
    address = buyer_address(typed)
    assert (address.street, address.postal_code, address.city) == (street, postcode, city)


def test_it_sends_a_valid_document_without_an_address(nyborg, ean_invoice, outbox, peppol_rules):
    with schema_context("public"):
        nyborg.contact_address = ""
        nyborg.save(update_fields=["contact_address"])
        invoice_einvoice_send(invoice_id=ean_invoice.pk)
        xml = bytes(Invoice.objects.get(pk=ean_invoice.pk).einvoice_xml)
    assert [f for f in peppol_rules(xml) if f.flag == "fatal"] == []
