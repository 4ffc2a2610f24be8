from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Stripe customers, subscriptions and webhooks (public schema): the billing issue fills it."""

    name = "billing"
    verbose_name = "Billing"
