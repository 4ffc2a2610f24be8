"""The reserve pool in a real browser: Vilma (a rower) joins from her account on a 360 px
phone (axe-clean), Nanna sends a call-out at /beredskab/, Vilma follows her answer link in
another browser without signing in and says yes, and Nanna's page counts it by itself
(htmx polling) with Vilma's name in the list of people to call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.members.models import Membership
from apps.messaging.models import Message
from apps.organisations.models import Organisation
from apps.reserve.models import Callout, CalloutAnswer, ReserveEnrolment
from tenants.models import Tenant
from tests.browser.conftest import WIDTHS, Site, check_page, committed, sign_in, sign_out
from tests.conftest import PASSWORD
from tests.threads import in_tenant

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"
VILMA = "vilma@example.dk"
CLUB = "Beredskab Roklub"
TITLE = "Sandsække ved havnen"
TOUCHED = (
    Session,
    User,
    Membership,
    Organisation,
    ReserveEnrolment,
    Callout,
    CalloutAnswer,
    Message,
)


@pytest.fixture
def rower(nyborg: Tenant) -> Iterator[None]:
    def create() -> None:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        vilma = User.objects.create_user(VILMA, PASSWORD, full_name="Vilma Vagt")
        Membership.objects.create(user=vilma, organisation=club, started_on=date(2025, 1, 1))

    def remove() -> None:
        callouts = Callout.objects.filter(title=TITLE)
        keys = [callout.dedupe_key for callout in callouts]
        Message.objects.filter(dedupe_key__in=keys).delete()  # deliveries with them
        callouts.delete()  # answers with them
        AuditEvent.objects.filter(action__startswith="reserve.").delete()
        people = User.objects.filter(email=VILMA)
        ids = {str(pk) for pk in people.values_list("pk", flat=True)}
        for session in Session.objects.all():  # those a failed test left behind
            if session.get_decoded().get("_auth_user_id") in ids:
                session.delete()
        Membership.objects.filter(organisation__name=CLUB).delete()
        Organisation.objects.filter(name=CLUB).delete()
        people.delete()  # her enrolment with her

    yield from committed(nyborg, create, remove, TOUCHED)


@pytest.fixture
def phone_of_her_own(browser: Browser, site: Site, _http_cookies: None) -> Iterator[Page]:
    """Vilma's phone, where the call-out's link opens: no cookies of the admin's browser."""
    context = browser.new_context(
        viewport={"width": 360, "height": WIDTHS[360]},
        locale="da-DK",
        timezone_id="Europe/Copenhagen",
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("width", [360], indirect=True)
def test_it_calls_out_the_pool_and_counts_a_yes_from_the_link(
    page: Page,
    phone_of_her_own: Page,
    site: Site,
    axe_source: str,
    nyborg: Tenant,
    rower: None,
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, "/konto/log-ind/?next=/konto/beredskab/"))
    sign_in(page, VILMA)
    try:
        check_page(page, axe_source, "reserve-mine")
        page.locator("main form button[type=submit]").first.click()  # join, by email
        page.wait_for_load_state()
        expect(page.locator("#reserve-status")).to_be_visible()
        check_page(page, axe_source, "reserve-mine-joined")
    finally:
        sign_out(page)

    page.goto(site.url(NYBORG, "/konto/log-ind/?next=/beredskab/"))
    sign_in(page, NANNA)
    try:
        check_page(page, axe_source, "reserve-callouts")
        page.locator("#id_title").fill(TITLE)
        page.locator("#id_place").fill("Nyborg Havn, kaj 3")
        page.locator("#id_when").fill("I dag fra kl. 16")
        page.locator("#id_body").fill("Stormflod i nat. Tag støvler med.")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.locator("#count-waiting")).to_have_attribute("data-count", "1")
        expect(page.locator("#count-yes")).to_have_attribute("data-count", "0")
        check_page(page, axe_source, "reserve-callout")

        token = in_tenant(
            nyborg, lambda: CalloutAnswer.objects.get(user__email=VILMA, callout__title=TITLE).token
        )
        phone = phone_of_her_own
        phone.goto(site.url(NYBORG, f"/beredskab/svar/{token}/"))
        expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
        check_page(phone, axe_source, "reserve-answer")
        phone.locator("button[name=answer][value=yes]").click()
        phone.wait_for_load_state()
        expect(phone.locator("#your-answer")).to_have_attribute("data-answer", "yes")

        # Nanna's page asks again every 3 seconds: no reload.
        expect(page.locator("#count-yes")).to_have_attribute("data-count", "1", timeout=15_000)
        expect(page.locator("#count-waiting")).to_have_attribute("data-count", "0")
        expect(page.locator("tr.yes-person")).to_contain_text("Vilma Vagt")
    finally:
        sign_out(page)
