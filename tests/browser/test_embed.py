"""The opportunities embedded in another web site (apps/embed, docs/embedding.md): a page
served from another local origin holds the snippet (from the oEmbed answer); the list shows
inside the iframe when the tenant lists that origin, and the browser refuses it when not.
The embed page itself passes axe at 360 and 1280 px without sideways scrolling
(screenshots: test-artifacts/screenshots/embed-<width>.png)."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest

from apps.organisations.models import Organisation
from apps.shifts.models import Event
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed
from tests.personas import in_days
from tests.threads import in_tenant

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

NYBORG = "nyborg.localhost"
CLUB = "Nyborg Kajakklub (browsertest)"
TITLE = "Kajakdag ved stranden"


@pytest.fixture
def kajakdag(nyborg: Tenant) -> Iterator[Event]:
    def create() -> Event:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        return Event.objects.create(
            organisation=club,
            title=TITLE,
            starts_at=in_days(4, 10),
            ends_at=in_days(4, 16),
            status=Event.Status.PUBLISHED,
            location_name="Stranden",
        )

    def remove() -> None:
        Event.objects.filter(organisation__name=CLUB).delete()
        Organisation.objects.filter(name=CLUB).delete()

    yield from committed(nyborg, create, remove, (Organisation, Event))


def _set_origins(tenant: Tenant, origins: list[str]) -> None:
    in_tenant(tenant, lambda: Tenant.objects.filter(pk=tenant.pk).update(embed_origins=origins))


@pytest.fixture
def municipal_site(site: Site, nyborg: Tenant) -> Iterator[str]:
    """The municipality's own web site: another origin (127.0.0.1 on a port of its own) with
    one page holding the snippet that the oEmbed endpoint gives for Nyborg's embed page."""
    embed = site.url(NYBORG, "/indlejret/")
    query = urlencode({"url": embed, "format": "json"})
    ask = urllib.request.Request(
        f"http://127.0.0.1:{site.port}/oembed?{query}", headers={"Host": f"{NYBORG}:{site.port}"}
    )
    with urllib.request.urlopen(ask, timeout=10) as answer:
        snippet = json.loads(answer.read())["html"]
    body = (
        '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Nyborg Kommune</title>'
        f"</head><body><h1>Bliv frivillig</h1>{snippet}</body></html>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        _set_origins(nyborg, [])


def _visit(browser: Browser, url: str) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="da-DK")
    context.set_default_timeout(10_000)
    page = context.new_page()
    said: list[str] = []
    page.on("console", lambda message: said.append(message.text))
    page.goto(url)
    return page, said


def _wait_until_said(page: Page, said: list[str], words: tuple[str, ...]) -> None:
    """Until the browser logs its refusal of the frame (up to 10 s; the test's own assert
    then tells what was said), instead of a fixed wait that a slow machine could outlast."""
    for _ in range(200):
        if any(word in text for text in said for word in words):
            return
        page.wait_for_timeout(50)


def test_the_list_shows_inside_the_municipalitys_page_when_its_origin_is_listed(
    browser: Browser, nyborg: Tenant, kajakdag: Event, municipal_site: str
) -> None:
    from playwright.sync_api import expect

    _set_origins(nyborg, ["https://www.nyborg.dk", municipal_site])
    page, said = _visit(browser, municipal_site + "/")
    try:
        frame = page.frame_locator("iframe[title]")
        link = frame.get_by_role("link", name=TITLE)
        expect(link).to_be_visible()
        # Screen readers hear that it opens a new tab: text beyond the title, hidden on screen.
        assert link.locator(".sr-only").inner_text().strip()
        assert (link.text_content() or "").strip() != TITLE
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("rel") == "noopener"
        assert f"/arrangementer/{kajakdag.pk}/" in (link.get_attribute("href") or "")
        # The frame fits its list (postMessage to the snippet's script), not a fixed 600 px.
        page.wait_for_function(
            "() => { const f = document.querySelector('iframe[data-tovholder-embed]');"
            " return !!f && !!f.style.height && f.style.height !== '600px'; }"
        )
        frame_height = page.evaluate(
            "() => document.querySelector('iframe[data-tovholder-embed]').clientHeight"
        )
        inner = page.frames[1].evaluate(
            "() => Math.ceil(document.body.getBoundingClientRect().bottom)"
        )
        assert abs(frame_height - inner) <= 40, (frame_height, inner)
        assert not [text for text in said if "Content Security" in text], said
    finally:
        page.context.close()


def test_the_browser_refuses_the_list_in_a_site_that_is_not_listed(
    browser: Browser, nyborg: Tenant, kajakdag: Event, municipal_site: str
) -> None:
    _set_origins(nyborg, ["https://www.nyborg.dk"])  # not the page's origin
    page, said = _visit(browser, municipal_site + "/")
    try:
        page.wait_for_function("() => document.querySelector('iframe')")
        # The frame's answer is refused, not slow: the browser says so on the console.
        _wait_until_said(page, said, ("frame-ancestors",))
        frame = page.frames[1]
        assert TITLE not in frame.content()
        assert any("frame-ancestors" in text for text in said), said
    finally:
        page.context.close()


def test_the_browser_refuses_the_list_when_no_site_is_listed(
    browser: Browser, nyborg: Tenant, kajakdag: Event, municipal_site: str
) -> None:
    page, said = _visit(browser, municipal_site + "/")
    try:
        _wait_until_said(page, said, ("frame-ancestors", "X-Frame-Options"))
        assert TITLE not in page.frames[1].content()
        assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in said), said
    finally:
        page.context.close()


def test_the_embed_page_is_accessible(
    page: Page, site: Site, axe_source: str, kajakdag: Event
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, "/indlejret/"))
    expect(page.get_by_role("heading", level=2, name=TITLE)).to_be_visible()
    check_page(page, axe_source, "embed")
