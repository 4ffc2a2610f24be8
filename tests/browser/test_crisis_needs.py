"""Crisis mode's needs board on a phone (360 px), with axe-core and the strict CSP: the
coordinator posts a need, sees the suggested helpers with their reasons, invites one with
one click (htmx: the row answers in place) and signs out; the helper opens the link from
the invitation, without an account, and answers yes.

Rows are committed from a thread of their own and removed again afterwards (see
test_evaluations.py); the fixture checks the row counts are back where they were."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.crisis.models import Crisis, Helper, Invite, Need
from apps.messaging.models import Delivery, Message
from apps.organisations.models import Organisation, OrganisationRole
from apps.shifts.models import Event, Shift, Task
from tenants.models import Tenant
from tests.apps.crisis.needs.conftest import next_weekday
from tests.browser.conftest import Site, check_page, committed, messages_remove, sign_in, sign_out
from tests.browser.test_evaluations import check_coordinator_page
from tests.conftest import PASSWORD
from tests.threads import in_tenant

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
CLUB = "Nyborg Kriseberedskab (browsertest)"
PREFIX = "krise.browser"
TOUCHED = (
    User,
    Session,
    Organisation,
    Crisis,
    Helper,
    Need,
    Invite,
    Event,
    Task,
    Shift,
    Message,
    Delivery,
    AuditEvent,
)


@dataclass(frozen=True)
class Flood:
    coordinator: str
    hanne_id: int
    jens_id: int


@pytest.fixture
def flood(nyborg: Tenant) -> Iterator[Flood]:
    last_audit: list[int] = []

    def create() -> Flood:
        last_audit.append(
            AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        )
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        rasmus = User.objects.create_user(
            f"{PREFIX}.rasmus@example.dk", PASSWORD, full_name="Rasmus Krise"
        )
        OrganisationRole.objects.create(
            organisation=club, user=rasmus, role=OrganisationRole.Role.COORDINATOR
        )
        crisis = Crisis.objects.create(
            organisation=club, title="Oversvømmelse", started_at=timezone.now()
        )
        hanne = Helper.objects.create(
            crisis=crisis,
            name="Hanne Hjælper",
            phone="+4520000001",
            email="hanne@example.dk",
            postcode="5800",
            skills=["first_aid"],
            availability=["weekend"],
            consent_at=timezone.now(),
        )
        jens = Helper.objects.create(
            crisis=crisis,
            name="Jens Jylland",
            email="jens@example.dk",
            postcode="8000",
            skills=["cooking"],
            availability=["weekday_day"],
            consent_at=timezone.now(),
        )
        return Flood(rasmus.email, hanne.pk, jens.pk)

    def remove() -> None:
        people = User.objects.filter(email__startswith=PREFIX)
        ids = {str(pk) for pk in people.values_list("pk", flat=True)}
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") in ids:
                session.delete()
        messages_remove(CLUB, people)
        Crisis.objects.filter(organisation__name=CLUB).delete()  # helpers, needs, invites
        Event.objects.filter(organisation__name=CLUB).delete()  # tasks, shifts
        Organisation.objects.filter(name=CLUB).delete()
        people.delete()
        if last_audit:
            AuditEvent.objects.filter(id__gt=last_audit[0]).delete()

    yield from committed(nyborg, create, remove, TOUCHED)


@pytest.mark.parametrize("width", [360])
def test_the_coordinator_posts_triages_and_invites_and_the_helper_says_yes(
    page: Page, site: Site, axe_source: str, flood: Flood, nyborg: Tenant, width: int
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, "/krise/behov/"))
    try:
        sign_in(page, flood.coordinator)
        expect(page.locator("main form input[name=title]")).to_be_visible()
        check_coordinator_page(page, axe_source, "crisis-needs-empty")

        start = next_weekday(5, 10)  # a Saturday morning
        form = page.locator("main form")
        form.locator("input[name=title]").fill("Sandsække ved havnen")
        form.locator("input[name=place]").fill("Nyborg Havn")
        form.locator("input[name=postcode]").fill("5800")
        form.locator("input[name=starts_at]").fill(start.strftime("%Y-%m-%dT%H:%M"))
        ends = start + timedelta(hours=3)
        form.locator("input[name=ends_at]").fill(ends.strftime("%Y-%m-%dT%H:%M"))
        form.locator("input[name=wanted]").fill("1")
        form.locator("input[name=skills][value=first_aid]").check()
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()

        # Triage: Hanne (first aid, same postcode, free at weekends) before Jens.
        expect(page.get_by_role("heading", level=1)).to_have_text("Sandsække ved havnen")
        rows = page.locator("#suggestions > li")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("Hanne Hjælper")
        expect(rows.first.locator(".reasons li")).to_have_count(4)
        check_coordinator_page(page, axe_source, "crisis-need-triage")

        hanne = page.locator(f"#helper-{flood.hanne_id}")
        hanne.locator("button[type=submit]").click()
        expect(hanne.locator("[role=status]")).to_be_visible()  # answered in place (htmx)
        expect(page.get_by_role("heading", level=1)).to_have_text("Sandsække ved havnen")
        check_coordinator_page(page, axe_source, "crisis-need-invited")

        page.goto(site.url(NYBORG, "/krise/behov/"))
        expect(page.locator("#needs .need-filled")).to_have_attribute("data-filled", "0")
        check_coordinator_page(page, axe_source, "crisis-needs")
    finally:
        sign_out(page)

    def invited() -> tuple[str, list[tuple[str, str]]]:
        invite = Invite.objects.get(helper_id=flood.hanne_id)
        sent = Delivery.objects.filter(message__kind="crisis_need_invite")
        return invite.token, sorted(sent.values_list("channel", "address"))

    token, sent = in_tenant(nyborg, invited)
    assert sent == [("email", "hanne@example.dk"), ("sms", "+4520000001")]

    # Hanne, on her own phone, without an account.
    page.context.clear_cookies()
    page.goto(site.url(NYBORG, f"/krise/svar/{token}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sandsække ved havnen")
    check_page(page, axe_source, "crisis-answer")
    page.locator("main button[value=yes]").click()
    page.wait_for_load_state()
    expect(page.locator("#answer .alert-success")).to_be_visible()
    check_page(page, axe_source, "crisis-answer-yes")

    def status() -> str:
        return Invite.objects.get(helper_id=flood.hanne_id).status

    assert in_tenant(nyborg, status) == Invite.Status.ACCEPTED
