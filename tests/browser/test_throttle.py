"""The pages a throttled visitor sees, in a real browser at both widths: the sign-in form
paused after failed passwords, and the 429 page of a flood of sign-in link requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from apps.audit.models import AuditEvent
from tests.browser.conftest import Site, check_page
from tests.threads import in_tenant

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tenants.models import Tenant

pytestmark = pytest.mark.django_db

NYBORG = "nyborg.localhost"


def test_a_paused_sign_in_says_how_long_and_offers_the_link(
    page: Page, site: Site, axe_source: str, nyborg: Tenant, settings
) -> None:
    settings.RATELIMIT_SIGNIN_ACCOUNT_IP = (1, 900)
    page.goto(site.url(NYBORG, "/konto/log-ind/"))
    page.get_by_label("E-mail").first.fill("nanna@nyborg.dk")
    page.get_by_label("Adgangskode").fill("not her password")
    try:
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("main").get_by_role("button", name="Log ind").click()
        page.wait_for_load_state()
        assert answer.value.status == 429
        alert = page.get_by_role("alert")
        assert "15" in alert.inner_text()
        assert page.get_by_role("button", name="Send mig et login-link").is_visible()
        assert page.get_by_label("E-mail til linket").input_value() == "nanna@nyborg.dk"
        check_page(page, axe_source, "tenant-sign-in-paused")
    finally:
        in_tenant(nyborg, _lock_rows_remove)


def test_a_flood_of_link_requests_gets_a_page_that_says_how_long_to_wait(
    page: Page, site: Site, axe_source: str, settings
) -> None:
    settings.RATELIMIT_LINK_IP = (1, 3600)
    for attempt in range(2):
        page.goto(site.url(NYBORG, "/konto/log-ind/"))
        page.get_by_label("E-mail til linket").fill(f"nobody{attempt}@example.dk")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Send mig et login-link").click()
        page.wait_for_load_state()
    assert answer.value.status == 429 and answer.value.headers["retry-after"]
    assert "60" in page.get_by_role("alert").inner_text()
    check_page(page, axe_source, "tenant-too-many-requests")


def _lock_rows_remove() -> None:
    # The server thread committed the lock's audit row and the failure's; remove them.
    AuditEvent.objects.filter(action="user.sign_in_locked").delete()
    AuditEvent.objects.filter(action="user.sign_in_failed", actor="nanna@nyborg.dk").delete()
