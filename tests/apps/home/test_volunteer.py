"""A volunteer's home: the next shift (time in the tenant's zone, place, cancel), offers to
answer, and suggestions: events with free places from what they follow or helped before,
or else the soonest events with free places."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.home.selectors import Days, suggestions, volunteer_home
from apps.organisations.models import Follow
from apps.shifts.models import Category, Event, SignUp
from tenants.selectors import tenant_zone
from tests.apps.home.conftest import browser_for, local, place, published_event, shift_on

pytestmark = pytest.mark.django_db


def days(now):
    return Days.at(now, tenant_zone())


def test_it_shows_the_next_shift_in_the_tenants_zone_with_its_place_and_a_cancel_form(
    frida, roklub, nyborg, wednesday
):
    # 13:37 in Copenhagen is 12:37 UTC in winter; the page must say 13:37.
    start = local(wednesday, 13, 37)
    later = local(wednesday + timedelta(days=3), 9)
    regatta = published_event(
        roklub, "Nyborg Regatta", start, location_name="Bådhuset", address="Havnen 1, 5800 Nyborg"
    )
    first = place(shift_on(regatta, start, task="Bådebro"), frida)
    place(shift_on(regatta, later, task="Kiosk"), frida)
    gone = shift_on(regatta, start - timedelta(days=1), is_cancelled=True)
    place(gone, frida)

    body = browser_for(frida, nyborg).get("/oversigt/").content.decode()
    assert "13:37" in body and "12:37" not in body
    assert "Bådhuset, Havnen 1, 5800 Nyborg" in body and "Bådebro" in body
    assert f'action="/tilmeldinger/{first.pk}/afmeld/"' in body
    assert "1 vagt mere på vej" in body  # the Kiosk shift, one click away
    home = volunteer_home(user=frida, days=days(timezone.now()), only_if_busy=False)
    assert home.next_shift == first and home.upcoming == 2


def test_it_lists_offers_to_answer_with_accept_and_decline(frida, bo, roklub, nyborg, wednesday):
    start = local(wednesday, 10)
    shift = shift_on(published_event(roklub, "Regatta", start), start, capacity=1)
    place(shift, bo)
    offer = place(shift_on(shift.task.event, start + timedelta(hours=4)), frida, "offered")
    late = shift_on(shift.task.event, start + timedelta(hours=8))
    place(late, frida, "offered", offer_expires_at=timezone.now() - timedelta(minutes=1))
    assert volunteer_home(
        user=frida, days=days(timezone.now()), only_if_busy=True
    ).offers.items == [offer]
    body = browser_for(frida, nyborg).get("/oversigt/").content.decode()
    assert f'action="/tilmeldinger/{offer.pk}/accepter/"' in body
    assert f'action="/tilmeldinger/{offer.pk}/afvis/"' in body


@pytest.fixture
def marketplace(roklub, spejderne, kim, wednesday):
    """Four public events with free places and one full one, a day apart from tomorrow."""
    sailing = Category.objects.create(name="Sejlads", slug="sejlads")
    made = {}
    for offset, (organisation, title, category, capacity) in enumerate(
        [
            (spejderne, "Spejderløb", None, 3),
            (spejderne, "Fuld lejr", None, 0),
            (roklub, "Kapsejlads", sailing, 2),
            (spejderne, "Sejlerlejr", sailing, 2),
            (roklub, "Standerhejsning", None, 2),
        ]
    ):
        start = local(wednesday, 10) + timedelta(days=offset)
        event = published_event(organisation, title, start, category=category)
        if capacity:
            shift_on(event, start, capacity=capacity)
        made[title] = event
    return made


def test_it_suggests_events_from_followed_organisations_categories_and_past_help(
    frida, roklub, marketplace, now
):
    assert [e.title for e in suggestions(user=frida, days=days(now))[0]] == [
        "Spejderløb",
        "Kapsejlads",
        "Sejlerlejr",
        "Standerhejsning",
    ]  # nothing followed: the soonest with free places
    assert suggestions(user=frida, days=days(now))[1] is False

    Follow.objects.create(user=frida, category=Category.objects.get(slug="sejlads"))
    events, personal = suggestions(user=frida, days=days(now))
    assert personal and [e.title for e in events] == ["Kapsejlads", "Sejlerlejr"]

    # Frida helped Roklub before: its events join; the one she is on already leaves.
    past = published_event(roklub, "Sidste år", now - timedelta(days=300))
    place(shift_on(past, now - timedelta(days=300)), frida)
    place(marketplace["Kapsejlads"].tasks.get().shifts.get(), frida)
    events, personal = suggestions(user=frida, days=days(now))
    assert [e.title for e in events] == ["Sejlerlejr", "Standerhejsning"]


def test_it_leaves_out_events_that_are_not_public_or_of_unapproved_organisations(
    frida, roklub, marketplace, now
):
    Event.objects.filter(title="Spejderløb").update(visibility=Event.Visibility.MEMBERS)
    roklub.is_approved = False
    roklub.save()
    assert [e.title for e in suggestions(user=frida, days=days(now))[0]] == ["Sejlerlejr"]


def test_a_coordinator_without_a_shift_or_offer_has_no_volunteer_section(kamilla, now):
    assert volunteer_home(user=kamilla, days=days(now), only_if_busy=True) is None
    assert volunteer_home(user=kamilla, days=days(now), only_if_busy=False) is not None


def test_a_volunteer_with_nothing_yet_is_shown_where_to_start(frida, nyborg):
    body = browser_for(frida, nyborg).get("/oversigt/").content.decode()
    assert "Du har ingen kommende vagter." in body
    assert 'id="coordinating"' not in body and 'id="site"' not in body
    assert SignUp.objects.count() == 0
