from django.apps import AppConfig


class TwofactorConfig(AppConfig):
    name = "apps.twofactor"
    label = "twofactor"
    verbose_name = "Two-factor sign-in"
