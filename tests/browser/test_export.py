"""The account page's "My data" part in a real browser at 360 and 1280 px: Nanna asks for
her copy, the task builds it (eagerly, in the live server's thread), and the account page
says it is ready, with its one-time link; axe-clean throughout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.messaging.models import Message
from apps.privacy.models import DataExport
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed, sign_in, sign_out

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"
TOUCHED = (DataExport, Message)


@pytest.fixture
def clean_exports(nyborg: Tenant) -> Iterator[None]:
    def remove() -> None:
        nanna = User.objects.get(email=NANNA)
        for export in DataExport.objects.filter(user=nanna):
            if export.file:
                export.file.delete(save=False)
        ids = list(DataExport.objects.filter(user=nanna).values_list("pk", flat=True))
        AuditEvent.objects.filter(action__startswith="privacy.export_").delete()
        Message.objects.filter(kind="export_ready", deliveries__user=nanna).delete()
        DataExport.objects.filter(pk__in=ids).delete()

    yield from committed(nyborg, lambda: None, remove, TOUCHED)


def test_it_offers_my_data_on_the_account_page_and_says_when_it_is_ready(
    page: Page, site: Site, axe_source: str, clean_exports: None
) -> None:
    from playwright.sync_api import expect

    try:
        page.goto(site.url(NYBORG, "/konto/log-ind/?next=/konto/"))
        sign_in(page, NANNA)
        section = page.get_by_role("region", name="Mine data")
        expect(section).to_contain_text("Få en kopi af alt")
        check_page(page, axe_source, "export-account")

        section.get_by_role("button", name="Hent mine data").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mine data")
        expect(page.get_by_role("link", name="Hent mine data (ZIP)")).to_be_visible()
        check_page(page, axe_source, "export-page-ready")

        page.goto(site.url(NYBORG, "/konto/"))
        section = page.get_by_role("region", name="Mine data")
        expect(section).to_contain_text("Dine data er klar")
        expect(section.get_by_role("link", name="Hent mine data (ZIP)")).to_be_visible()
        check_page(page, axe_source, "export-account-ready")

        section.get_by_role("link", name="Andres anmodninger om indsigt").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Anmodninger om indsigt")
        check_page(page, axe_source, "export-staff")
    finally:
        sign_out(page)
