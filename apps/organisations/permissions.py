"""The one guard for "may coordinate this organisation".

Services (and views that act before any service) call `require_coordinator`; it raises
`NotCoordinator`, a PermissionDenied, so services and their tests keep their contract. On
the web the exception becomes a 404 in one place (`config.middleware.NotCoordinatorAs404`),
so a stranger never learns that another organisation's object exists.

`apps.organisations.selectors.can_coordinate` stays for display decisions (show a button).
"""

from django.core.exceptions import PermissionDenied

from apps.accounts.models import User
from apps.organisations.models import Organisation
from apps.organisations.selectors import can_coordinate, organisations_coordinated_by


class NotCoordinator(PermissionDenied):
    """The person may not coordinate the organisation (answered as 404 on the web)."""


def require_coordinator(user: User, organisation: Organisation) -> None:
    if not can_coordinate(user=user, organisation=organisation):
        raise NotCoordinator


def require_coordinator_somewhere(user: User) -> list[Organisation]:
    """The organisations the person coordinates, for pages across them (planning, messages,
    recruitment); NotCoordinator when there are none."""
    organisations = organisations_coordinated_by(user=user)
    if not organisations:
        raise NotCoordinator
    return organisations
