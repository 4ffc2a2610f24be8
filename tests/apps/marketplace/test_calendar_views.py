"""The calendar addresses: a secret personal feed, one shift's .ics, the public feed."""

from datetime import UTC

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from apps.shifts.models import Event, SignUp
from apps.shifts.services.signups import shift_sign_up
from tests.conftest import host_client, signed_in
from tests.personas import in_days, make_shift, person
from tests.rfc5545 import assert_valid_calendar

pytestmark = pytest.mark.django_db

CONTENT_TYPE = "text/calendar; charset=utf-8"


def feed(url: str) -> str:
    return f"/kalender/mine/{url}.ics"


def calendar(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == CONTENT_TYPE
    parsed = assert_valid_calendar(response.content)
    assert parsed["PRODID"] == "-//Tovholder//Nyborg Kommune//DA" and parsed["VERSION"] == "2.0"
    assert all("DTSTAMP" in vevent for vevent in parsed.walk("VEVENT"))
    return parsed


def uids(response) -> list[str]:
    return [str(vevent["UID"]) for vevent in calendar(response).walk("VEVENT")]


def test_it_serves_the_personal_feed_without_a_login_with_stable_uids(
    kiosk, morning, frida, nyborg_client
):
    signups = [
        shift_sign_up(shift_id=shift.pk, user=frida)
        for shift in (morning, make_shift(kiosk, start=in_days(12)))
    ]
    first = nyborg_client.get(feed(frida.calendar_token))
    second = nyborg_client.get(feed(frida.calendar_token))
    expected = [f"signup-{signup.pk}@nyborg.localhost" for signup in signups]
    assert uids(first) == uids(second) == expected
    assert "private" in first["Cache-Control"]
    (vevent, _) = calendar(first).walk("VEVENT")
    assert f"DTSTART:{morning.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}".encode() in first.content
    assert vevent.decoded("DTSTART") == morning.starts_at


def test_it_serves_a_valid_personal_feed_to_someone_with_no_shifts(frida, nyborg_client):
    parsed = calendar(nyborg_client.get(feed(frida.calendar_token)))
    assert parsed.walk("VEVENT") == [] and parsed.walk("VTIMEZONE")


def test_it_404s_an_unknown_token(in_nyborg, nyborg_client):
    assert nyborg_client.get(feed("00000000-0000-4000-8000-000000000000")).status_code == 404


def test_it_revokes_the_old_address_when_the_person_asks_for_a_new_one(
    morning, frida, nyborg, nyborg_client
):
    shift_sign_up(shift_id=morning.pk, user=frida)
    old = frida.calendar_token
    browser = signed_in(nyborg_client, frida, nyborg)
    response = browser.post("/kalender/mine/ny-adresse/")
    assert (response.status_code, response["Location"]) == (302, "/mine-vagter/")
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    frida.refresh_from_db()
    assert frida.calendar_token != old
    assert browser.get(feed(old)).status_code == 404
    assert len(uids(browser.get(feed(frida.calendar_token)))) == 1


def test_it_resets_only_on_a_post_by_a_signed_in_person(frida, nyborg, nyborg_client):
    old = frida.calendar_token
    response = nyborg_client.post("/kalender/mine/ny-adresse/")
    assert response.status_code == 302 and "/konto/" in response["Location"]
    browser = signed_in(nyborg_client, frida, nyborg)
    assert browser.get("/kalender/mine/ny-adresse/").status_code == 405
    frida.refresh_from_db()
    assert frida.calendar_token == old


def test_it_does_not_open_a_nyborg_feed_on_another_tenants_host(morning, frida, aarhus_client):
    shift_sign_up(shift_id=morning.pk, user=frida)
    response = aarhus_client.get(feed(frida.calendar_token))
    assert response.status_code == 404
    assert b"Nyborg" not in response.content


def test_it_downloads_a_public_shift_as_an_attachment(morning, nyborg_client):
    response = nyborg_client.get(f"/kalender/vagter/{morning.pk}.ics")
    parsed = calendar(response)
    assert response["Content-Disposition"] == f'attachment; filename="vagt-{morning.pk}.ics"'
    assert parsed["METHOD"] == "PUBLISH"
    assert uids(response) == [f"shift-{morning.pk}@nyborg.localhost"]


@pytest.mark.parametrize("visibility", [Event.Visibility.SECRET, Event.Visibility.MEMBERS])
def test_it_hides_a_hidden_events_shift_from_strangers_but_not_from_those_signed_up(
    visibility, regatta, morning, frida, bo, nyborg
):
    shift_sign_up(shift_id=morning.pk, user=frida)
    Event.objects.filter(pk=regatta.pk).update(visibility=visibility)
    path = f"/kalender/vagter/{morning.pk}.ics"
    assert host_client("nyborg.localhost").get(path).status_code == 404
    stranger = signed_in(host_client("nyborg.localhost"), bo, nyborg)
    assert stranger.get(path).status_code == 404
    volunteer = signed_in(host_client("nyborg.localhost"), frida, nyborg)
    assert uids(volunteer.get(path)) == [f"shift-{morning.pk}@nyborg.localhost"]


def test_it_hides_a_draft_events_shift_and_unknown_shifts(regatta, morning, nyborg_client):
    Event.objects.filter(pk=regatta.pk).update(status=Event.Status.DRAFT)
    assert nyborg_client.get(f"/kalender/vagter/{morning.pk}.ics").status_code == 404
    assert nyborg_client.get(f"/kalender/vagter/{morning.pk + 1000}.ics").status_code == 404


def test_it_serves_the_public_feed_of_published_public_events(regatta, roklub, nyborg_client):
    Event.objects.create(
        organisation=roklub,
        title="Hemmelig",
        starts_at=regatta.starts_at,
        ends_at=regatta.ends_at,
        status=Event.Status.PUBLISHED,
        visibility=Event.Visibility.SECRET,
    )
    response = nyborg_client.get("/kalender/arrangementer.ics")
    assert uids(response) == [f"event-{regatta.pk}@nyborg.localhost"]
    assert "Nyborg Kommune" in str(calendar(response)["X-WR-CALNAME"])


def queries_for(client, path: str) -> tuple[int, int]:
    """The number of queries and of VEVENTs of one request."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return len(captured), len(uids(response))


def test_it_serves_the_personal_feed_in_the_same_queries_for_2_and_20_places(
    kiosk, frida, nyborg_client
):
    measured = []
    for total in (2, 20):
        for day in range(SignUp.objects.filter(user=frida).count(), total):
            shift_sign_up(shift_id=make_shift(kiosk, start=in_days(day + 1)).pk, user=frida)
        measured.append(queries_for(nyborg_client, feed(frida.calendar_token)))
    # Two search_path switches, the tenant by host name, the person by token, the tenant's
    # primary domain (for links and UIDs), the sign-ups with shift, task and event.
    assert measured == [(6, 2), (6, 20)]


def test_it_serves_the_public_feed_in_the_same_queries_for_2_and_20_events(
    roklub, regatta, nyborg_client
):
    measured = []
    for total in (2, 20):
        while Event.objects.count() < total:
            day = 20 + Event.objects.count()
            Event.objects.create(
                organisation=roklub,
                title="Marked",
                starts_at=in_days(day),
                ends_at=in_days(day, 18),
                status=Event.Status.PUBLISHED,
            )
        measured.append(queries_for(nyborg_client, "/kalender/arrangementer.ics"))
    # Two search_path switches, the tenant by host name, its primary domain, the events.
    assert measured == [(5, 2), (5, 20)]


def test_it_serves_a_shift_download_in_the_same_queries_for_few_and_many_sign_ups(
    kiosk, morning, frida, nyborg
):
    browser = signed_in(host_client("nyborg.localhost"), frida, nyborg)
    shift_sign_up(shift_id=morning.pk, user=frida)
    few = queries_for(browser, f"/kalender/vagter/{morning.pk}.ics")
    morning.capacity = 30
    morning.save(update_fields=["capacity"])
    for n in range(20):
        shift_sign_up(shift_id=morning.pk, user=person(f"Hjælper{n}"))
    assert queries_for(browser, f"/kalender/vagter/{morning.pk}.ics") == few
