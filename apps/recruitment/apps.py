from importlib import import_module

from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "apps.recruitment"
    label = "recruitment"
    verbose_name = "Recruitment for ongoing roles"

    def ready(self) -> None:
        import_module(f"{self.name}.messages")  # declares this app's kinds of message
