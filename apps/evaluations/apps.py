from importlib import import_module

from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "apps.evaluations"
    label = "evaluations"
    verbose_name = "Evaluations"

    def ready(self) -> None:
        import_module(f"{self.name}.messages")  # declares this app's kinds of message
        import_module(f"{self.name}.due").connect()  # its periodic work (tenants.due)
