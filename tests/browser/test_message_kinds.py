"""The site admin's page of every kind of message and one preview: reached from the site
settings, accessible (axe) and without sideways scrolling at every width, 360 px too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser.conftest import Site, check_page, sign_in, sign_out

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"


def test_the_owner_admin_sees_every_kind_and_a_preview(
    page: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    try:
        page.goto(site.url(NYBORG, "/konto/log-ind/?next=/indstillinger/"))
        sign_in(page, NANNA)
        page.get_by_role("link", name="Beskeder, sitet sender").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Beskeder, sitet sender")
        table = page.get_by_role("table", name="Beskedtyper")
        expect(table.get_by_role("rowheader", name="Påmindelser før en vagt")).to_be_visible()
        check_page(page, axe_source, "message-kinds")

        page.get_by_role("link", name="Forhåndsvisning: Påmindelser før en vagt").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Påmindelser før en vagt")
        preview = page.frame_locator("iframe[title='Mailen som HTML']")
        expect(preview.get_by_text("Nyborg Regatta").first).to_be_visible()
        check_page(page, axe_source, "message-kind-preview")
    finally:
        sign_out(page)
