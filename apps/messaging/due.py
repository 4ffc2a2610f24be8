"""When this tenant's messages next need the beat (tenants.due: the due-time beat).

"messages": scheduled messages whose time comes, and rows of messages being sent that wait
for a retry, the sending rate or a dead worker's claim. "automatic": reminders, orientation
mails and unfilled-shift alerts, which look again on every tick while a shift is inside one
of their windows (someone may sign up after the reminder went out, a place may come free),
so a tenant with a shift in a window is due every AUTOMATIC_TICK, and otherwise when the
first shift enters a window.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Min, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save

from apps.messaging.models import Delivery, Kind, Message, OrientationTemplate
from apps.shifts.models import Event, Shift
from tenants import due
from tenants.selectors import current_tenant

MESSAGES = "messages"
AUTOMATIC = "automatic"
MESSAGES_TICK = timedelta(minutes=1)  # rows held back by the rate: the next minute
AUTOMATIC_TICK = timedelta(minutes=5)  # the old beat's period for these
HOUR = Value(timedelta(hours=1), output_field=DurationField())


def messages_next_due(now: datetime) -> datetime | None:
    waiting = Delivery.objects.filter(
        message__status=Message.Status.SENDING,
        status__in=(Delivery.Status.PENDING, Delivery.Status.SENDING),
    )
    times = [
        Message.objects.filter(status=Message.Status.SCHEDULED).aggregate(at=Min("send_at"))["at"]
    ]
    if waiting.exists():
        retry = waiting.filter(next_attempt_at__gt=now).aggregate(at=Min("next_attempt_at"))["at"]
        ready = waiting.exclude(next_attempt_at__gt=now).exists()
        times.append(now + MESSAGES_TICK if ready else retry)
    found = [at for at in times if at is not None]
    return min(found) if found else None


def _upcoming(now: datetime) -> Any:
    return Shift.objects.filter(
        starts_at__gt=now, is_cancelled=False, task__event__status=Event.Status.PUBLISHED
    )


def automatic_next_due(now: datetime) -> datetime | None:
    """The moment the first upcoming shift enters one of the three windows; every
    AUTOMATIC_TICK while one is inside one."""
    tenant = current_tenant()
    opens: list[datetime] = []
    hours = Coalesce(F("task__event__reminder_hours"), Value(tenant.reminder_hours))
    lead = ExpressionWrapper(hours * HOUR, output_field=DurationField())
    reminder = (
        _upcoming(now)
        .alias(hours=hours, lead=lead)
        .filter(hours__gt=0)
        .annotate(opens_at=ExpressionWrapper(F("starts_at") - F("lead"), DateTimeField()))
        .aggregate(at=Min("opens_at"))
    )
    opens.append(reminder["at"])
    for template in OrientationTemplate.objects.filter(is_active=True):
        scope = (
            Q(task__event_id=template.event_id)
            if template.event_id
            else Q(task_id=template.task_id)
        )
        first = _upcoming(now).filter(scope).aggregate(at=Min("starts_at"))["at"]
        if first is not None:
            opens.append(first - timedelta(days=template.days_before))
    if tenant.unfilled_alert_hours:
        # Full shifts too: a cancellation may free a place inside the window.
        first = (
            _upcoming(now).exclude(messages__kind=Kind.UNFILLED).aggregate(at=Min("starts_at"))
        )["at"]
        if first is not None:
            opens.append(first - timedelta(hours=tenant.unfilled_alert_hours))
    found = [at for at in opens if at is not None]
    if not found:
        return None
    first_open = min(found)
    return now + AUTOMATIC_TICK if first_open <= now else first_open


def _message_saved(sender: Any, instance: Message, **kwargs: Any) -> None:
    if instance.status == Message.Status.SCHEDULED and instance.send_at:
        due.wake(MESSAGES, instance.send_at)


def _wake_automatic(sender: Any, **kwargs: Any) -> None:
    due.wake(AUTOMATIC)


def connect() -> None:
    due.register(MESSAGES, messages_next_due)
    due.register(AUTOMATIC, automatic_next_due, watches_shifts=True)
    post_save.connect(_message_saved, sender=Message, dispatch_uid="messaging.due.message")
    for model in (Shift, Event, OrientationTemplate):
        post_save.connect(_wake_automatic, sender=model, dispatch_uid=f"messaging.due.{model}")
