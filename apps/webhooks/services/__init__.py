"""Outgoing webhooks' write paths: endpoints, emitting events, delivering them."""

from apps.webhooks.services.delivery import (
    BATCH_SIZE,
    CLAIM_TIMEOUT,
    MAX_ATTEMPTS,
    deliver_due,
    deliveries_claim,
    deliveries_send,
    retry_delay,
)
from apps.webhooks.services.emitting import event_emit, has_endpoints
from apps.webhooks.services.endpoints import endpoint_create, endpoint_deactivate

__all__ = [
    "BATCH_SIZE",
    "CLAIM_TIMEOUT",
    "MAX_ATTEMPTS",
    "deliver_due",
    "deliveries_claim",
    "deliveries_send",
    "endpoint_create",
    "endpoint_deactivate",
    "event_emit",
    "has_endpoints",
    "retry_delay",
]
