from django.apps import AppConfig


class TwofactorConfig(AppConfig):
    name = "apps.twofactor"
    label = "twofactor"
    verbose_name = "Two-factor sign-in"

    def ready(self) -> None:
        from django.db.models.signals import post_save
        from django_otp_webauthn.models import WebAuthnCredential

        from apps.twofactor.receivers import passkey_saved  # models must be loaded first

        post_save.connect(
            passkey_saved, sender=WebAuthnCredential, dispatch_uid="twofactor.passkey"
        )
