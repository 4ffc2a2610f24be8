from celery import shared_task

from apps.organisations.services import digest_recipients, digest_send
from tenants.tasks import send_to_every_open_tenant


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


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_membership_requested(request_id: int) -> None:
    from apps.members.models import MembershipRequest
    from apps.organisations.notifications import membership_requested_send

    request = (
        MembershipRequest.objects.select_related("user", "organisation", "event")
        .filter(pk=request_id, status=MembershipRequest.Status.PENDING)
        .first()
    )
    if request is not None:
        membership_requested_send(request=request)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_membership_answered(request_id: int) -> None:
    from apps.members.models import MembershipRequest
    from apps.organisations.notifications import membership_answered_send

    request = (
        MembershipRequest.objects.select_related("user", "organisation", "event")
        .filter(pk=request_id)
        .exclude(status=MembershipRequest.Status.PENDING)
        .first()
    )
    if request is not None:
        membership_answered_send(request=request)
