from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "apps.home"
    label = "home"
    verbose_name = "Home"

    def ready(self) -> None:
        from apps.groups.signals import group_viewed
        from apps.home.receivers import group_viewed_record  # models must be loaded first

        group_viewed.connect(group_viewed_record, dispatch_uid="home.group_viewed")
