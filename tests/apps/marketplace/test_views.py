from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.shifts.models import Category, Event, Shift, SignUp, Task
from apps.shifts.services.signups import shift_sign_up
from tests.conftest import signed_in
from tests.personas import in_days, make_shift

pytestmark = pytest.mark.django_db


def page(client, path="/", **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def an_event(roklub, title, *, days=5, **extra) -> Event:
    fields = {
        "status": Event.Status.PUBLISHED,
        "starts_at": in_days(days, 9),
        "ends_at": in_days(days, 17),
        **extra,
    }
    event = Event.objects.create(organisation=roklub, title=title, **fields)
    make_shift(Task.objects.create(event=event, title="Hjælper"), start=in_days(days), capacity=2)
    return event


def many_events(roklub, titles: list[str], *, days: int = 5) -> None:
    """As an_event for each title, a statement per table (hundreds of rows one by one are slow)."""
    events = Event.objects.bulk_create(
        Event(
            organisation=roklub,
            title=title,
            status=Event.Status.PUBLISHED,
            starts_at=in_days(days, 9),
            ends_at=in_days(days, 17),
        )
        for title in titles
    )
    tasks = Task.objects.bulk_create(Task(event=event, title="Hjælper") for event in events)
    shifts_for(tasks, start=in_days(days), capacity=2)


def shifts_for(tasks: list[Task], *, start, capacity: int = 2) -> None:
    """make_shift for each task, in one statement."""
    Shift.objects.bulk_create(
        Shift(task=task, starts_at=start, ends_at=start + timedelta(hours=3), capacity=capacity)
        for task in tasks
    )


def test_it_lists_only_published_public_upcoming_events(roklub, nyborg_client):
    an_event(roklub, "Havnefest")
    an_event(roklub, "Kladde", status=Event.Status.DRAFT)
    an_event(roklub, "Hemmelig", visibility=Event.Visibility.SECRET)
    an_event(roklub, "Medlemsmøde", visibility=Event.Visibility.MEMBERS)
    an_event(roklub, "Sidste år", days=-30)
    body = page(nyborg_client)
    assert "Havnefest" in body
    assert not any(t in body for t in ("Kladde", "Hemmelig", "Medlemsmøde", "Sidste år"))
    assert "2 ledige pladser" in body


def test_it_filters_by_text_category_area_dates_free_places_and_experience(
    roklub, nyborg_client, frida, bo
):
    sport = Category.objects.create(name="Idræt", slug="idraet")
    an_event(roklub, "Halmaraton", category=sport, area="Ullerslev", days=3)
    an_event(roklub, "Julemarked", days=20, suitable_without_experience=False)
    full = an_event(roklub, "Koncert", days=8)
    shift = Shift.objects.get(task__event=full)
    for person in (frida, bo):
        shift_sign_up(shift_id=shift.pk, user=person)
    cases = {
        "q=marked": {"Julemarked"},
        "category=idraet": {"Halmaraton"},
        "area=ullerslev": {"Halmaraton"},
        f"date_from={in_days(7):%Y-%m-%d}&date_to={in_days(9):%Y-%m-%d}": {"Koncert"},
        "free_now=on": {"Halmaraton", "Julemarked"},
        "beginners=on": {"Halmaraton", "Koncert"},
    }
    for query, expected in cases.items():
        body = nyborg_client.get(f"/?{query}").content.decode()
        shown = {t for t in ("Halmaraton", "Julemarked", "Koncert") if f">{t}<" in body}
        assert shown == expected, query


def test_it_pages_through_many_events(roklub, nyborg_client):
    for n in range(25):
        an_event(roklub, f"Arrangement {n:02d}", days=2 + n / 100)
    first, second = page(nyborg_client), page(nyborg_client, side=2)
    assert "Arrangement 00" in first and "Arrangement 20" not in first
    assert "Arrangement 20" in second and "Side 2 af 2" in second


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_it_lists_10_or_200_events_in_the_same_number_of_queries(roklub, nyborg_client):
    for n in range(10):
        an_event(roklub, f"Lille {n}")
    few = queries_for(nyborg_client, "/")
    many_events(roklub, [f"Stor {n}" for n in range(190)])
    assert queries_for(nyborg_client, "/") == few


def test_it_shows_an_event_with_10_or_200_shifts_in_the_same_number_of_queries(
    regatta, kiosk, frida, nyborg, nyborg_client
):
    for n in range(10):
        make_shift(kiosk, start=in_days(10, 6) + timedelta(minutes=n))
    shift_sign_up(shift_id=Shift.objects.first().pk, user=frida)
    browser = signed_in(nyborg_client, frida, nyborg)
    few = queries_for(browser, f"/arrangementer/{regatta.pk}/")
    tasks = Task.objects.bulk_create(Task(event=regatta, title=f"Opgave {n}") for n in range(190))
    shifts_for(tasks, start=in_days(11))
    assert queries_for(browser, f"/arrangementer/{regatta.pk}/") == few


def test_it_shows_my_shifts_in_the_same_number_of_queries_for_2_or_40_sign_ups(
    kiosk, frida, nyborg, nyborg_client
):
    shifts = [make_shift(kiosk, start=in_days(3 + n)) for n in range(40)]
    for shift in shifts[:2]:
        shift_sign_up(shift_id=shift.pk, user=frida)
    browser = signed_in(nyborg_client, frida, nyborg)
    few = queries_for(browser, "/mine-vagter/")
    for shift in shifts[2:]:
        shift_sign_up(shift_id=shift.pk, user=frida)
    assert queries_for(browser, "/mine-vagter/") == few


def test_it_needs_the_secret_link_for_a_secret_event(roklub, nyborg_client):
    secret = an_event(roklub, "Hemmelig fest", visibility=Event.Visibility.SECRET)
    assert nyborg_client.get(f"/arrangementer/{secret.pk}/").status_code == 404
    assert "Hemmelig fest" in page(
        nyborg_client, f"/arrangementer/{secret.pk}/", n=secret.secret_token
    )


def test_it_sends_a_stranger_to_registration_and_back_to_the_shift(morning, regatta, nyborg_client):
    response = nyborg_client.post(f"/vagter/{morning.pk}/tilmeld/")
    assert response.status_code == 302
    assert (
        response.url
        == f"/konto/tilmeld/?next=%2Farrangementer%2F{regatta.pk}%2F%23vagt-{morning.pk}"
    )


def test_it_registers_a_volunteer_who_signs_in_by_the_mailed_link_once(
    morning, regatta, nyborg_client, django_capture_on_commit_callbacks
):
    back = f"/arrangementer/{regatta.pk}/"
    form = {
        "full_name": "Ea Ny",
        "email": "Ea@Example.dk",
        "phone": "+45 12345678",
        "consent": "on",
        "next": back,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = nyborg_client.post("/konto/tilmeld/", form)
    assert response.status_code == 200 and "ea@example.dk" in response.content.decode()
    link = next(w for w in mail.outbox[-1].body.split() if "/konto/link/" in w)
    path = link.split("nyborg.localhost", 1)[1]
    assert nyborg_client.get(path).url == back
    signed_up = nyborg_client.post(f"/vagter/{morning.pk}/tilmeld/", follow=True)
    assert "Du er tilmeldt" in signed_up.content.decode()
    user = User.objects.get(email="ea@example.dk")
    assert user.consented_at and user.email_verified_at and user.phone == "+45 12345678"
    nyborg_client.logout()
    assert nyborg_client.get(path).status_code == 400  # the link works once


def test_it_mails_an_existing_person_a_link_without_telling_the_form(
    frida, nyborg_client, django_capture_on_commit_callbacks
):
    form = {"full_name": "Nogen Andre", "email": frida.email, "consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = nyborg_client.post("/konto/tilmeld/", form)
    assert response.status_code == 200 and User.objects.filter(email=frida.email).count() == 1
    assert mail.outbox[-1].to == [frida.email]
    assert User.objects.get(pk=frida.pk).full_name == "Frida Hansen"


def test_it_refuses_registration_without_consent_and_keeps_the_input(nyborg_client):
    response = nyborg_client.post("/konto/tilmeld/", {"full_name": "Ea", "email": "ea@example.dk"})
    body = response.content.decode()
    assert response.status_code == 400 and "samtykke" in body and 'value="ea@example.dk"' in body


def test_it_never_redirects_off_site_after_a_link(frida, nyborg, nyborg_client):
    from apps.accounts.services import email_link_url

    with tenant_context(nyborg):
        url = email_link_url(user=frida, next_path="https://evil.example/")
    assert nyborg_client.get(url.split("nyborg.localhost", 1)[1]).url == "/oversigt/"  # home


def test_it_signs_up_shows_the_place_and_explains_a_refusal(
    morning, regatta, frida, nyborg, nyborg_client
):
    browser = signed_in(nyborg_client, frida, nyborg)
    first = browser.post(f"/vagter/{morning.pk}/tilmeld/", follow=True).content.decode()
    assert "Du er tilmeldt. Vi ses!" in first
    again = browser.post(f"/vagter/{morning.pk}/tilmeld/", follow=True).content.decode()
    assert "Du er allerede tilmeldt denne vagt." in again


def test_it_cancels_from_my_shifts_and_the_next_in_line_moves_up(
    morning, frida, bo, carl, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    mine = shift_sign_up(shift_id=morning.pk, user=frida)
    shift_sign_up(shift_id=morning.pk, user=bo)
    waiting = shift_sign_up(shift_id=morning.pk, user=carl)
    browser = signed_in(nyborg_client, frida, nyborg)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"/tilmeldinger/{mine.pk}/afmeld/", {"reason": "Syg"}, follow=True)
    assert "Dit afbud er registreret" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_it_hides_other_peoples_sign_ups(morning, frida, bo, nyborg, nyborg_client):
    hers = shift_sign_up(shift_id=morning.pk, user=frida)
    browser = signed_in(nyborg_client, bo, nyborg)
    assert browser.post(f"/tilmeldinger/{hers.pk}/afmeld/").status_code == 404
    assert SignUp.objects.get(pk=hers.pk).status == "confirmed"


def test_it_lets_a_volunteer_answer_an_offer(kiosk, frida, bo, nyborg, nyborg_client):
    from apps.shifts.services.signups import signup_cancel
    from apps.shifts.services.waitlist import waitlist_fill

    shift = make_shift(kiosk, capacity=1, waitlist_policy=Shift.Policy.OFFER)
    first = shift_sign_up(shift_id=shift.pk, user=frida)
    offered = shift_sign_up(shift_id=shift.pk, user=bo)
    signup_cancel(signup_id=first.pk, actor=frida)
    waitlist_fill(shift_id=shift.pk)
    browser = signed_in(nyborg_client, bo, nyborg)
    listing = page(browser, "/mine-vagter/")
    assert "Pladser, du er tilbudt" in listing
    response = browser.post(f"/tilmeldinger/{offered.pk}/accepter/", follow=True)
    assert "Pladsen er din" in response.content.decode()
    offered.refresh_from_db()
    assert offered.status == "confirmed"


def test_it_shows_the_planning_menu_only_to_coordinators(nanna, frida, nyborg, in_nyborg):
    from django.test import Client

    coordinator = signed_in(Client(HTTP_HOST="nyborg.localhost"), nanna, nyborg)
    volunteer = signed_in(Client(HTTP_HOST="nyborg.localhost"), frida, nyborg)
    assert 'href="/planlaeg/"' in page(coordinator)
    assert 'href="/planlaeg/"' not in page(volunteer) and 'href="/mine-vagter/"' in page(volunteer)


def test_it_mails_a_sign_in_link_to_a_volunteer_without_a_password(
    frida, nyborg_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = nyborg_client.post(
            "/konto/link/", {"email": "FRIDA@example.dk", "next": "/mine-vagter/"}
        )
        unknown = nyborg_client.post("/konto/link/", {"email": "nobody@example.dk"})
    assert known.status_code == unknown.status_code == 200  # the page tells strangers nothing
    (message,) = mail.outbox
    link = next(w for w in message.body.split() if "/konto/link/" in w)
    assert nyborg_client.get(link.split("nyborg.localhost", 1)[1]).url == "/mine-vagter/"


def test_it_keeps_the_secret_in_the_address_after_signing_up_for_a_secret_event(
    roklub, frida, nyborg, nyborg_client
):
    secret = an_event(roklub, "Hemmelig fest", visibility=Event.Visibility.SECRET)
    shift = Shift.objects.get(task__event=secret)
    browser = signed_in(nyborg_client, frida, nyborg)
    response = browser.post(f"/vagter/{shift.pk}/tilmeld/", follow=True)
    assert response.status_code == 200 and "Du er tilmeldt" in response.content.decode()
    assert f"?n={secret.secret_token}" in page(browser, "/mine-vagter/")
