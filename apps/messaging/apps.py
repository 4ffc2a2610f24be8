from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "apps.messaging"
    label = "messaging"
    verbose_name = "Messages to volunteers"

    def ready(self) -> None:
        from anymail.signals import tracking

        from apps.messaging.bounces import on_tracking

        tracking.connect(on_tracking, dispatch_uid="messaging.bounces")
