"""Each section of the home costs a fixed number of queries, counted exactly, and the same
for a little data as for a lot; and so does the whole page, for every role."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.attendance.models import Attendance
from apps.groups.models import Group, Post
from apps.home.selectors import (
    Days,
    admin_home,
    coordinator_home,
    home_for,
    volunteer_home,
)
from apps.home.services import checklist_dismiss
from apps.organisations.models import Follow, OrganisationRole
from apps.recruitment.models import Application, Posting
from apps.shifts.models import SignUp
from tenants.selectors import tenant_zone
from tests.apps.home.conftest import browser_for, person, place, published_event, shift_on

pytestmark = pytest.mark.django_db

# Coordinator: organisations, this week, unfilled, applications, offers, groups.
COORDINATOR = 6
# Admin: put away?, invited?, published?, own legal pages?; then the report's 8 (in a
# test's transaction: a savepoint, 4 settings of the statement's own, its two statements,
# the release).
CHECKLIST = 4
FIGURES = 8
# Volunteer: next shift, offers, suggestions (without a shift or offer, a coordinator's or
# admin's section stops after the first two).
VOLUNTEER = 3


def grow(organisation, *, volunteers: int, coordinator, now) -> None:
    """Shifts today, this week and soon, places, offers, applications, group posts,
    attendances this month: `volunteers` of each."""
    event = published_event(organisation, f"Stævne {volunteers}", now + timedelta(hours=1))
    posting = Posting.objects.create(
        organisation=organisation,
        title=f"Opslag {volunteers}",
        opens_on=date(2026, 1, 1),
        status="published",
    )
    group = Group.objects.create(organisation=organisation, name=f"Gruppe {volunteers}")
    for i in range(volunteers):
        someone = person(f"Frivillig{volunteers}x{i}")
        today = shift_on(event, now + timedelta(minutes=10 + i), capacity=3, task=f"Opgave {i}")
        came = place(today, someone)
        Attendance.objects.create(signup=came, status="present", hours=2)
        later = shift_on(event, now + timedelta(days=2, minutes=i), capacity=2)
        place(later, someone, SignUp.Status.OFFERED)
        Application.objects.create(
            posting=posting, user=someone, motivation="Gerne", consented_at=timezone.now()
        )
        Post.objects.create(group=group, author=someone, body=f"Hej {i}")
        Follow.objects.create(user=someone, organisation=organisation)
    if coordinator is not None:
        soon = shift_on(event, now + timedelta(days=1, minutes=volunteers), capacity=2)
        place(soon, coordinator)
        offer = shift_on(event, now + timedelta(days=3, minutes=volunteers), capacity=2)
        place(offer, coordinator, SignUp.Status.OFFERED)


def days():
    return Days.at(timezone.now(), tenant_zone())


def test_the_coordinator_section_costs_six_queries_however_much_there_is(
    kamilla, roklub, django_assert_num_queries
):
    for volunteers in (1, 12):
        grow(roklub, volunteers=volunteers, coordinator=None, now=timezone.now())
        with django_assert_num_queries(COORDINATOR):
            home = coordinator_home(user=kamilla, days=days())
        assert home is not None and home.applications.total == 1 + 12 * (volunteers == 12)


def test_the_admin_section_costs_the_same_however_much_there_is(
    nanna, nyborg, roklub, django_assert_num_queries
):
    for volunteers in (1, 12):
        grow(roklub, volunteers=volunteers, coordinator=None, now=timezone.now())
        with django_assert_num_queries(CHECKLIST):
            assert admin_home(user=nanna, tenant=nyborg, days=days()).figures is None
    checklist_dismiss(user=nanna, dismissed=True)
    with django_assert_num_queries(CHECKLIST + FIGURES):
        home = admin_home(user=nanna, tenant=nyborg, days=days())
    assert home.figures is not None and home.figures.totals["active"] >= 12


def test_the_volunteer_section_costs_three_queries_however_much_there_is(
    frida, roklub, django_assert_num_queries
):
    for volunteers in (1, 12):
        grow(roklub, volunteers=volunteers, coordinator=frida, now=timezone.now())
        Follow.objects.get_or_create(user=frida, organisation=roklub)
        with django_assert_num_queries(VOLUNTEER):
            home = volunteer_home(user=frida, days=days(), only_if_busy=False)
        assert home is not None and home.next_shift and home.offers.total == volunteers // 12 + 1


def page_queries(browser) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = browser.get("/oversigt/")
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["kamilla", "nanna", "frida", "everything"])
def test_the_whole_page_costs_the_same_for_a_little_data_as_for_a_lot(
    persona, kamilla, nanna, frida, roklub, nyborg, request
):
    user = {"kamilla": kamilla, "nanna": nanna, "frida": frida, "everything": nanna}[persona]
    if persona == "everything":
        OrganisationRole.objects.create(organisation=roklub, user=nanna, role="admin")
        checklist_dismiss(user=nanna, dismissed=True)
    browser = browser_for(user, nyborg)
    grow(roklub, volunteers=1, coordinator=user, now=timezone.now())
    browser.get("/oversigt/")  # warm the per-session caches
    few = page_queries(browser)
    grow(roklub, volunteers=12, coordinator=user, now=timezone.now())
    assert page_queries(browser) == few
    # And what the home itself reads is exactly its sections' sum.
    with CaptureQueriesContext(connection) as captured:
        home_for(user=user, tenant=nyborg)
    expected = {
        "kamilla": COORDINATOR + VOLUNTEER,  # she has a shift of her own here
        "nanna": CHECKLIST + 1 + VOLUNTEER,  # no organisation of her own either
        "frida": 1 + VOLUNTEER,  # no organisation of her own
        "everything": CHECKLIST + FIGURES + COORDINATOR + VOLUNTEER,
    }[persona]
    assert len(captured) == expected
