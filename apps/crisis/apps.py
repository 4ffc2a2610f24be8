from importlib import import_module

from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "apps.crisis"
    label = "crisis"
    verbose_name = "Crisis mode (krisetilstand)"

    def ready(self) -> None:
        import_module(f"{self.name}.messages")  # declares this app's kinds of message
