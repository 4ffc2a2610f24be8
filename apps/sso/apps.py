from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "apps.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_save

        from apps.privacy.services.export import section_register
        from apps.sso.receivers import erased_unlink, export_section  # models loaded first

        post_save.connect(erased_unlink, sender=settings.AUTH_USER_MODEL, dispatch_uid="sso.erased")
        section_register(export_section())
