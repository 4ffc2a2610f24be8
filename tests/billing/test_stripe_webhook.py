"""Stripe's webhook endpoint on the public host: the signature, each event stored once
(replayed, or twice at the same moment), and localstripe delivering to a live server."""

import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from celery.exceptions import Retry
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEvent
from billing.models import Plan, StripeEvent, StripeInvoice, Subscription
from billing.stripe_events import stripe_event_handle, stripe_event_store
from billing.stripe_services import stripe_setup
from tenants.models import Tenant
from tests.billing.stripe_helpers import DECLINED_CARD, WEBHOOK, card_plan, post_event
from tests.localstripe import (
    API_KEY,
    WEBHOOK_SECRET,
    card,
    client,
    localstripe_server,
    register_webhook,
    signed,
)
from tests.threads import crowd, in_tenant

pytestmark = pytest.mark.django_db


def an_event(event_id: str = "evt_test_1", type_: str = "customer.created") -> dict[str, Any]:
    return {
        "id": event_id,
        "object": "event",
        "type": type_,
        "created": int(time.time()),
        "data": {"object": {"id": "cus_nobody", "object": "customer"}},
    }


def test_it_refuses_a_wrong_signature_and_stores_nothing(stripe_api, console_client):
    assert post_event(console_client, an_event(), secret="whsec_someone_else") == 400
    payload = json.dumps(an_event()).encode()
    tampered = console_client.post(
        WEBHOOK,
        data=payload.replace(b"customer.created", b"invoice.paid"),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signed(payload, WEBHOOK_SECRET),
    )
    stale = console_client.post(
        WEBHOOK,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signed(payload, WEBHOOK_SECRET, at=int(time.time()) - 3600),
    )
    unsigned = console_client.post(WEBHOOK, data=payload, content_type="application/json")
    assert (tampered.status_code, stale.status_code, unsigned.status_code) == (400, 400, 400)
    assert console_client.get(WEBHOOK).status_code == 405
    assert not StripeEvent.objects.exists()


def test_it_is_not_served_on_a_tenants_host(stripe_api, nyborg_client):
    assert post_event(nyborg_client, an_event()) == 404
    assert not StripeEvent.objects.exists()


def test_it_handles_a_replayed_event_once(stripe_api, console_client, django_assert_num_queries):
    assert post_event(console_client, an_event()) == 200
    handled = StripeEvent.objects.get(pk="evt_test_1")
    assert (handled.type, handled.outcome) == ("customer.created", "ignored")
    assert handled.handled_at is not None
    # The replay: one INSERT that inserts nothing; no task, the row as it was.
    assert post_event(console_client, an_event()) == 200
    # A savepoint, the search path set and set back, one INSERT … ON CONFLICT DO NOTHING that
    # inserts nothing, the release: no SELECT, no row lock, no task queued.
    with django_assert_num_queries(5):
        assert stripe_event_store(event=an_event()) is False
    assert StripeEvent.objects.get(pk="evt_test_1").handled_at == handled.handled_at
    assert stripe_event_handle(event_id="evt_test_1") == "ignored"  # a task run twice
    assert StripeEvent.objects.count() == 1


@pytest.fixture
def committed_events() -> Iterator[list[str]]:
    """Event ids the test commits on other connections; removed afterwards."""
    ids: list[str] = []
    yield ids
    public = Tenant.objects.get(schema_name="public")
    in_tenant(public, lambda: StripeEvent.objects.filter(pk__in=ids).delete())


def test_it_stores_a_duplicate_delivered_at_the_same_moment_once(
    stripe_api, committed_events, nyborg
):
    event = an_event("evt_test_twice")
    committed_events.append(event["id"])
    payload = json.dumps(event).encode()
    header = signed(payload, WEBHOOK_SECRET)

    def deliver() -> int:
        response = Client(HTTP_HOST="console.localhost").post(
            WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        return response.status_code

    public = Tenant.objects.get(schema_name="public")
    assert crowd(public, [deliver, deliver]) == [200, 200]
    rows = in_tenant(public, lambda: list(StripeEvent.objects.filter(pk=event["id"]).values()))
    assert len(rows) == 1
    assert rows[0]["outcome"] == "ignored" and rows[0]["handled_at"] is not None


def test_it_takes_events_localstripe_itself_delivers_to_the_public_host(settings, committed_events):
    """localstripe signs and POSTs its events to a live server's /stripe/webhook/ on
    `localhost`, one of the public domains; they are stored (committed) and handled."""
    from pytest_django.live_server_helper import LiveServer

    settings.STRIPE_WEBHOOK_SECRET = "whsec_live_delivery"
    server = LiveServer("127.0.0.1:0")
    try:
        with localstripe_server() as base:
            settings.STRIPE_API_BASE = base
            url = f"http://localhost:{server.thread.port}{WEBHOOK}"
            register_webhook(base, "tovholder", url, "whsec_live_delivery")
            customer = client(base).v1.customers.create(params={"name": "Roklubben"})
            created = _wait_for_event(committed_events, "customer.created", customer.id)
    finally:
        server.stop()
    assert created["outcome"] == "ignored" and created["handled_at"] is not None
    assert created["payload"]["data"]["object"]["name"] == "Roklubben"


def _wait_for_event(ids: list[str], type_: str, object_id: str) -> dict[str, Any]:
    public = Tenant.objects.get(schema_name="public")
    deadline = time.monotonic() + 15  # localstripe waits a second before it sends
    while time.monotonic() < deadline:
        rows = in_tenant(public, lambda: list(StripeEvent.objects.filter(type=type_).values()))
        ids.extend(row["id"] for row in rows)
        found = [r for r in rows if r["payload"]["data"]["object"]["id"] == object_id]
        if found:
            return dict(found[0])
        time.sleep(0.2)
    raise AssertionError(f"localstripe delivered no {type_} for {object_id}")


def test_it_moves_a_tenant_past_due_from_the_events_localstripe_delivers(settings, aarhus):
    """The whole path through real servers: a card tenant (committed, so the live server
    sees it) subscribes with a card that is declined; localstripe signs and POSTs its
    events; the live server stores and handles them; the subscription ends past due."""
    from pytest_django.live_server_helper import LiveServer

    settings.STRIPE_API_KEY = API_KEY
    settings.STRIPE_WEBHOOK_SECRET = "whsec_live_delivery"
    public = Tenant.objects.get(schema_name="public")
    started = timezone.now()
    server = LiveServer("127.0.0.1:0")
    try:
        with localstripe_server() as base:
            settings.STRIPE_API_BASE = base
            url = f"http://localhost:{server.thread.port}{WEBHOOK}"
            register_webhook(base, "tovholder", url, "whsec_live_delivery")

            def subscribe() -> Subscription:
                Subscription.objects.create(
                    tenant=aarhus,
                    plan=card_plan("region"),
                    status=Subscription.Status.ACTIVE,
                    current_period_start=timezone.localdate(),
                )
                return stripe_setup(
                    tenant=aarhus, actor=None, payment_method_id=card(base, DECLINED_CARD)
                )

            stripe_id = in_tenant(public, subscribe).stripe_subscription_id
            status = _wait_for(public, lambda: Subscription.objects.get(tenant=aarhus).status)
            mirrored = in_tenant(public, lambda: list(StripeInvoice.objects.filter(tenant=aarhus)))
            stripe_status = _wait_for(
                public, lambda: Subscription.objects.get(tenant=aarhus).stripe_status, "active"
            )
    finally:
        server.stop()
        in_tenant(public, lambda: _remove_committed(aarhus, started))
    assert status == Subscription.Status.PAST_DUE
    assert [(m.status, m.amount_due) for m in mirrored] == [("open", 312_500)]
    assert stripe_id and stripe_status == "incomplete"  # Stripe's word for a first decline


def _wait_for(public: Tenant, read: Callable[[], str], start: str = "active") -> str:
    deadline = time.monotonic() + 15
    value = start
    while time.monotonic() < deadline:
        value = in_tenant(public, read)
        if value != start:
            return value
        time.sleep(0.2)
    return value


def _remove_committed(tenant: Tenant, since: datetime) -> None:
    StripeEvent.objects.filter(received_at__gte=since).delete()
    StripeInvoice.objects.filter(tenant=tenant).delete()
    plans = list(Subscription.objects.filter(tenant=tenant).values_list("plan_id", flat=True))
    Subscription.objects.filter(tenant=tenant).delete()
    Plan.objects.filter(pk__in=plans).delete()
    AuditEvent.objects.filter(created_at__gte=since, action__startswith="billing.").delete()


def test_it_keeps_the_error_when_stripe_cannot_be_reached_and_handles_it_later(
    stripe_api, settings, console_client
):
    event = an_event("evt_test_later", "invoice.created")
    event["data"]["object"] = {"id": "in_somewhere", "object": "invoice"}
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: Stripe is away
    with pytest.raises(Retry):  # the task asks Celery to run it again later
        post_event(console_client, event)
    kept = StripeEvent.objects.get(pk="evt_test_later")
    assert kept.handled_at is None and kept.outcome.startswith("error: ")
    settings.STRIPE_API_BASE = stripe_api  # back; the invoice was a draft, deleted since
    assert stripe_event_handle(event_id="evt_test_later") == "invoice in_somewhere is not at Stripe"
    assert StripeEvent.objects.get(pk="evt_test_later").handled_at is not None
