"""Shared steps of the Stripe tests: a card tenant on a plan, and delivering localstripe's
own events to our webhook endpoint, signed the way localstripe signs them."""

import json
from typing import Any

from django.test import Client, TestCase
from django_tenants.utils import schema_context

from billing.models import Plan, Subscription
from billing.services import subscription_start
from tenants.models import Tenant
from tests.localstripe import WEBHOOK_SECRET, events, signed

WEBHOOK = "/stripe/webhook/"
GOOD_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000341"  # attaches, then every charge is declined


def card_plan(kind: str = "municipality", **extra: Any) -> Plan:
    values = {
        "name": f"Kort {kind}",
        "kind": kind,
        "period": Plan.Period.MONTHLY,
        "base_price": 250_000,  # 2.500,00 kr. a month
        "included_volunteers": 100,
        "block_size": 50,
        "block_price": 40_000,
        "sms_segment_price": 35,
        "trial_days": 0,
    } | extra
    with schema_context("public"):
        return Plan.objects.create(**values)


def card_tenant(tenant: Tenant, actor: object) -> Subscription:
    """The tenant on a card plan, active from today (no trial)."""
    return subscription_start(tenant=tenant, plan=card_plan(tenant.kind), actor=actor)


def post_event(client: Client, event: dict[str, Any], *, secret: str = WEBHOOK_SECRET) -> int:
    """Post a signed event; the handling task queued after commit runs (eagerly) at once."""
    payload = json.dumps(event).encode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            WEBHOOK,
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signed(payload, secret),
        )
    return response.status_code


def deliver(client: Client, base: str, type_: str, object_id: str) -> list[dict[str, Any]]:
    """Post each of localstripe's events of `type_` about the object to our endpoint."""
    found = events(base, type_, object_id)
    assert found, f"localstripe sent no {type_} for {object_id}"
    for event in found:
        assert post_event(client, event) == 200
    return found
