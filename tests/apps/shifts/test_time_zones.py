"""Issue 10, defect 4: every time shown to a person is on the tenant's wall clock.

Nyborg is moved to Nuuk's time zone here, so that neither UTC (the database) nor
Copenhagen (the settings' default) can pass for it by accident.
"""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from apps.attendance.services import check_in, shift_token
from apps.messaging.services.digests import digest_send
from apps.organisations.models import OrganisationRole
from apps.organisations.services.following import follow_set
from apps.shifts.models import Event, Shift
from apps.shifts.notifications import coordinators_tell_free_place
from apps.shifts.services._common import Refused
from apps.shifts.services.signups import shift_sign_up
from tests.conftest import signed_in
from tests.personas import in_days, make_shift

pytestmark = pytest.mark.django_db

ZONE = "America/Godthab"


@pytest.fixture
def nuuk(nyborg, in_nyborg):
    nyborg.timezone = ZONE
    nyborg.save(update_fields=["timezone"])
    return nyborg


def clock(moment) -> dict[str, str]:
    """The moment's hour and minute on the tenant's, UTC's and Copenhagen's clocks."""
    zones = {"tenant": ZoneInfo(ZONE), "utc": UTC, "copenhagen": ZoneInfo("Europe/Copenhagen")}
    shown = {name: f"{moment.astimezone(zone):%H:%M}" for name, zone in zones.items()}
    assert len(set(shown.values())) == 3
    return shown


def assert_tenant_clock(text, moment) -> None:
    text = str(text)
    shown = clock(moment)
    assert shown["tenant"] in text, text
    assert shown["utc"] not in text and shown["copenhagen"] not in text, text


def test_it_states_a_passed_deadline_in_the_tenants_time_zone(nuuk, kiosk, frida, nyborg_client):
    deadline = (timezone.now() - timedelta(days=1)).replace(minute=39, second=0, microsecond=0)
    shift = make_shift(kiosk, signup_deadline=deadline)
    with pytest.raises(Refused) as caught:  # outside a request
        shift_sign_up(shift_id=shift.pk, user=frida)
    assert_tenant_clock(caught.value.message, deadline)

    browser = signed_in(nyborg_client, frida, nuuk)
    page = browser.post(f"/vagter/{shift.pk}/tilmeld/", follow=True).content.decode()
    refusal = page.split("Tilmeldingsfristen var", 1)[1].split("<", 1)[0]
    assert_tenant_clock(refusal, deadline)


def test_it_names_a_clashing_shift_in_the_tenants_time_zone(nuuk, kiosk, frida):
    first = make_shift(kiosk, start=in_days(10, 10).replace(minute=39), hours=1)
    shift_sign_up(shift_id=first.pk, user=frida)
    overlapping = make_shift(kiosk, start=first.starts_at + timedelta(minutes=30))
    with pytest.raises(Refused) as caught:
        shift_sign_up(shift_id=overlapping.pk, user=frida)
    assert_tenant_clock(caught.value.message, first.starts_at)


def test_it_mails_a_sign_up_in_the_tenants_time_zone_outside_a_request(
    nuuk, kiosk, frida, django_capture_on_commit_callbacks
):
    shift = make_shift(kiosk, start=in_days(10, 10).replace(minute=39), hours=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the outbox renders it later
        shift_sign_up(shift_id=shift.pk, user=frida)
    (message,) = mail.outbox
    assert_tenant_clock(message.body, shift.starts_at)
    assert_tenant_clock(message.alternatives[0][0], shift.starts_at)


def test_it_tells_coordinators_of_a_free_place_in_the_tenants_time_zone(
    nuuk, kiosk, roklub, nanna, frida, bo, django_capture_on_commit_callbacks
):
    OrganisationRole.objects.create(
        organisation=roklub, user=nanna, role=OrganisationRole.Role.COORDINATOR
    )
    shift = make_shift(kiosk, capacity=1, start=in_days(10, 10).replace(minute=39), hours=1)
    shift_sign_up(shift_id=shift.pk, user=frida)
    shift_sign_up(shift_id=shift.pk, user=bo)
    Shift.objects.filter(pk=shift.pk).update(capacity=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        coordinators_tell_free_place(shift=Shift.objects.get(pk=shift.pk))
    (message,) = mail.outbox
    assert_tenant_clock(message.body, shift.starts_at)


def test_it_mails_the_follow_digest_in_the_tenants_time_zone(
    nuuk, regatta, roklub, frida, django_capture_on_commit_callbacks
):
    Event.objects.filter(pk=regatta.pk).update(
        starts_at=regatta.starts_at.replace(minute=39), published_at=timezone.now()
    )
    regatta.refresh_from_db()
    follow_set(user=frida, on=True, organisation=roklub)
    frida.digest_sent_at = timezone.now() - timedelta(hours=1)
    frida.save()
    with django_capture_on_commit_callbacks(execute=True):
        digest_send(user_id=frida.pk, now=timezone.now() + timedelta(seconds=1))
    (message,) = mail.outbox
    assert_tenant_clock(message.body, regatta.starts_at)


def test_it_states_when_check_in_opens_in_the_tenants_time_zone(nuuk, kiosk, frida):
    shift = make_shift(kiosk, start=in_days(2, 10).replace(minute=39), hours=1)
    shift_sign_up(shift_id=shift.pk, user=frida)
    with pytest.raises(Refused) as caught:
        check_in(user=frida, shift_id=shift.pk, token=shift_token(shift.pk))
    assert_tenant_clock(caught.value.message, shift.starts_at - timedelta(hours=1))
