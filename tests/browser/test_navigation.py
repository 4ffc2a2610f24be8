"""The header of a tenant's site (templates/base_tenant.html, static/css/components.css,
static/js/menu.js): staff menus grouped on one row on a laptop, behind a real menu button on
a phone that works by keyboard, and without JavaScript through its link."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import (
    WIDTHS,
    Site,
    assert_no_horizontal_scroll,
    check_page,
    focused_element,
    screenshot,
    sign_in,
    sign_out,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"  # the system owner's admin: every staff menu (tests/conftest.py)


def sign_in_nanna(page: Page, site: Site, path: str = "/rapporter/") -> None:
    page.goto(site.url(NYBORG, f"/konto/log-ind/?next={path}"))
    sign_in(page, NANNA)


def header_rows(page: Page) -> dict[str, Any]:
    """The boxes of what the header shows: the name, each menu, the language switch."""
    return dict(
        page.evaluate(
            """() => {
              const inner = document.querySelector('.site-header .header-inner');
              const visible = el => el.getClientRects().length > 0;
              const box = el => {
                const b = el.getBoundingClientRect();
                return {top: b.top, bottom: b.bottom, text: el.innerText.trim()};
              };
              const parts = [
                inner.querySelector('.brand'),
                ...inner.querySelectorAll('.main-menu > ul > li, .person-menu'),
                inner.querySelector('.language-switch'),
              ].filter(visible);
              return {height: document.querySelector('.site-header').getBoundingClientRect().height,
                      parts: parts.map(box)};
            }"""
        )
    )


@pytest.mark.parametrize("width", [1280], indirect=True)
def test_it_fits_the_admins_header_on_one_row_on_a_laptop(
    page: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    try:
        sign_in_nanna(page, site)
        banner = page.get_by_role("banner")
        menu = banner.get_by_role("navigation", name="Hovedmenu")
        for group in ("Planlægning", "Kommunikation", "Rapporter", "Indstillinger"):
            expect(menu.get_by_text(group, exact=True)).to_be_visible()
        expect(banner.get_by_role("button", name="Menu")).to_be_hidden()

        rows = header_rows(page)
        parts = rows["parts"]
        assert len(parts) >= 7, parts  # name, 4 groups, the person's menu, the language
        lowest_top = max(part["top"] for part in parts)
        highest_bottom = min(part["bottom"] for part in parts)
        assert lowest_top < highest_bottom, f"the header wraps: {parts}"
        assert rows["height"] <= 100, f"the header is {rows['height']} px high: {parts}"
        check_page(page, axe_source, "header-admin")

        # A group opens by keyboard, shows its links, and Escape closes it again.
        planning = menu.locator("summary", has_text="Planlægning")
        planning.focus()
        page.keyboard.press("Enter")
        expect(menu.get_by_role("link", name="Arrangementer og vagter")).to_be_visible()
        page.keyboard.press("Tab")
        assert focused_element(page)["text"] == "Arrangementer og vagter"
        screenshot(page, "header-admin-planning-open")
        check_page(page, axe_source, "header-admin-planning-open")
        page.keyboard.press("Escape")
        expect(menu.get_by_role("link", name="Arrangementer og vagter")).to_be_hidden()
        assert focused_element(page)["text"] == "Planlægning"
    finally:
        sign_out(page)


@pytest.mark.parametrize("width", [360], indirect=True)
def test_it_opens_the_phone_menu_by_keyboard(page: Page, site: Site, axe_source: str) -> None:
    from playwright.sync_api import expect

    try:
        sign_in_nanna(page, site)
        banner = page.get_by_role("banner")
        button = banner.get_by_role("button", name="Menu")
        menu = banner.get_by_role("navigation", name="Hovedmenu")
        expect(button).to_be_visible()
        assert button.get_attribute("aria-controls") == "site-menu"
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_hidden()
        check_page(page, axe_source, "header-admin-phone")

        # From the top of the page: skip link, the tenant's name, the menu button.
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert focused_element(page)["text"] == "Menu"
        page.keyboard.press("Enter")
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(menu).to_be_visible()
        page.keyboard.press("Tab")
        first = focused_element(page)
        assert first["focusVisible"] and first["outlineWidth"] >= 2, first
        assert page.evaluate("() => document.activeElement.closest('#site-menu') !== null")
        # Open "Planlægning" and reach its first link with the keyboard.
        while focused_element(page)["text"] != "Planlægning":
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert focused_element(page)["text"] == "Arrangementer og vagter"
        expect(banner.get_by_role("button", name="Log ud")).to_be_hidden()  # in the person's menu
        check_page(page, axe_source, "header-admin-phone-menu-open")

        # Escape closes the group, then the menu, and focus goes back to the button.
        page.keyboard.press("Escape")
        assert focused_element(page)["text"] == "Planlægning"
        page.keyboard.press("Escape")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_hidden()
        assert focused_element(page)["text"] == "Menu"
        assert_no_horizontal_scroll(page)
    finally:
        sign_out(page)


@pytest.fixture
def page_without_javascript(browser: Browser, site: Site, _http_cookies: None) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 360, "height": WIDTHS[360]},
        locale="da-DK",
        timezone_id="Europe/Copenhagen",
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_it_opens_the_phone_menu_without_javascript(
    page_without_javascript: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    page = page_without_javascript
    try:
        sign_in_nanna(page, site)
        banner = page.get_by_role("banner")
        menu = banner.get_by_role("navigation", name="Hovedmenu")
        expect(banner.get_by_role("button", name="Menu")).to_have_count(0)  # hidden: no script
        expect(menu).to_be_hidden()
        banner.get_by_role("link", name="Menu").click()
        expect(menu).to_be_visible()
        menu.locator("summary", has_text="Kommunikation").click()
        expect(menu.get_by_role("link", name="Beskeder")).to_be_visible()
        screenshot(page, "header-admin-phone-menu-no-js")
        banner.get_by_role("link", name="Luk menuen").click()
        expect(menu).to_be_hidden()
    finally:
        sign_out(page)
