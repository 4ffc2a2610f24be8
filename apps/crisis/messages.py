"""Mails and SMS of crisis mode. Helpers have no account: these go to bare addresses
(kernel.messages.send_to_addresses), each with the helper's own link from `recipient`."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.crisis.models import Crisis, Helper
from apps.organisations.models import Organisation
from kernel.messages import MessageKind, register
from tenants.selectors import current_tenant, tenant_url


def _thanks_fields(crisis: Crisis) -> dict[str, Any]:
    ended = crisis.ended_at or timezone.now()
    return {
        "crisis": crisis,
        "organisation": crisis.organisation,
        "delete_on": ended + timedelta(days=crisis.stand_down_days),
    }


def _thanks_context(params: dict[str, Any]) -> dict[str, Any]:
    return _thanks_fields(Crisis.objects.select_related("organisation").get(pk=params["crisis_id"]))


def _thanks_recipient(params: dict[str, Any], address: str) -> dict[str, Any]:
    """The helper's own link to a normal account (Helper.DoesNotExist once deleted: the
    outbox records that as a permanent failure, nothing is sent)."""
    helpers = Helper.objects.filter(crisis_id=params["crisis_id"])
    found = "phone" if address.startswith("+") else "email"
    helper = helpers.get(**{found: address})
    path = reverse("crisis:account", args=[helper.account_token])
    return {"helper": helper, "link": tenant_url(current_tenant(), path)}


def _thanks_example() -> dict[str, Any]:
    crisis = Crisis(
        pk=1,
        organisation=Organisation(pk=1, name="Nyborg Kommune"),
        title="Oversvømmelse i Nyborg",
        stand_down_days=30,
        ended_at=timezone.now(),
    )
    return {
        **_thanks_fields(crisis),
        "helper": Helper(name="Ada Hansen"),
        "link": tenant_url(current_tenant(), reverse("crisis:account", args=["example"])),
    }


THANKS = register(
    MessageKind(
        slug="crisis_thanks",
        label=_("Thanks to crisis helpers when a crisis ends"),
        template="crisis/emails/crisis_thanks",
        essential=True,
        switch_off=None,
        channels=("email", "sms"),
        context=_thanks_context,
        example=_thanks_example,
        recipient=_thanks_recipient,
    )
)
