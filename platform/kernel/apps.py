from django.apps import AppConfig


class KernelConfig(AppConfig):
    """The kernel is an app only for its one table, PendingTask (public schema)."""

    name = "kernel"
    label = "kernel"
    verbose_name = "Kernel"
    default_auto_field = "django.db.models.BigAutoField"
