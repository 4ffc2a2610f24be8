"""Memberships of volunteers in organisations, and the coordinators' notes on them."""

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.services import email_link_send
from apps.audit.services import audit_record
from apps.legal.models import Consent
from apps.members.models import MemberNote, Membership, Profile
from apps.members.services.information import information_notice_send
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from apps.webhooks.services import event_emit


def membership_add(
    *, actor: User, organisation: Organisation, user: User, contact_person: User | None = None
) -> Membership:
    """Make a person a member (an employee, for a company). Adding twice changes nothing."""
    require_coordinator(actor, organisation)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            defaults={"started_on": timezone.localdate(), "contact_person": contact_person},
        )
        Profile.objects.get_or_create(user=user)
        if created:
            audit_record(actor=actor, action="membership.added", target=membership)
            event_emit(
                kind="member.created",
                organisation_id=organisation.pk,
                payload={"membership": membership.pk, "person": user.pk},
            )
    return membership


def member_note_add(*, actor: User, membership: Membership, text: str) -> MemberNote:
    require_coordinator(actor, membership.organisation)
    with transaction.atomic():
        note = MemberNote.objects.create(membership=membership, author=actor, text=text.strip())
        audit_record(actor=actor, action="note.added", target=membership)
    return note


def member_notes(*, actor: User, membership: Membership) -> QuerySet[MemberNote]:
    """Notes stay inside the organisation that wrote them; reading them is logged."""
    require_coordinator(actor, membership.organisation)
    audit_record(actor=actor, action="member.notes_read", target=membership)
    return membership.notes.select_related("author")


def member_invite(
    *, actor: User, organisation: Organisation, email: str, full_name: str
) -> Membership:
    """Add someone by email, making their account if they have none, and mail them a
    sign-in link: how a company brings its employees in, or a club its old members."""
    require_coordinator(actor, organisation)
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, full_name=full_name.strip() or email)
            information_notice_send(  # art. 14: who holds their data now, and why
                actor=actor,
                organisation=organisation,
                user_ids=[user.pk],
                method=Consent.Method.COORDINATOR,
            )
            email_link_send(user=user, next_path=reverse("profile"), invited=True)
        return membership_add(actor=actor, organisation=organisation, user=user)
