"""`event_emit`: the one call other apps make, inside their own transaction.

It writes one outbox row per matching endpoint in a single INSERT ... SELECT, so the rows
commit or roll back with the change they describe. Most tenants have no endpoint: a flag
in the shared cache (whose keys carry the schema) answers that without touching the
database, so the services' query counts do not change for them. The flag is dropped
whenever an endpoint is made or switched off; a stale True costs one INSERT that finds no
endpoint, never a lost event.
"""

import json
import logging
import uuid
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from apps.webhooks.models import Endpoint, Kind
from kernel.cache import CACHE_ERRORS, cache_get, cache_set

logger = logging.getLogger(__name__)

FLAG = "webhooks.any"
FLAG_TIMEOUT = 3600
DUE_KIND = "webhooks"

INSERT = """
INSERT INTO webhooks_delivery
    (endpoint_id, event_id, kind, payload, status, attempts, last_error, created_at)
SELECT id, %s, %s, %s::jsonb, 'pending', 0, '', %s
FROM webhooks_endpoint
WHERE is_active AND %s = ANY(kinds) AND (organisation_id IS NULL OR organisation_id = %s)
"""


def has_endpoints() -> bool:
    # Redis down: a miss (the database answers); a sign-up never waits on the flag.
    flag = cache_get(FLAG)
    if flag is None:
        flag = Endpoint.objects.filter(is_active=True).exists()
        cache_set(FLAG, flag, FLAG_TIMEOUT)
    return bool(flag)


def flag_drop(*, strict: bool = True) -> None:
    """Forget the flag. Strict inside the transaction that makes an endpoint: if Redis
    cannot forget a cached False, the endpoint is refused rather than left deaf for an
    hour; after the commit (a second drop, or an endpoint switched off) a failure only
    logs, as a stale True costs one empty INSERT."""
    try:
        cache.delete(FLAG)
    except CACHE_ERRORS as error:
        if strict:
            raise
        logger.warning("Cache unavailable, dropping %s: %r", FLAG, error)


def event_emit(*, kind: str, organisation_id: int | None, payload: dict[str, Any]) -> int:
    """Queue `kind` for every active endpoint that listens to it (the organisation's own
    and the site-wide ones). Returns how many rows were written."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown webhook kind: {kind}")
    if getattr(connection, "schema_name", "public") == "public" or not has_endpoints():
        return 0
    now = timezone.now()
    body = {
        "kind": kind,
        "organisation": organisation_id,
        "occurred_at": now,
        "data": payload,
    }
    text = json.dumps(body, cls=DjangoJSONEncoder)
    with connection.cursor() as cursor:
        cursor.execute(INSERT, [uuid.uuid4(), kind, text, now, kind, organisation_id])
        written = cursor.rowcount
    if written:
        from tenants import due  # the layer below: imported here only to keep the emit light

        due.wake(DUE_KIND)
    return written
