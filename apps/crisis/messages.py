"""Messages of crisis mode. Helpers have no account: these go to bare addresses through the
outbox (apps.messaging.services.message_to_addresses), by SMS and mail."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.crisis.models import Crisis, Helper, Invite, Need
from apps.organisations.models import Organisation
from kernel.messages import MessageKind, register
from tenants.selectors import current_tenant, tenant_url

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


def _invite_link(params: dict[str, Any], address: str) -> dict[str, Any]:
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
        recipient=_invite_link,
    )
)
