"""Mails about requests to join an organisation: to its coordinators when someone asks,
and to the person when the request is answered (essential: they asked); and the
information (GDPR art. 14) to people an organisation registered (import, added by hand)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.members.models import MembershipRequest
from apps.organisations.models import Organisation
from kernel.messages import COORDINATORS, MessageKind, register
from tenants.selectors import current_tenant, tenant_url


def _request(params: dict[str, Any]) -> MembershipRequest:
    return MembershipRequest.objects.select_related("user", "organisation").get(
        pk=params["request_id"]
    )


def _example_request(status: str) -> MembershipRequest:
    return MembershipRequest(
        pk=1,
        user=User(pk=1, email="frida@example.dk", full_name="Frida Frivillig"),
        organisation=Organisation(pk=1, name="Nyborg Roklub"),
        message="Jeg vil gerne hjælpe til ved regattaen.",
        status=status,
    )


def _requested_fields(request: MembershipRequest) -> dict[str, Any]:
    url = reverse("organisation", args=[request.organisation_id])
    return {"request": request, "url": tenant_url(current_tenant(), url)}


MEMBERSHIP_REQUESTED = register(
    MessageKind(
        slug="membership_requested",
        label=_("Someone asks to become a member (coordinators)"),
        template="members/emails/membership_requested",
        switch_off=COORDINATORS,
        context=lambda params: _requested_fields(_request(params)),
        example=lambda: _requested_fields(_example_request(MembershipRequest.Status.PENDING)),
    )
)


def _answered_fields(request: MembershipRequest) -> dict[str, Any]:
    """Approved: the way back to the (members-only, so never secret) event it came from."""
    path = reverse("event", args=[request.event_id]) if request.event_id else reverse("home")
    return {"request": request, "url": tenant_url(current_tenant(), path)}


MEMBERSHIP_ANSWERED = register(
    MessageKind(
        slug="membership_answered",
        label=_("The answer to my request to become a member"),
        template="members/emails/membership_answered",
        essential=True,
        switch_off=None,
        context=lambda params: _answered_fields(_request(params)),
        example=lambda: _answered_fields(_example_request(MembershipRequest.Status.APPROVED)),
    )
)


def _information_fields(organisation: Organisation, source: str) -> dict[str, Any]:
    path = reverse("privacy-notice")
    return {
        "organisation": organisation,
        "source": source,  # "import" or "coordinator"
        "privacy_url": tenant_url(current_tenant(), path),
        "account_url": tenant_url(current_tenant(), reverse("account")),
    }


# Essential: the law requires it (art. 14), so nobody can switch it off.
INFORMATION_NOTICE = register(
    MessageKind(
        slug="information_notice",
        label=_("Information when an organisation registers you (GDPR art. 14)"),
        template="members/emails/information_notice",
        essential=True,
        switch_off=None,
        context=lambda params: _information_fields(
            Organisation.objects.get(pk=params["organisation_id"]), params.get("source", "")
        ),
        example=lambda: _information_fields(Organisation(pk=1, name="Nyborg Roklub"), "import"),
    )
)
