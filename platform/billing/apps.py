from importlib import import_module

from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Plans, subscriptions, invoices, dunning (public schema)."""

    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        import_module(f"{self.name}.messages")  # declares the past-due mail to the admins
