"""The report page in a real browser, at a phone's and a laptop's width: accessible (axe,
WCAG 2.1 AA), no sideways scrolling, each chart an image with a name and a table beside it.

The server thread sees only committed data, so the figures are the session tenant's (none);
the layout and the charts' structure are what is checked here, the figures in tests/apps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser.conftest import Site, check_page, sign_in, sign_out

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"


def test_it_shows_the_reports_accessibly_at_every_width(
    page: Page, site: Site, axe_source: str, width: int
) -> None:
    page.goto(site.url(NYBORG, "/konto/log-ind/?next=/rapporter/"))
    sign_in(page, "nanna@nyborg.dk")  # with her app's code: she is the site's admin
    try:
        assert page.get_by_role("heading", name="Rapporter", level=1).is_visible()
        charts = page.get_by_role("img", name="Timer pr. måned")
        assert charts.count() == 1
        assert page.get_by_role("table", name="Timer pr. måned").count() == 1
        check_page(page, axe_source, f"reports-{width}")
    finally:
        sign_out(page)
