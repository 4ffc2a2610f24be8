"""Mails about requests to join an organisation, put in the outbox inside the service's
transaction (kinds declared in apps/members/messages.py)."""

from apps.members.messages import MEMBERSHIP_ANSWERED, MEMBERSHIP_REQUESTED
from apps.members.models import MembershipRequest
from apps.organisations.selectors import coordinators
from kernel import messages


def membership_requested_send(*, request: MembershipRequest) -> None:
    """To the organisation's coordinators: someone asks to join."""
    messages.send(
        MEMBERSHIP_REQUESTED,
        to=coordinators(organisation=request.organisation),
        dedupe_key=f"membership-requested:{request.pk}",
        params={"request_id": request.pk},
        organisation_id=request.organisation_id,
    )


def membership_answered_send(*, request: MembershipRequest) -> None:
    """To the person who asked: approved (with the way back to the event) or declined."""
    messages.send(
        MEMBERSHIP_ANSWERED,
        to=[request.user_id],
        dedupe_key=f"membership-answered:{request.pk}:{request.status}",
        params={"request_id": request.pk},
        organisation_id=request.organisation_id,
    )
