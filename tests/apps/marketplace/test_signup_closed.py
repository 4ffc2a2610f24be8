"""Issue 10, defect 3: a shift past its sign-up deadline (or already started) is closed
for sign-up everywhere a volunteer looks, not only when the POST refuses it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.shifts.models import Event, Shift, Task
from apps.shifts.selectors import EventFilters, marketplace_events
from tests.apps.shifts.conftest import in_days, make_shift
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def an_event(roklub, title: str, *, days: float = 5) -> tuple[Event, Task]:
    event = Event.objects.create(
        organisation=roklub,
        title=title,
        status=Event.Status.PUBLISHED,
        starts_at=in_days(days, 0),
        ends_at=in_days(days + 1, 0),
    )
    return event, Task.objects.create(event=event, title="Hjælper")


def test_it_shows_a_shift_past_its_deadline_as_closed_without_a_sign_up_button(
    morning, kiosk, regatta, frida, nyborg, nyborg_client
):
    closed = make_shift(kiosk, start=in_days(10, 14), signup_deadline=in_days(-1, 9))
    browser = signed_in(nyborg_client, frida, nyborg)
    body = browser.get(f"/arrangementer/{regatta.pk}/").content.decode()
    shift_html = body.split(f'id="vagt-{closed.pk}"', 1)[1].split("</li>", 1)[0]
    assert "Tilmelding lukket" in shift_html
    deadline = timezone.localtime(closed.signup_deadline)
    assert f"{deadline:%H:%M}" in shift_html
    assert "ledige plads" not in shift_html
    assert f"/vagter/{closed.pk}/tilmeld/" not in body
    # The open shift beside it still has its button.
    assert f"/vagter/{morning.pk}/tilmeld/" in body


def test_it_shows_a_started_shift_as_closed(kiosk, regatta, frida, nyborg, nyborg_client):
    regatta.starts_at = timezone.now() - timedelta(hours=2)
    regatta.save()
    running = make_shift(kiosk, start=timezone.now() - timedelta(hours=1))
    body = signed_in(nyborg_client, frida, nyborg).get(f"/arrangementer/{regatta.pk}/")
    text = body.content.decode()
    assert "Tilmelding lukket" in text
    assert f"/vagter/{running.pk}/tilmeld/" not in text


def test_it_counts_no_free_places_on_shifts_past_their_deadline(roklub, nyborg_client):
    _mixed, mixed_task = an_event(roklub, "Havnefest")
    make_shift(mixed_task, start=in_days(5, 10), capacity=2)
    make_shift(mixed_task, start=in_days(5, 14), capacity=3, signup_deadline=in_days(-1))
    _closed, closed_task = an_event(roklub, "Julemarked", days=6)
    make_shift(closed_task, start=in_days(6, 10), capacity=4, signup_deadline=in_days(-1))

    events = {e.title: e for e in marketplace_events(filters=EventFilters())}
    assert (events["Havnefest"].free_places, events["Havnefest"].signup_open) == (2, True)
    assert (events["Julemarked"].free_places, events["Julemarked"].signup_open) == (0, False)

    body = nyborg_client.get("/").content.decode()
    card = body.split(">Julemarked<", 1)[1].split("</li>", 1)[0]
    assert "Tilmelding lukket" in card and "venteliste" not in card
    assert "2 ledige pladser" in body and "5 ledige pladser" not in body
    # "Free places now" leaves out an event whose only free places are closed.
    free_now = nyborg_client.get("/?free_now=on").content.decode()
    assert ">Havnefest<" in free_now and ">Julemarked<" not in free_now


def test_it_counts_no_free_places_on_shifts_that_have_started(roklub):
    event, task = an_event(roklub, "Festival", days=0)
    event.starts_at = timezone.now() - timedelta(hours=3)
    event.save()
    Shift.objects.create(
        task=task,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=2),
        capacity=5,
    )
    (found,) = marketplace_events(filters=EventFilters())
    assert (found.free_places, found.signup_open) == (0, False)
