from django.apps import AppConfig


class ReserveConfig(AppConfig):
    name = "apps.reserve"
    label = "reserve"
    verbose_name = "Reserve pool (beredskab)"

    def ready(self) -> None:
        from apps.reserve import messages  # noqa: F401  (declares the call-out's kind)
