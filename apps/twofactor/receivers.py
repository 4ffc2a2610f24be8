from typing import Any

from django_otp_webauthn.models import WebAuthnCredential

from apps.twofactor.services import devices_delete, passkey_added


def passkey_saved(sender: type, instance: WebAuthnCredential, created: bool, **kwargs: Any) -> None:
    # django-otp-webauthn's own view saves the passkey; the audit row is ours.
    if created:
        passkey_added(device=instance)


def erased_forget_devices(*, instance: Any, **_: Any) -> None:
    """post_save of the user: apps.privacy erases a person by scrubbing the row in place
    (erased_at set); their apps' secret keys, passkeys and recovery codes go with them.
    (Privacy sits below this app and cannot name the devices itself.)"""
    if getattr(instance, "erased_at", None) is not None:
        devices_delete(user=instance)
