"""The due-time beat: a dispatcher wakes only the tenants that have periodic work now.

Each kind of periodic per-tenant work (offers that expire, scheduled messages, automatic
reminders ...) keeps, per tenant, the moment it is next due in one public row
(kernel.models.TenantDue). Three parties keep that row (docs/architecture.md, "The
due-time beat"):

- the tenant's own writes: `wake(kind, at)` moves it earlier, never later
  (`LEAST(due_at, at)`), in the writer's transaction, so the row lock orders the write
  against a run that starts meanwhile;
- the per-tenant task (`run`): before its work it sets the row to the tenant's safety time
  (at most an hour away), after it `LEAST`s in the next time computed from its own tables.
  A write committed before the run started is in the tables the run reads; a write after
  it moved the row itself; so nothing falls between;
- the dispatcher (`send_to_due_tenants`), which beat runs in public every minute: one query
  for the tenants of one kind whose row is due or missing (missing = unknown = due now),
  a lease on each so that a queue that is slow for a few minutes is not sent the same
  tenant again, and one task to each.

Nothing is lost when a hook is missed: every row is re-computed at the tenant's own
minute of each hour (`safety_time`, spread over the hour by tenant id so that the safety
sweep never comes as one wave). A tenant's row is dropped (= due now) whenever the tenant
row itself is saved: a changed setting, a status change, a restore.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_save
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from kernel.models import TenantDue
from tenants.models import Tenant
from tenants.selectors import current_tenant, open_tenants

logger = logging.getLogger(__name__)

SAFETY_MINUTES = 60  # every tenant's every kind is re-computed at least this often
LEASE = timedelta(minutes=10)  # a sent task not started by then is sent again
RETRY = timedelta(minutes=1)  # after a run that raised

# A missing row means "due now" (unknown): a write that creates it must not make it later.
UPSERT_LEAST = """
INSERT INTO public.kernel_tenantdue AS d (tenant_id, kind, due_at) VALUES (%s, %s, LEAST(%s, %s))
ON CONFLICT (tenant_id, kind) DO UPDATE SET due_at = LEAST(d.due_at, %s)
"""
UPSERT_SET = """
INSERT INTO public.kernel_tenantdue (tenant_id, kind, due_at) VALUES (%s, %s, %s)
ON CONFLICT (tenant_id, kind) DO UPDATE SET due_at = EXCLUDED.due_at
"""


@dataclass(frozen=True)
class Kind:
    name: str
    # In the tenant's schema: the earliest moment this kind has work after `now` (or at or
    # before it, if work is still waiting), or None for nothing known.
    next_due: Callable[[datetime], datetime | None]
    # Woken by any change to shifts (their times, their event's publication ...).
    watches_shifts: bool = False


KINDS: dict[str, Kind] = {}


def register(
    name: str, next_due: Callable[[datetime], datetime | None], *, watches_shifts: bool = False
) -> None:
    """An app declares a kind of periodic work (from its AppConfig.ready)."""
    KINDS[name] = Kind(name, next_due, watches_shifts)


# --- the tenant's writes ---------------------------------------------------------------------


def wake(kind: str, at: datetime | None = None) -> None:
    """The current tenant has work of `kind` at `at` (default now): move its due time to
    `at` if that is earlier. Inside the caller's transaction: the row stays locked until it
    commits, so a run that starts meanwhile waits and then sees the write in its tables."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of due work: {kind}")
    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, Tenant) or tenant.schema_name == "public":
        return  # public has no per-tenant work
    now = timezone.now()
    at = at or now
    with connection.cursor() as cursor:
        cursor.execute(UPSERT_LEAST, [tenant.pk, kind, at, now, at])


def wake_shift_watchers() -> None:
    """Shifts were made, moved or published in bulk (no post_save for each)."""
    for kind in KINDS.values():
        if kind.watches_shifts:
            wake(kind.name)


def forget(tenant_id: int) -> None:
    """Nothing is known about this tenant any more: every kind is due now."""
    with schema_context("public"):
        TenantDue.objects.filter(tenant_id=tenant_id).delete()


def _tenant_saved(sender: Any, instance: Tenant, **kwargs: Any) -> None:
    forget(instance.pk)


post_save.connect(_tenant_saved, sender=Tenant, dispatch_uid="tenants.due.tenant_saved")


# --- the per-tenant task -----------------------------------------------------------------------


def safety_time(tenant_id: int, now: datetime) -> datetime:
    """The tenant's next own minute of the hour, at least a minute away: idle tenants are
    looked at once an hour each, spread evenly over the hour."""
    minute = (tenant_id * 37) % SAFETY_MINUTES
    start = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    offset = (minute - (start.minute % SAFETY_MINUTES)) % SAFETY_MINUTES
    return start + timedelta(minutes=offset)


def run(kind: str, work: Callable[[], Any]) -> Any:
    """Run one kind's work in the current tenant and store when it is next due."""
    tenant = current_tenant()
    now = timezone.now()
    with connection.cursor() as cursor:  # autocommit in a worker: visible to writers at once
        cursor.execute(UPSERT_SET, [tenant.pk, kind, safety_time(tenant.pk, now)])
    try:
        result = work()
    except Exception:
        wake(kind, timezone.now() + RETRY)
        raise
    later = timezone.now()
    upcoming = KINDS[kind].next_due(later)
    if upcoming is not None:
        wake(kind, upcoming)
    return result


# --- the dispatcher --------------------------------------------------------------------------


def due_tenants(kind: str, *, now: datetime | None = None) -> list[Tenant]:
    """Open tenants with `kind` due at `now` (or no row), each leased for LEASE."""
    now = now or timezone.now()
    with schema_context("public"), transaction.atomic():
        rows = TenantDue.objects.filter(kind=kind, tenant_id=OuterRef("pk"))
        unknown = list(open_tenants().exclude(Exists(rows)).values_list("pk", flat=True))
        TenantDue.objects.bulk_create(
            [TenantDue(tenant_id=pk, kind=kind, due_at=now + LEASE) for pk in unknown],
            ignore_conflicts=True,
        )
        # A row that a tenant's writer holds is skipped: it is looked at again next minute.
        due = list(
            TenantDue.objects.select_for_update(skip_locked=True)
            .filter(kind=kind, due_at__lte=now, tenant_id__in=open_tenants().values("pk"))
            .values_list("pk", "tenant_id")
        )
        TenantDue.objects.filter(pk__in=[pk for pk, _ in due]).update(due_at=now + LEASE)
        ids = unknown + [tenant_id for _, tenant_id in due]
        return list(Tenant.objects.filter(pk__in=ids).order_by("pk"))


def send_to_due_tenants(kind: str, task: Any) -> int:
    """For a beat task running in public: send `task` inside each tenant that has `kind`
    due; returns how many were sent."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of due work: {kind}")
    sent = 0
    for tenant in due_tenants(kind):
        with tenant_context(tenant):
            task.delay()
        sent += 1
    return sent
