"""A group's page in a real browser, at a phone's and a laptop's width: accessible, no
sideways scrolling, and a reply lands in its thread in place (htmx), without a new page.

The group and its two members are committed from a thread of their own (the live server
sees only committed rows) and removed afterwards; see test_volunteer_flow.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.groups.models import Group, GroupMember, Post
from apps.messaging.models import Delivery, Message
from apps.organisations.models import Organisation
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed, messages_remove, sign_in, sign_out
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
CLUB = "Nyborg Kajakklub (browsertest)"
MAJA = "maja.browser@example.dk"
OLE = "ole.browser@example.dk"
TOUCHED = (User, Session, Organisation, Group, GroupMember, Post, Message, Delivery, AuditEvent)


@pytest.fixture
def kayak_group(nyborg: Tenant) -> Iterator[int]:

    def create() -> int:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        maja = User.objects.create_user(MAJA, PASSWORD, full_name="Maja Mølle")
        ole = User.objects.create_user(OLE, PASSWORD, full_name="Ole Åby")
        group = Group.objects.create(
            organisation=club, name="Kajakholdet", description="Vi ror sammen om lørdagen."
        )
        GroupMember.objects.create(group=group, user=maja)
        GroupMember.objects.create(group=group, user=ole)
        Post.objects.create(group=group, author=ole, body="Vi ror **lørdag** kl. 9 fra havnen")
        return group.pk

    def remove() -> None:
        people = User.objects.filter(email__in=(MAJA, OLE))
        ids = {str(pk) for pk in people.values_list("pk", flat=True)}
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") in ids:
                session.delete()
        messages_remove(CLUB, people)
        Group.objects.filter(organisation__name=CLUB).delete()  # members and posts with it
        Organisation.objects.filter(name=CLUB).delete()
        people.delete()

    yield from committed(nyborg, create, remove, TOUCHED)


def test_a_member_reads_the_group_and_replies_in_place(
    kayak_group: int, page: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    try:
        page.goto(site.url(NYBORG, f"/konto/log-ind/?next=/grupper/{kayak_group}/"))
        sign_in(page, MAJA)
        expect(page.get_by_role("heading", name="Kajakholdet", level=1)).to_be_visible()
        expect(page.locator(".post-body strong")).to_have_text("lørdag")
        check_page(page, axe_source, "group")

        page.evaluate("() => { window.sameDocument = true; }")
        page.get_by_text("Svar på opslaget").click()
        page.get_by_label("Dit svar").fill("Jeg tager kaffe med")
        page.get_by_role("button", name="Send svaret").click()
        expect(page.locator(".replies")).to_contain_text("Jeg tager kaffe med")
        assert page.evaluate("() => window.sameDocument === true"), "the page was reloaded"
        check_page(page, axe_source, "group-replied")
    finally:
        sign_out(page)
