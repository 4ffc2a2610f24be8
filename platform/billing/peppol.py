"""Peppol BIS Billing 3.0 invoices (UBL 2.1) for Danish public bodies (NemHandel).

A municipality or region receives invoices at its EAN number (Peppol scheme 0088). The
document is built from plain dataclasses, so the billing models can change without touching
the XML; `billing.validation` checks the result against the UBL 2.1 XSD and the official
Schematron rules before anything is sent.

Amounts: every amount in the document has exactly two decimals, rounded half up, and the
totals are sums of the rounded figures the document itself shows. That is what makes the
EN 16931 consistency rules hold (BR-CO-10 line total, BR-CO-13 tax exclusive, BR-CO-15 tax
inclusive, BR-CO-16 payable, BR-CO-17 VAT per category). Unit prices keep their decimals.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from billing.ean import is_valid_ean

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
INVOICE_TYPE_COMMERCIAL = "380"
SCHEME_GLN = "0088"  # EAN location number (GLN): how Danish public bodies are addressed
SCHEME_DK_CVR = "0184"  # Danish company register number (DK-R-014 demands it for the seller)
PAYMENT_MEANS_CREDIT_TRANSFER = "58"  # SEPA credit transfer: to an IBAN
PAYMENT_MEANS_DK_TRANSFER = "31"  # a Danish account: registration number + account number

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NSMAP = {None: NS_INVOICE, "cac": NS_CAC, "cbc": NS_CBC}

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def money(value: Decimal) -> Decimal:
    """Round to whole øre, half up (as the EN 16931 rules compute)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Address:
    street: str
    city: str
    postal_code: str
    country: str = "DK"  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Seller:
    name: str
    cvr: str  # 8 digits: endpoint (0184), legal entity and, with "DK", the VAT number
    address: Address
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class Buyer:
    """A public body as its invoicing instructions name it."""

    name: str
    ean: str  # 13-digit GLN, the endpoint (scheme 0088)
    address: Address
    order_reference: str = ""  # "ordrenummer" / requisition number, when the buyer gave one
    contact_person: str = ""  # "personreference": whom the invoice is for at the buyer
    cvr: str = ""  # the buyer's own CVR, when known (legal entity, scheme 0184)


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    price: Decimal  # net unit price, without VAT; may have more than two decimals
    vat_rate: Decimal = Decimal(25)
    vat_category: str = "S"  # S standard rate, Z zero rated, E exempt
    unit_code: str = "C62"  # UN/ECE Rec. 20: C62 one (unit), MON month, HUR hour
    name: str = ""  # short item name; the description is used when empty

    @property
    def net_amount(self) -> Decimal:
        return money(self.quantity * self.price)


@dataclass(frozen=True)
class PaymentMeans:
    """Bank transfer: to an IBAN (code 58) or to a Danish registration + account number (31).

    Both are allowed for Danish suppliers (DK-R-005); code 31 needs both numbers (DK-R-006).
    """

    iban: str = ""
    registration_number: str = ""  # "reg.nr.", 4 digits
    account_number: str = ""
    bic: str = ""

    @property
    def code(self) -> str:
        return PAYMENT_MEANS_CREDIT_TRANSFER if self.iban else PAYMENT_MEANS_DK_TRANSFER


@dataclass(frozen=True)
class VatBreakdown:
    category: str
    rate: Decimal
    taxable: Decimal
    tax: Decimal


@dataclass(frozen=True)
class InvoiceDocument:
    number: str
    issue_date: date
    due_date: date
    seller: Seller
    buyer: Buyer
    lines: tuple[Line, ...]
    payment_means: PaymentMeans
    payment_terms: str  # e.g. "Netto 30 dage"
    currency: str = "DKK"
    note: str = ""
    # Why a 0 % line is exempt (BR-E-10 needs a reason for category E).
    exemption_reason: str = "Momsfritaget"
    tax_point_date: date | None = None

    def breakdown(self) -> list[VatBreakdown]:
        """One subtotal per VAT category and rate, in the order the lines first use them."""
        taxable: dict[tuple[str, Decimal], Decimal] = {}
        for line in self.lines:
            key = (line.vat_category, line.vat_rate)
            taxable[key] = taxable.get(key, Decimal(0)) + line.net_amount
        return [
            VatBreakdown(category, rate, amount, money(amount * rate / HUNDRED))
            for (category, rate), amount in taxable.items()
        ]

    @property
    def line_total(self) -> Decimal:
        return sum((line.net_amount for line in self.lines), Decimal(0))

    @property
    def vat_total(self) -> Decimal:
        return sum((part.tax for part in self.breakdown()), Decimal(0))

    @property
    def payable(self) -> Decimal:
        return self.line_total + self.vat_total


def invoice_xml(doc: InvoiceDocument) -> bytes:
    """The invoice as a UBL 2.1 Invoice document per Peppol BIS Billing 3.0 (UTF-8 bytes)."""
    _check(doc)
    root = etree.Element(f"{{{NS_INVOICE}}}Invoice", nsmap=NSMAP)  # type: ignore[arg-type]
    _text(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
    _text(root, "cbc:ProfileID", PROFILE_ID)
    _text(root, "cbc:ID", doc.number)
    _text(root, "cbc:IssueDate", doc.issue_date.isoformat())
    _text(root, "cbc:DueDate", doc.due_date.isoformat())
    _text(root, "cbc:InvoiceTypeCode", INVOICE_TYPE_COMMERCIAL)
    if doc.note:
        _text(root, "cbc:Note", doc.note)
    if doc.tax_point_date:
        _text(root, "cbc:TaxPointDate", doc.tax_point_date.isoformat())
    _text(root, "cbc:DocumentCurrencyCode", doc.currency)
    # A buyer reference or an order reference is required (PEPPOL-EN16931-R003); the
    # municipality routes the invoice internally by its contact person or order number.
    _text(root, "cbc:BuyerReference", doc.buyer.contact_person or doc.buyer.order_reference)
    if doc.buyer.order_reference:
        order = _sub(root, "cac:OrderReference")
        _text(order, "cbc:ID", doc.buyer.order_reference)
    _supplier(_sub(root, "cac:AccountingSupplierParty"), doc.seller)
    _customer(_sub(root, "cac:AccountingCustomerParty"), doc.buyer)
    _payment_means(root, doc)
    terms = _sub(root, "cac:PaymentTerms")
    _text(terms, "cbc:Note", doc.payment_terms)
    _tax_total(root, doc)
    totals = _sub(root, "cac:LegalMonetaryTotal")
    exclusive = doc.line_total
    _amount(totals, "cbc:LineExtensionAmount", exclusive, doc.currency)
    _amount(totals, "cbc:TaxExclusiveAmount", exclusive, doc.currency)
    _amount(totals, "cbc:TaxInclusiveAmount", exclusive + doc.vat_total, doc.currency)
    _amount(totals, "cbc:PayableAmount", doc.payable, doc.currency)
    for index, line in enumerate(doc.lines, start=1):
        _line(root, index, line, doc.currency)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _check(doc: InvoiceDocument) -> None:
    """Mistakes of ours that the rules would only report later, said in our own terms."""
    if not doc.lines:
        raise ValueError("An invoice needs at least one line.")
    if not is_valid_ean(doc.buyer.ean):
        raise ValueError(f"Not a valid EAN number: {doc.buyer.ean!r}.")
    if not (doc.buyer.contact_person or doc.buyer.order_reference):
        raise ValueError("A public buyer needs an order reference or a contact person.")
    if not (doc.payment_means.iban or doc.payment_means.account_number):
        raise ValueError("Payment means need an IBAN or a Danish account number.")
    for line in doc.lines:
        if line.vat_category == "S" and line.vat_rate <= 0:
            raise ValueError("Standard rated lines (S) need a rate above 0.")
        if line.vat_category in {"Z", "E"} and line.vat_rate != 0:
            raise ValueError("Zero rated (Z) and exempt (E) lines have a 0 % rate.")


def _sub(parent: etree._Element, tag: str) -> etree._Element:
    prefix, name = tag.split(":")
    return etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}")


def _text(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    element = _sub(parent, tag)
    element.text = text
    for key, value in attributes.items():
        element.set(key, value)
    return element


def _amount(parent: etree._Element, tag: str, value: Decimal, currency: str) -> None:
    _text(parent, tag, f"{money(value):f}", currencyID=currency)


def _address(party: etree._Element, address: Address) -> None:
    postal = _sub(party, "cac:PostalAddress")
    # Only the country is required; an empty element is an error (PEPPOL-EN16931-R008).
    for tag, text in (
        ("cbc:StreetName", address.street),
        ("cbc:CityName", address.city),
        ("cbc:PostalZone", address.postal_code),
    ):
        if text:
            _text(postal, tag, text)
    country = _sub(postal, "cac:Country")
    _text(country, "cbc:IdentificationCode", address.country)


def _supplier(holder: etree._Element, seller: Seller) -> None:
    party = _sub(holder, "cac:Party")
    _text(party, "cbc:EndpointID", seller.cvr, schemeID=SCHEME_DK_CVR)
    name = _sub(party, "cac:PartyName")
    _text(name, "cbc:Name", seller.name)
    _address(party, seller.address)
    tax = _sub(party, "cac:PartyTaxScheme")
    _text(tax, "cbc:CompanyID", f"DK{seller.cvr}")
    _text(_sub(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _sub(party, "cac:PartyLegalEntity")
    _text(legal, "cbc:RegistrationName", seller.name)
    _text(legal, "cbc:CompanyID", seller.cvr, schemeID=SCHEME_DK_CVR)
    if seller.contact_name or seller.contact_email or seller.contact_phone:
        contact = _sub(party, "cac:Contact")
        if seller.contact_name:
            _text(contact, "cbc:Name", seller.contact_name)
        if seller.contact_phone:
            _text(contact, "cbc:Telephone", seller.contact_phone)
        if seller.contact_email:
            _text(contact, "cbc:ElectronicMail", seller.contact_email)


def _customer(holder: etree._Element, buyer: Buyer) -> None:
    party = _sub(holder, "cac:Party")
    _text(party, "cbc:EndpointID", buyer.ean, schemeID=SCHEME_GLN)
    # Danish rules want a scheme on every party identification (DK-R-013).
    identification = _sub(party, "cac:PartyIdentification")
    _text(identification, "cbc:ID", buyer.ean, schemeID=SCHEME_GLN)
    name = _sub(party, "cac:PartyName")
    _text(name, "cbc:Name", buyer.name)
    _address(party, buyer.address)
    legal = _sub(party, "cac:PartyLegalEntity")
    _text(legal, "cbc:RegistrationName", buyer.name)
    if buyer.cvr:
        _text(legal, "cbc:CompanyID", buyer.cvr, schemeID=SCHEME_DK_CVR)
    if buyer.contact_person:
        contact = _sub(party, "cac:Contact")
        _text(contact, "cbc:Name", buyer.contact_person)


def _payment_means(root: etree._Element, doc: InvoiceDocument) -> None:
    means = doc.payment_means
    element = _sub(root, "cac:PaymentMeans")
    _text(element, "cbc:PaymentMeansCode", means.code)
    _text(element, "cbc:PaymentID", doc.number)  # the reference the buyer pays with
    account = _sub(element, "cac:PayeeFinancialAccount")
    if means.iban:
        _text(account, "cbc:ID", "".join(means.iban.split()))
        if means.bic:
            branch = _sub(account, "cac:FinancialInstitutionBranch")
            _text(branch, "cbc:ID", means.bic)
    else:
        _text(account, "cbc:ID", means.account_number)
        branch = _sub(account, "cac:FinancialInstitutionBranch")
        _text(branch, "cbc:ID", means.registration_number)


def _tax_category(parent: etree._Element, category: str, rate: Decimal, reason: str) -> None:
    _text(parent, "cbc:ID", category)
    _text(parent, "cbc:Percent", _number(rate))
    if category == "E":
        _text(parent, "cbc:TaxExemptionReason", reason)
    _text(_sub(parent, "cac:TaxScheme"), "cbc:ID", "VAT")


def _tax_total(root: etree._Element, doc: InvoiceDocument) -> None:
    total = _sub(root, "cac:TaxTotal")
    _amount(total, "cbc:TaxAmount", doc.vat_total, doc.currency)
    for part in doc.breakdown():
        subtotal = _sub(total, "cac:TaxSubtotal")
        _amount(subtotal, "cbc:TaxableAmount", part.taxable, doc.currency)
        _amount(subtotal, "cbc:TaxAmount", part.tax, doc.currency)
        category = _sub(subtotal, "cac:TaxCategory")
        _tax_category(category, part.category, part.rate, doc.exemption_reason)


def _line(root: etree._Element, index: int, line: Line, currency: str) -> None:
    element = _sub(root, "cac:InvoiceLine")
    _text(element, "cbc:ID", str(index))
    _text(element, "cbc:InvoicedQuantity", _number(line.quantity), unitCode=line.unit_code)
    _amount(element, "cbc:LineExtensionAmount", line.net_amount, currency)
    item = _sub(element, "cac:Item")
    if line.name:
        _text(item, "cbc:Description", line.description)
    _text(item, "cbc:Name", line.name or line.description)
    category = _sub(item, "cac:ClassifiedTaxCategory")
    _text(category, "cbc:ID", line.vat_category)
    _text(category, "cbc:Percent", _number(line.vat_rate))
    _text(_sub(category, "cac:TaxScheme"), "cbc:ID", "VAT")
    price = _sub(element, "cac:Price")
    _text(price, "cbc:PriceAmount", _number(line.price), currencyID=currency)


def _number(value: Decimal) -> str:
    """A plain decimal without exponent or trailing zeros beyond the point ("25", "33.335")."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
