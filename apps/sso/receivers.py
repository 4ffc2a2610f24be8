"""What single sign-on does when something happens below it (connected in SsoConfig.ready)."""

from typing import Any

from apps.sso.models import Link


def erased_unlink(*, instance: Any, **_: Any) -> None:
    """post_save of the user: apps.privacy erases a person by scrubbing the row in place
    (erased_at set); their link to a provider's subject identifies them, so it goes too.
    (Privacy sits below this app and cannot name Link itself.)"""
    if getattr(instance, "erased_at", None) is not None:
        Link.objects.filter(user_id=instance.pk).delete()
