"""Who manages which endpoints, and the delivery log."""

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.organisations.models import Organisation, OrganisationRole
from apps.webhooks.models import Delivery, Endpoint

LOG_SIZE = 50


def organisations_managed_by(*, user: User) -> list[Organisation]:
    """Every organisation for the system owner's admin, those they administer otherwise."""
    if user.is_owner_admin:
        return list(Organisation.objects.order_by("name"))
    return list(
        Organisation.objects.filter(roles__user=user, roles__role=OrganisationRole.Role.ADMIN)
        .distinct()
        .order_by("name")
    )


def endpoints_managed_by(*, user: User) -> QuerySet[Endpoint]:
    rows = Endpoint.objects.select_related("organisation")
    if user.is_owner_admin:
        return rows
    return rows.filter(
        organisation__roles__user=user, organisation__roles__role=OrganisationRole.Role.ADMIN
    ).distinct()


def delivery_log(*, user: User) -> list[Delivery]:
    """The newest deliveries to the endpoints this person manages."""
    endpoints = endpoints_managed_by(user=user).values("pk")
    return list(
        Delivery.objects.filter(endpoint_id__in=endpoints)
        .select_related("endpoint")
        .defer("payload")
        .order_by("-created_at", "-id")[:LOG_SIZE]
    )
