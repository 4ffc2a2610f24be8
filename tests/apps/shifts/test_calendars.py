"""The iCalendar builders: every feed is parsed back with the icalendar library."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar, Component

from apps.shifts.calendars import personal_calendar, public_calendar, shift_calendar
from apps.shifts.models import Event, SignUp
from apps.shifts.services.planning import event_cancel, shift_cancel
from apps.shifts.services.signups import shift_sign_up, signup_cancel
from tenants.selectors import tenant_url
from tests.personas import in_days, make_shift, place
from tests.rfc5545 import assert_valid_calendar

pytestmark = pytest.mark.django_db


def parse(ics: bytes) -> Calendar:
    calendar = assert_valid_calendar(ics)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Tovholder//Nyborg Kommune//DA"
    assert "Nyborg Kommune" in str(calendar["X-WR-CALNAME"])
    for vevent in calendar.walk("VEVENT"):
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "STATUS"} <= set(vevent)
    return calendar


def by_uid(ics: bytes) -> dict[str, Component]:
    return {str(vevent["UID"]): vevent for vevent in parse(ics).walk("VEVENT")}


def statuses(ics: bytes) -> dict[str, str]:
    return {uid: str(vevent["STATUS"]) for uid, vevent in by_uid(ics).items()}


def utc_line(name: str, moment: datetime) -> bytes:
    return f"{name}:{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}\r\n".encode()


def uid(signup: SignUp) -> str:
    return f"signup-{signup.pk}@nyborg.localhost"


def test_it_lists_confirmed_places_and_offers_but_not_places_in_line(kiosk, morning, frida):
    confirmed = shift_sign_up(shift_id=morning.pk, user=frida)
    offered = place(
        make_shift(kiosk, start=in_days(11)),
        frida,
        SignUp.Status.OFFERED,
        offer_expires_at=in_days(2),
    )
    place(
        make_shift(kiosk, start=in_days(12)),
        frida,
        SignUp.Status.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    assert statuses(personal_calendar(user=frida)) == {
        uid(confirmed): "CONFIRMED",
        uid(offered): "TENTATIVE",
    }


def test_it_describes_a_shift_in_utc_with_place_meeting_point_and_link(regatta, morning, frida):
    signup = shift_sign_up(shift_id=morning.pk, user=frida)
    ics = personal_calendar(user=frida)
    (vevent,) = by_uid(ics).values()
    link = tenant_url(connection.tenant, f"/arrangementer/{regatta.pk}/")
    assert vevent["SUMMARY"] == "Nyborg Regatta – Kiosk"
    assert vevent["LOCATION"] == "Havnen 1, 5800 Nyborg"
    assert (
        utc_line("DTSTART", morning.starts_at) in ics and utc_line("DTEND", morning.ends_at) in ics
    )
    assert vevent.decoded("DTSTART") == morning.starts_at
    assert vevent.decoded("DTSTART").utcoffset() == timedelta(0)
    assert vevent.decoded("DTEND") == morning.ends_at
    description = str(vevent["DESCRIPTION"])
    assert "Bådhuset" in description and link in description
    assert vevent["URL"] == link
    assert str(vevent["UID"]) == uid(signup)


def test_it_links_a_secret_event_with_its_secret(regatta, morning, frida):
    Event.objects.filter(pk=regatta.pk).update(visibility=Event.Visibility.SECRET)
    regatta.refresh_from_db()
    place(morning, frida)
    (vevent,) = by_uid(personal_calendar(user=frida)).values()
    assert str(vevent["URL"]).endswith(f"/arrangementer/{regatta.pk}/?n={regatta.secret_token}")


def test_it_keeps_cancelled_places_under_the_same_uid_marked_cancelled(
    kiosk, morning, frida, nanna
):
    on_cancelled_shift = shift_sign_up(shift_id=morning.pk, user=frida)
    afternoon = make_shift(kiosk, start=in_days(10, 14))
    left = shift_sign_up(shift_id=afternoon.pk, user=frida)
    before = statuses(personal_calendar(user=frida))
    shift_cancel(actor=nanna, shift_id=morning.pk, reason="Storm")
    signup_cancel(signup_id=left.pk, actor=frida)
    after = statuses(personal_calendar(user=frida))
    assert before == {uid(on_cancelled_shift): "CONFIRMED", uid(left): "CONFIRMED"}
    assert after == {uid(on_cancelled_shift): "CANCELLED", uid(left): "CANCELLED"}


def test_it_leaves_out_a_place_in_line_that_was_given_up(morning, frida):
    place(morning, frida, SignUp.Status.CANCELLED, waitlisted_at=timezone.now())
    assert statuses(personal_calendar(user=frida)) == {}


def test_it_covers_upcoming_shifts_and_the_last_90_days(kiosk, frida):
    now = timezone.now()
    recent = place(make_shift(kiosk, start=now - timedelta(days=89)), frida)
    place(make_shift(kiosk, start=now - timedelta(days=91)), frida)
    upcoming = place(make_shift(kiosk, start=now + timedelta(days=200)), frida)
    assert set(statuses(personal_calendar(user=frida, now=now))) == {uid(recent), uid(upcoming)}


def test_it_shows_only_the_persons_own_places(morning, frida, bo):
    shift_sign_up(shift_id=morning.pk, user=bo)
    assert statuses(personal_calendar(user=frida)) == {}


def test_it_builds_the_same_uids_and_times_on_every_fetch(kiosk, frida):
    for day in (3, 4, 5):
        shift_sign_up(shift_id=make_shift(kiosk, start=in_days(day)).pk, user=frida)
    first, second = by_uid(personal_calendar(user=frida)), by_uid(personal_calendar(user=frida))
    assert list(first) == list(second) and len(first) == 3
    assert [v.decoded("DTSTART") for v in first.values()] == [
        v.decoded("DTSTART") for v in second.values()
    ]


def test_it_builds_one_shift_to_import_with_method_publish(morning):
    calendar = parse(shift_calendar(shift=morning))
    (vevent,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "PUBLISH"
    assert str(vevent["UID"]) == f"shift-{morning.pk}@nyborg.localhost"
    assert (vevent["STATUS"], vevent.decoded("DTSTART")) == ("CONFIRMED", morning.starts_at)


def test_it_marks_a_cancelled_shift_to_import_as_cancelled(morning, nanna):
    shift_cancel(actor=nanna, shift_id=morning.pk)
    morning.refresh_from_db()
    (vevent,) = parse(shift_calendar(shift=morning)).walk("VEVENT")
    assert vevent["STATUS"] == "CANCELLED"


def event(roklub, title: str, *, days: float, **extra) -> Event:
    fields = {"status": Event.Status.PUBLISHED, "published_at": timezone.now(), **extra}
    start = in_days(days, 9)
    return Event.objects.create(
        organisation=roklub,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        **fields,
    )


def public_uid(event: Event) -> str:
    return f"event-{event.pk}@nyborg.localhost"


def test_it_publishes_public_events_of_the_last_30_days_and_marks_cancelled_ones(
    roklub, regatta, nanna
):
    recent = event(roklub, "Sidste måned", days=-29)
    event(roklub, "For længe siden", days=-31)
    event(roklub, "Kladde", days=5, status=Event.Status.DRAFT, published_at=None)
    event(roklub, "Kun medlemmer", days=5, visibility=Event.Visibility.MEMBERS)
    event(roklub, "Hemmelig", days=5, visibility=Event.Visibility.SECRET)
    called_off = event(roklub, "Aflyst", days=6)
    event_cancel(actor=nanna, event=called_off)
    never_published = event(
        roklub, "Aflyst kladde", days=7, status=Event.Status.DRAFT, published_at=None
    )
    event_cancel(actor=nanna, event=never_published)
    assert statuses(public_calendar()) == {
        public_uid(recent): "CONFIRMED",
        public_uid(regatta): "CONFIRMED",
        public_uid(called_off): "CANCELLED",
    }


def test_it_describes_a_public_event_with_organiser_place_and_link(regatta):
    (vevent,) = by_uid(public_calendar()).values()
    link = tenant_url(connection.tenant, f"/arrangementer/{regatta.pk}/")
    assert vevent["SUMMARY"] == "Nyborg Regatta" and vevent["URL"] == link
    description = str(vevent["DESCRIPTION"])
    assert "Nyborg Roklub" in description and link in description
    assert vevent["LOCATION"] == "Havnen 1, 5800 Nyborg"
    assert vevent.decoded("DTSTART") == regatta.starts_at


def queries_for(build) -> int:
    # As in a new request: the tenant's host is looked up afresh (tenants.selectors).
    connection.tenant.__dict__.pop("_primary_host", None)
    with CaptureQueriesContext(connection) as captured:
        build()
    return len(captured)


def test_it_builds_the_personal_feed_in_two_queries_however_many_places(kiosk, frida):
    counts = []
    for total in (2, 20):
        while SignUp.objects.filter(user=frida).count() < total:
            day = SignUp.objects.filter(user=frida).count() + 1
            shift_sign_up(shift_id=make_shift(kiosk, start=in_days(day)).pk, user=frida)
        counts.append(queries_for(lambda: personal_calendar(user=frida)))
    assert len(by_uid(personal_calendar(user=frida))) == 20
    assert counts == [2, 2]  # the tenant's domain, the sign-ups with shift, task and event


def test_it_builds_the_public_feed_in_two_queries_however_many_events(roklub):
    counts = []
    for total in (2, 20):
        while Event.objects.count() < total:
            event(roklub, "Marked", days=Event.objects.count() + 1)
        counts.append(queries_for(public_calendar))
    assert len(by_uid(public_calendar())) == 20
    assert counts == [2, 2]  # the tenant's domain, the events with their organisation


# --- RFC 5545 in every state: empty, one, many, cancelled -------------------------------


def test_it_builds_a_valid_personal_feed_with_no_places(frida):
    calendar = parse(personal_calendar(user=frida))
    assert calendar.walk("VEVENT") == []
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Copenhagen" == calendar["X-WR-TIMEZONE"]


def test_it_builds_a_valid_public_feed_with_no_events(in_nyborg):
    calendar = parse(public_calendar())
    assert calendar.walk("VEVENT") == [] and len(calendar.walk("VTIMEZONE")) == 1


def test_it_builds_valid_feeds_with_one_and_with_many_places(kiosk, morning, frida):
    shift_sign_up(shift_id=morning.pk, user=frida)
    assert len(parse(personal_calendar(user=frida)).walk("VEVENT")) == 1
    for day in range(11, 31):
        shift_sign_up(shift_id=make_shift(kiosk, start=in_days(day)).pk, user=frida)
    assert len(parse(personal_calendar(user=frida)).walk("VEVENT")) == 21
    assert len(parse(public_calendar()).walk("VEVENT")) == 1


def sequences(ics: bytes) -> dict[str, tuple[str, int]]:
    return {uid: (str(v["STATUS"]), int(str(v["SEQUENCE"]))) for uid, v in by_uid(ics).items()}


def test_it_raises_the_sequence_of_a_place_that_is_called_off(kiosk, morning, frida, nanna):
    on_cancelled_shift = shift_sign_up(shift_id=morning.pk, user=frida)
    left = shift_sign_up(shift_id=make_shift(kiosk, start=in_days(11)).pk, user=frida)
    offered = place(
        make_shift(kiosk, start=in_days(12)),
        frida,
        SignUp.Status.OFFERED,
        offer_expires_at=in_days(2),
    )
    before = sequences(personal_calendar(user=frida))
    shift_cancel(actor=nanna, shift_id=morning.pk, reason="Storm")
    signup_cancel(signup_id=left.pk, actor=frida)
    SignUp.objects.filter(pk=offered.pk).update(status=SignUp.Status.CONFIRMED)
    after = sequences(personal_calendar(user=frida))
    for signup, status in (
        (on_cancelled_shift, "CANCELLED"),
        (left, "CANCELLED"),
        (offered, "CONFIRMED"),
    ):
        assert after[uid(signup)][0] == status
        assert after[uid(signup)][1] > before[uid(signup)][1]


def test_it_raises_the_sequence_of_a_cancelled_shift_to_import_and_public_event(
    regatta, morning, nanna
):
    Event.objects.filter(pk=regatta.pk).update(published_at=timezone.now())
    shift_before = sequences(shift_calendar(shift=morning))[f"shift-{morning.pk}@nyborg.localhost"]
    event_before = sequences(public_calendar())[public_uid(regatta)]
    event_cancel(actor=nanna, event=regatta)
    morning.refresh_from_db()
    shift_after = sequences(shift_calendar(shift=morning))[f"shift-{morning.pk}@nyborg.localhost"]
    event_after = sequences(public_calendar())[public_uid(regatta)]
    assert shift_after[0] == event_after[0] == "CANCELLED"
    assert shift_after[1] > shift_before[1] and event_after[1] > event_before[1]
