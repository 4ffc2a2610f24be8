"""A members-only event in a real browser: the sign-in prompt, the page that lets a signed-in
non-member ask to join, and the coordinator's list of requests. Each checked with axe-core at
360 and 1280 px (screenshots: test-artifacts/screenshots/members-only-*-<width>.png).

Rows are committed for the live server and removed again (see tests/browser/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.members.models import MembershipRequest
from apps.organisations.models import Organisation, OrganisationRole
from apps.shifts.models import Event
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed, messages_remove, sign_in, sign_out
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
CLUB = "Nyborg Kajakklub (browsertest)"
GUEST = "gerda.browser@example.dk"
COACH = "carsten.browser@example.dk"
TOUCHED = (User, Session, Organisation, OrganisationRole, Event, MembershipRequest, AuditEvent)


@pytest.fixture
def meeting(nyborg: Tenant) -> Iterator[int]:
    def create() -> int:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        start = (timezone.localtime() + timedelta(days=8)).replace(hour=19, minute=0)
        event = Event.objects.create(
            organisation=club,
            title="Klubaften (browsertest)",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            status=Event.Status.PUBLISHED,
            visibility=Event.Visibility.MEMBERS,
            published_at=timezone.now(),
        )
        User.objects.create_user(GUEST, PASSWORD, full_name="Gerda Gæst")
        coach = User.objects.create_user(COACH, PASSWORD, full_name="Carsten Coach")
        OrganisationRole.objects.create(
            organisation=club, user=coach, role=OrganisationRole.Role.COORDINATOR
        )
        return event.pk

    def remove() -> None:
        people = User.objects.filter(email__in=(GUEST, COACH))
        ids = {str(pk) for pk in people.values_list("pk", flat=True)}
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") in ids:
                session.delete()
        requests = MembershipRequest.objects.filter(organisation__name=CLUB)
        targets = [str(pk) for pk in requests.values_list("pk", flat=True)]
        AuditEvent.objects.filter(
            target_type="members.MembershipRequest", target_id__in=targets
        ).delete()
        requests.delete()
        messages_remove(CLUB, people)
        Event.objects.filter(organisation__name=CLUB).delete()
        Organisation.objects.filter(name=CLUB).delete()  # roles with it
        people.delete()

    yield from committed(nyborg, create, remove, TOUCHED)


def test_it_shows_the_members_only_pages_accessibly(
    page: Page, site: Site, axe_source: str, meeting: int
) -> None:
    page.goto(site.url(NYBORG, f"/arrangementer/{meeting}/"))
    assert "for medlemmer af " + CLUB in page.get_by_role("heading", level=1).inner_text()
    check_page(page, axe_source, "members-only-anonymous")
    page.get_by_role("main").get_by_role("link", name="Log ind").click()
    try:
        sign_in(page, GUEST)
        assert page.url.endswith(f"/arrangementer/{meeting}/")
        check_page(page, axe_source, "members-only-ask")
        page.get_by_label("Et par ord til koordinatorerne (valgfrit)").fill("Jeg padler gerne.")
        page.get_by_role("button", name=f"Bed om at blive medlem af {CLUB}").click()
        page.wait_for_load_state()
        assert "Du bad om at blive medlem" in page.get_by_role("main").inner_text()
        check_page(page, axe_source, "members-only-asked")
    finally:
        sign_out(page)
    page.goto(site.url(NYBORG, "/konto/log-ind/"))
    try:
        sign_in(page, COACH)
        page.goto(site.url(NYBORG, "/organisationer/"))
        page.get_by_role("link", name=CLUB).first.click()
        page.wait_for_load_state()
        assert "Jeg padler gerne." in page.get_by_role("main").inner_text()
        check_page(page, axe_source, "members-only-requests")
    finally:
        sign_out(page)
