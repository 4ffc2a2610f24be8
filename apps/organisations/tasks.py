from celery import shared_task

from apps.organisations.services import digest_recipients, digest_send
from config.celery import send_to_every_open_tenant


@shared_task
def send_digest(user_id: int) -> int:
    return digest_send(user_id=user_id)


@shared_task
def send_digests() -> int:
    """One task per follower, so one bad address does not hold up the rest."""
    recipients = digest_recipients()
    for user_id in recipients:
        send_digest.delay(user_id)
    return len(recipients)


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_digests() -> None:
    send_to_every_open_tenant(send_digests)
