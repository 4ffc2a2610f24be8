"""The call-out to the reserve pool (imported from ReserveConfig.ready).

Essential: nobody can switch it off by their message preferences (joining the pool is the
choice, and leaving it the way out). One message for the whole pool, whose copies differ
only in the answer link (`recipient_context`); the channels are the ones each person chose
when joining (`opt_in`), SMS only with their SMS consent standing; and the outbox sends it
at ten times the tenant's rate a minute (`rate_multiplier`, apps/messaging/services/outbox.py).
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.legal.models import Consent
from apps.reserve.models import Callout, CalloutAnswer, ReserveEnrolment
from kernel.messages import MessageKind, Recipient, register
from tenants.selectors import current_tenant, tenant_url

RATE_MULTIPLIER = 10


def answer_url(token: str) -> str:
    return tenant_url(current_tenant(), reverse("reserve-answer", args=[token]))


def _context(params: dict[str, Any]) -> dict[str, Any]:
    return {"callout": Callout.objects.get(pk=params["callout"])}


def _recipient(params: dict[str, Any], recipient: Recipient) -> dict[str, Any]:
    if recipient.user_id is None:  # call-outs go to people in the pool, never bare addresses
        return {}
    token = CalloutAnswer.objects.values_list("token", flat=True).get(
        callout_id=params["callout"], user_id=recipient.user_id
    )
    url = answer_url(token)
    return {"answer_url": url, "link": url}


def _opt_in(channel: str) -> QuerySet[Any]:
    """Ids of those in the pool who may be called by this channel; SMS needs the person's
    SMS consent (apps.legal), the same that the message settings give and withdraw."""
    if channel == "sms":
        consented = Consent.objects.filter(
            purpose=Consent.Purpose.SMS, withdrawn_at__isnull=True
        ).values("user_id")
        return ReserveEnrolment.objects.filter(Q(sms=True), user_id__in=consented).values("user_id")
    return ReserveEnrolment.objects.filter(email=True).values("user_id")


def _example() -> dict[str, Any]:
    callout = Callout(
        pk=1,
        title="Sandsække ved havnen",
        place="Nyborg Havn, kaj 3",
        when="I dag fra kl. 16",
        body="Stormflod i nat. Tag støvler og arbejdshandsker med.",
        sent_at=timezone.now(),
    )
    return {"callout": callout, "answer_url": "#", "link": "#"}


CALLOUT = register(
    MessageKind(
        slug="reserve_callout",
        label=_("Call-out to the reserve pool"),
        template="reserve/emails/callout",
        essential=True,
        switch_off=None,
        channels=("email", "sms"),
        context=_context,
        example=_example,
        recipient_context=_recipient,
        opt_in=_opt_in,
        rate_multiplier=RATE_MULTIPLIER,
    )
)
