from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from apps.organisations.models import OrganisationRole
from apps.organisations.selectors import COORDINATING_ROLES


def platform(request: HttpRequest) -> dict[str, object]:
    tenant = getattr(request, "tenant", None)
    is_public = tenant is None or tenant.schema_name == "public"
    context: dict[str, object] = {"tenant": None if is_public else tenant, "is_console": is_public}
    if not is_public:
        # Lazy: one query, and only on pages that show the menu to a signed-in person.
        context["user_coordinates"] = SimpleLazyObject(lambda: _coordinates(request))
    return context


def _coordinates(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if getattr(user, "is_owner_admin", False):
        return True
    return OrganisationRole.objects.filter(user=user, role__in=COORDINATING_ROLES).exists()
