from django.db.models import QuerySet

from apps.accounts.models import User
from apps.organisations.models import Organisation, OrganisationRole

COORDINATING_ROLES = (OrganisationRole.Role.ADMIN, OrganisationRole.Role.COORDINATOR)


def can_coordinate(*, user: User, organisation: Organisation) -> bool:
    """System-owner admins coordinate everywhere; others where they hold a role."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_owner_admin:
        return True
    return OrganisationRole.objects.filter(
        user=user, organisation=organisation, role__in=COORDINATING_ROLES
    ).exists()


def organisations_coordinated_by(*, user: User) -> list[Organisation]:
    if user.is_owner_admin:
        return list(Organisation.objects.all())
    return list(
        Organisation.objects.filter(roles__user=user, roles__role__in=COORDINATING_ROLES).distinct()
    )


def coordinators(*, organisation: Organisation) -> QuerySet[User]:
    """Who hears about the organisation's shifts and applicants: its active admins and
    coordinators, or the system owner's admins while it has none (someone must)."""
    users = User.objects.filter(
        is_active=True, roles__organisation=organisation, roles__role__in=COORDINATING_ROLES
    ).distinct()
    if users.exists():
        return users.order_by("pk")
    return User.objects.filter(is_owner_admin=True, is_active=True).order_by("pk")
