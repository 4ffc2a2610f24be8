from celery import shared_task


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
