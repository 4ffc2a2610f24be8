from typing import Any

from django_otp_webauthn.models import WebAuthnCredential

from apps.twofactor.services import passkey_added


def passkey_saved(sender: type, instance: WebAuthnCredential, created: bool, **kwargs: Any) -> None:
    # django-otp-webauthn's own view saves the passkey; the audit row is ours.
    if created:
        passkey_added(device=instance)
