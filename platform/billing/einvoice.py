"""An issued invoice as a Peppol BIS Billing 3.0 e-invoice to the tenant's EAN number
(issue 14, item 2): built from the invoice's own rows, validated against the official rules
before it leaves (sending.send_einvoice), kept on the invoice exactly as sent, and sent once.
"""

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_record
from billing.models import Invoice, Subscription
from billing.peppol import Address, Buyer, InvoiceDocument, Line, PaymentMeans, Seller
from billing.sending import EInvoice, send_einvoice

POSTCODE_CITY = re.compile(r"^(\d{4})\s+(.+)$")  # "5800 Nyborg"
UNIT = {"base": "MON", "volunteers": "C62", "sms": "C62"}  # UN/ECE Rec. 20


def seller() -> Seller:
    """The vendor, from settings (BILLING_SELLER_*): who the invoice is from and paid to."""
    details = settings.BILLING_SELLER
    address = Address(
        street=details["street"], city=details["city"], postal_code=details["postal_code"]
    )
    return Seller(
        name=details["name"],
        cvr=details["cvr"],
        address=address,
        contact_email=details["email"],
    )


def buyer_address(text: str) -> Address:
    """The tenant's postal address as typed in the site settings ("Torvet 1\\n5800 Nyborg");
    what cannot be read is left out (only the country is required)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    found = POSTCODE_CITY.match(lines[-1]) if lines else None
    street = lines[0] if lines and (found is None or len(lines) > 1) else ""
    if found is None:
        return Address(street=street, city="", postal_code="")
    return Address(street=street, city=found.group(2), postal_code=found.group(1))


def invoice_document(invoice: Invoice) -> InvoiceDocument:
    subscription: Subscription = invoice.subscription
    tenant = invoice.tenant
    buyer = Buyer(
        name=tenant.name,
        ean=subscription.ean,
        address=buyer_address(tenant.contact_address),
        order_reference=subscription.order_reference,
        contact_person=subscription.contact_person,
    )
    lines = tuple(
        Line(
            description=line.description,
            quantity=Decimal(line.quantity),
            price=Decimal(line.unit_price) / 100,
            unit_code=UNIT.get(line.kind, "C62"),
        )
        for line in invoice.lines.order_by("pk")
    )
    return InvoiceDocument(
        number=str(invoice.number),
        issue_date=invoice.issued_on,
        due_date=invoice.due_on,
        seller=seller(),
        buyer=buyer,
        lines=lines,
        payment_means=PaymentMeans(
            iban=settings.BILLING_SELLER["iban"], bic=settings.BILLING_SELLER["bic"]
        ),
        payment_terms=f"Netto {(invoice.due_on - invoice.issued_on).days} dage",
        note=f"Tovholder {_period(invoice.period_start, invoice.period_end)}",
    )


def invoice_einvoice_send(*, invoice_id: int) -> bool:
    """Send the invoice to the tenant's EAN once (a rerun finds it sent and does nothing);
    an invalid document raises validation.InvalidInvoice and nothing is kept or sent."""
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update()
            .select_related("tenant", "subscription")
            .get(pk=invoice_id)
        )
        if invoice.einvoice_sent_at is not None:
            return False
        document = EInvoice.for_document(invoice_document(invoice))
        result = send_einvoice(document)
        invoice.einvoice_xml = document.xml
        invoice.einvoice_reference = result.reference
        invoice.einvoice_sent_at = timezone.now()
        invoice.save(update_fields=["einvoice_xml", "einvoice_reference", "einvoice_sent_at"])
        audit_record(
            actor=None,
            action="billing.einvoice_sent",
            target=invoice.tenant,
            number=invoice.number,
            receiver=document.receiver,
        )
    return True


def _period(start: date, end: date) -> str:
    return f"{start.isoformat()}–{end.isoformat()}"
