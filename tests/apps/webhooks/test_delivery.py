"""Events reach a real local receiver, signed; failures are retried with back-off and given
up after MAX_ATTEMPTS; two workers deliver a row once; other tenants' events never arrive."""

import hashlib
import hmac
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.organisations.models import Organisation
from apps.shifts.services.signups import shift_sign_up, signup_cancel
from apps.webhooks.models import Delivery
from apps.webhooks.services import (
    MAX_ATTEMPTS,
    deliver_due,
    deliveries_claim,
    deliveries_send,
    endpoint_create,
    event_emit,
    retry_delay,
)
from kernel.models import TenantDue

pytestmark = pytest.mark.django_db


def verify(secret: str, header: str, body: str, *, tolerance: int = 300) -> bool:
    """What a receiver does (docs/webhooks.md)."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    stamp = int(parts["t"])
    expected = hmac.new(secret.encode(), f"{stamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - stamp) < tolerance


@pytest.fixture
def hooked(rikke, roklub, receiver, allow_private):
    return endpoint_create(
        actor=rikke,
        url=receiver.url,
        kinds=["signup.created", "signup.cancelled"],
        organisation=roklub,
    )


def test_it_delivers_a_sign_up_signed(hooked, receiver, morning, frida, nyborg):
    signup = shift_sign_up(shift_id=morning.pk, user=frida)
    row = Delivery.objects.get()
    assert row.kind == "signup.created" and row.status == Delivery.Status.PENDING
    assert TenantDue.objects.filter(tenant_id=nyborg.pk, kind="webhooks").exists()

    assert deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    [got] = receiver.received
    headers = {key.lower(): value for key, value in got["headers"].items()}
    assert got["path"] == "/hooks/tovholder"
    assert verify(hooked.secret, headers["tovholder-signature"], got["body"])
    assert not verify("whsec_wrong", headers["tovholder-signature"], got["body"])
    assert headers["tovholder-event-id"] == str(row.event_id)
    body = receiver.bodies()[0]
    assert body["id"] == str(row.event_id) and body["kind"] == "signup.created"
    assert body["data"] == {
        "signup": signup.pk,
        "shift": morning.pk,
        "person": frida.pk,
        "status": "confirmed",
    }
    row.refresh_from_db()
    assert row.status == Delivery.Status.SENT and row.response_code == 200
    assert row.response_ms is not None and row.attempts == 1
    assert deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # safe twice


def test_it_sends_only_the_kinds_asked_for(hooked, receiver, morning, frida, roklub):
    signup = shift_sign_up(shift_id=morning.pk, user=frida)
    signup_cancel(signup_id=signup.pk, actor=frida)
    event_emit(kind="member.created", organisation_id=roklub.pk, payload={})
    assert sorted(Delivery.objects.values_list("kind", flat=True)) == [
        "signup.cancelled",
        "signup.created",
    ]


def test_it_costs_no_query_without_endpoints(roklub, django_assert_num_queries):
    event_emit(kind="member.created", organisation_id=roklub.pk, payload={})  # caches "none"
    with django_assert_num_queries(0):
        assert event_emit(kind="member.created", organisation_id=roklub.pk, payload={}) == 0


def test_it_retries_with_back_off_and_gives_up(hooked, receiver, morning, frida):
    receiver.status = 500
    shift_sign_up(shift_id=morning.pk, user=frida)
    moment = timezone.now()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with time_machine.travel(moment, tick=False):
            expected = {"sent": 0, "retry": 1, "failed": 0}
            if attempt == MAX_ATTEMPTS:
                expected = {"sent": 0, "retry": 0, "failed": 1}
            assert deliver_due() == expected
            assert deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
        row = Delivery.objects.get()
        assert row.attempts == attempt and row.response_code == 500
        if attempt < MAX_ATTEMPTS:
            assert row.next_attempt_at == moment + retry_delay(attempt)
            moment = row.next_attempt_at + timedelta(seconds=1)
    assert row.status == Delivery.Status.FAILED
    assert len(receiver.received) == MAX_ATTEMPTS
    assert retry_delay(1) < retry_delay(2) < retry_delay(3)


def test_it_takes_back_a_dead_workers_claim(hooked, receiver, morning, frida):
    shift_sign_up(shift_id=morning.pk, user=frida)
    assert len(deliveries_claim()) == 1  # the worker dies here
    assert deliveries_claim() == []
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        ids = deliveries_claim()
        assert deliveries_send(delivery_ids=ids) == {"sent": 1, "retry": 0, "failed": 0}
    assert len(receiver.received) == 1


def test_it_never_sends_another_tenants_events(hooked, receiver, aarhus, anders):
    with tenant_context(aarhus):
        club = Organisation.objects.create(name="Aarhus Roklub", is_approved=True)
        endpoint_create(actor=anders, url=receiver.url, kinds=["member.created"], organisation=None)
        event_emit(kind="member.created", organisation_id=club.pk, payload={"x": 1})
        assert Delivery.objects.count() == 1
    # Nyborg's own outbox has nothing of it, and Nyborg's worker delivers nothing.
    assert not Delivery.objects.exists()
    assert deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    assert receiver.received == []


def test_it_sends_an_organisations_events_only_to_its_own_endpoints(hooked, receiver, roklub, kim):
    other = Organisation.objects.get(name="Nyborg Spejderne")
    assert event_emit(kind="signup.created", organisation_id=other.pk, payload={}) == 0
    assert event_emit(kind="signup.created", organisation_id=roklub.pk, payload={}) == 1


def test_the_beat_task_delivers_and_stores_the_next_retry(hooked, receiver, morning, frida, nyborg):
    from apps.webhooks.tasks import deliver_webhooks

    receiver.status = 502
    shift_sign_up(shift_id=morning.pk, user=frida)
    assert deliver_webhooks() == {"sent": 0, "retry": 1, "failed": 0}
    row = Delivery.objects.get()
    due_at = TenantDue.objects.get(tenant_id=nyborg.pk, kind="webhooks").due_at
    assert due_at == row.next_attempt_at
