from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "apps.crisis"
    label = "crisis"
    verbose_name = "Crisis mode (krisetilstand)"
