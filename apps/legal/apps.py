from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "apps.legal"
    label = "legal"
    verbose_name = "Legal pages"
