"""What single sign-on does when something happens below it (connected in SsoConfig.ready)."""

from typing import Any

from apps.sso.models import Link


def erased_unlink(*, instance: Any, **_: Any) -> None:
    """post_save of the user: apps.privacy erases a person by scrubbing the row in place
    (erased_at set); their link to a provider's subject identifies them, so it goes too.
    (Privacy sits below this app and cannot name Link itself.)"""
    if getattr(instance, "erased_at", None) is not None:
        Link.objects.filter(user_id=instance.pk).delete()


def export_section() -> Any:
    """The person's links to providers, for their data export (apps.privacy): which
    provider knows them and by which subject, and when it was last used to sign in."""
    from django.utils.translation import gettext_lazy as _

    from apps.privacy.services.export import Section

    columns = (
        ("provider__name", _("Provider")),
        ("issuer", _("Issuer")),
        ("subject", _("Their id for you")),
        ("created_at", _("Linked")),
        ("last_used_at", _("Last used")),
    )
    rows = lambda user: Link.objects.filter(user=user).order_by("created_at", "pk")  # noqa: E731
    return Section("sign_in_providers", _("Single sign-on"), Link, columns, rows)
