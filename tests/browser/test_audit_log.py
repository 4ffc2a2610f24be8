"""The site admin's audit log in a real browser: reached from the site settings, filtered by
a person, its table scrolling in its own box at 360 px, accessible (axe) at 360 and 1280 px
(screenshots: test-artifacts/screenshots/audit-log-<width>.png).

Rows are committed for the live server and removed again (see tests/browser/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from apps.audit.models import AuditEvent
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed, sign_in, sign_out

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"
PERSON = "gunnar.meget-lang-adresse.browsertest@example.dk"
TOUCHED = (AuditEvent,)


@pytest.fixture
def logged(nyborg: Tenant) -> Iterator[None]:
    def create() -> None:
        for action in ("member.notes_read", "application.read", "profile.updated"):
            AuditEvent.objects.create(
                actor=PERSON, action=action, target_type="members.Membership", target_id="1"
            )

    def remove() -> None:
        AuditEvent.objects.filter(actor=PERSON).delete()

    yield from committed(nyborg, create, remove, TOUCHED)


def test_the_owner_admin_reads_and_filters_the_audit_log(
    page: Page, site: Site, axe_source: str, logged: None
) -> None:
    from playwright.sync_api import expect

    try:
        page.goto(site.url(NYBORG, "/konto/log-ind/?next=/indstillinger/"))
        sign_in(page, NANNA)
        page.get_by_role("link", name="Revisionslog").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Revisionslog")
        page.get_by_label("Person (e-mail eller navn)").fill(PERSON)
        page.get_by_role("button", name="Filtrér").click()
        table = page.get_by_role("table")
        expect(table.get_by_role("columnheader", name="Handling")).to_be_visible()
        expect(table.get_by_role("cell", name="Læste et medlems noter")).to_be_visible()
        expect(table.get_by_role("row")).to_have_count(4)  # header and three rows
        check_page(page, axe_source, "audit-log")

        page.get_by_role("link", name="Fortegnelse over behandlingsaktiviteter").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Fortegnelse over behandlingsaktiviteter"
        )
        check_page(page, axe_source, "processing-record")
    finally:
        sign_out(page)
