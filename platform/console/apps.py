from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "console"
    verbose_name = "Vendor console"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from console.receivers import signed_in

        user_logged_in.connect(signed_in, dispatch_uid="console.session_idle_clock")
