"""Reads of the member register: who is a member, and requests to join."""

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.members.models import Membership, MembershipRequest
from apps.organisations.models import Organisation
from apps.organisations.selectors import can_coordinate


def is_member(*, user: User, organisation: Organisation) -> bool:
    """An active member of the organisation, or its coordinator (for members-only events)."""
    active = Membership.objects.filter(
        user=user, organisation=organisation, status=Membership.Status.ACTIVE
    )
    return active.exists() or can_coordinate(user=user, organisation=organisation)


def membership_request_of(*, user: User, organisation: Organisation) -> MembershipRequest | None:
    """The person's latest request to join the organisation, if any."""
    if not user.is_authenticated:
        return None
    return (
        MembershipRequest.objects.filter(user=user, organisation=organisation)
        .order_by("-created_at", "-id")
        .first()
    )


def pending_membership_requests(*, organisation: Organisation) -> QuerySet[MembershipRequest]:
    return MembershipRequest.objects.filter(
        organisation=organisation, status=MembershipRequest.Status.PENDING
    ).select_related("user", "event")
