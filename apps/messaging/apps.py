from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "apps.messaging"
    label = "messaging"
    verbose_name = "Messages to volunteers"

    def ready(self) -> None:
        from anymail.signals import tracking

        from apps.messaging import due, messages  # noqa: F401  (declares messaging's kinds)
        from apps.messaging.bounces import on_tracking
        from apps.messaging.services import (
            addresses_forget,
            message_notify,
            message_to_addresses,
            message_withdraw,
        )
        from kernel.messages import set_sender

        tracking.connect(on_tracking, dispatch_uid="messaging.bounces")
        # kernel.messages now uses the outbox
        set_sender(message_notify, message_withdraw, message_to_addresses, addresses_forget)
        due.connect()  # its periodic work (tenants.due)
