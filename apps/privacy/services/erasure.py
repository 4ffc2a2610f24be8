"""Erasure by anonymisation (GDPR article 17).

The person's User row stays and is scrubbed in place, so that sign-ups, attendance and the
hours in the statistics keep pointing at a row, which names nobody: email
`erased-<id>@invalid.tovholder`, name "Slettet person", no phone, birth year or password,
inactive, `erased_at` set. Everything that describes the person is deleted or blanked
(profile, tags, notes, applications, posts' text and files, preferences, follows, join
requests, their evaluation invitations, their addresses on deliveries); the audit log stops
naming them. Future sign-ups are cancelled through `signup_cancel` as the person would
cancel them, so the next in line is promoted and the counters stay right.

The retention job calls `person_erase(actor=None, ...)`; a person erases themselves
(actor == user); the site's system-owner admin erases on request (actor.is_owner_admin).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.credentials.models import IssuedRecord, Reference
from apps.evaluations.models import Answer, Invitation
from apps.groups.models import GroupMember, Post, PostAttachment
from apps.members.models import MemberNote, Membership, MembershipRequest, Profile
from apps.messaging.models import Delivery, Preference
from apps.organisations.models import Follow, OrganisationRole
from apps.privacy.models import DataExport, LegalHold
from apps.recruitment.models import Application, Onboarding, StatusMeeting
from apps.reserve.models import ReserveEnrolment
from apps.shifts.models import SignUp
from apps.shifts.services.signups import signup_cancel
from tenants.selectors import current_tenant, tenant_locale

ERASED_DOMAIN = "invalid.tovholder"


class ErasureRefused(ValidationError):
    """Erasure cannot happen yet; `messages` holds the reasons (Danish in a Danish site)."""


@dataclass(frozen=True)
class ErasureResult:
    user_id: int
    erased_at: datetime
    # False when the person had been erased before: a second call changes nothing.
    erased_now: bool
    # What was done, by kind: {"signups_cancelled": 1, "notes_deleted": 2, ...}.
    counts: dict[str, int] = field(default_factory=dict)


def erased_label(user_id: int) -> str:
    """How the audit log names an erased person."""
    return _("Deleted person #%(id)s") % {"id": user_id}


def erasure_blockers(*, user: User) -> list[str]:
    """Why `user` cannot be erased yet, one sentence each; empty when nothing stands in the way."""
    reasons = []
    hold = LegalHold.objects.filter(user=user).first()
    if hold is not None:
        reasons.append(
            _("The site has put a legal hold on this person's data: %(reason)s")
            % {"reason": hold.reason}
        )
    if user.is_owner_admin and not (
        User.objects.filter(is_owner_admin=True, is_active=True, erased_at__isnull=True)
        .exclude(pk=user.pk)
        .exists()
    ):
        reasons.append(
            _(
                "This person is the site's only administrator. Make someone else an "
                "administrator first."
            )
        )
    return reasons


def person_erase(*, actor: User | None, user: User, reason: str) -> ErasureResult:
    """Erase `user` by anonymisation, in one transaction. `actor` None is the retention job;
    otherwise the person themselves or a system-owner admin. Refuses (ErasureRefused) while
    `erasure_blockers` gives a reason; a second call on an erased person changes nothing."""
    if actor is not None and actor.pk != user.pk and not actor.is_owner_admin:
        raise PermissionDenied
    # The labels written into the rows ("Slettet person", "(slettet)") are in the site's
    # language, whoever calls (a request in English, the retention job).
    with tenant_locale(current_tenant()):
        return _erase(actor=actor, user=user, reason=reason)


def _erase(*, actor: User | None, user: User, reason: str) -> ErasureResult:
    now = timezone.now()
    counts: dict[str, int] = {}
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=user.pk)
        if person.erased_at is not None:
            return ErasureResult(user_id=person.pk, erased_at=person.erased_at, erased_now=False)
        blockers = erasure_blockers(user=person)
        if blockers:
            raise ErasureRefused(blockers, code="blocked")
        email, full_name = person.email, person.full_name

        counts["signups_cancelled"] = _cancel_future_signups(person, now)
        counts.update(_delete_personal_rows(person))
        counts.update(_blank_kept_rows(person))
        _scrub_user(person, now)
        counts["audit_rows_scrubbed"] = _scrub_audit(person.pk, email, full_name)
        audit_record(
            actor=_erasing_actor(actor, person),
            action="person.erased",
            target=person,
            user_id=person.pk,
            reason=reason[:500],
            by_self=actor is not None and actor.pk == person.pk,
        )
    user.refresh_from_db()
    return ErasureResult(user_id=person.pk, erased_at=now, erased_now=True, counts=counts)


def _erasing_actor(actor: User | None, person: User) -> object | None:
    """The admin who erased; the neutral label when the person erased themselves; None
    (the system) for the retention job."""
    if actor is None:
        return None
    return erased_label(person.pk) if actor.pk == person.pk else actor


def _cancel_future_signups(person: User, now: datetime) -> int:
    """As the person would cancel: the next in line is promoted on commit, counters move."""
    ids = list(
        SignUp.objects.filter(
            user=person, status__in=SignUp.ACTIVE, shift__starts_at__gt=now
        ).values_list("pk", flat=True)
    )
    for signup_id in ids:
        signup_cancel(signup_id=signup_id, actor=person, now=now)
    return len(ids)


def _delete_personal_rows(person: User) -> dict[str, int]:
    counts: dict[str, int] = {}
    memberships = Membership.objects.filter(user=person)
    counts["notes_deleted"] = MemberNote.objects.filter(membership__in=memberships).delete()[0]
    # ended_on: the month's usage (billing) still counts the membership it was in force for.
    counts["memberships_ended"] = memberships.exclude(status=Membership.Status.ENDED).update(
        status=Membership.Status.ENDED, ended_on=timezone.localdate()
    )
    counts["join_requests_deleted"] = MembershipRequest.objects.filter(user=person).delete()[0]
    # Applications go with their moves and interviews; an onboarding keeps its dates and
    # check statuses (counted in the recruitment figures) but loses its texts.
    counts["applications_deleted"] = Application.objects.filter(user=person).delete()[0]
    onboardings = Onboarding.objects.filter(user=person)
    StatusMeeting.objects.filter(onboarding__in=onboardings).delete()
    onboardings.update(agreement_text="")
    counts["roles_deleted"] = OrganisationRole.objects.filter(user=person).delete()[0]
    counts["follows_deleted"] = Follow.objects.filter(user=person).delete()[0]
    counts["preferences_deleted"] = Preference.objects.filter(user=person).delete()[0]
    # The reserve pool: no more call-outs; the answers stay on the anonymous row, so a
    # call-out's counts keep their totals.
    counts["reserve_left"] = ReserveEnrolment.objects.filter(user=person).delete()[0]
    GroupMember.objects.filter(user=person).delete()
    # apps.home sits above this layer: its rows (when a group was last opened, a dismissed
    # checklist) stay on the anonymous row and say nothing about who it was.
    # Evaluations: a named response loses its link to the person (the invitation) and its
    # free text; scales and choices stay in the averages.
    invitations = Invitation.objects.filter(user=person)
    Answer.objects.filter(response__invitation__in=invitations).exclude(text="").update(text="")
    counts["evaluation_invitations_deleted"] = invitations.delete()[0]
    # Their own posts: the text may identify them, so it is replaced; files go.
    posts = Post.objects.filter(author=person)
    counts["posts_blanked"] = posts.update(body=_("(deleted)"))
    attachments = list(PostAttachment.objects.filter(post__in=posts))
    for attachment in attachments:
        attachment.file.delete(save=False)
        attachment.delete()
    counts["attachments_deleted"] = len(attachments)
    counts["exports_deleted"] = _delete_exports(person)
    # Volunteer records hold the name in signed JSON that cannot be blanked without breaking
    # the signature: they go, and a check of a copy then says it was not issued here.
    counts["credentials_deleted"] = IssuedRecord.objects.filter(holder=person).delete()[0]
    # References about them go with them; requests waiting for them to write go (nobody
    # else can write those); references they wrote stay the volunteer's, unlinked from the
    # account (the name and role they signed with are part of the volunteer's record).
    counts["references_deleted"] = Reference.objects.filter(volunteer=person).delete()[0]
    waiting = Reference.objects.filter(coordinator=person, written_at__isnull=True)
    counts["reference_requests_deleted"] = waiting.delete()[0]
    Reference.objects.filter(coordinator=person).update(coordinator=None)
    return counts


def _delete_exports(person: User) -> int:
    """The person's data exports and their files (a copy of what is being erased)."""
    exports = list(DataExport.objects.filter(user=person))
    for export in exports:
        if export.file:
            export.file.delete(save=False)
        export.delete()
    return len(exports)


def _blank_kept_rows(person: User) -> dict[str, int]:
    counts: dict[str, int] = {}
    Profile.objects.filter(user=person).update(
        status=Profile.Status.INACTIVE,
        postcode="",
        area="",
        availability=[],
        max_shifts_per_month=None,
        max_hours_per_month=None,
        emergency_contact_name="",
        emergency_contact_phone="",
    )
    for profile in Profile.objects.filter(user=person):
        profile.tags.clear()
    counts["signup_reasons_blanked"] = (
        SignUp.objects.filter(user=person).exclude(reason="").update(reason="")
    )
    # Deliveries stay as counts; the address goes, and nothing more is sent to them.
    waiting = (Delivery.Status.PENDING, Delivery.Status.SENDING)
    Delivery.objects.filter(user=person, status__in=waiting).update(
        status=Delivery.Status.SKIPPED, claimed_at=None, next_attempt_at=None
    )
    counts["deliveries_blanked"] = Delivery.objects.filter(user=person).update(
        address="", last_error=""
    )
    return counts


def _scrub_user(person: User, now: datetime) -> None:
    person.email = f"erased-{person.pk}@{ERASED_DOMAIN}"
    person.full_name = _("Deleted person")
    person.phone = ""
    person.birth_year = None
    person.child_check_valid_until = None
    person.email_verified_at = None
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.is_owner_admin = False
    person.calendar_token = uuid.uuid4()  # revokes the calendar feed
    person.erased_at = now
    person.set_unusable_password()  # also ends every session (the auth hash changes)
    person.save()
    person.groups.clear()
    person.user_permissions.clear()


def _scrub_audit(user_id: int, email: str, full_name: str) -> int:
    """Their rows as actor get the neutral label; their email (and exact name) leave `data`."""
    label = erased_label(user_id)
    scrubbed = AuditEvent.objects.filter(Q(actor_id=user_id) | Q(actor__iexact=email)).update(
        actor=label, actor_id=user_id
    )
    named = Q(text__icontains=email)
    if full_name:
        named |= Q(text__contains=f'"{full_name}"')
    rows = AuditEvent.objects.annotate(text=Cast("data", TextField())).filter(named)
    for row in rows:
        row.data = _scrub_value(row.data, email.lower(), full_name, label)
        row.save(update_fields=["data"])
        scrubbed += 1
    return scrubbed


def _scrub_value(value: Any, email: str, full_name: str, label: str) -> Any:
    if isinstance(value, dict):
        return {key: _scrub_value(item, email, full_name, label) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub_value(item, email, full_name, label) for item in value]
    if isinstance(value, str):
        if full_name and value == full_name:
            return label
        if email in value.lower():
            start = value.lower().index(email)
            while start >= 0:
                value = value[:start] + label + value[start + len(email) :]
                start = value.lower().find(email)
        return value
    return value


def legal_hold_set(*, actor: User, user: User, reason: str) -> LegalHold:
    """Hold the person's data (only the site's system-owner admin); a new reason replaces
    the old one."""
    if not actor.is_owner_admin:
        raise PermissionDenied
    with transaction.atomic():
        hold, _created = LegalHold.objects.update_or_create(
            user=user,
            defaults={"reason": reason[:500], "set_by": actor, "set_at": timezone.now()},
        )
        audit_record(actor=actor, action="person.legal_hold_set", target=user, reason=reason)
    return hold


def legal_hold_clear(*, actor: User, user: User) -> None:
    if not actor.is_owner_admin:
        raise PermissionDenied
    with transaction.atomic():
        deleted = LegalHold.objects.filter(user=user).delete()[0]
        if deleted:
            audit_record(actor=actor, action="person.legal_hold_cleared", target=user)
