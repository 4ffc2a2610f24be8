"""Mails about requests to join an organisation, in the tenant's language."""

from django.urls import reverse

from apps.members.models import MembershipRequest
from apps.organisations.selectors import coordinators
from apps.shifts.selectors import event_url
from kernel.mail import send_templated_mail
from tenants.selectors import current_tenant, tenant_locale, tenant_url


def membership_requested_send(*, request: MembershipRequest) -> None:
    """To the organisation's coordinators: someone asks to join."""
    tenant = current_tenant()
    to = sorted(coordinators(organisation=request.organisation).values_list("email", flat=True))
    with tenant_locale(tenant):
        context = {
            "request": request,
            "tenant": tenant,
            "url": tenant_url(tenant, reverse("organisation", args=[request.organisation_id])),
        }
        send_templated_mail("organisations/emails/membership_requested", context, to)


def membership_answered_send(*, request: MembershipRequest) -> None:
    """To the person who asked: approved (with the way back to the event) or declined."""
    tenant = current_tenant()
    path = event_url(event=request.event) if request.event is not None else reverse("home")
    with tenant_locale(tenant):
        context = {"request": request, "tenant": tenant, "url": tenant_url(tenant, path)}
        send_templated_mail(
            "organisations/emails/membership_answered", context, [request.user.email]
        )
