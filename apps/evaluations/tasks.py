"""Adapters: each runs in the schema it was sent from, calls one service, and is safe twice."""

from celery import shared_task
from django.db import OperationalError

from apps.evaluations.due import EVALUATIONS
from apps.evaluations.services import evaluations_due
from tenants import due


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, ignore_result=True
)
def send_due_evaluations() -> dict[str, int]:
    return due.run(EVALUATIONS, evaluations_due)


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_evaluations() -> int:
    """Beat runs this in public every minute; it wakes the tenants with evaluations due."""
    return due.send_to_due_tenants(EVALUATIONS, send_due_evaluations)
