"""Adapters: each runs in the schema it was sent from, calls one service, and is safe twice."""

from celery import shared_task

from apps.crisis.services import crisis_purge_due, crisis_thanks_send
from tenants.tasks import send_to_every_open_tenant


@shared_task(ignore_result=True)
def thank_helpers(crisis_id: int) -> int:
    """The stand-down's thanks (once only: the message's dedupe key)."""
    return crisis_thanks_send(crisis_id=crisis_id)


@shared_task(ignore_result=True)
def purge_helpers() -> int:
    """Delete the helpers without an account of crises ended long enough ago."""
    return crisis_purge_due()


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_purge_helpers() -> None:
    """Beat runs this in public once a day; it fans out to every open tenant."""
    send_to_every_open_tenant(purge_helpers)
