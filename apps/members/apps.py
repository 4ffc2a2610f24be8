from importlib import import_module

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = "Member register"

    def ready(self) -> None:
        import_module(f"{self.name}.messages")  # declares this app's kinds of message
