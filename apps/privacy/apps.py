from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "apps.privacy"
    label = "privacy"
    verbose_name = "Privacy (GDPR)"

    def ready(self) -> None:
        from apps.privacy import due, messages  # noqa: F401  (registers the kinds of message)

        due.connect()  # its periodic work (tenants.due)
