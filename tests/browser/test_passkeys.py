"""A volunteer turns on two-factor sign-in with a passkey, in a real browser with
Chromium's virtual authenticator (DevTools protocol: no hardware, no prompt), and signs in
with it the next time. The passkey belongs to Nyborg's host (the relying party)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session
from django_otp_webauthn.models import WebAuthnCredential

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from tenants.models import Tenant
from tests.browser.conftest import Site, assert_accessible, committed, screenshot, sign_in
from tests.conftest import PASSWORD
from tests.threads import in_tenant

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
EMAIL = "twofactor.passkey.vilma@example.dk"
TOUCHED = (User, Session, WebAuthnCredential, AuditEvent)


@pytest.fixture
def volunteer(nyborg: Tenant) -> Iterator[str]:
    def create() -> str:
        User.objects.create_user(EMAIL, PASSWORD, full_name="Vilma Nøgle")
        return EMAIL

    def remove() -> None:
        vilma = User.objects.filter(email=EMAIL).first()
        if vilma is None:
            return
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") == str(vilma.pk):
                session.delete()
        AuditEvent.objects.filter(target_type="accounts.User", target_id=str(vilma.pk)).delete()
        vilma.delete()  # her passkeys with her

    yield from committed(nyborg, create, remove, TOUCHED)


def virtual_authenticator(page: Page) -> None:
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    devtools.send("WebAuthn.addVirtualAuthenticator", {"options": options})


@pytest.mark.parametrize("width", [360])
def test_it_lets_a_volunteer_add_a_passkey_and_sign_in_with_it(
    page: Page, site: Site, axe_source: str, volunteer: str, nyborg: Tenant
) -> None:
    virtual_authenticator(page)
    page.goto(site.url(NYBORG, "/konto/log-ind/?next=/tofaktor/"))
    sign_in(page, volunteer)
    assert page.url.endswith("/tofaktor/"), page.url  # a volunteer is not asked to
    page.locator("#passkey-register-button").click()
    page.wait_for_selector("form[action*='/tofaktor/passkey/']")  # the page shows it
    screenshot(page, "twofactor-passkey-added")
    assert_accessible(page, axe_source)
    added = in_tenant(
        nyborg,
        lambda: list(
            AuditEvent.objects.filter(action="twofactor.device_added", actor=EMAIL).values_list(
                "data", flat=True
            )
        ),
    )
    assert added == [{"kind": "passkey"}]

    # Next time: the password, then the passkey instead of a code.
    page.context.clear_cookies()
    page.goto(site.url(NYBORG, "/konto/log-ind/?next=/konto/"))
    sign_in(page, volunteer)
    assert "/tofaktor/bekraeft/" in page.url, page.url
    assert_accessible(page, axe_source)
    page.locator("#passkey-verification-button").click()
    page.wait_for_url("**/konto/")
    assert page.get_by_role("heading", level=1).is_visible()
    failed = AuditEvent.objects.filter(action="twofactor.verification_failed", actor=EMAIL)
    assert not in_tenant(nyborg, failed.exists)
