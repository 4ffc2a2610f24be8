"""Sending e-invoices to a Peppol access point, through a backend chosen by a setting.

Like the SMS backends (apps/messaging/sms.py): EINVOICE_BACKEND names a class with a
`send(document=...)` method. FileBackend, the default, writes each invoice into the folder
EINVOICE_FILE_PATH, where an operator can pick it up or upload it to an access point's
portal; a real access point (a NemHandel / Peppol provider's API) becomes one more backend
without touching the callers.

Every document is validated before any backend sees it: a fatal rule failure raises
billing.validation.InvalidInvoice and nothing is sent.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from billing import validation
from billing.peppol import SCHEME_GLN, InvoiceDocument, invoice_xml


@dataclass(frozen=True)
class EInvoice:
    number: str  # the invoice number, unique for the seller
    receiver: str  # the buyer's endpoint, e.g. "0088:5798000416604"
    xml: bytes

    @classmethod
    def for_document(cls, doc: InvoiceDocument) -> "EInvoice":
        """The UBL document of `doc`, addressed to the buyer's EAN."""
        return cls(
            number=doc.number, receiver=f"{SCHEME_GLN}:{doc.buyer.ean}", xml=invoice_xml(doc)
        )


@dataclass(frozen=True)
class SendResult:
    reference: str  # the backend's id for the transmission (a file path, a message id)
    warnings: tuple[validation.Failure, ...] = ()


class EInvoiceError(Exception):
    """The backend could not take the document."""


def send_einvoice(document: EInvoice, *, backend: str | None = None) -> SendResult:
    warnings = validation.check(document.xml)
    reference = get_backend(backend).send(document=document)
    return SendResult(reference=reference, warnings=tuple(warnings))


def get_backend(path: str | None = None) -> "BaseEInvoiceBackend":
    backend_class = import_string(path or settings.EINVOICE_BACKEND)
    return backend_class()


class BaseEInvoiceBackend:
    def send(self, *, document: EInvoice) -> str:
        """Hand the (already validated) document on; return a reference to it."""
        raise NotImplementedError


# Invoice numbers are ours, but a file name is no place to trust that.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class FileBackend(BaseEInvoiceBackend):
    """Writes `<receiver>_<number>.xml` into EINVOICE_FILE_PATH; never overwrites."""

    def __init__(self) -> None:
        self.folder = Path(str(settings.EINVOICE_FILE_PATH))

    def send(self, *, document: EInvoice) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{_UNSAFE.sub('_', document.receiver)}_{_UNSAFE.sub('_', document.number)}.xml"
        path = self.folder / name
        try:
            with path.open("xb") as file:  # "x": a second send of one number is a bug
                file.write(document.xml)
        except FileExistsError as error:
            raise EInvoiceError(f"Invoice {document.number} was already written: {path}") from error
        return str(path)
