from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "apps.privacy"
    label = "privacy"
    verbose_name = "Privacy (GDPR)"

    def ready(self) -> None:
        from importlib import import_module

        import_module(f"{self.name}.messages")  # declares this app's kinds of message
