"""Adapters: each runs in the schema it was sent from, calls one service, and is safe twice."""

from celery import shared_task
from django.db import OperationalError

from apps.shifts.models import SignUp
from apps.shifts.notifications import (
    coordinators_tell_free_place,
    shift_changes_send,
    signup_notice_send,
)
from apps.shifts.services.waitlist import offers_expire, waitlist_fill
from tenants.tasks import send_to_every_open_tenant


# A deadlock between two fills is resolved by PostgreSQL aborting one; it simply runs again.
@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def fill_waitlist(shift_id: int) -> list[int]:
    return [signup.pk for signup in waitlist_fill(shift_id=shift_id)]


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_signup_notice(signup_id: int, kind: str) -> None:
    signup = (
        SignUp.objects.select_related("user", "shift__task__event").filter(pk=signup_id).first()
    )
    if signup is None:
        return
    signup_notice_send(signup=signup, kind=kind)
    if kind == SignUp.Status.OFFERED:
        from apps.messaging.services import offer_sms_send  # messaging builds on shifts

        offer_sms_send(signup_id=signup.pk)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def tell_coordinators_of_free_place(shift_id: int) -> None:
    coordinators_tell_free_place(shift_id=shift_id)


@shared_task
def expire_offers() -> int:
    return offers_expire()


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_expire_offers() -> None:
    """Beat runs this in public every minute; it fans out to every open tenant."""
    send_to_every_open_tenant(expire_offers)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_shift_changes(
    key: str, organisation_id: int, changes: list[list], groups: list[list]
) -> None:
    """Mail the people on moved shifts (services.changes); the key makes a rerun harmless."""
    shift_changes_send(key=key, organisation_id=organisation_id, changes=changes, groups=groups)
