"""The planning grid and the changes to many shifts at once: Nanna sees the regatta's shifts
by week and by day with how full each is, changes the places of several, cancels several,
and writes to the people on several. Kim (another association), Frida (a volunteer) and
Anders (VisitAarhus) find nothing there."""

import re
import zoneinfo
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.messaging.models import Delivery, Message
from apps.shifts.grid import fill_state
from apps.shifts.models import Event, Shift, SignUp, Task
from apps.shifts.services.signups import shift_sign_up
from tests.conftest import signed_in
from tests.personas import in_days, make_shift, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(nyborg_client):
    nyborg_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return nyborg_client


@pytest.fixture
def coordinator(english, nanna, nyborg, in_nyborg):
    return signed_in(english, nanna, nyborg)


def grid_path(event: Event, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/planlaeg/arrangementer/{event.pk}/oversigt/" + (f"?{query}" if query else "")


def bulk_path(event: Event) -> str:
    return f"/planlaeg/arrangementer/{event.pk}/oversigt/flere/"


def card(body: str, shift: Shift) -> str:
    """The grid's card of one shift, as HTML."""
    found = re.search(
        rf'<li class="grid-cell [^"]*" id="oversigt-vagt-{shift.pk}">.*?\n</li>', body, re.S
    )
    assert found, f"no card for shift {shift.pk}"
    return found.group(0)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def counters(shift: Shift, *, confirmed: int = 0, offered: int = 0, waiting: int = 0) -> Shift:
    Shift.objects.filter(pk=shift.pk).update(
        confirmed_count=confirmed, offered_count=offered, waitlist_count=waiting
    )
    shift.refresh_from_db()
    return shift


@pytest.fixture
def five_states(kiosk):
    """One shift in each fill state, on the regatta's day."""
    return {
        "full": counters(make_shift(kiosk, capacity=2, start=in_days(10, 8)), confirmed=2),
        "nearly": counters(
            make_shift(kiosk, capacity=4, start=in_days(10, 11)), confirmed=2, offered=1, waiting=3
        ),
        "free": counters(make_shift(kiosk, capacity=4, start=in_days(10, 14)), confirmed=1),
        "empty": make_shift(kiosk, capacity=3, start=in_days(10, 17)),
        "cancelled": make_shift(kiosk, capacity=3, start=in_days(10, 19), is_cancelled=True),
    }


# --- what the grid shows ------------------------------------------------------------------


def test_it_names_each_fill_state():
    shift = Shift(capacity=4, confirmed_count=0, offered_count=0)
    assert fill_state(shift) == "empty"
    shift.confirmed_count = 1
    assert fill_state(shift) == "free"
    shift.offered_count = 2  # offered places are held: 3 of 4 taken
    assert fill_state(shift) == "nearly"
    shift.confirmed_count = 2
    assert fill_state(shift) == "full"
    assert fill_state(Shift(capacity=0)) == "full"
    shift.is_cancelled = True
    assert fill_state(shift) == "cancelled"


def test_it_shows_the_week_with_each_shifts_fill_state_in_words(regatta, five_states, coordinator):
    response = coordinator.get(grid_path(regatta))
    assert response.status_code == 200
    body = response.content.decode()
    expected = {
        "full": ("fill-full", "Full", "2/2 signed up"),
        "nearly": ("fill-nearly", "Nearly full", "2/4 signed up 1 offered 3 waiting"),
        "free": ("fill-free", "Free places", "1/4 signed up"),
        "empty": ("fill-empty", "Empty", "0/3 signed up"),
        "cancelled": ("fill-cancelled", "Cancelled", ""),
    }
    for key, (css, label, stats) in expected.items():
        html = card(body, five_states[key])
        assert css in html
        assert label in text_of(html)  # in words, not by colour alone
        assert stats in text_of(html)
    # Open shifts can be chosen; a cancelled one cannot.
    assert 'name="vagt"' in card(body, five_states["empty"])
    assert 'name="vagt"' not in card(body, five_states["cancelled"])
    # The week of the event: a column per day, the event's day among them.
    day = timezone.localtime(regatta.starts_at).date()
    monday = day - timedelta(days=day.weekday())
    assert f'value="dag:{monday.isoformat()}"' in body
    assert f'value="dag:{day.isoformat()}"' in body
    assert f'value="opgave:{five_states["full"].task_id}"' in body
    assert "Nothing was changed" not in body
    plan = coordinator.get(f"/planlaeg/arrangementer/{regatta.pk}/").content.decode()
    assert f'href="/planlaeg/arrangementer/{regatta.pk}/oversigt/"' in plan  # the way in


def test_it_shows_times_in_the_tenants_zone(regatta, kiosk, nyborg, coordinator):
    nyborg.timezone = "America/Nuuk"  # a zone far from the server's
    nyborg.save(update_fields=["timezone"])
    shift = make_shift(kiosk, start=in_days(10, 10))
    local = shift.starts_at.astimezone(zoneinfo.ZoneInfo("America/Nuuk"))
    body = coordinator.get(grid_path(regatta, visning="dag", dato=local.date().isoformat()))
    html = card(body.content.decode(), shift)
    assert f"{local:%H:%M} – " in text_of(html)
    assert f"{timezone.localtime(shift.starts_at):%H:%M} – " not in text_of(html)


def test_it_opens_on_the_events_first_week_and_steps_week_by_week(regatta, kiosk, coordinator):
    later = make_shift(kiosk, start=in_days(17, 9))  # a week after the event's day
    body = coordinator.get(grid_path(regatta)).content.decode()
    assert f"oversigt-vagt-{later.pk}" not in body
    next_link = re.search(r'href="([^"]+)">Next week', body)
    assert next_link and "Previous week" not in body
    body = coordinator.get(next_link.group(1).replace("&amp;", "&")).content.decode()
    assert f"oversigt-vagt-{later.pk}" in body
    assert "Previous week" in body and "Next week" not in body


def test_it_opens_on_today_while_the_event_runs(roklub, coordinator):
    running = Event.objects.create(
        organisation=roklub,
        title="Sommerlejr",
        starts_at=in_days(-3, 8),
        ends_at=in_days(20, 20),
        status=Event.Status.PUBLISHED,
    )
    task = Task.objects.create(event=running, title="Køkken")
    today = make_shift(task, start=in_days(0, 12))
    first_day = make_shift(task, start=in_days(-3, 9))
    body = coordinator.get(grid_path(running, visning="dag")).content.decode()
    assert f"oversigt-vagt-{today.pk}" in body
    assert f"oversigt-vagt-{first_day.pk}" not in body
    assert "From 12:00" in body  # the day view's time rows


@pytest.mark.parametrize("count", [5, 50])
def test_it_shows_the_grid_in_a_constant_number_of_queries(
    regatta, kiosk, coordinator, frida, count
):
    bar = Task.objects.create(event=regatta, title="Bar")
    for n in range(count):
        shift = make_shift(kiosk if n % 2 else bar, start=in_days(10, 6 + n % 14))
        counters(shift, confirmed=n % 3, waiting=n % 2)
    chosen = "&".join(f"vagt={pk}" for pk in Shift.objects.values_list("pk", flat=True))
    coordinator.get(grid_path(regatta))  # warm: sessions, the tenant's domain
    with CaptureQueriesContext(connection) as week:
        assert coordinator.get(grid_path(regatta, visning="uge") + "&" + chosen).status_code == 200
    with CaptureQueriesContext(connection) as day:
        assert coordinator.get(grid_path(regatta, visning="dag")).status_code == 200
    # The tenant (search path twice, its domain), session, user, event, its span, the
    # period's shifts, the tasks; with a choice, the chosen shifts and their people.
    assert len(week) == GRID_QUERIES + 2, [q["sql"][:80] for q in week.captured_queries]
    assert len(day) == GRID_QUERIES, [q["sql"][:80] for q in day.captured_queries]


GRID_QUERIES = 10  # with the second factor's device (apps.twofactor), checked each request


# --- choosing -------------------------------------------------------------------------------


def test_it_chooses_a_whole_day_or_task_without_javascript(regatta, kiosk, coordinator):
    bar = Task.objects.create(event=regatta, title="Bar")
    a = make_shift(kiosk, start=in_days(10, 8))
    b = make_shift(bar, start=in_days(10, 12))
    c = make_shift(kiosk, start=in_days(11, 8))
    gone = make_shift(kiosk, start=in_days(10, 15), is_cancelled=True)
    day = timezone.localtime(a.starts_at).date().isoformat()
    common = {"visning": "uge", "dato": day}
    response = coordinator.post(bulk_path(regatta), {**common, "vaelg": f"dag:{day}"})
    assert response.status_code == 302
    assert f"vagt={a.pk}" in response.url and f"vagt={b.pk}" in response.url
    assert f"vagt={c.pk}" not in response.url and f"vagt={gone.pk}" not in response.url
    body = coordinator.get(response.url).content.decode()
    assert "checked" in card(body, a) and "checked" not in card(body, c)
    assert "2 shifts chosen" in body
    response = coordinator.post(
        bulk_path(regatta), {**common, "vaelg": f"opgave:{kiosk.pk}", "vagt": [b.pk]}
    )
    assert all(f"vagt={s.pk}" in response.url for s in (a, b, c))
    response = coordinator.post(bulk_path(regatta), {**common, "vaelg": "ingen", "vagt": [a.pk]})
    assert "vagt=" not in response.url


def test_it_keeps_the_choice_across_weeks(regatta, kiosk, coordinator):
    first = make_shift(kiosk, start=in_days(10, 9))
    later = make_shift(kiosk, start=in_days(17, 9))
    body = coordinator.get(grid_path(regatta, visning="uge") + f"&vagt={first.pk}").content.decode()
    next_url = re.search(r'href="([^"]+)">Next week', body).group(1).replace("&amp;", "&")
    assert f"vagt={first.pk}" in next_url
    body = coordinator.get(next_url).content.decode()
    assert f'<input type="hidden" name="vagt" value="{first.pk}">' in body
    assert "1 shift chosen" in body
    data = {"handling": "pladser", "pladser": "7", "vagt": [first.pk, later.pk]}
    assert coordinator.post(bulk_path(regatta), data).status_code == 302
    assert {s.capacity for s in Shift.objects.filter(pk__in=[first.pk, later.pk])} == {7}


def test_it_counts_the_chosen_shifts_and_their_people_for_htmx(
    regatta, kiosk, morning, frida, bo, coordinator
):
    other = make_shift(kiosk, start=in_days(10, 14))
    for shift in (morning, other):
        shift_sign_up(shift_id=shift.pk, user=frida)
    shift_sign_up(shift_id=other.pk, user=bo)
    response = coordinator.post(
        f"/planlaeg/arrangementer/{regatta.pk}/oversigt/valgte/",
        {"vagt": [morning.pk, other.pk]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert text_of(response.content.decode()) == (
        "2 shifts chosen · 2 people signed up, offered a place or waiting"
    )


# --- changing the places of many ------------------------------------------------------------


def test_it_changes_the_places_of_the_chosen_shifts(regatta, kiosk, coordinator):
    shifts = [make_shift(kiosk, capacity=2, start=in_days(10, h)) for h in (8, 11, 14)]
    left_alone = make_shift(kiosk, capacity=2, start=in_days(10, 17))
    response = coordinator.post(
        bulk_path(regatta),
        {"handling": "pladser", "pladser": "6", "vagt": [s.pk for s in shifts], "visning": "uge"},
    )
    assert response.status_code == 302
    assert [s.capacity for s in Shift.objects.filter(pk__in=[s.pk for s in shifts])] == [6, 6, 6]
    assert Shift.objects.get(pk=left_alone.pk).capacity == 2
    assert AuditEvent.objects.filter(action="shift.capacity").count() == 3
    assert AuditEvent.objects.filter(action="shifts.bulk_capacity").count() == 1
    body = coordinator.get(response.url).content.decode()
    assert "3 shifts now have 6 places each." in body
    assert all("checked" in card(body, s) for s in shifts)  # still chosen, for the next step


def test_it_promotes_from_the_waitlist_exactly_once_when_places_grow(
    regatta, kiosk, frida, bo, carl, coordinator, django_capture_on_commit_callbacks
):
    full = make_shift(kiosk, capacity=1, start=in_days(10, 8))
    other = make_shift(kiosk, capacity=1, start=in_days(10, 12))
    shift_sign_up(shift_id=full.pk, user=frida)
    waiting = shift_sign_up(shift_id=full.pk, user=bo)
    assert waiting.status == SignUp.Status.WAITLISTED
    mail.outbox.clear()
    data = {"handling": "pladser", "pladser": "2", "vagt": [full.pk, other.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator.post(bulk_path(regatta), data).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator.post(bulk_path(regatta), data).status_code == 302  # pressed twice
    waiting.refresh_from_db()
    full.refresh_from_db()
    assert waiting.status == SignUp.Status.CONFIRMED
    assert (full.capacity, full.confirmed_count, full.waitlist_count) == (2, 2, 0)
    assert [m.to for m in mail.outbox] == [[bo.email]]  # one mail: promoted, once
    assert AuditEvent.objects.filter(action="waitlist.confirmed").count() == 1


def test_it_refuses_all_when_one_shift_would_go_below_its_people_and_keeps_the_input(
    regatta, kiosk, frida, bo, coordinator, django_capture_on_commit_callbacks
):
    crowded = make_shift(kiosk, capacity=3, start=in_days(10, 8))
    fine = make_shift(kiosk, capacity=3, start=in_days(10, 12))
    for volunteer in (frida, bo):
        shift_sign_up(shift_id=crowded.pk, user=volunteer)
    with django_capture_on_commit_callbacks() as callbacks:
        response = coordinator.post(
            bulk_path(regatta),
            {
                "handling": "pladser",
                "pladser": "1",
                "vagt": [fine.pk, crowded.pk],
                "visning": "uge",
            },
        )
    assert response.status_code == 400
    assert callbacks == []  # no waitlist fill queued for the shift that was rolled back
    body = response.content.decode()
    errors = text_of(re.search(r'<div class="error-summary".*?</div>', body, re.S).group(0))
    start = timezone.localtime(crowded.starts_at)
    assert "Nothing was changed" in errors
    assert f"Kiosk, {start:%A} {start.day} {start:%B %H:%M}" in errors  # names the shift (English)
    assert "2 people have a place; remove some before lowering the places to 1." in errors
    assert f"{timezone.localtime(fine.starts_at):%H:%M}" not in errors  # only the one that blocked
    # Nothing changed: not even the shift that could have had one place.
    assert Shift.objects.get(pk=fine.pk).capacity == 3
    assert Shift.objects.get(pk=crowded.pk).capacity == 3
    assert (
        AuditEvent.objects.filter(action__in=["shift.capacity", "shifts.bulk_capacity"]).count()
        == 0
    )
    # What was written and chosen is still there.
    assert (
        'name="pladser" id="grid-capacity" min="0" max="10000" inputmode="numeric" value="1"'
        in body
    )
    assert "checked" in card(body, fine) and "checked" in card(body, crowded)


def test_it_refuses_in_danish_naming_the_shift(regatta, kiosk, frida, nanna, nyborg, nyborg_client):
    danish = signed_in(nyborg_client, nanna, nyborg)  # the tenant's language: Danish
    crowded = make_shift(kiosk, capacity=3, start=in_days(10, 8))
    shift_sign_up(shift_id=crowded.pk, user=frida)
    data = {"handling": "pladser", "pladser": "0", "vagt": [crowded.pk]}
    body = text_of(danish.post(bulk_path(regatta), data).content.decode())
    start = timezone.localtime(crowded.starts_at)
    assert "Intet blev ændret" in body
    assert "Kiosk, " in body
    assert f" {start.day}. " in body
    assert f"{start:%H:%M}: 1 personer har en plads; fjern nogle" in body
    assert Shift.objects.get(pk=crowded.pk).capacity == 3


def test_it_refuses_without_a_choice_or_a_number(regatta, morning, coordinator):
    response = coordinator.post(bulk_path(regatta), {"handling": "pladser", "pladser": "4"})
    assert response.status_code == 400
    assert "Choose at least one shift." in response.content.decode()
    response = coordinator.post(
        bulk_path(regatta), {"handling": "pladser", "pladser": "-1", "vagt": [morning.pk]}
    )
    assert response.status_code == 400
    assert "Places must be a whole number, 0 or more." in response.content.decode()


def test_it_refuses_shifts_of_another_event(regatta, roklub, coordinator):
    other_event = Event.objects.create(
        organisation=roklub, title="Andet", starts_at=in_days(5, 8), ends_at=in_days(5, 12)
    )
    stranger = make_shift(Task.objects.create(event=other_event, title="X"), start=in_days(5, 9))
    mine = make_shift(Task.objects.create(event=regatta, title="Y"), start=in_days(10, 9))
    response = coordinator.post(
        bulk_path(regatta),
        {"handling": "pladser", "pladser": "9", "vagt": [mine.pk, stranger.pk]},
    )
    assert response.status_code == 400
    assert "no longer part of this event" in response.content.decode()
    assert Shift.objects.get(pk=stranger.pk).capacity == 2
    assert Shift.objects.get(pk=mine.pk).capacity == 2


# --- cancelling many ---------------------------------------------------------------------------


def test_it_cancels_the_chosen_shifts_after_saying_who_is_told(
    regatta, kiosk, frida, bo, carl, coordinator, django_capture_on_commit_callbacks
):
    a = make_shift(kiosk, capacity=1, start=in_days(10, 8))
    b = make_shift(kiosk, capacity=2, start=in_days(10, 12))
    kept = make_shift(kiosk, capacity=2, start=in_days(10, 16))
    shift_sign_up(shift_id=a.pk, user=frida)
    shift_sign_up(shift_id=a.pk, user=bo)  # on the waitlist
    shift_sign_up(shift_id=b.pk, user=frida)
    shift_sign_up(shift_id=kept.pk, user=carl)
    mail.outbox.clear()
    chosen = {"handling": "aflys", "vagt": [a.pk, b.pk], "visning": "uge"}
    confirm = coordinator.post(bulk_path(regatta), chosen)
    assert confirm.status_code == 200
    page = text_of(confirm.content.decode())
    assert "Cancel 2 shifts?" in page
    assert "2 people signed up, offered a place or waiting are told by email." in page
    assert not Shift.objects.filter(is_cancelled=True).exists()  # asked, not done
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        done = coordinator.post(bulk_path(regatta), {**chosen, "bekraeft": "1", "reason": "Storm"})
    assert done.status_code == 302
    assert set(Shift.objects.filter(is_cancelled=True).values_list("pk", flat=True)) == {a.pk, b.pk}
    assert SignUp.objects.get(shift=kept, user=carl).status == SignUp.Status.CONFIRMED
    # Each sign-up's own cancellation mail, once: Frida for each of her two shifts, Bo once.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([frida.email, frida.email, bo.email])
    assert AuditEvent.objects.filter(action="shift.cancelled").count() == 2
    body = coordinator.get(done.url).content.decode()
    assert "2 shifts are cancelled. 2 people signed up or waiting are being told." in body
    # Pressed again (a second tab, the back button): nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = coordinator.post(bulk_path(regatta), {**chosen, "bekraeft": "1"})
    assert again.status_code == 400
    assert "The chosen shifts are cancelled already." in again.content.decode()
    assert len(mail.outbox) == 3


# --- writing to the people on many --------------------------------------------------------------


def test_it_writes_to_everyone_on_the_chosen_shifts_once(
    regatta, kiosk, frida, bo, carl, dorthe, coordinator
):
    a = make_shift(kiosk, capacity=1, start=in_days(10, 8))
    b = make_shift(kiosk, capacity=2, start=in_days(10, 12))
    other = make_shift(kiosk, capacity=2, start=in_days(10, 16))
    shift_sign_up(shift_id=a.pk, user=frida)
    shift_sign_up(shift_id=a.pk, user=bo)  # waiting: told too
    shift_sign_up(shift_id=b.pk, user=frida)  # on two chosen shifts: one mail
    left = shift_sign_up(shift_id=b.pk, user=dorthe)
    SignUp.objects.filter(pk=left.pk).update(status=SignUp.Status.CANCELLED)  # left: not told
    shift_sign_up(shift_id=other.pk, user=carl)  # not chosen
    response = coordinator.post(bulk_path(regatta), {"handling": "besked", "vagt": [a.pk, b.pk]})
    assert response.status_code == 302
    assert response.url == f"/beskeder/ny/shifts/{regatta.pk}/?vagt={a.pk}&vagt={b.pk}"
    page = coordinator.get(response.url)
    assert page.status_code == 200
    text = text_of(page.content.decode())
    assert "To: Everyone signed up for chosen shifts · 2 people" in text
    assert "2 chosen shifts" in text
    sent = coordinator.post(
        response.url, {"subject": "Husk regntøj", "body_markdown": "Det regner.", "action": "send"}
    )
    assert sent.status_code == 302
    message = Message.objects.get(subject="Husk regntøj")
    assert message.audience_kind == Message.Audience.SHIFTS
    assert message.audience_id == regatta.pk
    assert set(message.audience_shifts.values_list("pk", flat=True)) == {a.pk, b.pk}
    recipients = Delivery.objects.filter(message=message).values_list("user__email", flat=True)
    assert sorted(recipients) == sorted([frida.email, bo.email])


def test_it_refuses_a_message_to_shifts_of_another_event(regatta, roklub, kiosk, coordinator):
    other_event = Event.objects.create(
        organisation=roklub, title="Andet", starts_at=in_days(5, 8), ends_at=in_days(5, 12)
    )
    stranger = make_shift(Task.objects.create(event=other_event, title="X"), start=in_days(5, 9))
    mine = make_shift(kiosk)
    path = f"/beskeder/ny/shifts/{regatta.pk}/?vagt={mine.pk}&vagt={stranger.pk}"
    assert coordinator.get(path).status_code == 404
    assert coordinator.get(f"/beskeder/ny/shifts/{regatta.pk}/").status_code == 404


# --- who may ----------------------------------------------------------------------------------


def every_grid_request(event: Event, shift: Shift) -> list[tuple[str, str, dict]]:
    chosen = {"vagt": [shift.pk]}
    return [
        ("get", grid_path(event), {}),
        ("get", grid_path(event, visning="dag"), {}),
        ("post", bulk_path(event), {**chosen, "handling": "pladser", "pladser": "9"}),
        ("post", bulk_path(event), {**chosen, "handling": "aflys", "bekraeft": "1"}),
        ("post", bulk_path(event), {**chosen, "handling": "besked"}),
        ("post", bulk_path(event), {**chosen, "vaelg": "alle"}),
        ("post", f"/planlaeg/arrangementer/{event.pk}/oversigt/valgte/", chosen),
        ("get", f"/beskeder/ny/shifts/{event.pk}/?vagt={shift.pk}", {}),
    ]


def test_it_shows_others_nothing(
    regatta, morning, kim, frida, english, nyborg, aarhus, anders, aarhus_client
):
    for user in (kim, frida):
        client = signed_in(english, user, nyborg)
        for method, path, data in every_grid_request(regatta, morning):
            assert getattr(client, method)(path, data).status_code == 404, (user, path)
    english.logout()
    for method, path, data in every_grid_request(regatta, morning):
        response = getattr(english, method)(path, data)
        assert response.status_code == 302 and "log-ind" in response.url, path
    in_aarhus = signed_in(aarhus_client, anders, aarhus)
    for method, path, data in every_grid_request(regatta, morning):
        assert getattr(in_aarhus, method)(path, data).status_code == 404, path
    connection.set_tenant(nyborg)
    morning.refresh_from_db()
    assert (morning.capacity, morning.is_cancelled) == (2, False)
    assert not Message.objects.exists()


def test_it_lets_the_organisations_coordinator_plan(regatta, morning, roklub, english, nyborg):
    from apps.organisations.models import OrganisationRole

    lone = person("Lone")
    OrganisationRole.objects.create(
        organisation=roklub, user=lone, role=OrganisationRole.Role.COORDINATOR
    )
    client = signed_in(english, lone, nyborg)
    assert client.get(grid_path(regatta)).status_code == 200
    data = {"handling": "pladser", "pladser": "5", "vagt": [morning.pk]}
    assert client.post(bulk_path(regatta), data).status_code == 302
    assert Shift.objects.get(pk=morning.pk).capacity == 5
