"""The sweep after the shift: only to those who came, once per person per shift, on time."""

import zoneinfo
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.evaluations.models import Invitation
from apps.evaluations.services import rule_create
from apps.evaluations.tasks import dispatch_evaluations, send_due_evaluations
from tests.apps.evaluations.conftest import after, build_questionnaire, delivered, sweep

pytestmark = pytest.mark.django_db


def recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def test_it_sends_only_to_the_people_who_came(came, rule):
    with time_machine.travel(after(came, hours=2, minutes=5), tick=False), delivered():
        send_due_evaluations.delay()
    # Carl did not come, Dorthe was never marked: nothing for them.
    assert recipients() == ["bo@example.dk", "frida@example.dk"]
    frida_mail = next(m for m in mail.outbox if m.to == ["frida@example.dk"])
    token = Invitation.objects.get(user__email="frida@example.dk").token
    assert f"http://nyborg.localhost/evaluering/{token}/" in frida_mail.body
    assert frida_mail.subject == "Hvordan gik din vagt ved Nyborg Regatta?"
    assert "Kiosk" in frida_mail.body


def test_the_mail_gives_the_time_of_the_shift_in_the_tenants_zone(nyborg, came, rule):
    start = came.starts_at
    iceland = start.astimezone(zoneinfo.ZoneInfo("Atlantic/Reykjavik")).strftime("%H:%M")
    copenhagen = start.astimezone(zoneinfo.ZoneInfo("Europe/Copenhagen")).strftime("%H:%M")
    assert iceland != copenhagen
    nyborg.timezone = "Atlantic/Reykjavik"  # this object is the active tenant (in_nyborg)
    try:
        sweep(came, hours=3)
    finally:
        nyborg.timezone = "Europe/Copenhagen"
    assert recipients() == ["bo@example.dk", "frida@example.dk"]  # all() of nothing is True
    assert all(f" {iceland}." in message.body for message in mail.outbox)
    assert timezone.get_current_timezone_name() == "Europe/Copenhagen"  # put back after


def test_it_waits_until_the_delay_after_the_shift_has_passed(came, rule):
    with time_machine.travel(after(came, hours=1, minutes=59), tick=False):
        assert send_due_evaluations.delay().get() == {"created": 0, "sent": 0}
    assert mail.outbox == [] and not Invitation.objects.exists()
    with time_machine.travel(after(came, hours=2), tick=False):
        assert send_due_evaluations.delay().get() == {"created": 2, "sent": 2}


def test_it_sends_once_per_person_per_shift_when_run_again_and_two_rules_match(
    came, rule, olga, roklub, regatta, kiosk
):
    other = build_questionnaire(olga, roklub, title="Kiosken")
    rule_create(actor=olga, event_id=regatta.pk, task_id=kiosk.pk, questionnaire_id=other.pk)
    for hours in (2.5, 2.5, 5, 48):
        with time_machine.travel(after(came, hours=hours), tick=False), delivered():
            send_due_evaluations.delay()
    assert recipients() == ["bo@example.dk", "frida@example.dk"]
    # The task's rule is the more specific one, so its questionnaire is the one sent.
    assert set(Invitation.objects.values_list("questionnaire_id", flat=True)) == {other.pk}


def test_the_database_refuses_a_second_invitation_for_the_same_shift(came, rule, frida, survey):
    Invitation.objects.create(shift=came, user=frida, questionnaire=survey)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(shift=came, user=frida, questionnaire=survey)


def test_a_rule_added_long_after_does_not_mail_about_old_shifts(came, survey, olga, regatta):
    with time_machine.travel(after(came, days=15), tick=False):
        rule_create(actor=olga, event_id=regatta.pk, questionnaire_id=survey.pk)
        assert send_due_evaluations.delay().get() == {"created": 0, "sent": 0}
    assert mail.outbox == []


def test_a_paused_rule_or_a_questionnaire_out_of_use_sends_nothing(came, rule, survey):
    rule.is_active = False
    rule.save()
    assert sweep(came, hours=3) == {"created": 0, "sent": 0}
    rule.is_active = True
    rule.save()
    survey.is_active = False
    survey.save()
    assert sweep(came, hours=3) == {"created": 0, "sent": 0}


@pytest.mark.allow_logged_errors  # the sweep logs each mail it could not send
def test_a_mail_that_fails_is_tried_again_by_the_next_sweep(came, rule):
    with mock.patch(
        "apps.evaluations.services.sending.messages.send", side_effect=OSError("smtp down")
    ):
        assert sweep(came, hours=3) == {"created": 2, "sent": 0}
    assert Invitation.objects.filter(sent_at__isnull=True).count() == 2
    assert sweep(came, hours=3, minutes=10) == {"created": 0, "sent": 2}
    assert sweep(came, hours=3, minutes=20) == {"created": 0, "sent": 0}
    assert len(mail.outbox) == 2


def test_beat_fans_out_to_every_open_tenant(came, rule, nyborg, aarhus):
    with time_machine.travel(after(came, hours=3), tick=False), delivered():
        dispatch_evaluations.delay()
    assert recipients() == ["bo@example.dk", "frida@example.dk"]
    with tenant_context(aarhus):
        assert not Invitation.objects.exists()


def test_nobody_is_asked_who_switched_evaluations_off(came, rule, bo):
    from apps.messaging.models import Kind, Preference

    Preference.objects.create(user=bo, kind=Kind.EVALUATION, email=False)
    with time_machine.travel(after(came, hours=2, minutes=5), tick=False), delivered():
        send_due_evaluations.delay()
    assert recipients() == ["frida@example.dk"]
