from importlib import import_module

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = "Member register"

    def ready(self) -> None:
        import_module(f"{self.name}.messages")  # declares this app's kinds of message
        from apps.members.receivers import people_registered_inform  # models loaded first
        from apps.organisations.signals import people_registered

        people_registered.connect(people_registered_inform, dispatch_uid="members.inform")
