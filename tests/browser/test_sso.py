"""Single sign-on in a real browser: a citizen presses "Log ind med MitID" on Nyborg's
sign-in page, signs in at a real OpenID provider (oidc-provider, tests/oidc.py) and comes
back signed in; a refused sign-in is an accessible Danish page. The provider's settings are
committed for the live server and removed after the test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.sso.models import Link, Provider
from tests.browser.conftest import Site, check_page, committed, open_person_menu, sign_out
from tests.oidc import CLIENT_ID, CLIENT_SECRET, RunningProvider, oidc_provider

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tenants.models import Tenant

NYBORG = "nyborg.localhost"
FRIDA = "frida.sso@example.dk"


@pytest.fixture(scope="package")
def browser_provider(site: Site) -> Iterator[RunningProvider]:
    with oidc_provider([f"http://{NYBORG}:{site.port}/sso/mitid/retur/"]) as running:
        yield running


@pytest.fixture
def mitid(
    nyborg: Tenant, browser_provider: RunningProvider, settings: Any, tmp_path: Any
) -> Iterator[Provider]:
    (tmp_path / "nyborg-mitid").write_text(CLIENT_SECRET, encoding="utf-8")
    settings.SSO_SECRETS_DIR = str(tmp_path)  # the live server runs in this process

    def create() -> Provider:
        return Provider.objects.create(
            name="MitID",
            slug="mitid",
            kind=Provider.Kind.MITID_BROKER,
            is_enabled=True,
            issuer=browser_provider.issuer,
            client_id=CLIENT_ID,
            client_secret_file="nyborg-mitid",
        )

    def remove() -> None:
        AuditEvent.objects.filter(action__startswith="sso.").delete()
        User.objects.filter(email=FRIDA).delete()  # links with her
        Provider.objects.filter(slug="mitid").delete()

    yield from committed(nyborg, create, remove, touched=[Provider, Link, User])


def test_a_citizen_signs_in_with_mitid(
    page: Page, site: Site, mitid: Provider, axe_source: str
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, "/sso/mitid/retur/?state=forged&code=x"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind mislykkedes")
    check_page(page, axe_source, "sso-refused")

    page.get_by_role("link", name="Tilbage til log ind").click()
    check_page(page, axe_source, "sso-sign-in")
    try:
        page.get_by_role("link", name="Log ind med MitID").click()
        # The provider's own (development) login page, on its own origin.
        page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
        page.locator("input[name=login]").fill("frida-mitid")
        page.locator("input[name=password]").fill("any")
        page.get_by_role("button", name="Sign-in").click()
        page.wait_for_url(re.compile(rf"^http://{NYBORG}:{site.port}/oversigt/"))
        open_person_menu(page)
        expect(page.get_by_role("banner").get_by_role("button", name="Log ud")).to_be_visible()
    finally:
        sign_out(page)
