from importlib import import_module

from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "apps.citizens"
    label = "citizens"
    verbose_name = "Volunteers matched with citizens"

    def ready(self) -> None:
        import_module(f"{self.name}.messages")  # declares this app's kinds of message
