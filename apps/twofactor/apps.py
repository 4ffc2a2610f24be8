from django.apps import AppConfig


class TwofactorConfig(AppConfig):
    name = "apps.twofactor"
    label = "twofactor"
    verbose_name = "Two-factor sign-in"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_save
        from django_otp_webauthn.models import WebAuthnCredential

        from apps.twofactor.receivers import erased_forget_devices, passkey_saved

        post_save.connect(
            passkey_saved, sender=WebAuthnCredential, dispatch_uid="twofactor.passkey"
        )
        post_save.connect(
            erased_forget_devices,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="twofactor.erased",
        )
