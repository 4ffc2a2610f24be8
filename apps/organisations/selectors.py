from apps.accounts.models import User
from apps.organisations.models import Organisation, OrganisationRole

COORDINATING_ROLES = (OrganisationRole.Role.ADMIN, OrganisationRole.Role.COORDINATOR)


def can_coordinate(user: User, organisation: Organisation) -> bool:
    """System-owner admins coordinate everywhere; others where they hold a role."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_owner_admin:
        return True
    return OrganisationRole.objects.filter(
        user=user, organisation=organisation, role__in=COORDINATING_ROLES
    ).exists()


def organisations_coordinated_by(user: User) -> list[Organisation]:
    if user.is_owner_admin:
        return list(Organisation.objects.all())
    return list(
        Organisation.objects.filter(roles__user=user, roles__role__in=COORDINATING_ROLES).distinct()
    )
