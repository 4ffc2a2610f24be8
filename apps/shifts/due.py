"""When this tenant's waitlist offers next expire (tenants.due: the due-time beat)."""

from datetime import datetime
from typing import Any

from django.db.models import Min
from django.db.models.signals import post_save

from apps.shifts.models import SignUp
from tenants import due

OFFERS = "offers"


def offers_next_due(now: datetime) -> datetime | None:
    """The earliest open offer's end (past ones too: they are still to be closed)."""
    return SignUp.objects.filter(status=SignUp.Status.OFFERED).aggregate(
        at=Min("offer_expires_at")
    )["at"]


def _signup_saved(sender: Any, instance: SignUp, **kwargs: Any) -> None:
    if instance.status == SignUp.Status.OFFERED and instance.offer_expires_at:
        due.wake(OFFERS, instance.offer_expires_at)


def connect() -> None:
    due.register(OFFERS, offers_next_due)
    post_save.connect(_signup_saved, sender=SignUp, dispatch_uid="shifts.due.signup")
