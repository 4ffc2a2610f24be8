"""Adapters: each runs in the schema it was sent from, calls one service, and is safe twice."""

from celery import shared_task

from apps.citizens.services.matches import meeting_reminders_send
from apps.citizens.services.referrals import special_category_rotate
from tenants.tasks import send_to_every_open_tenant


@shared_task(ignore_result=True)
def rotate_special_category() -> int:
    """Re-encrypt this tenant's special-category texts with the newest key (crypto.py)."""
    return special_category_rotate()


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_rotation() -> None:
    """After a new key is deployed, an operator runs this once (in public); it fans out."""
    send_to_every_open_tenant(rotate_special_category)


@shared_task(ignore_result=True)
def send_meeting_reminders() -> int:
    return meeting_reminders_send()


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_meeting_reminders() -> None:
    """Beat runs this in public once a day; it fans out to every open tenant."""
    send_to_every_open_tenant(send_meeting_reminders)
