"""Pages seen by a real browser at a phone's and a laptop's width.

Each test runs at 360x740 and 1280x800 (the `width` fixture), saves a full-page screenshot
under test-artifacts/screenshots/, and checks the page with axe-core (WCAG 2.1 A and AA)
and for sideways scrolling.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tenants.models import Tenant
from tests.browser.conftest import (
    Site,
    assert_no_horizontal_scroll,
    axe_violations,
    check_page,
    focused_element,
    hex_to_rgb,
    screenshot,
    sign_in_to_console,
    sign_out,
)
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

NYBORG = "nyborg.localhost"
AARHUS = "visitaarhus.localhost"
CONSOLE = "console.localhost"


def header_colour(page: Page) -> str:
    script = "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    return str(page.evaluate(script))


# --- the checker itself -----------------------------------------------------------------


def test_it_catches_accessibility_faults_planted_in_a_page(
    page: Page, site: Site, axe_source: str
) -> None:
    # Proves that axe-core is loaded and runs the WCAG rules: a clean result means something.
    page.goto(site.url(NYBORG))
    page.evaluate(
        """() => {
          const main = document.querySelector('main');
          main.insertAdjacentHTML('beforeend',
            '<input type="text"><p class="pale">Pale text</p><img src="x.png">');
          // Through the CSSOM: a style attribute would be refused by the CSP (next test).
          document.querySelector('.pale').style.color = '#bbb';
        }"""
    )
    found = {violation["id"] for violation in axe_violations(page, axe_source)}
    assert {"label", "color-contrast", "image-alt"} <= found, found


def test_it_refuses_inline_style_and_script_under_the_csp(browser: Browser, site: Site) -> None:
    # Its own context: the `page` fixture fails any test that the policy blocks something in.
    context = browser.new_context()
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(site.url(NYBORG))
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
             '<p id="planted" style="color: rgb(1, 2, 3)">x</p>'
             + '<img id="pwn" src="x.png" onerror="document.title = 1">')"""
    )
    page.wait_for_timeout(300)
    colour = page.evaluate("() => getComputedStyle(document.getElementById('planted')).color")
    assert colour != "rgb(1, 2, 3)"
    assert page.title() != "1"
    assert len(refused) >= 2, refused
    context.close()


# --- the tenant's site -----------------------------------------------------------------


def test_it_serves_a_tenant_by_its_localhost_name(page: Page, site: Site) -> None:
    # Chromium resolves *.localhost to the loopback address itself; no hosts file needed.
    response = page.goto(site.url(NYBORG))
    assert response is not None and response.status == 200
    assert page.title() == "Frivillighed · Nyborg Kommune"


def test_it_shows_the_front_page_accessibly_in_the_tenants_colour(
    page: Page, site: Site, axe_source: str, nyborg: Tenant
) -> None:
    page.goto(site.url(NYBORG))
    assert page.get_by_role("heading", level=1).inner_text() == "Frivillig i Nyborg Kommune"
    assert page.locator("html").get_attribute("lang") == "da"
    assert header_colour(page) == hex_to_rgb(nyborg.primary_colour)
    check_page(page, axe_source, "front-page")


def test_it_brands_each_tenant_with_its_own_primary_colour(
    page: Page, site: Site, axe_source: str, aarhus: Tenant
) -> None:
    page.goto(site.url(AARHUS))
    assert aarhus.primary_colour == "#1d5c4d"  # not the default, so the test means something
    assert header_colour(page) == hex_to_rgb(aarhus.primary_colour)
    assert page.get_by_role("banner").get_by_role("link", name="VisitAarhus").is_visible()
    check_page(page, axe_source, "front-page-visitaarhus")


def test_it_switches_the_front_page_to_english(page: Page, site: Site, axe_source: str) -> None:
    page.goto(site.url(NYBORG))
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.url == site.url(NYBORG)
    assert page.locator("html").get_attribute("lang") == "en"
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Volunteering with Nyborg Kommune"
    # And back: the button offers Danish, marked as Danish for screen readers.
    assert page.get_by_role("button", name="Dansk").get_attribute("lang") == "da"
    check_page(page, axe_source, "front-page-en")


def test_it_shows_the_sign_in_page_accessibly(
    page: Page, site: Site, axe_source: str, nyborg: Tenant
) -> None:
    page.goto(site.url(NYBORG))
    page.get_by_role("banner").get_by_role("link", name="Log ind").click()
    page.wait_for_load_state()
    assert page.url == site.url(NYBORG, "/konto/log-ind/?next=/")  # back here after signing in
    # The email field has focus on arrival, so a keyboard user can type at once.
    assert focused_element(page)["id"] == "id_username"
    assert header_colour(page) == hex_to_rgb(nyborg.primary_colour)
    check_page(page, axe_source, "tenant-sign-in")


def test_it_summarises_the_errors_of_an_empty_sign_in_with_links_to_the_fields(
    page: Page, site: Site, axe_source: str
) -> None:
    page.goto(site.url(NYBORG, "/konto/log-ind/"))
    page.get_by_role("main").get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()

    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    assert page.get_by_role("heading", name="Ret venligst følgende").is_visible()
    # Focus starts on the summary, so the next Tab reaches its first link.
    assert "error-summary" in focused_element(page)["classes"]
    links = summary.get_by_role("link")
    assert links.count() == 2
    check_page(page, axe_source, "tenant-sign-in-errors")

    page.keyboard.press("Tab")
    first = focused_element(page)
    assert first["tag"] == "a" and first["text"].startswith("E-mail")
    page.keyboard.press("Enter")
    assert focused_element(page)["id"] == "id_username"

    page.locator(".error-summary a[href='#id_password']").click()
    assert focused_element(page)["id"] == "id_password"
    # The fields say they are invalid, and each carries its own message next to it.
    assert page.locator("#id_username").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_password_error").is_visible()


def test_it_shows_where_keyboard_focus_is_on_every_tab_stop(page: Page, site: Site) -> None:
    page.goto(site.url(NYBORG))
    page.keyboard.press("Tab")
    skip = focused_element(page)
    assert skip["text"] == "Gå til indhold", "the first Tab stop is the skip link"
    seen: list[dict[str, Any]] = []
    for _ in range(40):
        focus = focused_element(page)
        if focus["tag"] == "body" or (seen and focus == seen[0]):
            break
        if focus["inNativePart"]:
            page.keyboard.press("Tab")
            continue
        seen.append(focus)
        name = f"{focus['tag']} {focus['text']!r}"
        assert focus["focusVisible"], f"{name} is focused but not :focus-visible"
        assert focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2, (
            f"{name} has no visible focus outline: {focus}"
        )
        assert focus["left"] >= 0 and focus["right"] <= focus["viewportWidth"], (
            f"{name} is focused outside the viewport: {focus}"
        )
        assert focus["width"] > 1 and focus["height"] > 1, f"{name} is focused but invisible"
        page.keyboard.press("Tab")
    names = [f["text"] for f in seen]
    assert names[:4] == ["Gå til indhold", "Nyborg Kommune", "Log ind", "English"], names
    page.goto(site.url(NYBORG))
    page.keyboard.press("Tab")
    screenshot(page, "front-page-skip-link-focused")

    # The skip link moves focus past the header, into the main content.
    page.keyboard.press("Enter")
    assert focused_element(page)["id"] == "main"


# --- the vendor console -----------------------------------------------------------------


def test_it_shows_the_console_sign_in_page_accessibly(
    page: Page, site: Site, axe_source: str
) -> None:
    response = page.goto(site.url(CONSOLE))
    assert response is not None
    assert page.url.startswith(site.url(CONSOLE, "/log-ind/")), "the console asks who you are"
    assert page.get_by_role("heading", level=1).inner_text() == "Log ind i konsollen"
    check_page(page, axe_source, "console-sign-in")


def test_it_lists_the_system_owners_after_vera_signs_in_with_the_form(
    page: Page, site: Site, axe_source: str, width: int
) -> None:
    sign_in_to_console(page, site, "vera@tovholder.dk", PASSWORD)
    assert page.url == site.url(CONSOLE, "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Systemejere"
    table = page.get_by_role("table")
    for name in ("Nyborg Kommune", "VisitAarhus"):
        assert table.get_by_role("link", name=name).is_visible()
    assert page.get_by_role("banner").get_by_text("Vera Vendor").is_visible()
    # On a phone the table scrolls inside a named region that the keyboard can reach.
    region = page.get_by_role("region", name="Systemejere med status og antal")
    assert region.get_attribute("tabindex") == "0"
    scrolls = region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert scrolls == (width == 360)
    try:
        check_page(page, axe_source, "console-tenant-list")
    finally:
        sign_out(page)
    assert page.url.startswith(site.url(CONSOLE, "/log-ind/"))


def test_it_shows_a_tenants_export_and_offboarding_page_accessibly(
    page: Page, site: Site, axe_source: str
) -> None:
    sign_in_to_console(page, site, "vera@tovholder.dk", PASSWORD)
    nyborg = Tenant.objects.get(schema_name="nyborg")
    page.goto(site.url(CONSOLE, f"/tenants/{nyborg.pk}/offboarding/"))
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator("form button.button-danger").is_visible()  # cancel the agreement
    try:
        check_page(page, axe_source, "console-tenant-offboarding")
    finally:
        sign_out(page)


def test_it_keeps_typed_values_and_summarises_a_bad_slug(
    page: Page, site: Site, axe_source: str
) -> None:
    sign_in_to_console(page, site, "vera@tovholder.dk", PASSWORD)
    try:
        page.get_by_role("link", name="Ny systemejer").click()
        page.wait_for_load_state()
        assert page.url == site.url(CONSOLE, "/tenants/new/")
        page.get_by_label("Systemejerens navn").fill("Svendborg Kommune")
        page.get_by_label("Kortnavn").fill("Svendborg Kommune!")
        page.get_by_label("Første administrators navn").fill("Sofie Svendborg")
        page.get_by_label("Første administrators e-mail").fill("sofie@svendborg.dk")
        page.get_by_role("button", name="Opret").click()
        page.wait_for_load_state()

        summary = page.locator(".error-summary")
        assert summary.is_visible()
        slug_link = summary.get_by_role("link", name=re.compile("^Kortnavn"))
        assert slug_link.is_visible()
        assert page.get_by_label("Systemejerens navn").input_value() == "Svendborg Kommune"
        assert page.get_by_label("Kortnavn").input_value() == "Svendborg Kommune!"
        assert page.get_by_label("Første administrators e-mail").input_value() == (
            "sofie@svendborg.dk"
        )
        check_page(page, axe_source, "console-new-tenant-errors")
        slug_link.click()
        assert focused_element(page)["id"] == "id_slug"
    finally:
        sign_out(page)
    assert not Tenant.objects.filter(schema_name__icontains="svendborg").exists()


# --- no system owner at this address ---------------------------------------------------------


def test_it_explains_an_unknown_host_accessibly(page: Page, site: Site, axe_source: str) -> None:
    response = page.goto(site.url("nowhere.localhost"))
    assert response is not None and response.status == 404
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Vi kunne ikke finde denne side"
    assert f"nowhere.localhost:{site.port}" in page.get_by_role("main").inner_text()
    check_page(page, axe_source, "unknown-host")


@pytest.mark.parametrize("host", [NYBORG, CONSOLE])
def test_it_wraps_long_words_instead_of_scrolling_sideways(
    page: Page, site: Site, host: str
) -> None:
    # Danish compounds and pasted web addresses are long; at 360 px they must wrap.
    page.goto(site.url(host))
    page.evaluate(
        """() => {
          document.querySelector('h1').textContent =
            'Frivilligkoordinatorforeningsmedlemsregistreringsbekræftelsesbrev';
          const p = document.createElement('p');
          p.textContent = 'https://www.nyborg.dk/borger/kultur-og-fritid/frivillighed/foreninger';
          document.querySelector('main').append(p);
        }"""
    )
    assert_no_horizontal_scroll(page)
