"""Who may act for an organisation: approval by the system owner, roles, invitations."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.services import email_link_send
from apps.audit.services import audit_record
from apps.organisations.models import Organisation, OrganisationRole
from apps.organisations.signals import people_registered

Role = OrganisationRole.Role


def is_org_admin(user: User, organisation: Organisation) -> bool:
    if user.is_owner_admin:
        return True
    return OrganisationRole.objects.filter(
        user=user, organisation=organisation, role=Role.ADMIN
    ).exists()


def organisation_register(
    *, actor: User, name: str, kind: str, description: str = "", contact_email: str = ""
) -> Organisation:
    """Anyone signed in may put an organisation forward; it waits for the system owner,
    unless the system owner creates it. The one who registers it becomes its admin."""
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        description=description,
        contact_email=contact_email,
        is_approved=actor.is_owner_admin,
    )
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        OrganisationRole.objects.create(organisation=organisation, user=actor, role=Role.ADMIN)
        audit_record(actor=actor, action="organisation.registered", target=organisation)
    return organisation


def organisation_approve(*, actor: User, organisation: Organisation) -> Organisation:
    if not actor.is_owner_admin:
        raise PermissionDenied
    with transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(is_approved=True)
        audit_record(actor=actor, action="organisation.approved", target=organisation)
    organisation.refresh_from_db()
    return organisation


def role_invite(
    *, actor: User, organisation: Organisation, email: str, full_name: str, role: str
) -> OrganisationRole:
    """Give someone a role, making their account if needed, and mail them a sign-in link."""
    if not is_org_admin(actor, organisation):
        raise PermissionDenied
    if role not in Role.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, full_name=full_name.strip() or email)
            people_registered.send(
                sender=Organisation, actor=actor, organisation=organisation, user_ids=[user.pk]
            )
        granted, created = OrganisationRole.objects.get_or_create(
            organisation=organisation, user=user, role=role
        )
        if created:
            audit_record(actor=actor, action="role.granted", target=granted, role=role)
            # A referrer's only page is the referral form (apps.citizens, by URL name).
            start = "citizens-referral-new" if role == Role.REFERRER else "planning"
            email_link_send(user=user, next_path=reverse(start), invited=True)
    return granted


def role_remove(*, actor: User, role: OrganisationRole) -> None:
    if not is_org_admin(actor, role.organisation):
        raise PermissionDenied
    with transaction.atomic():
        audit_record(actor=actor, action="role.removed", target=role, role=role.role)
        role.delete()
