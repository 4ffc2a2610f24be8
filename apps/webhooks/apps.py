from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "apps.webhooks"
    label = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Outgoing webhooks"

    def ready(self) -> None:
        from apps.webhooks import due

        due.connect()  # its periodic work (tenants.due)
