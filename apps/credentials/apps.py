from importlib import import_module

from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "apps.credentials"
    label = "credentials"
    verbose_name = "Volunteer records (frivilligbevis)"

    def ready(self) -> None:
        import_module(f"{self.name}.messages")  # declares this app's kinds of message
