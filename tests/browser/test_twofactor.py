"""A coordinator sets up two-factor sign-in on a phone (360 px), in a real browser: the
tenant requires it of coordinators, so the first page after the password is the set-up;
the code is computed from the key the page shows, as the phone's app would. axe-core
(WCAG 2.1 AA) on the set-up and the recovery-code pages."""

from __future__ import annotations

from base64 import b32decode
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation, OrganisationRole
from tenants.models import Tenant
from tests.browser.conftest import Site, assert_accessible, committed, screenshot, sign_in
from tests.conftest import PASSWORD
from tests.twofactor import code_now

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
CLUB = "Nyborg Sejlklub (twofactor browsertest)"
EMAIL = "twofactor.browser.olga@example.dk"
TOUCHED = (User, Session, Organisation, TOTPDevice, StaticDevice, AuditEvent)


@pytest.fixture
def coordinator(nyborg: Tenant) -> Iterator[str]:
    def create() -> str:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        olga = User.objects.create_user(EMAIL, PASSWORD, full_name="Olga Sejl")
        OrganisationRole.objects.create(
            organisation=club, user=olga, role=OrganisationRole.Role.COORDINATOR
        )
        Tenant.objects.filter(pk=nyborg.pk).update(coordinators_need_second_factor=True)
        return EMAIL

    def remove() -> None:
        Tenant.objects.filter(pk=nyborg.pk).update(coordinators_need_second_factor=False)
        olga = User.objects.filter(email=EMAIL).first()
        if olga is None:
            return
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") == str(olga.pk):
                session.delete()
        AuditEvent.objects.filter(target_type="accounts.User", target_id=str(olga.pk)).delete()
        olga.delete()  # her devices and role with her
        Organisation.objects.filter(name=CLUB).delete()

    yield from committed(nyborg, create, remove, TOUCHED)


def check(page: Page, axe_source: str, name: str) -> None:
    """axe, and no sideways scrolling of the page's own content (the coordinators' shared
    header is checked by test_navigation.py)."""
    screenshot(page, name)
    assert_accessible(page, axe_source)
    main = page.evaluate("() => document.querySelector('main').scrollWidth")
    assert main <= 360, f"{page.url}: the content is {main} px wide at 360 px"


@pytest.mark.parametrize("width", [360])
def test_it_lets_a_coordinator_set_up_an_authenticator_app_on_a_phone(
    page: Page, site: Site, axe_source: str, coordinator: str
) -> None:
    page.goto(site.url(NYBORG, "/konto/log-ind/?next=/konto/"))
    sign_in(page, coordinator)
    assert "/tofaktor/opsaet/" in page.url, page.url
    assert page.locator("main svg.qr-code").is_visible()
    check(page, axe_source, "twofactor-setup")

    secret = page.locator("main code.secret").inner_text().replace(" ", "")
    page.locator("main input[name=token]").fill(code_now(b32decode(secret).hex()))
    page.locator("main form").first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    codes = page.locator("main .recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(len(code) == 8 for code in codes)
    check(page, axe_source, "twofactor-codes")

    page.locator("main a.button-primary").click()
    page.wait_for_load_state()
    assert page.url.endswith("/konto/"), page.url  # where she was going, signed in fully
    assert page.get_by_role("heading", level=1).is_visible()
