"""Adapters: each runs in the schema it was sent from, calls one service, and is safe twice."""

from celery import shared_task
from django.db import OperationalError

from apps.evaluations.services import evaluations_due
from tenants.tasks import send_to_every_open_tenant


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_due_evaluations() -> dict[str, int]:
    return evaluations_due()


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_evaluations() -> None:
    """Beat runs this in public every ten minutes; it fans out to every open tenant."""
    send_to_every_open_tenant(send_due_evaluations)
