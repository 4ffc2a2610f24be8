"""Each role's home after sign-in, in a real browser at a phone's and a laptop's width:
signing in without `next` lands there, the page is axe-clean and does not scroll sideways,
and a screenshot of each is saved: test-artifacts/screenshots/home-<role>-<width>.png.

A rowing club with a week of shifts, an offer, an application and a group post is committed
from a thread of its own (the live server sees only committed rows) and removed afterwards;
see test_volunteer_flow.py. Nanna, Nyborg's admin, exists for the whole session.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.groups.models import Group, Post
from apps.home.models import GroupVisit, HomeState
from apps.organisations.models import Organisation, OrganisationRole
from apps.recruitment.models import Application, Posting
from apps.shifts.models import Event, Shift, SignUp, Task
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed, messages_remove, sign_in, sign_out
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
CLUB = "Nyborg Roklub (browsertest home)"
KAMMA = "kamma.home@example.dk"  # coordinates the club
VILMA = "vilma.home@example.dk"  # volunteers
TOUCHED = (
    User,
    Session,
    Organisation,
    OrganisationRole,
    Event,
    Task,
    Shift,
    SignUp,
    Posting,
    Application,
    Group,
    Post,
    GroupVisit,
    HomeState,
    AuditEvent,
)


@dataclass(frozen=True)
class Club:
    next_shift_id: int


@pytest.fixture
def club(nyborg: Tenant) -> Iterator[Club]:
    def create() -> Club:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        kamma = User.objects.create_user(KAMMA, PASSWORD, full_name="Kamma Koordinator")
        vilma = User.objects.create_user(VILMA, PASSWORD, full_name="Vilma Frivillig")
        OrganisationRole.objects.create(organisation=club, user=kamma, role="coordinator")
        now = timezone.localtime()
        soon = (now + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        event = Event.objects.create(
            organisation=club,
            title="Kanoregatta på Nyborg Fjord",
            location_name="Nyborg Roklub",
            address="Strandvejen 2, 5800 Nyborg",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=6),
            status=Event.Status.PUBLISHED,
            published_at=now,
        )
        bridge = Task.objects.create(event=event, title="Bådebro", meeting_point="Bådhuset")
        kiosk = Task.objects.create(event=event, title="Kiosk")

        def shift(task: Task, start, capacity: int, **counts: int) -> Shift:
            return Shift.objects.create(
                task=task,
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                capacity=capacity,
                **counts,
            )

        shift(kiosk, now + timedelta(minutes=30), 2)
        mine = shift(bridge, soon, 3, confirmed_count=1)
        SignUp.objects.create(shift=mine, user=vilma, status="confirmed", confirmed_at=now)
        offered = shift(kiosk, soon + timedelta(days=1), 2, offered_count=1)
        SignUp.objects.create(
            shift=offered,
            user=vilma,
            status="offered",
            waitlisted_at=now,
            offer_expires_at=now + timedelta(hours=12),
        )
        shift(bridge, soon + timedelta(days=2), 1, confirmed_count=1, waitlist_count=2)
        shift(kiosk, soon + timedelta(days=4), 4)
        fair = Event.objects.create(
            organisation=club,
            title="Havnefest med åbent bådhus",
            location_name="Nyborg Havn",
            starts_at=soon + timedelta(days=3),
            ends_at=soon + timedelta(days=3, hours=8),
            status=Event.Status.PUBLISHED,
            published_at=now,
        )
        shift(Task.objects.create(event=fair, title="Rundvisning"), soon + timedelta(days=3), 4)
        posting = Posting.objects.create(
            organisation=club,
            title="Træner for ungdomsholdet",
            opens_on=date(2026, 1, 1),
            status=Posting.Status.PUBLISHED,
        )
        Application.objects.create(
            posting=posting, user=vilma, motivation="Jeg har roet i ti år.", consented_at=now
        )
        group = Group.objects.create(organisation=club, name="Regattaholdet")
        Post.objects.create(group=group, author=vilma, body="Jeg tager kaffe med")
        return Club(next_shift_id=mine.pk)

    def remove() -> None:
        people = User.objects.filter(email__in=(KAMMA, VILMA))
        nanna = User.objects.get(email="nanna@nyborg.dk")
        ids = {str(pk) for pk in people.values_list("pk", flat=True)} | {str(nanna.pk)}
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") in ids:
                session.delete()
        HomeState.objects.filter(user=nanna).delete()
        AuditEvent.objects.filter(action__startswith="home.").delete()
        Application.objects.filter(posting__organisation__name=CLUB).delete()
        Posting.objects.filter(organisation__name=CLUB).delete()
        Group.objects.filter(organisation__name=CLUB).delete()  # posts and visits with it
        SignUp.objects.filter(shift__task__event__organisation__name=CLUB).delete()
        Event.objects.filter(organisation__name=CLUB).delete()  # tasks and shifts with it
        messages_remove(CLUB, people)
        Organisation.objects.filter(name=CLUB).delete()  # roles with it
        people.delete()

    yield from committed(nyborg, create, remove, TOUCHED)


def open_home(page: Page, site: Site, email: str) -> None:
    """Sign in from the sign-in page without `next`: the home is where one lands."""
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, "/konto/log-ind/"))
    sign_in(page, email)
    expect(page).to_have_url(site.url(NYBORG, "/oversigt/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversigt")


def test_a_coordinators_home_shows_the_clubs_week(
    club: Club, page: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    try:
        open_home(page, site, KAMMA)
        work = page.get_by_role("region", name="Jeres organisationer")
        expect(work.get_by_role("region", name="I dag")).to_contain_text("Kiosk")
        expect(work.get_by_role("region", name="Ikke besat de næste 14 dage")).to_contain_text(
            "ledige pladser"
        )
        expect(work.get_by_role("link", name="Vilma Frivillig").first).to_be_visible()
        expect(work.get_by_role("region", name="Nyt i jeres grupper")).to_contain_text(
            "1 nyt opslag"
        )
        check_page(page, axe_source, "home-coordinator")
    finally:
        sign_out(page)


def test_an_admins_home_shows_the_set_up_checklist_then_the_months_figures(
    club: Club, page: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    try:
        open_home(page, site, "nanna@nyborg.dk")
        checklist = page.get_by_role("list", name="Gør siden klar til frivillige")
        expect(checklist.get_by_role("listitem")).to_have_count(7)
        expect(checklist).to_contain_text("Første arrangement offentliggjort")
        check_page(page, axe_source, "home-admin")

        page.get_by_role("button", name="Læg tjeklisten væk").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="Nøgletal for", exact=False)).to_be_visible()
        check_page(page, axe_source, "home-admin-figures")
    finally:
        sign_out(page)


def test_a_volunteers_home_shows_the_next_shift_an_offer_and_suggestions(
    club: Club, page: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    try:
        open_home(page, site, VILMA)
        expect(page.get_by_role("region", name="Pladser, du er tilbudt")).to_contain_text("Kiosk")
        expect(page.get_by_text("Bådhuset")).to_be_visible()
        expect(page.locator("time").filter(has_text="10:00").first).to_be_visible()
        expect(page.get_by_text("Meld afbud")).to_be_visible()  # the cancel form folds out
        expect(page.get_by_role("link", name="Havnefest med åbent bådhus")).to_be_visible()
        check_page(page, axe_source, "home-volunteer")
    finally:
        sign_out(page)
