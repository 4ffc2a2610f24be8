"""How long the links in mails work (issue 13): a reminder's cancel link names one sign-up
and ends when its shift starts; an unsubscribe link works for UNSUBSCRIBE_LINK_DAYS (90).
Nobody's link works on another tenant's site: Anders's VisitAarhus is the stranger here."""

import base64
import json
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail, signing
from django.utils import timezone

from apps.messaging.models import Kind, Preference
from apps.messaging.rendering import CANCEL_SALT, cancel_token, unsubscribe_token
from apps.messaging.tasks import send_automatic_messages
from apps.shifts.models import SignUp
from apps.shifts.services.signups import shift_sign_up
from tests.personas import make_shift

pytestmark = pytest.mark.django_db


def join(shift, user) -> SignUp:
    return shift_sign_up(shift_id=shift.pk, user=user)


def cancel_path(tenant, signup: SignUp) -> str:
    return f"/beskeder/afbud/{cancel_token(tenant, signup.pk)}/"


def status_of(signup: SignUp) -> str:
    signup.refresh_from_db()
    return signup.status


def test_the_reminders_cancel_link_names_the_sign_up(
    morning, frida, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    signup = join(morning, frida)
    with (
        time_machine.travel(morning.starts_at - timedelta(hours=3), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_automatic_messages()
    reminder = next(m for m in mail.outbox if m.to == [frida.email] and "/afbud/" in m.body)
    url = next(word for word in reminder.body.split() if "/beskeder/afbud/" in word)
    token = url.rstrip("/").rsplit("/", 1)[1]
    salt = f"{CANCEL_SALT}:{nyborg.schema_name}"
    assert signing.loads(token, salt=salt) == {"g": signup.pk}


def test_a_cancel_link_for_one_sign_up_never_cancels_another(
    morning, kiosk, frida, bo, nyborg, nyborg_client
):
    fridas = join(morning, frida)
    later = make_shift(kiosk, start=morning.ends_at)
    bos = join(later, bo)
    fridas_later = join(later, frida)
    token = cancel_token(nyborg, fridas.pk)
    # Swap the id inside the signed value for Bo's (or Frida's other sign-up): the
    # signature no longer fits.
    _payload, rest = token.split(":", 1)
    for other in (bos, fridas_later):
        forged = base64.urlsafe_b64encode(json.dumps({"g": other.pk}).encode()).decode()
        path = f"/beskeder/afbud/{forged.rstrip('=')}:{rest}/"
        assert nyborg_client.post(path).status_code == 400
    assert status_of(bos) == status_of(fridas_later) == SignUp.Status.CONFIRMED

    nyborg_client.post(f"/beskeder/afbud/{token}/")
    assert status_of(fridas) == SignUp.Status.CANCELLED
    assert status_of(fridas_later) == SignUp.Status.CONFIRMED  # the same person's other shift
    assert status_of(bos) == SignUp.Status.CONFIRMED


def test_a_cancel_link_works_until_the_shift_starts_and_then_names_the_contact(
    morning, regatta, frida, nyborg, nyborg_client
):
    regatta.contact_name = "Ole Havn"
    regatta.contact_email = "ole@roklub.dk"
    regatta.save(update_fields=["contact_name", "contact_email"])
    signup = join(morning, frida)
    path = cancel_path(nyborg, signup)
    with time_machine.travel(morning.starts_at - timedelta(minutes=1), tick=False):
        assert nyborg_client.get(path).status_code == 200
    with time_machine.travel(morning.starts_at, tick=False):
        too_late = nyborg_client.get(path)
        assert too_late.status_code == 410
        assert "ole@roklub.dk" in too_late.content.decode()
        assert "Afmeld min plads" not in too_late.content.decode()  # no button
        assert nyborg_client.post(path).status_code == 410
    assert status_of(signup) == SignUp.Status.CONFIRMED


def test_a_cancel_link_from_before_links_named_their_sign_up_works_until_the_start(
    morning, frida, nyborg, nyborg_client
):
    signup = join(morning, frida)
    salt = f"{CANCEL_SALT}:{nyborg.schema_name}"
    old = f"/beskeder/afbud/{signing.dumps({'s': morning.pk, 'u': frida.pk}, salt=salt)}/"
    with time_machine.travel(morning.starts_at + timedelta(minutes=1), tick=False):
        assert nyborg_client.post(old).status_code == 410
    assert status_of(signup) == SignUp.Status.CONFIRMED
    assert nyborg_client.post(old).status_code == 200
    assert status_of(signup) == SignUp.Status.CANCELLED


def test_a_cancel_link_made_on_visitaarhus_cancels_nothing_in_nyborg(
    morning, frida, aarhus, nyborg_client
):
    signup = join(morning, frida)  # the same id may exist in VisitAarhus's schema
    assert nyborg_client.post(cancel_path(aarhus, signup)).status_code == 400
    assert status_of(signup) == SignUp.Status.CONFIRMED


def test_an_unsubscribe_link_works_for_ninety_days_and_then_says_it_is_too_old(
    frida, nyborg, nyborg_client
):
    assert settings.UNSUBSCRIBE_LINK_DAYS == 90
    path = f"/beskeder/afmeld/{unsubscribe_token(nyborg, frida.pk, Kind.INFO)}/"
    now = timezone.now()
    with time_machine.travel(now + timedelta(days=91), tick=False):
        expired = nyborg_client.post(path)
        assert expired.status_code == 410
        assert "/beskeder/indstillinger/" in expired.content.decode()
    assert not Preference.objects.exists()
    with time_machine.travel(now + timedelta(days=89), tick=False):
        assert nyborg_client.post(path).status_code == 200
    assert Preference.objects.filter(user=frida, kind=Kind.INFO, email=False).exists()


def test_an_unsubscribe_link_made_on_visitaarhus_is_refused_in_nyborg(frida, aarhus, nyborg_client):
    path = f"/beskeder/afmeld/{unsubscribe_token(aarhus, frida.pk, Kind.INFO)}/"
    assert nyborg_client.post(path).status_code == 400
    assert not Preference.objects.exists()
