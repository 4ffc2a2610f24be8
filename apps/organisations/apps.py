from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "apps.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from apps.organisations.receivers import signed_in  # models must be loaded first

        user_logged_in.connect(signed_in, dispatch_uid="organisations.session_idle_clock")
