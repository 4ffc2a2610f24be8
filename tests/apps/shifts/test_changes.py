"""Issue 10, defect 5: a shift's or an event's times change in planning; a confirm step
says who is affected, the event's shifts move along (unless asked not to), and everyone
with an active sign-up on a moved shift gets one mail, through the outbox, in the tenant's
time zone. Waitlisted people hear too (the line may move them onto the shift by itself);
people who cancelled do not."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.audit.models import AuditEvent
from apps.messaging.models import Kind, Message, Preference
from apps.shifts.models import Shift, SignUp
from apps.shifts.notifications import shift_changes_send
from apps.shifts.services.changes import event_reschedule, shift_reschedule
from apps.shifts.services.signups import shift_sign_up, signup_cancel
from kernel import messages
from tests.conftest import signed_in
from tests.personas import in_days, make_shift

pytestmark = pytest.mark.django_db

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


def local(moment) -> str:
    return timezone.localtime(moment).strftime(LOCAL_MINUTE)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def coordinator(nyborg_client, nanna, nyborg, in_nyborg):
    return signed_in(nyborg_client, nanna, nyborg)


@pytest.fixture
def crowd(morning, frida, bo, carl, dorthe):
    """Frida and Bo have the morning's two places, Carl waits, Dorthe left."""
    for volunteer in (frida, bo, carl, dorthe):
        shift_sign_up(shift_id=morning.pk, user=volunteer)
    dorthes = SignUp.objects.get(user=dorthe, shift=morning)
    signup_cancel(signup_id=dorthes.pk, actor=dorthe)
    mail.outbox.clear()
    return morning


def test_it_moves_a_shift_and_mails_everyone_on_it_or_waiting_once(
    crowd, nanna, frida, bo, carl, django_capture_on_commit_callbacks
):
    new_start = crowd.starts_at + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        result = shift_reschedule(
            actor=nanna,
            shift_id=crowd.pk,
            starts_at=new_start,
            ends_at=new_start + timedelta(hours=3),
            signup_deadline=None,
        )
    assert (result.moved, result.told) == (1, 3)
    assert recipients() == sorted([frida.email, bo.email, carl.email])  # not Dorthe
    message = Message.objects.get(kind=Kind.CHANGED)
    assert (message.kind, message.shift_id) == (Kind.CHANGED, crowd.pk)
    crowd.refresh_from_db()
    assert crowd.starts_at == new_start
    row = AuditEvent.objects.get(action="shift.rescheduled")
    assert row.data["told"] == 3
    assert datetime.fromisoformat(row.data["was"][0]) == new_start - timedelta(hours=2)


def test_it_writes_the_old_and_new_times_in_the_tenants_time_zone(
    nyborg, morning, frida, nanna, django_capture_on_commit_callbacks
):
    nyborg.timezone = "America/Godthab"
    nyborg.save(update_fields=["timezone"])
    shift_sign_up(shift_id=morning.pk, user=frida)
    mail.outbox.clear()
    was, new_start = morning.starts_at, morning.starts_at + timedelta(days=1, minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        shift_reschedule(
            actor=nanna,
            shift_id=morning.pk,
            starts_at=new_start,
            ends_at=new_start + timedelta(hours=1),
            signup_deadline=None,
        )
    (message,) = mail.outbox
    nuuk = ZoneInfo("America/Godthab")
    assert f"{new_start.astimezone(nuuk):%H:%M}" in message.body
    assert f"{was.astimezone(nuuk):%H:%M}" in message.body
    copenhagen = ZoneInfo("Europe/Copenhagen")
    assert f"{new_start.astimezone(copenhagen):%H:%M}" not in message.body
    assert message.subject == "Nyt tidspunkt: Nyborg Regatta"


def test_it_moves_the_events_shifts_and_deadlines_along_and_mails_each_person_once(
    regatta, kiosk, morning, frida, bo, nanna, django_capture_on_commit_callbacks
):
    afternoon = make_shift(kiosk, start=in_days(10, 14), signup_deadline=in_days(9, 12))
    for shift in (morning, afternoon):
        shift_sign_up(shift_id=shift.pk, user=frida)
    shift_sign_up(shift_id=afternoon.pk, user=bo)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = event_reschedule(
            actor=nanna,
            event=regatta,
            move_shifts=True,
            starts_at=regatta.starts_at + timedelta(days=7),
            ends_at=regatta.ends_at + timedelta(days=7),
        )
    assert (result.moved, result.told) == (2, 2)
    assert recipients() == sorted([frida.email, bo.email])  # Frida once, for both shifts
    fridas = next(m for m in mail.outbox if m.to == [frida.email])
    assert fridas.body.count("Kiosk") == 2
    afternoon.refresh_from_db()
    morning.refresh_from_db()
    assert timezone.localtime(morning.starts_at).hour == 10  # the same wall-clock time
    assert morning.starts_at.date() == in_days(17).date()
    assert afternoon.signup_deadline.date() == in_days(16).date()
    assert AuditEvent.objects.filter(action="event.rescheduled").get().data["moved_shifts"] == 2


def test_it_leaves_the_shifts_and_mails_nobody_when_asked(
    regatta, morning, frida, nanna, django_capture_on_commit_callbacks
):
    shift_sign_up(shift_id=morning.pk, user=frida)
    mail.outbox.clear()
    was = morning.starts_at
    with django_capture_on_commit_callbacks(execute=True):
        result = event_reschedule(
            actor=nanna,
            event=regatta,
            move_shifts=False,
            starts_at=regatta.starts_at + timedelta(days=1),
            ends_at=regatta.ends_at + timedelta(days=1),
        )
    assert (result.moved, result.told) == (0, 0) and mail.outbox == []
    morning.refresh_from_db()
    assert morning.starts_at == was


def test_it_mails_a_change_even_to_someone_who_switched_every_mail_off(
    morning, frida, nanna, django_capture_on_commit_callbacks
):
    shift_sign_up(shift_id=morning.pk, user=frida)
    for kind in messages.kinds():
        if kind.switchable:  # an essential kind has no switch at all
            Preference.objects.create(user=frida, kind=kind.slug, email=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        shift_reschedule(
            actor=nanna,
            shift_id=morning.pk,
            starts_at=morning.starts_at - timedelta(hours=1),
            ends_at=morning.ends_at,
            signup_deadline=None,
        )
    (message,) = mail.outbox
    assert message.to == [frida.email] and "List-Unsubscribe" not in message.extra_headers


def test_it_shows_who_is_affected_before_saving_a_new_event_time(
    regatta, kiosk, crowd, coordinator, django_capture_on_commit_callbacks
):
    late = make_shift(kiosk, start=in_days(10, 18))  # 18-21: past the event's end at 20
    form = {
        "title": regatta.title,
        "starts_at": local(regatta.starts_at + timedelta(days=1)),
        "ends_at": local(regatta.ends_at + timedelta(days=1)),
        "visibility": regatta.visibility,
        "address": regatta.address,
    }
    url = f"/planlaeg/arrangementer/{regatta.pk}/rediger/"
    page = coordinator.post(url, form)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Arrangementet har 2 vagter." in body
    assert "3 personer er tilmeldt eller venter." in body
    assert 'name="move_shifts" value="1" checked' in body
    assert "falder stadig 1 vagt uden for arrangementet" in body
    assert f'value="{form["starts_at"]}"' in body  # carried to the confirm step
    regatta.refresh_from_db()
    assert regatta.starts_at == in_days(10, 8)  # nothing saved yet

    with django_capture_on_commit_callbacks(execute=True):
        done = coordinator.post(url, {**form, "confirm": "1", "move_shifts": "1"}, follow=True)
    assert "Arrangementet er gemt. 2 vagter er flyttet med." in done.content.decode()
    regatta.refresh_from_db()
    late.refresh_from_db()
    assert regatta.starts_at == in_days(11, 8) and late.starts_at == in_days(11, 18)
    assert len(mail.outbox) == 3


def test_it_warns_that_shifts_left_in_place_fall_outside_the_event(regatta, morning, coordinator):
    form = {
        "title": regatta.title,
        "starts_at": local(regatta.starts_at),
        "ends_at": local(regatta.starts_at + timedelta(hours=1)),  # 8-9; the shift is 10-13
        "visibility": regatta.visibility,
    }
    body = coordinator.post(f"/planlaeg/arrangementer/{regatta.pk}/rediger/", form)
    text = body.content.decode()
    assert "1 vagt falder uden for arrangementet" in text and "Kiosk" in text


def test_it_edits_a_shifts_times_in_planning_after_a_confirm_step(
    regatta, crowd, coordinator, frida, django_capture_on_commit_callbacks
):
    url = f"/planlaeg/vagter/{crowd.pk}/tid/"
    plan = coordinator.get(f"/planlaeg/arrangementer/{regatta.pk}/").content.decode()
    assert url in plan
    assert f'value="{local(crowd.starts_at)}"' in coordinator.get(url).content.decode()
    new_start = crowd.starts_at + timedelta(hours=1)
    form = {"starts_at": local(new_start), "ends_at": local(new_start + timedelta(hours=3))}
    confirm = coordinator.post(url, form).content.decode()
    assert "3 personer får besked pr. mail" in confirm
    assert frida.full_name in confirm
    crowd.refresh_from_db()
    assert crowd.starts_at == new_start - timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        done = coordinator.post(url, {**form, "confirm": "1"})
    assert done.status_code == 302
    crowd.refresh_from_db()
    assert crowd.starts_at == new_start and len(mail.outbox) == 3


def test_it_refuses_a_shift_that_ends_before_it_starts_and_keeps_the_input(crowd, coordinator):
    form = {"starts_at": local(crowd.starts_at), "ends_at": local(crowd.starts_at)}
    response = coordinator.post(f"/planlaeg/vagter/{crowd.pk}/tid/", form)
    assert response.status_code == 400
    assert f'value="{local(crowd.starts_at)}"' in response.content.decode()


def test_it_warns_but_allows_a_move_onto_a_volunteers_other_shift(
    kiosk, morning, frida, coordinator, django_capture_on_commit_callbacks
):
    evening = make_shift(kiosk, start=in_days(10, 17))
    for shift in (morning, evening):
        shift_sign_up(shift_id=shift.pk, user=frida)
    form = {"starts_at": local(evening.starts_at), "ends_at": local(evening.ends_at)}
    url = f"/planlaeg/vagter/{morning.pk}/tid/"
    confirm = coordinator.post(url, form).content.decode()
    assert "To vagter på én gang" in confirm and "Frida Hansen" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator.post(url, {**form, "confirm": "1"}).status_code == 302
    morning.refresh_from_db()
    assert morning.starts_at == evening.starts_at


def test_it_shows_other_coordinators_and_tenants_nothing(
    regatta, morning, kim, nyborg, nyborg_client, anders, aarhus, aarhus_client
):
    url = f"/planlaeg/vagter/{morning.pk}/tid/"
    form = {"starts_at": local(in_days(12)), "ends_at": local(in_days(12, 13))}
    kims = signed_in(nyborg_client, kim, nyborg)
    assert kims.get(url).status_code == 404
    assert kims.post(url, form).status_code == 404
    edit = f"/planlaeg/arrangementer/{regatta.pk}/rediger/"
    assert kims.post(edit, {**form, "title": "x", "confirm": "1"}).status_code == 404
    with pytest.raises(PermissionDenied):
        shift_reschedule(
            actor=kim,
            shift_id=morning.pk,
            starts_at=in_days(12),
            ends_at=in_days(12, 13),
            signup_deadline=None,
        )
    andersens = signed_in(aarhus_client, anders, aarhus)
    assert andersens.get(url).status_code == 404
    assert andersens.post(url, form).status_code == 404
    with tenant_context(nyborg):
        morning.refresh_from_db()
        assert morning.starts_at == in_days(10)
        assert not Shift.objects.filter(starts_at=in_days(12)).exists()


def test_it_takes_the_same_shifts_from_one_mail_to_the_next_only_once(
    morning, frida, nanna, django_capture_on_commit_callbacks
):
    """A rerun (a retry) finds the messages it made and adds nobody."""

    shift_sign_up(shift_id=morning.pk, user=frida)
    payload = [[morning.pk, morning.starts_at.isoformat(), morning.ends_at.isoformat()]]
    groups = [[[morning.pk], [frida.pk]]]
    mail.outbox.clear()
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            shift_changes_send(
                key="k1",
                organisation_id=morning.task.event.organisation_id,
                changes=payload,
                groups=groups,
            )
    assert recipients() == [frida.email]
