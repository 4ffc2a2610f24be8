"""Adapters: each runs in the schema it was sent from, calls one service, and is safe twice."""

from celery import shared_task
from django.db import OperationalError

from apps.shifts.due import OFFERS
from apps.shifts.services.waitlist import offers_expire, waitlist_fill
from tenants import due


# A deadlock between two fills is resolved by PostgreSQL aborting one; it simply runs again.
@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def fill_waitlist(shift_id: int) -> list[int]:
    return [signup.pk for signup in waitlist_fill(shift_id=shift_id)]


@shared_task(ignore_result=True)
def expire_offers() -> int:
    return due.run(OFFERS, offers_expire)


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_expire_offers() -> int:
    """Beat runs this in public every minute; it wakes the tenants with an offer to close."""
    return due.send_to_due_tenants(OFFERS, expire_offers)
