"""The page Webhooks in a real browser: the site's admin registers an address (the signing
secret shown once) and reads the delivery log with its answer codes; accessible (axe) at
360 and 1280 px without sideways scrolling (screenshots: webhooks-<width>.png)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.core.cache import cache

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.webhooks.models import Delivery, Endpoint
from apps.webhooks.services.emitting import FLAG
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed, sign_in, sign_out

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"
LOGGED = "https://93.184.216.34/browsertest-log"
NEW = "https://93.184.216.34/browsertest-new"


@pytest.fixture
def cleaned(nyborg: Tenant) -> Iterator[None]:
    def create() -> None:
        nanna = User.objects.get(email=NANNA)
        endpoint = Endpoint.objects.create(
            url=LOGGED, secret="whsec_x", kinds=["signup.created"], created_by=nanna
        )
        Delivery.objects.create(
            endpoint=endpoint,
            kind="signup.created",
            payload={},
            status=Delivery.Status.PENDING,
            attempts=2,
            response_code=503,
            response_ms=41,
            last_error="HTTP 503",
        )

    def remove() -> None:
        AuditEvent.objects.filter(action__startswith="webhook.").delete()
        Endpoint.objects.filter(url__startswith="https://93.184.216.34/browsertest").delete()
        cache.delete(FLAG)

    yield from committed(nyborg, create, remove, (Endpoint, Delivery, AuditEvent))


def test_the_owner_admin_registers_an_address_and_reads_the_log(
    page: Page, site: Site, axe_source: str, cleaned: None
) -> None:
    from playwright.sync_api import expect

    try:
        page.goto(site.url(NYBORG, "/konto/log-ind/?next=/webhooks/"))
        sign_in(page, NANNA)
        page.locator("#id_url").fill(NEW)
        page.locator("input[name=kinds][value='signup.created']").check()
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        assert page.locator("#new-secret").inner_text().startswith("whsec_")
        expect(page.get_by_role("cell", name="503 (41 ms)")).to_be_visible()
        check_page(page, axe_source, "webhooks")

        page.goto(site.url(NYBORG, "/webhooks/"))
        expect(page.locator("#new-secret")).to_have_count(0)  # shown once
    finally:
        sign_out(page)
