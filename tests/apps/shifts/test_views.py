"""The coordinators' planning pages, through the browser's door: Nanna plans the regatta;
Kim (another association) and Frida (a volunteer) find nothing there."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.shifts.models import Event, Shift, SignUp, Task
from apps.shifts.services.signups import shift_sign_up
from tests.conftest import signed_in
from tests.personas import in_days, make_shift

pytestmark = pytest.mark.django_db

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


def local(moment) -> str:
    """As a datetime-local input sends it, in the tenant's time zone."""
    return timezone.localtime(moment).strftime(LOCAL_MINUTE)


@pytest.fixture
def english(nyborg_client):
    # The pages are translated by the lead afterwards; these tests read the English source.
    nyborg_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return nyborg_client


@pytest.fixture
def coordinator(english, nanna, nyborg, in_nyborg):
    return signed_in(english, nanna, nyborg)


def body_of(response) -> str:
    return response.content.decode()


def regatta_paths(regatta, kiosk, morning, signup) -> dict[str, str]:
    """Every planning URL of the regatta, with the method that changes something."""
    return {
        f"/planlaeg/arrangementer/{regatta.pk}/": "get",
        f"/planlaeg/arrangementer/{regatta.pk}/rediger/": "post",
        f"/planlaeg/arrangementer/{regatta.pk}/offentliggoer/": "post",
        f"/planlaeg/arrangementer/{regatta.pk}/aflys/": "post",
        f"/planlaeg/arrangementer/{regatta.pk}/kopier/": "post",
        f"/planlaeg/arrangementer/{regatta.pk}/opgaver/ny/": "post",
        f"/planlaeg/opgaver/{kiosk.pk}/vagter/nye/": "post",
        f"/planlaeg/vagter/{morning.pk}/": "get",
        f"/planlaeg/vagter/{morning.pk}/pladser/": "post",
        f"/planlaeg/vagter/{morning.pk}/aflys/": "post",
        f"/planlaeg/vagter/{morning.pk}/tilfoej/": "post",
        f"/planlaeg/tilmeldinger/{signup.pk}/fjern/": "post",
    }


def test_it_renders_every_planning_page_for_nanna(regatta, kiosk, morning, frida, coordinator):
    signup = shift_sign_up(shift_id=morning.pk, user=frida)
    pages = {
        "/planlaeg/": "Nyborg Regatta",
        "/planlaeg/arrangementer/nyt/": "New event",
        f"/planlaeg/arrangementer/{regatta.pk}/": "Kiosk",
        f"/planlaeg/arrangementer/{regatta.pk}/rediger/": 'value="Nyborg Regatta"',
        f"/planlaeg/arrangementer/{regatta.pk}/aflys/": "1 person signed up",
        f"/planlaeg/arrangementer/{regatta.pk}/kopier/": "New start date",
        f"/planlaeg/arrangementer/{regatta.pk}/opgaver/ny/": "Meeting point",
        f"/planlaeg/opgaver/{kiosk.pk}/vagter/nye/": "Repeat until",
        f"/planlaeg/vagter/{morning.pk}/": "Frida Hansen",
    }
    for path, expected in pages.items():
        response = coordinator.get(path)
        assert response.status_code == 200, path
        assert expected in body_of(response), path
    # A GET on the address of a change changes nothing and goes back to its page.
    response = coordinator.get(f"/planlaeg/tilmeldinger/{signup.pk}/fjern/")
    assert response.status_code == 302 and response.url == f"/planlaeg/vagter/{morning.pk}/"
    assert SignUp.objects.get(pk=signup.pk).status == SignUp.Status.CONFIRMED


def test_it_shows_kim_and_frida_nothing_of_the_regatta(
    regatta, kiosk, morning, frida, kim, nyborg, english
):
    signup = shift_sign_up(shift_id=morning.pk, user=frida)
    paths = regatta_paths(regatta, kiosk, morning, signup)
    for person in (kim, frida):
        browser = signed_in(english, person, nyborg)
        for path in paths:
            for method in ("get", "post"):
                response = getattr(browser, method)(path, {"reason": "x", "capacity": "9"})
                assert response.status_code == 404, (person.email, method, path)
    regatta.refresh_from_db()
    morning.refresh_from_db()
    assert regatta.status == Event.Status.PUBLISHED and morning.capacity == 2
    assert SignUp.objects.get(pk=signup.pk).status == SignUp.Status.CONFIRMED
    # Kim plans for his own association, and the regatta is not on his list.
    kims = signed_in(english, kim, nyborg).get("/planlaeg/")
    assert kims.status_code == 200 and "Nyborg Regatta" not in body_of(kims)
    assert signed_in(english, frida, nyborg).get("/planlaeg/").status_code == 404


def test_it_sends_a_stranger_to_sign_in(regatta, english):
    response = english.get(f"/planlaeg/arrangementer/{regatta.pk}/")
    assert response.status_code == 302 and response.url.startswith("/konto/log-ind/?next=")


def test_it_creates_a_draft_event_in_the_tenants_time_zone(roklub, coordinator):
    starts = in_days(20, 9)
    form = {
        "organisation": roklub.pk,
        "title": "Havnefest",
        "starts_at": local(starts),
        "ends_at": local(starts + timedelta(hours=8)),
        "visibility": Event.Visibility.SECRET,
        "suitable_without_experience": "on",
        "contact_name": "Nanna",
        "contact_phone": "+45 12 34 56 78",
    }
    response = coordinator.post("/planlaeg/arrangementer/nyt/", form, follow=True)
    event = Event.objects.get(title="Havnefest")
    assert event.status == Event.Status.DRAFT and event.organisation == roklub
    assert event.starts_at == starts and event.ends_at == starts + timedelta(hours=8)
    body = body_of(response)
    assert "saved as a draft" in body and f"?n={event.secret_token}" in body
    assert 'href="tel:+4512345678"' in body


def test_it_shows_the_error_and_keeps_the_input_for_an_event_that_ends_before_it_starts(
    roklub, coordinator
):
    starts = in_days(20, 9)
    form = {
        "organisation": roklub.pk,
        "title": "Baglæns fest",
        "starts_at": local(starts),
        "ends_at": local(starts - timedelta(hours=1)),
        "visibility": Event.Visibility.PUBLIC,
    }
    response = coordinator.post("/planlaeg/arrangementer/nyt/", form)
    body = body_of(response)
    assert response.status_code == 400
    assert "error-summary" in body and "The event must end after it starts." in body
    assert 'href="#id_ends_at"' in body
    assert 'value="Baglæns fest"' in body and f'value="{local(starts)}"' in body
    assert not Event.objects.filter(title="Baglæns fest").exists()


def test_it_edits_an_event_and_uploads_an_image(regatta, coordinator, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(png, "PNG")
    form = {
        "title": "Nyborg Regatta 2",
        "starts_at": local(regatta.starts_at),
        "ends_at": local(regatta.ends_at),
        "visibility": Event.Visibility.PUBLIC,
        "address": regatta.address,
        "image": SimpleUploadedFile("regatta.png", png.getvalue(), content_type="image/png"),
    }
    response = coordinator.post(f"/planlaeg/arrangementer/{regatta.pk}/rediger/", form)
    assert response.status_code == 302
    regatta.refresh_from_db()
    assert regatta.title == "Nyborg Regatta 2" and regatta.image.name.startswith("events/")


def test_it_refuses_an_image_over_5_mb_and_keeps_the_rest(regatta, coordinator, settings, tmp_path):
    import io
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    noise = io.BytesIO()  # random pixels do not compress: a real PNG of more than 5 MB
    Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3)).save(noise, "PNG")
    assert noise.tell() > 5 * 1024 * 1024
    huge = SimpleUploadedFile("plakat.png", noise.getvalue(), "image/png")
    form = {
        "title": "Ny titel",
        "starts_at": local(regatta.starts_at),
        "ends_at": local(regatta.ends_at),
        "visibility": Event.Visibility.PUBLIC,
        "image": huge,
    }
    response = coordinator.post(f"/planlaeg/arrangementer/{regatta.pk}/rediger/", form)
    assert response.status_code == 400 and 'value="Ny titel"' in body_of(response)
    assert "The image is too large" in body_of(response)
    regatta.refresh_from_db()
    assert regatta.title == "Nyborg Regatta" and not regatta.image


def test_it_adds_a_task_and_then_one_shift(regatta, coordinator):
    form = {"title": "Parkering", "meeting_point": "P-pladsen", "min_age": "15"}
    response = coordinator.post(f"/planlaeg/arrangementer/{regatta.pk}/opgaver/ny/", form)
    task = Task.objects.get(title="Parkering")
    assert task.min_age == 15 and response.url == f"/planlaeg/opgaver/{task.pk}/vagter/nye/"
    starts = in_days(10, 7)
    form = {
        "starts_at": local(starts),
        "ends_at": local(starts + timedelta(hours=3)),
        "repeat": "once",
        "capacity": "4",
        "signup_deadline": local(starts - timedelta(days=1)),
        "waitlist_policy": Shift.Policy.OFFER,
        "offer_hours": "6",
    }
    response = coordinator.post(f"/planlaeg/opgaver/{task.pk}/vagter/nye/", form, follow=True)
    shift = Shift.objects.get(task=task)
    assert (shift.capacity, shift.offer_hours, shift.starts_at) == (4, 6, starts)
    assert shift.signup_deadline == starts - timedelta(days=1)
    assert "1 shift is added." in body_of(response)


def test_it_creates_a_weekly_series_of_shifts_until_a_date(kiosk, coordinator):
    first = in_days(10, 9)
    form = {
        "starts_at": local(first),
        "ends_at": local(first + timedelta(hours=2)),
        "repeat": "weekly",
        "until": (timezone.localtime(first) + timedelta(weeks=4)).date().isoformat(),
        "capacity": "3",
        "waitlist_policy": Shift.Policy.PROMOTE,
        "offer_hours": "12",
    }
    response = coordinator.post(f"/planlaeg/opgaver/{kiosk.pk}/vagter/nye/", form, follow=True)
    shifts = list(Shift.objects.filter(task=kiosk).order_by("starts_at"))
    assert len(shifts) == 5 and "5 shifts are added." in body_of(response)
    # Every week at the same local hour, also across a change to or from summer time.
    assert {timezone.localtime(s.starts_at).hour for s in shifts} == {9}
    assert {timezone.localtime(s.ends_at).hour for s in shifts} == {11}
    assert {(s.capacity, s.waitlist_policy) for s in shifts} == {(3, "promote")}


def test_it_closes_each_shift_of_a_series_as_long_before_its_start_as_the_first(kiosk, coordinator):
    first = in_days(10, 9)
    form = {
        "starts_at": local(first),
        "ends_at": local(first + timedelta(hours=2)),
        "signup_deadline": local(first - timedelta(hours=48)),
        "repeat": "daily",
        "until": (timezone.localtime(first) + timedelta(days=2)).date().isoformat(),
        "capacity": "3",
        "waitlist_policy": Shift.Policy.PROMOTE,
        "offer_hours": "12",
    }
    coordinator.post(f"/planlaeg/opgaver/{kiosk.pk}/vagter/nye/", form)
    shifts = Shift.objects.filter(task=kiosk).order_by("starts_at")
    assert [s.starts_at - s.signup_deadline for s in shifts] == [timedelta(hours=48)] * 3


def test_it_explains_a_series_without_an_end_date(kiosk, coordinator):
    first = in_days(10, 9)
    form = {
        "starts_at": local(first),
        "ends_at": local(first + timedelta(hours=2)),
        "repeat": "daily",
        "capacity": "3",
        "waitlist_policy": Shift.Policy.PROMOTE,
        "offer_hours": "12",
    }
    response = coordinator.post(f"/planlaeg/opgaver/{kiosk.pk}/vagter/nye/", form)
    assert response.status_code == 400
    assert "Choose the last day of the series." in body_of(response)
    assert not Shift.objects.filter(task=kiosk).exists()


def test_it_refuses_to_publish_without_shifts_with_the_services_message(roklub, coordinator):
    draft = Event.objects.create(
        organisation=roklub, title="Kladde", starts_at=in_days(30), ends_at=in_days(30, 18)
    )
    path = f"/planlaeg/arrangementer/{draft.pk}/offentliggoer/"
    response = coordinator.post(path, follow=True)
    assert "Add at least one task with a shift before publishing." in body_of(response)
    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT
    make_shift(Task.objects.create(event=draft, title="Opstilling"), start=in_days(30))
    response = coordinator.post(path, follow=True)
    assert "The event is published." in body_of(response)
    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED


def test_it_cancels_a_shift_and_mails_everyone_affected(
    morning, frida, bo, carl, coordinator, django_capture_on_commit_callbacks
):
    for person in (frida, bo, carl):  # two places: Carl waits
        shift_sign_up(shift_id=morning.pk, user=person)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            f"/planlaeg/vagter/{morning.pk}/aflys/", {"reason": "Storm"}, follow=True
        )
    assert "3 people signed up or waiting are being told." in body_of(response)
    morning.refresh_from_db()
    assert morning.is_cancelled and morning.confirmed_count == morning.waitlist_count == 0
    statuses = set(SignUp.objects.filter(shift=morning).values_list("status", flat=True))
    assert statuses == {SignUp.Status.CANCELLED}
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted([frida.email, bo.email, carl.email])
    assert all("Storm" in message.body for message in mail.outbox)


def test_it_cancels_an_event_after_a_confirmation_and_tells_everyone(
    regatta, morning, frida, coordinator, django_capture_on_commit_callbacks
):
    shift_sign_up(shift_id=morning.pk, user=frida)
    path = f"/planlaeg/arrangementer/{regatta.pk}/aflys/"
    assert "Yes, cancel the event" in body_of(coordinator.get(path))
    regatta.refresh_from_db()
    assert regatta.status == Event.Status.PUBLISHED  # looking is not cancelling
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(path, {"reason": "Aflyst pga. vejret"})
    regatta.refresh_from_db()
    morning.refresh_from_db()
    assert regatta.status == Event.Status.CANCELLED and morning.is_cancelled
    assert [m.to for m in mail.outbox] == [[frida.email]]
    assert "Aflyst pga. vejret" in mail.outbox[0].body


def test_it_refuses_fewer_places_than_people_with_a_place(morning, frida, bo, coordinator):
    for person in (frida, bo):
        shift_sign_up(shift_id=morning.pk, user=person)
    path = f"/planlaeg/vagter/{morning.pk}/pladser/"
    response = coordinator.post(path, {"capacity": "1"}, follow=True)
    assert "2 people have a place" in body_of(response)
    response = coordinator.post(path, {"capacity": "5", "back": "roster"})
    assert response.url == f"/planlaeg/vagter/{morning.pk}/"
    morning.refresh_from_db()
    assert morning.capacity == 5


def test_it_adds_and_removes_a_person_on_the_roster(
    morning, frida, coordinator, django_capture_on_commit_callbacks
):
    frida.phone = "+45 11 22 33 44"
    frida.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            f"/planlaeg/vagter/{morning.pk}/tilfoej/", {"email": "FRIDA@example.dk"}, follow=True
        )
    body = body_of(response)
    assert "Frida Hansen has a place on the shift." in body
    assert 'href="tel:+4511223344"' in body and 'href="mailto:frida@example.dk"' in body
    signup = SignUp.objects.get(shift=morning, user=frida)
    assert signup.status == SignUp.Status.CONFIRMED and mail.outbox[-1].to == [frida.email]

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            f"/planlaeg/tilmeldinger/{signup.pk}/fjern/", {"reason": "Dobbeltbooket"}, follow=True
        )
    assert "Frida Hansen is taken off the shift." in body_of(response)
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.REMOVED and signup.reason == "Dobbeltbooket"
    assert mail.outbox[-1].to == [frida.email]
    morning.refresh_from_db()
    assert morning.confirmed_count == 0


def test_it_explains_why_a_person_cannot_be_added(morning, frida, coordinator):
    path = f"/planlaeg/vagter/{morning.pk}/tilfoej/"
    response = coordinator.post(path, {"email": "nobody@example.dk"})
    assert response.status_code == 400
    body = body_of(response)
    assert "Nobody with this email has an account here." in body
    assert 'value="nobody@example.dk"' in body
    shift_sign_up(shift_id=morning.pk, user=frida)
    response = coordinator.post(path, {"email": frida.email})
    assert response.status_code == 400 and "already signed up" in body_of(response)


def test_it_copies_an_event_to_a_new_start_date(regatta, kiosk, morning, coordinator):
    make_shift(kiosk, start=in_days(10, 14), is_cancelled=True)
    new_day = (timezone.localtime(regatta.starts_at) + timedelta(weeks=52)).date()
    response = coordinator.post(
        f"/planlaeg/arrangementer/{regatta.pk}/kopier/", {"starts_on": new_day.isoformat()}
    )
    copy = Event.objects.exclude(pk=regatta.pk).get(title="Nyborg Regatta")
    assert response.url == f"/planlaeg/arrangementer/{copy.pk}/"
    assert copy.status == Event.Status.DRAFT
    assert timezone.localtime(copy.starts_at).date() == new_day
    shifts = list(Shift.objects.filter(task__event=copy))
    assert len(shifts) == 1 and shifts[0].task.title == "Kiosk"
    assert shifts[0].starts_at - copy.starts_at == morning.starts_at - regatta.starts_at


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_it_lists_events_in_the_same_number_of_queries_for_few_or_many_shifts(
    roklub, kim, english, nyborg
):
    from apps.organisations.models import OrganisationRole

    # Kim also coordinates the rowing club: not a system-owner admin, so his roles are read.
    OrganisationRole.objects.create(organisation=roklub, user=kim, role="coordinator")
    browser = signed_in(english, kim, nyborg)
    events = []
    for n in range(3):
        event = Event.objects.create(
            organisation=roklub, title=f"Arrangement {n}", starts_at=in_days(5), ends_at=in_days(6)
        )
        make_shift(Task.objects.create(event=event, title="Hjælper"), start=in_days(5))
        events.append(event)
    few = queries_for(browser, "/planlaeg/")
    for n in range(15):
        event = Event.objects.create(
            organisation=roklub, title=f"Mere {n}", starts_at=in_days(7), ends_at=in_days(8)
        )
        task = Task.objects.create(event=event, title="Hjælper")
        for hour in range(5):
            make_shift(task, start=in_days(7, 6 + hour))
    assert queries_for(browser, "/planlaeg/") == few


def test_it_shows_an_event_in_the_same_number_of_queries_for_few_or_many_shifts(
    regatta, kiosk, frida, coordinator
):
    shift_sign_up(shift_id=make_shift(kiosk).pk, user=frida)
    path = f"/planlaeg/arrangementer/{regatta.pk}/"
    few = queries_for(coordinator, path)
    for n in range(20):
        task = Task.objects.create(event=regatta, title=f"Opgave {n}")
        for hour in range(5):
            make_shift(task, start=in_days(10, 6 + hour))
    many = queries_for(coordinator, path)
    assert many == few
    assert body_of(coordinator.get(path)).count('class="plan-shift"') == 101
