"""Adapters: each runs in the schema it was sent from, calls one service, and is safe twice."""

from celery import shared_task
from django.db import OperationalError

from apps.groups.services import digests_due, post_notify
from tenants.tasks import send_to_every_open_tenant


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def notify_post(post_id: int) -> int:
    return post_notify(post_id=post_id)


@shared_task(ignore_result=True)
def send_group_digests() -> int:
    return digests_due()


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_group_digests() -> None:
    """Beat runs this in public once a day; it fans out to every open tenant."""
    send_to_every_open_tenant(send_group_digests)
