"""Mails and SMS of crisis mode. Helpers have no account: these go to bare addresses
(kernel.messages.send_to_addresses), each with the helper's own link from `recipient`:
the stand-down's thanks, and an invitation to a need on the needs board (needs.py)."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.crisis.models import Crisis, Helper, Invite, Need
from apps.organisations.models import Organisation
from kernel.messages import MessageKind, Recipient, register
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


def _thanks_recipient(params: dict[str, Any], recipient: Recipient) -> dict[str, Any]:
    """The helper's own link to a normal account (Helper.DoesNotExist once deleted: the
    outbox records that as a permanent failure, nothing is sent)."""
    helpers = Helper.objects.filter(crisis_id=params["crisis_id"])
    found = "phone" if recipient.address.startswith("+") else "email"
    helper = helpers.get(**{found: recipient.address})
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
        recipient_context=_thanks_recipient,
    )
)


# --- the needs board: an invitation to one need (apps/crisis/needs.py) --------------------


def _invite_fields(invite: Invite) -> dict[str, Any]:
    url = tenant_url(current_tenant(), reverse("crisis:answer", args=[invite.token]))
    need = invite.need
    return {
        "invite": invite,
        "need": need,
        "helper": invite.helper,
        "organisation": need.crisis.organisation,
        "url": url,
        "link": url,
    }


def _invite_context(params: dict[str, Any]) -> dict[str, Any]:
    invite = Invite.objects.select_related("need__crisis__organisation", "helper").get(
        pk=params["invite_id"]
    )
    return _invite_fields(invite)


def _invite_link(params: dict[str, Any], recipient: Recipient) -> dict[str, Any]:
    """The SMS's link: one message per invitation, so the token is in the params' row."""
    token = Invite.objects.filter(pk=params["invite_id"]).values_list("token", flat=True).first()
    if token is None:
        return {}
    return {"link": tenant_url(current_tenant(), reverse("crisis:answer", args=[token]))}


def _invite_example() -> dict[str, Any]:
    organisation = Organisation(pk=1, name="Nyborg Frivilligcenter")
    crisis = Crisis(pk=1, organisation=organisation, title="Flygtninge ankommer til Nyborg")
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)
    need = Need(
        pk=1,
        crisis=crisis,
        title="Sortere tøj på Nyborg Gymnasium",
        place="Nyborg Gymnasium, Skolevej 2",
        postcode="5800",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        wanted=6,
    )
    helper = Helper(pk=1, crisis=crisis, name="Hanne Hjælper", postcode="5800")
    return _invite_fields(Invite(pk=1, need=need, helper=helper, token="example"))


# Essential: the helper asked to be called on when they registered, and has no account
# whose preferences could switch it off.
NEED_INVITE = register(
    MessageKind(
        slug="crisis_need_invite",
        label=_("Crisis mode: a helper invited to a need"),
        template="crisis/emails/crisis_need_invite",
        essential=True,
        switch_off=None,
        channels=("email", "sms"),
        context=_invite_context,
        example=_invite_example,
        recipient_context=_invite_link,
    )
)
