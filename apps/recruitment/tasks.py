"""Adapters: each runs in the schema it was sent from, calls one service, and is safe twice."""

from celery import shared_task

from apps.recruitment.services.reminders import reminders_send
from tenants.tasks import send_to_every_open_tenant


@shared_task(ignore_result=True)
def send_reminders() -> dict[str, int]:
    return reminders_send()


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_reminders() -> None:
    """Beat runs this in public once a day; it fans out to every open tenant."""
    send_to_every_open_tenant(send_reminders)
