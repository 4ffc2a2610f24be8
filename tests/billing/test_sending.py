from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import override_settings

from billing.peppol import invoice_xml
from billing.sending import EInvoice, EInvoiceError, send_einvoice
from billing.validation import Failure, InvalidInvoice
from tests.billing.test_peppol import document

Validate = Callable[[bytes], list[Failure]]


def test_it_writes_the_validated_invoice_to_the_folder(
    peppol_rules: Validate, tmp_path: Path
) -> None:
    einvoice = EInvoice.for_document(document())
    with override_settings(EINVOICE_FILE_PATH=str(tmp_path / "out")):
        result = send_einvoice(einvoice)
    written = Path(result.reference)
    assert written == tmp_path / "out" / "0088_5798000416604_2026-0001.xml"
    assert written.read_bytes() == einvoice.xml == invoice_xml(document())
    assert [warning.flag for warning in result.warnings] == ["warning"] * len(result.warnings)


def test_it_never_overwrites_a_sent_invoice(peppol_rules: Validate, tmp_path: Path) -> None:
    einvoice = EInvoice(
        number="2026-0002", receiver="0088:5798000416604", xml=invoice_xml(document())
    )
    with override_settings(EINVOICE_FILE_PATH=str(tmp_path)):
        send_einvoice(einvoice)
        with pytest.raises(EInvoiceError):
            send_einvoice(einvoice)


def test_it_sends_nothing_that_breaks_the_rules(peppol_rules: Validate, tmp_path: Path) -> None:
    xml = invoice_xml(document()).replace(
        b">6243.75</cbc:PayableAmount>", b">1.00</cbc:PayableAmount>"
    )
    with (
        override_settings(EINVOICE_FILE_PATH=str(tmp_path)),
        pytest.raises(InvalidInvoice) as raised,
    ):
        send_einvoice(EInvoice(number="2026-0003", receiver="0088:5798000416604", xml=xml))
    assert "BR-CO-16" in {failure.rule for failure in raised.value.failures}
    assert list(tmp_path.iterdir()) == []


def test_it_uses_the_backend_the_setting_names(peppol_rules: Validate) -> None:
    with (
        override_settings(EINVOICE_BACKEND="billing.sending.BaseEInvoiceBackend"),
        pytest.raises(NotImplementedError),
    ):
        send_einvoice(
            EInvoice(number="2026-0004", receiver="0088:5798000416604", xml=invoice_xml(document()))
        )
