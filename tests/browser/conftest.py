"""Real browser tests: Playwright drives Debian's Chromium against a live server thread.

Setup (once per machine; CI does the same, see README.md in this folder):

    apt-get install -y chromium                   # /usr/bin/chromium
    .venv/bin/pip install playwright              # the Python driver only: no `playwright install`
    npm ci --prefix tests/browser                 # axe-core, pinned in package-lock.json

Without /usr/bin/chromium these tests skip, unless the environment variable CI is set:
then they fail, so that CI never passes by quietly testing nothing.

Why not pytest-django's `live_server` fixture: any test that names it is switched to
`transactional_db`, whose flush would wipe the tenants that tests/conftest.py provisions
once per session. The `site` fixture below starts the same server thread with the same
helper class (`pytest_django.live_server_helper.LiveServer`), and every test keeps the
ordinary rolled-back `db` transaction. The server's threads have their own database
connections, so they see only committed data: the session's tenants and users. They
close their connections after each request (Django's request_finished signal, with
CONN_MAX_AGE 0), so no connection is left in a tenant's schema for other tests.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import pytest
from celery._state import _set_task_join_will_block
from django.db import connections

from apps.audit.models import AuditEvent
from apps.messaging.models import Message
from tests.conftest import PASSWORD
from tests.threads import in_tenant
from tests.twofactor import TEST_KEY, app_device, code_now, fresh

if TYPE_CHECKING:
    from django.db.models import Model
    from playwright.sync_api import Browser, Page

    from tenants.models import Tenant

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE.parents[1] / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {360: 740, 1280: 800}  # viewport width: height


def _unavailable(what: str, fix: str) -> NoReturn:
    """Skip on a machine without the browser tools (a fresh one has only Python and pip);
    fail in CI (the environment variable CI set), so CI never passes by testing nothing."""
    if not os.environ.get("CI"):
        pytest.skip(f"browser tests need {what}: {fix} (in CI this is a failure instead)")
    pytest.fail(f"browser tests need {what}: {fix}", pytrace=False)


@pytest.fixture(scope="package")
def _async_unsafe_allowed() -> Iterator[None]:
    # Playwright's sync API keeps an asyncio loop marked as running in this thread while
    # it is started, and Django refuses database access from a thread with a running loop.
    # Allowed for this package only: the browser is stopped when the package ends, and
    # with it the loop, before any other test runs.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser(_async_unsafe_allowed: None) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _unavailable(str(CHROMIUM), "apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package", ".venv/bin/pip install playwright")

    # Django keeps its connections in context variables, and while Playwright runs, this
    # thread's code sees other ones than before and after. Close them on each change, or
    # a connection would be left open and the test database could not be dropped.
    connections.close_all()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        connections.close_all()
    connections.close_all()


@pytest.fixture(scope="package")
def axe_source() -> str:
    if not AXE_JS.exists():
        _unavailable(f"{AXE_JS.relative_to(HERE.parents[1])}", "npm ci --prefix tests/browser")
    return AXE_JS.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Site:
    """The live server; `url("nyborg.localhost", "/")` addresses one of its hosts."""

    port: int

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture(scope="package")
def site(django_db_setup: None, _async_unsafe_allowed: None) -> Iterator[Site]:
    from pytest_django.live_server_helper import LiveServer

    # 127.0.0.1, not "localhost": Chromium resolves every *.localhost name to loopback
    # itself, and an IPv4 socket is what it reaches on every machine.
    server = LiveServer("127.0.0.1:0")
    try:
        yield Site(port=server.thread.port)
    finally:
        server.stop()


@pytest.fixture(scope="package", autouse=True)
def _admins_apps(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The tenants' admins (Nanna, Anders) must use a second factor (apps.twofactor): an
    authenticator app with the suite's key, committed for the live server, removed after.
    `sign_in` types its code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts.models import User
    from tenants.models import Tenant

    with django_db_blocker.unblock():
        tenants = list(Tenant.objects.filter(schema_name__in=["nyborg", "visitaarhus"]))
        for tenant in tenants:
            in_tenant(
                tenant, lambda: [app_device(u) for u in User.objects.filter(is_owner_admin=True)]
            )
    yield
    with django_db_blocker.unblock():
        for tenant in tenants:
            in_tenant(tenant, lambda: TOTPDevice.objects.filter(key=TEST_KEY).delete())
        connections.close_all()


@pytest.fixture
def _http_cookies(settings: Any) -> None:
    # The server speaks plain http; Secure cookies (on unless TENANT_URL_SCHEME=http)
    # would not come back, and sign-in and CSRF would fail for the wrong reason.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(params=sorted(WIDTHS), ids=lambda width: f"{width}px")
def width(request: pytest.FixtureRequest) -> int:
    return int(request.param)


@pytest.fixture
def page(browser: Browser, site: Site, width: int, _http_cookies: None) -> Iterator[Page]:
    """A fresh browser context (no cookies) at the test's viewport width."""
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]},
        locale="da-DK",  # a Danish visitor: navigator.language and Accept-Language
        timezone_id="Europe/Copenhagen",
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    # Every page runs under the production Content-Security-Policy: anything it blocks
    # (an inline style or script slipped into a template) fails the test that saw it.
    refused: list[str] = []
    tab.on(
        "console",
        lambda m: (
            refused.append(f"{m.location['url']}: {m.text[:160]}")
            if "Content Security" in m.text
            else None
        ),
    )
    yield tab
    context.close()
    assert not refused, "blocked by the Content-Security-Policy:\n" + "\n".join(refused)


# --- checks shared by the tests -------------------------------------------------------


def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)  # through DevTools: a <script> tag would break the CSP
    # Only the violations are used: axe skips the details of every passed, inapplicable and
    # incomplete check (its `resultTypes`), and only the violations come back from the page.
    options = json.dumps(
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    )
    violations = page.evaluate(f"async () => (await axe.run(document, {options})).violations")
    return list(violations)


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n         ")
            lines.append(f"         {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page, axe_source: str) -> None:
    violations = axe_violations(page, axe_source)
    assert not violations, (
        f"axe-core found WCAG 2.1 A/AA violations on {page.url}:\n" + format_violations(violations)
    )


def assert_no_horizontal_scroll(page: Page) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, (
        f"{page.url} scrolls sideways at {width} px: the page is {scroll_width} px wide"
    )


def screenshot(page: Page, name: str) -> Path:
    width = page.viewport_size["width"] if page.viewport_size else 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def check_page(page: Page, axe_source: str, name: str) -> None:
    """What every page must do: a screenshot first (to look at when the rest fails),
    no axe violations, and no sideways scrolling at any width."""
    screenshot(page, name)
    assert_accessible(page, axe_source)
    assert_no_horizontal_scroll(page)


def hex_to_rgb(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def focused_element(page: Page) -> dict[str, Any]:
    """What the keyboard user sees of the focused element: what it is, where, its outline."""
    return dict(
        page.evaluate(
            """() => {
              const el = document.activeElement;
              const style = getComputedStyle(el);
              const box = el.getBoundingClientRect();
              return {
                tag: el.tagName.toLowerCase(), id: el.id, classes: [...el.classList],
                text: (el.innerText || el.value || '').trim(),
                focusVisible: el.matches(':focus-visible'),
                // Focus on a part of a native control (a date field's calendar button) is
                // drawn by the browser; the page's own CSS cannot and need not style it.
                inNativePart: !el.matches(':focus'),
                outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
                boxShadow: style.boxShadow,
                left: box.left, right: box.right, top: box.top, bottom: box.bottom,
                width: box.width, height: box.height,
                viewportWidth: window.innerWidth, viewportHeight: window.innerHeight,
              };
            }"""
        )
    )


def sign_in_to_console(page: Page, site: Site, email: str, password: str) -> None:
    page.goto(site.url("console.localhost", "/log-ind/"))
    page.get_by_label("E-mail").first.fill(email)  # the password form comes before the link form
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("main").get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def sign_out(page: Page) -> None:
    # Signing out deletes the session row the server thread committed; nothing is left behind.
    # (Called from `finally`: when the sign-in itself failed, there is nothing to undo.)
    # include_hidden: on a tenant's site the button waits in the person's (closed) menu.
    button = page.get_by_role("banner").get_by_role("button", name="Log ud", include_hidden=True)
    if button.count():
        open_person_menu(page)
        button.click()
        page.wait_for_load_state()


def open_person_menu(page: Page) -> None:
    """Show the person's menu in a tenant's header (profile, account, "Log ud"): on a narrow
    screen a staff member's is behind the menu button, and it is a disclosure itself."""
    menu_button = page.locator("header .menu-button-js")
    if menu_button.is_visible() and menu_button.get_attribute("aria-expanded") != "true":
        menu_button.click()
    menu_link = page.locator("header .menu-button-nojs")  # without JavaScript
    if menu_link.is_visible() and not page.locator("#site-menu").is_visible():
        menu_link.click()
    person = page.locator("header .person-menu details")
    if person.count() and not person.evaluate("details => details.open"):
        person.locator("summary").click()


T = TypeVar("T")


SIGN_IN_ACTIONS = ("user.signed_in", "user.sign_in_failed")


def _last_audit_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _sign_in_rows_remove(after: int) -> None:
    """Signing in through the page writes an audit row (apps.accounts.receivers); a test's
    own sign-ins are its rows too."""
    AuditEvent.objects.filter(id__gt=after, action__in=SIGN_IN_ACTIONS).delete()


def committed(
    nyborg: Tenant,
    create: Callable[[], T],
    remove: Callable[[], None],
    touched: Iterable[type[Model]],
) -> Iterator[T]:
    """A fixture's body: rows created and committed for the live server, removed after the
    test; fails if any table in `touched` is left with more or fewer rows than before."""

    def counts() -> dict[str, int]:
        return {model.__name__: model.objects.count() for model in touched}

    before = in_tenant(nyborg, counts)
    last_row = in_tenant(nyborg, _last_audit_id)
    try:
        yield in_tenant(nyborg, create)
    finally:
        in_tenant(nyborg, remove)
        in_tenant(nyborg, lambda: _sign_in_rows_remove(last_row))
        # The server thread ran eager Celery tasks; see test_concurrency.py for this flag.
        _set_task_join_will_block(False)
    assert in_tenant(nyborg, counts) == before, "the test left rows behind in Nyborg"


def messages_remove(club: str, people: Any) -> None:
    """The mails a test made (the outbox keeps each one, and a message protects its
    organisation): the club's, and those about the test people's accounts (a sign-in link
    has no organisation). Call it before the people and the club are deleted."""
    Message.objects.filter(organisation__name=club).delete()  # deliveries with them
    Message.objects.filter(organisation__isnull=True, deliveries__user__in=people).delete()


def sign_in(page: Page, email: str) -> None:
    page.get_by_label("E-mail").first.fill(email)  # the password form comes before the link form
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()
    if "/tofaktor/bekraeft/" in page.url:
        second_factor(page, email)


def second_factor(page: Page, email: str) -> None:
    """Type the code of the person's app (the suite's key), as after a real sign-in. The
    device forgets its last code first: django-otp takes each code once, and one test may
    sign in twice within its 30 seconds."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tenants.models import Tenant

    host = page.url.split("//", 1)[1].split("/", 1)[0].split(":", 1)[0]
    tenant = Tenant.objects.get(domains__domain=host)
    apps = in_tenant(
        tenant, lambda: [fresh(d) for d in TOTPDevice.objects.filter(user__email=email)]
    )
    if not apps:
        return  # a passkey only: the test presses its button itself
    page.locator("main input[name=token]").fill(code_now())
    page.locator("main form").first.locator("button[type=submit]").click()
    page.wait_for_load_state()
