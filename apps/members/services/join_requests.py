"""Asking to join an organisation (from one of its members-only events), and the answer of
its coordinators. Approving makes the membership; each side hears by mail."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.members.models import Membership, MembershipRequest, Profile
from apps.members.notifications import membership_answered_send, membership_requested_send
from apps.members.selectors import is_member
from apps.organisations.permissions import require_coordinator
from apps.webhooks.services import event_emit

if TYPE_CHECKING:  # shifts builds on members: the event arrives from its page
    from apps.shifts.models import Event


class Refused(ValidationError):
    """The request cannot be made or answered; the message is for the person."""


def membership_request(*, user: User, event: "Event", message: str = "") -> MembershipRequest:
    """Ask to join the organisation behind a members-only event. Asking twice while the
    first request waits changes nothing; after a refusal the person is told so."""
    if event.visibility != event.Visibility.MEMBERS:
        raise Refused(_("This event is open to everyone."), code="not_members_only")
    if is_member(user=user, organisation=event.organisation):
        raise Refused(_("You are already a member."), code="member")
    organisation = event.organisation
    last = (
        MembershipRequest.objects.filter(user=user, organisation=organisation)
        .order_by("-created_at", "-id")
        .first()
    )
    if last is not None and last.status == MembershipRequest.Status.PENDING:
        return last
    if last is not None and last.status == MembershipRequest.Status.DECLINED:
        raise Refused(
            _("%(name)s has declined your request. Contact the organisation to hear more.")
            % {"name": organisation.name},
            code="declined",
        )
    try:
        with transaction.atomic():
            request = MembershipRequest.objects.create(
                user=user, organisation=organisation, event=event, message=message.strip()
            )
            audit_record(actor=user, action="membership.requested", target=request)
            membership_requested_send(request=request)
    except IntegrityError:  # the same person asked twice at once; the first one counts
        return MembershipRequest.objects.get(
            user=user, organisation=organisation, status=MembershipRequest.Status.PENDING
        )
    return request


def membership_request_answer(
    *, actor: User, request_id: int, approve: bool, now: datetime | None = None
) -> MembershipRequest:
    """A coordinator of the request's organisation (or a system-owner admin) says yes or no."""
    with transaction.atomic():
        request = (
            MembershipRequest.objects.select_for_update(of=("self",))
            .select_related("organisation", "user")
            .get(pk=request_id)
        )
        require_coordinator(actor, request.organisation)
        if request.status != MembershipRequest.Status.PENDING:
            raise Refused(_("This request has already been answered."), code="answered")
        request.status = (
            MembershipRequest.Status.APPROVED if approve else MembershipRequest.Status.DECLINED
        )
        request.decided_at = now or timezone.now()
        request.decided_by = actor
        request.save(update_fields=["status", "decided_at", "decided_by"])
        if approve:
            _make_member(request, actor)
        audit_record(actor=actor, action=f"membership.request_{request.status}", target=request)
        membership_answered_send(request=request)
    return request


def _make_member(request: MembershipRequest, actor: User) -> None:
    membership, created = Membership.objects.get_or_create(
        user=request.user,
        organisation=request.organisation,
        defaults={"started_on": timezone.localdate()},
    )
    if not created and membership.status != Membership.Status.ACTIVE:
        membership.status = Membership.Status.ACTIVE
        membership.save(update_fields=["status"])
    Profile.objects.get_or_create(user=request.user)
    audit_record(actor=actor, action="membership.added", target=membership)
    event_emit(
        kind="member.created",
        organisation_id=request.organisation_id,
        payload={"membership": membership.pk, "person": request.user_id},
    )
