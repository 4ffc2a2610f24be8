"""The outbox: one row per recipient, each mail sent once, retries, dead workers."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from apps.messaging.models import Delivery, Message
from apps.messaging.services import (
    CLAIM_TIMEOUT,
    MAX_ATTEMPTS,
    deliveries_claim,
    message_send,
    messages_due,
)
from apps.messaging.tasks import deliver_batch

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def recipients() -> list[str]:
    return sorted(address for m in mail.outbox for address in m.to)


def test_it_sends_one_mail_per_recipient_even_when_sent_and_delivered_twice(
    briefing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert message_send(actor=briefing.author, message_id=briefing.pk) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert message_send(actor=briefing.author, message_id=briefing.pk) == 0
    deliver_batch.delay(briefing.pk)  # a duplicated task
    deliver_batch.delay(briefing.pk)

    assert recipients() == ["bo@example.dk", "frida@example.dk"]  # Carl only waits
    assert Delivery.objects.filter(message=briefing).count() == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    briefing.refresh_from_db()
    assert briefing.status == Message.Status.SENT


def test_it_renders_markdown_safely_in_the_tenants_branding(
    briefing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_send(actor=None, message_id=briefing.pk)
    html = mail.outbox[0].alternatives[0][0]
    assert "<strong>kl. 8</strong>" in html and 'href="https://nyborg.dk"' in html
    assert "<script>" not in html and "Nyborg Kommune" in html
    assert '<html lang="da">' in html and "/beskeder/afmeld/" in html
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_worker_killed_mid_batch_leaves_its_rows_to_be_reclaimed_once(
    briefing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message_send(actor=None, message_id=briefing.pk)
    claimed = deliveries_claim(message_id=briefing.pk, limit=1)  # then the worker dies
    deliver_batch.delay(briefing.pk)  # another worker takes the rest, not the claimed row
    assert len(mail.outbox) == 1 and len(claimed) == 1
    assert Delivery.objects.get(pk=claimed[0]).status == Delivery.Status.SENDING

    with django_capture_on_commit_callbacks(execute=True):
        assert messages_due() == 0  # too early: the claim may still be alive
    assert len(mail.outbox) == 1

    with time_machine.travel(timezone.now() + CLAIM_TIMEOUT + timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            messages_due()
        deliver_batch.delay(briefing.pk)
    assert recipients() == ["bo@example.dk", "frida@example.dk"]
    reclaimed = Delivery.objects.get(pk=claimed[0])
    assert (reclaimed.status, reclaimed.attempts) == (Delivery.Status.SENT, 2)
    assert mail.outbox[1].extra_headers["Message-ID"].startswith(f"<delivery.nyborg.{claimed[0]}@")


def test_it_retries_with_back_off_and_records_the_failure(
    briefing, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message_send(actor=None, message_id=briefing.pk)
    row = Delivery.objects.filter(message=briefing).first()
    assert row is not None
    assert (row.status, row.attempts) == (Delivery.Status.PENDING, 1)
    assert "mail server down" in row.last_error
    assert row.next_attempt_at is not None and row.next_attempt_at > timezone.now()

    moment = timezone.now()
    for _attempt in range(MAX_ATTEMPTS):
        moment += timedelta(days=1)
        with time_machine.travel(moment), django_capture_on_commit_callbacks(execute=True):
            messages_due()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Delivery.Status.FAILED, MAX_ATTEMPTS)
    assert "ConnectionRefusedError" in row.last_error


def test_only_coordinators_of_the_organisation_may_send(briefing, kim):
    with pytest.raises(PermissionDenied):
        message_send(actor=kim, message_id=briefing.pk)
    assert not Delivery.objects.exists()
