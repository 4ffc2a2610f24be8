from importlib import import_module

from django.apps import AppConfig


class ShiftsConfig(AppConfig):
    name = "apps.shifts"
    label = "shifts"
    verbose_name = "Events, tasks and shifts"

    def ready(self) -> None:
        import_module(f"{self.name}.messages")  # declares this app's kinds of message
        import_module(f"{self.name}.due").connect()  # its periodic work (tenants.due)
