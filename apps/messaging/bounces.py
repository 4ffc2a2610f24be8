"""Bounces and complaints reported after sending, by an email provider's webhook through
django-anymail. The webhook is on the tenant's own host, so the event is handled in that
tenant's schema; it names the provider's message id, which the outbox stored on sending."""

from typing import Any

from anymail.signals import AnymailTrackingEvent

from apps.messaging.services import delivery_event_record


def on_tracking(sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any) -> None:
    if event.message_id:
        delivery_event_record(
            provider_id=str(event.message_id),
            event_type=str(event.event_type),
            description=f"{esp_name}: {event.description or event.reject_reason or ''}".strip(),
        )
