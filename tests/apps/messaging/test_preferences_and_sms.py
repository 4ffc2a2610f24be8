"""Each person chooses, per kind of message, email and SMS; SMS is opt-in, only where the
site sends SMS, and used for reminders and waitlist offers. Essential mails always go."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from apps.messaging import sms
from apps.messaging.models import Delivery, Kind, Preference
from apps.messaging.tasks import send_automatic_messages
from apps.shifts.models import Shift, SignUp
from apps.shifts.services.signups import shift_sign_up, signup_cancel
from tenants.models import Tenant
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def texting(nyborg):
    """Nyborg sends SMS (the test settings use the in-memory SMS backend). The row is
    changed for requests, the connection's copy for tasks run in the test."""
    Tenant.objects.filter(pk=nyborg.pk).update(sms_enabled=True, sms_sender="Nyborg")
    connection.tenant.sms_enabled, connection.tenant.sms_sender = True, "Nyborg"
    sms.outbox.clear()
    yield
    connection.tenant.sms_enabled = False


def test_it_saves_choices_per_kind_and_shows_sms_only_where_the_site_sends_it(
    frida, nyborg, nyborg_client, texting
):
    browser = signed_in(nyborg_client, frida, nyborg)
    page = browser.get("/beskeder/indstillinger/").content.decode()
    assert "Påmindelser før en vagt" in page and 'name="reminder_sms"' in page
    assert 'name="info_sms"' not in page  # SMS is not used for info mails
    assert "unfilled_email" not in page  # only coordinators hear about unfilled shifts
    assert "Tilføj et telefonnummer" in page

    response = browser.post(
        "/beskeder/indstillinger/",
        {"reminder_email": "on", "reminder_sms": "on", "offer_email": "on"},  # info unticked
    )
    assert response.status_code == 302
    chosen = {p.kind: (p.email, p.sms) for p in Preference.objects.filter(user=frida)}
    assert chosen[Kind.REMINDER] == (True, True)
    assert chosen[Kind.INFO] == (False, False)
    assert chosen[Kind.WAITLIST_OFFER] == (True, False)


def test_reminders_go_by_sms_to_those_who_asked_and_have_a_phone(
    morning, frida, bo, texting, django_capture_on_commit_callbacks
):
    frida.phone = "+45 12 34 56 78"
    frida.save()
    bo.phone = "87654321"
    bo.save()
    for person in (frida, bo):
        shift_sign_up(shift_id=morning.pk, user=person)
    Preference.objects.create(user=frida, kind=Kind.REMINDER, email=False, sms=True)
    with (
        time_machine.travel(morning.starts_at - timedelta(hours=3), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_automatic_messages()
        send_automatic_messages()
    assert [m.to for m in mail.outbox if "Påmindelse" in m.subject] == [["bo@example.dk"]]
    assert [(s.to, s.sender) for s in sms.outbox] == [("+4512345678", "Nyborg")]
    text = sms.outbox[0].text
    assert text.startswith("Nyborg Kommune: Påmindelse") and "/beskeder/afbud/" in text
    delivery = Delivery.objects.get(channel=Delivery.Channel.SMS)
    assert delivery.status == Delivery.Status.SENT and delivery.provider_id
    # The segments the gateway was given are kept: billing passes them on.
    assert delivery.segments == sms.outbox[0].segments >= 1


def test_no_sms_where_the_site_does_not_send_sms(
    morning, frida, django_capture_on_commit_callbacks
):
    frida.phone = "12345678"
    frida.save()
    shift_sign_up(shift_id=morning.pk, user=frida)
    Preference.objects.create(user=frida, kind=Kind.REMINDER, email=True, sms=True)
    sms.outbox.clear()
    with (
        time_machine.travel(morning.starts_at - timedelta(hours=3), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_automatic_messages()
    assert sms.outbox == [] and not Delivery.objects.filter(channel="sms").exists()


def test_a_waitlist_offer_goes_by_sms_too_and_the_mail_is_essential(
    kiosk, frida, bo, texting, django_capture_on_commit_callbacks
):
    shift = Shift.objects.create(
        task=kiosk,
        starts_at=kiosk.event.starts_at,
        ends_at=kiosk.event.starts_at + timedelta(hours=3),
        capacity=1,
        waitlist_policy=Shift.Policy.OFFER,
    )
    bo.phone = "87654321"
    bo.save()
    # Bo switched the offer mail off: the mail still comes, since an offer is essential.
    Preference.objects.create(user=bo, kind=Kind.WAITLIST_OFFER, email=False, sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        mine = shift_sign_up(shift_id=shift.pk, user=frida)
        shift_sign_up(shift_id=shift.pk, user=bo)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signup_cancel(signup_id=mine.pk, actor=frida)
    assert SignUp.objects.get(user=bo).status == SignUp.Status.OFFERED
    assert [m.to for m in mail.outbox] == [["bo@example.dk"]]
    assert [s.to for s in sms.outbox] == ["+4587654321"]
    assert "Nyborg Regatta" in sms.outbox[0].text
