"""The legal pages in a real browser at 360 and 1280 px: the privacy notice and the
accessibility statement for anyone, reached from the foot of a page, and the admin's
editing page with its preview. Nothing is published here: a published version is
permanent (the database refuses to delete it), and the live server sees committed rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser.conftest import Site, check_page, sign_in, sign_out

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"


def test_it_shows_the_legal_pages_to_anyone_from_the_foot_of_a_page(
    page: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, "/"))
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("link", name="Privatlivspolitik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privatlivspolitik")
    expect(page.get_by_role("main")).to_contain_text("Version 1, offentliggjort")
    expect(page.get_by_role("heading", name="Klage til Datatilsynet")).to_be_visible()
    check_page(page, axe_source, "legal-privacy-notice")

    page.get_by_role("contentinfo").get_by_role("link", name="Tilgængelighedserklæring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilgængelighedserklæring")
    expect(page.get_by_role("heading", name="Håndhævelsesprocedure")).to_be_visible()
    check_page(page, axe_source, "legal-accessibility-statement")

    page.goto(site.url(NYBORG, "/konto/tilmeld/"))
    link = page.get_by_role("link", name="Læs privatlivspolitikken (version 1)")
    expect(link).to_have_attribute("href", "/privatliv/1/")
    check_page(page, axe_source, "legal-registration")


def test_the_owner_admin_reaches_the_editor_from_the_site_settings_and_previews(
    page: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    try:
        page.goto(site.url(NYBORG, "/konto/log-ind/?next=/indstillinger/"))
        sign_in(page, NANNA)
        page.get_by_role("link", name="Privatlivspolitik og tilgængelighedserklæring").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Juridiske sider")
        check_page(page, axe_source, "legal-settings")

        page.get_by_role("link", name="Rediger privatlivspolitik").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Privatlivspolitik")
        text = page.get_by_label("Tekst")
        expect(text).to_contain_text("Nyborg Kommune er dataansvarlig")
        check_page(page, axe_source, "legal-edit")

        text.fill("## Dataansvarlig\n\nNyborg Kommune, Torvet 1, 5800 Nyborg.")
        page.get_by_role("button", name="Forhåndsvisning").click()
        preview = page.get_by_role("region", name="Forhåndsvisning")
        expect(preview.get_by_role("heading", name="Dataansvarlig")).to_be_visible()
        check_page(page, axe_source, "legal-edit-preview")
    finally:
        sign_out(page)
