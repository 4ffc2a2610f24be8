"""Memberships of volunteers in organisations, and the coordinators' notes on them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.members.models import MemberNote, Membership, Profile
from apps.organisations.models import Organisation
from apps.organisations.selectors import can_coordinate


def membership_add(
    *, actor: User, organisation: Organisation, user: User, contact_person: User | None = None
) -> Membership:
    """Make a person a member (an employee, for a company). Adding twice changes nothing."""
    if not can_coordinate(actor, organisation):
        raise PermissionDenied
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            defaults={"started_on": timezone.localdate(), "contact_person": contact_person},
        )
        Profile.objects.get_or_create(user=user)
        if created:
            audit_record(actor=actor, action="membership.added", target=membership)
    return membership


def member_note_add(*, actor: User, membership: Membership, text: str) -> MemberNote:
    if not can_coordinate(actor, membership.organisation):
        raise PermissionDenied
    with transaction.atomic():
        note = MemberNote.objects.create(membership=membership, author=actor, text=text.strip())
        audit_record(actor=actor, action="note.added", target=membership)
    return note


def member_notes(*, actor: User, membership: Membership) -> QuerySet[MemberNote]:
    """Notes stay inside the organisation that wrote them; reading them is logged."""
    if not can_coordinate(actor, membership.organisation):
        raise PermissionDenied
    audit_record(actor=actor, action="note.read", target=membership)
    return membership.notes.select_related("author")
