"""The page API-nøgler in a real browser: the site's admin makes a key (shown once),
sees it in the list and revokes it; accessible (axe) at 360 and 1280 px without sideways
scrolling (screenshots: test-artifacts/screenshots/api-keys-<width>.png)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from apps.api.models import ApiKey
from apps.audit.models import AuditEvent
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed, sign_in, sign_out

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"
NAME = "Kommunens hjemmeside (browsertest)"


@pytest.fixture
def cleaned(nyborg: Tenant) -> Iterator[None]:
    def remove() -> None:
        AuditEvent.objects.filter(action__startswith="api.key.").delete()
        ApiKey.objects.filter(name=NAME).delete()

    yield from committed(nyborg, lambda: None, remove, (ApiKey, AuditEvent))


def test_the_owner_admin_makes_and_revokes_a_key(
    page: Page, site: Site, axe_source: str, cleaned: None
) -> None:
    from playwright.sync_api import expect

    try:
        page.goto(site.url(NYBORG, "/konto/log-ind/?next=/api-noegler/"))
        sign_in(page, NANNA)
        page.locator("#id_name").fill(NAME)
        page.locator("#id_scope").select_option("write")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        token = page.locator("#new-key").inner_text()
        assert token.startswith("tvh_")
        expect(page.get_by_role("cell", name=NAME).first).to_be_visible()
        check_page(page, axe_source, "api-keys")

        page.goto(site.url(NYBORG, "/api-noegler/"))
        expect(page.locator("#new-key")).to_have_count(0)  # shown once
        page.locator("table form button").first.click()
        page.wait_for_load_state()
        expect(page.locator("table form button")).to_have_count(0)
    finally:
        sign_out(page)
