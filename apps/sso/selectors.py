from django.db.models import QuerySet

from apps.sso.models import Link, Provider


def enabled_providers() -> QuerySet[Provider]:
    """The buttons on this tenant's sign-in page (the current schema's providers only)."""
    return Provider.objects.filter(is_enabled=True).order_by("name")


def enabled_provider(slug: str) -> Provider | None:
    return enabled_providers().filter(slug=slug).first()


def all_providers() -> QuerySet[Provider]:
    return Provider.objects.select_related("grant_organisation").order_by("name")


def links_of(user_id: int) -> QuerySet[Link]:
    return Link.objects.filter(user_id=user_id).select_related("provider")
