"""Joining and leaving the pool, sending a call-out and answering it, through the
services and the real outbox (Celery eager, as the other outbox tests)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.legal.models import Consent
from apps.messaging import sms
from apps.messaging.models import Delivery, Message
from apps.privacy.services.consents import consent_withdraw_and_honour
from apps.reserve.models import Callout, CalloutAnswer, ReserveEnrolment
from apps.reserve.selectors import pool_people
from apps.reserve.services import (
    NotSiteAdmin,
    callout_answer,
    callout_send,
    reserve_join,
    reserve_leave,
)
from kernel import messages

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"/beredskab/svar/([\w-]+)/")


def send(by, **fields):
    fields = {"title": "Sandsække ved havnen", "body": "Tag støvler med.", **fields}
    return callout_send(by=by, **fields)


def test_it_lets_a_member_join_by_sms_with_her_consent_and_an_audit_row(sms_on, members, frida):
    enrolment = reserve_join(user=frida, email=False, sms=True, phone="20 30 40 50")
    frida.refresh_from_db()
    assert (enrolment.email, enrolment.sms, frida.phone) == (False, True, "+4520304050")
    assert Consent.objects.filter(user=frida, purpose="sms", withdrawn_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="reserve.join", target_id=str(frida.pk)).count() == 1
    reserve_join(user=frida, email=False, sms=True)  # the same choice again: no new row
    assert AuditEvent.objects.filter(action__startswith="reserve.").count() == 1


def test_it_refuses_someone_who_is_no_member(sms_on, dorthe):
    with pytest.raises(ValidationError):
        reserve_join(user=dorthe, email=True, sms=False)
    assert not ReserveEnrolment.objects.exists()


def test_it_refuses_sms_without_a_phone_and_a_choice_of_nothing(sms_on, members, bo):
    with pytest.raises(ValidationError):
        reserve_join(user=bo, email=False, sms=True, phone="")
    with pytest.raises(ValidationError):
        reserve_join(user=bo, email=False, sms=False)
    assert not ReserveEnrolment.objects.exists()


def test_it_offers_no_sms_where_the_site_sends_none(members, bo):
    enrolment = reserve_join(user=bo, email=True, sms=True, phone="20304050")
    assert (enrolment.email, enrolment.sms) == (True, False)


def test_it_lets_her_leave_at_any_time(pool, frida):
    assert reserve_leave(user=frida) is True
    assert reserve_leave(user=frida) is False
    assert not ReserveEnrolment.objects.filter(user=frida).exists()
    assert AuditEvent.objects.filter(action="reserve.leave").count() == 1


def test_it_stops_the_sms_when_she_withdraws_her_sms_consent(pool, frida):
    consent = Consent.objects.get(user=frida, purpose="sms")
    consent_withdraw_and_honour(user=frida, consent_id=consent.pk)
    assert ReserveEnrolment.objects.get(user=frida).sms is False


def test_it_sends_one_message_to_the_pool_each_copy_with_its_own_link(
    pool, nanna, frida, bo, carl, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        callout = send(nanna, place="Nyborg Havn", when="I dag kl. 16")
    message = Message.objects.get(dedupe_key=callout.dedupe_key)
    assert Message.objects.filter(kind="reserve_callout").count() == 1
    rows = set(Delivery.objects.filter(message=message).values_list("user_id", "channel", "status"))
    assert rows == {
        (frida.pk, "email", "sent"),
        (frida.pk, "sms", "sent"),
        (bo.pk, "email", "sent"),
    }
    answers = {a.user_id: a.token for a in CalloutAnswer.objects.filter(callout=callout)}
    assert set(answers) == {frida.pk, bo.pk}  # not Carl, who did not join
    by_mail = {m.to[0]: TOKEN.findall(str(m.body)) for m in mail.outbox}
    assert by_mail == {"frida@example.dk": [answers[frida.pk]], "bo@example.dk": [answers[bo.pk]]}
    (text,) = sms.outbox
    assert text.to == "+4520304050" and TOKEN.findall(str(text.text)) == [answers[frida.pk]]
    assert "Sandsække ved havnen" in text.text and "Nyborg Havn" in text.text
    assert AuditEvent.objects.filter(action="reserve.callout", target_id=str(callout.pk)).exists()


def test_it_is_essential_and_cannot_be_switched_off():
    kind = messages.kind("reserve_callout")
    assert kind.essential and not kind.switchable and kind.rate_multiplier > 1


def test_it_lets_only_the_site_admin_call_out_and_never_to_an_empty_pool(
    sms_on, members, nanna, kim, frida
):
    with pytest.raises(NotSiteAdmin):
        send(kim)
    with pytest.raises(NotSiteAdmin):
        send(frida)
    with pytest.raises(ValidationError):
        send(nanna)  # nobody has joined yet
    assert not Callout.objects.exists()


def test_it_keeps_the_latest_answer_and_counts_a_repeat_once(pool, nanna, frida):
    callout = send(nanna)
    token = CalloutAnswer.objects.get(callout=callout, user=frida).token
    assert callout_answer(token=token, yes=True).yes is True
    assert callout_answer(token=token, yes=True).yes is True  # a double click
    assert callout_answer(token=token, yes=False).yes is False  # she changed her mind
    assert AuditEvent.objects.filter(action="reserve.answer").count() == 2
    with pytest.raises(CalloutAnswer.DoesNotExist):
        callout_answer(token="not-a-token", yes=True)


def _clean_minute(start):
    for minute in (start, start + timedelta(minutes=1)):
        cache.delete(f"messaging.rate.{minute:%Y%m%d%H%M}")  # the counter lives in Redis


def test_it_sends_a_callout_past_the_tenants_rate_while_ordinary_mail_waits(
    sms_on, members, nanna, django_capture_on_commit_callbacks
):
    """Eight in the pool, a rate of three a minute: the call-out goes to all eight at once;
    the same eight as an ordinary system message get three this minute."""
    from apps.members.models import Membership
    from tests.personas import person

    people = []
    for i in range(8):
        someone = person(f"Reserve{i}")
        Membership.objects.create(
            user=someone,
            organisation=members[0].memberships.get().organisation,
            started_on=timezone.localdate(),
        )
        reserve_join(user=someone, email=True, sms=False)
        people.append(someone)
    connection.tenant.mail_rate_per_minute = 3
    start = (timezone.now() + timedelta(days=3)).replace(second=5, microsecond=0)
    _clean_minute(start)
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            callout = send(nanna)
        callout_rows = Delivery.objects.filter(message__dedupe_key=callout.dedupe_key)
        assert sorted(callout_rows.values_list("status", flat=True)) == ["sent"] * 8
        _clean_minute(start)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            messages.send(
                "info",
                to=[p.pk for p in people],
                dedupe_key="plain",
                subject="Hej",
                body_markdown="Hej",
            )
        plain = Delivery.objects.filter(message__dedupe_key="plain")
        assert plain.filter(status="sent").count() == 3
        assert plain.filter(status="pending").count() == 5


def test_it_takes_an_erased_person_out_of_the_pool_and_keeps_the_counts(pool, nanna, frida, bo):
    from apps.privacy.services.erasure import person_erase

    callout = send(nanna)
    callout_answer(token=CalloutAnswer.objects.get(callout=callout, user=frida).token, yes=True)
    result = person_erase(actor=frida, user=frida, reason="Hun bad om det")
    assert result.counts["reserve_left"] == 1
    assert not ReserveEnrolment.objects.filter(user=frida).exists()
    assert CalloutAnswer.objects.filter(callout=callout, yes=True).count() == 1
    assert list(pool_people()) == [bo]  # Frida is not called again
