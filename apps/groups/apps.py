from importlib import import_module

from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "apps.groups"
    label = "groups"
    verbose_name = "Groups"

    def ready(self) -> None:
        import_module(f"{self.name}.messages")  # declares this app's kinds of message
