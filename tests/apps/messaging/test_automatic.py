"""Reminders before a shift (with a cancel link that needs no sign-in), orientation mails
some days before, and alerts to coordinators about unfilled shifts — each once."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from apps.messaging.models import Delivery, Kind, Message, OrientationTemplate, Preference
from apps.messaging.rendering import cancel_token
from apps.messaging.tasks import send_automatic_messages
from apps.shifts.models import Shift, SignUp
from apps.shifts.services.signups import shift_sign_up, signup_cancel
from tests.personas import make_shift, place

pytestmark = pytest.mark.django_db


def tick(when, callbacks) -> None:
    with time_machine.travel(when, tick=False), callbacks(execute=True):
        send_automatic_messages()


def join(shift, user) -> SignUp:
    """Through the service, so the shift's counters are right."""
    return shift_sign_up(shift_id=shift.pk, user=user)


def sent_to(kind: str) -> list[str]:
    return sorted(
        Delivery.objects.filter(message__kind=kind, status=Delivery.Status.SENT).values_list(
            "address", flat=True
        )
    )


def test_it_reminds_each_volunteer_once_the_tenants_hours_before(
    morning, frida, bo, carl, django_capture_on_commit_callbacks
):
    Shift.objects.filter(pk=morning.pk).update(capacity=1)  # Frida fills it; Carl waits
    place(morning, frida)
    carl_waits = place(morning, carl, SignUp.Status.WAITLISTED)
    connection.tenant.reminder_hours = 24
    tick(morning.starts_at - timedelta(hours=25), django_capture_on_commit_callbacks)
    assert sent_to(Kind.REMINDER) == []

    tick(morning.starts_at - timedelta(hours=23), django_capture_on_commit_callbacks)
    tick(morning.starts_at - timedelta(hours=22), django_capture_on_commit_callbacks)
    assert sent_to(Kind.REMINDER) == ["frida@example.dk"]  # not the waitlist, not twice
    reminder = next(m for m in mail.outbox if m.to == ["frida@example.dk"])
    assert reminder.subject.startswith("Påmindelse: Nyborg Regatta")
    assert "Du er på vagten **Kiosk** ved Nyborg Regatta" in reminder.body
    assert "/beskeder/afbud/" in reminder.body

    # Carl gives up waiting and a second place opens: Bo takes it after the reminder went
    # out, and gets one too.
    signup_cancel(signup_id=carl_waits.pk, actor=carl)
    Shift.objects.filter(pk=morning.pk).update(capacity=2)
    place(morning, bo)
    tick(morning.starts_at - timedelta(hours=2), django_capture_on_commit_callbacks)
    assert sent_to(Kind.REMINDER) == ["bo@example.dk", "frida@example.dk"]
    assert Message.objects.filter(kind=Kind.REMINDER).count() == 1


def test_an_event_can_have_its_own_reminder_hours_or_none(
    regatta, morning, frida, django_capture_on_commit_callbacks
):
    place(morning, frida)
    regatta.reminder_hours = 2
    regatta.save()
    tick(morning.starts_at - timedelta(hours=5), django_capture_on_commit_callbacks)
    assert sent_to(Kind.REMINDER) == []
    regatta.reminder_hours = 0
    regatta.save()
    tick(morning.starts_at - timedelta(hours=1), django_capture_on_commit_callbacks)
    assert sent_to(Kind.REMINDER) == []


def test_a_volunteer_who_turned_reminders_off_gets_none(
    morning, frida, django_capture_on_commit_callbacks
):
    place(morning, frida)
    Preference.objects.create(user=frida, kind=Kind.REMINDER, email=False)
    tick(morning.starts_at - timedelta(hours=3), django_capture_on_commit_callbacks)
    assert sent_to(Kind.REMINDER) == []
    assert [m for m in mail.outbox if m.to == ["frida@example.dk"]] == []


def test_the_cancel_link_asks_then_cancels_without_signing_in(
    morning, frida, bo, nyborg, aarhus, nyborg_client, django_capture_on_commit_callbacks
):
    signup = join(morning, frida)
    bos = join(morning, bo)
    path = f"/beskeder/afbud/{cancel_token(nyborg, signup.pk)}/"

    page = nyborg_client.get(path).content.decode()
    assert "Afmeld min plads" in page  # a link scanner's GET changes nothing
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        response = nyborg_client.post(path)
    assert "Din plads er afmeldt" in response.content.decode()
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.CANCELLED and signup.changed_by == frida
    assert SignUp.objects.get(user=bo).status == SignUp.Status.CONFIRMED

    foreign = f"/beskeder/afbud/{cancel_token(aarhus, bos.pk)}/"
    assert nyborg_client.post(foreign).status_code == 400
    assert nyborg_client.post("/beskeder/afbud/forged/").status_code == 400
    assert SignUp.objects.get(user=bo).status == SignUp.Status.CONFIRMED


def test_orientation_mails_go_the_set_days_before_to_everyone_on_the_shift(
    regatta, kiosk, morning, frida, bo, nanna, django_capture_on_commit_callbacks
):
    OrientationTemplate.objects.create(
        event=regatta,
        days_before=3,
        subject="Praktisk om regattaen",
        body_markdown="Tag **sko** på",
    )
    other_task = kiosk.event.tasks.create(title="Bar")
    bar = make_shift(other_task, start=morning.starts_at)
    OrientationTemplate.objects.create(
        task=other_task, days_before=1, subject="Bar-info", body_markdown="Kassen"
    )
    place(morning, frida)
    place(bar, bo)
    tick(morning.starts_at - timedelta(days=4), django_capture_on_commit_callbacks)
    assert sent_to(Kind.ORIENTATION) == []
    tick(morning.starts_at - timedelta(days=2), django_capture_on_commit_callbacks)
    tick(morning.starts_at - timedelta(days=2, hours=-1), django_capture_on_commit_callbacks)
    # The event's mail reaches both shifts; the bar's own mail is not due yet.
    assert sent_to(Kind.ORIENTATION) == ["bo@example.dk", "frida@example.dk"]
    tick(morning.starts_at - timedelta(hours=20), django_capture_on_commit_callbacks)
    bar_info = [m for m in mail.outbox if m.subject == "Bar-info"]
    assert [m.to for m in bar_info] == [["bo@example.dk"]]
    assert (
        "<strong>sko</strong>"
        in next(m for m in mail.outbox if m.subject == "Praktisk om regattaen").alternatives[0][0]
    )


def test_coordinators_hear_once_about_a_shift_still_unfilled(
    roklub, morning, kiosk, frida, nanna, django_capture_on_commit_callbacks
):
    full = make_shift(kiosk, capacity=1, start=morning.starts_at)
    join(full, frida)
    connection.tenant.unfilled_alert_hours = 48
    tick(morning.starts_at - timedelta(hours=50), django_capture_on_commit_callbacks)
    assert sent_to(Kind.UNFILLED) == []
    tick(morning.starts_at - timedelta(hours=40), django_capture_on_commit_callbacks)
    tick(morning.starts_at - timedelta(hours=30), django_capture_on_commit_callbacks)
    # Roklub has no coordinators of its own, so the system owner's admin hears.
    assert sent_to(Kind.UNFILLED) == ["nanna@nyborg.dk"]
    alert = next(m for m in mail.outbox if m.to == ["nanna@nyborg.dk"])
    assert "2 pladser er stadig ledige" in alert.subject
    assert "har 0 af 2 pladser besat" in alert.body
    assert f"/planlaeg/vagter/{morning.pk}/" in alert.body
