"""Messaging's own kinds: coordinators' info mails and orientation mails (written: their
subject and body are stored), reminders before a shift, alerts about unfilled shifts and
the digest of new events from what a person follows."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.shifts.messages import example_shift, example_user
from apps.shifts.models import Event, Shift
from kernel.messages import COORDINATORS, MessageKind, register
from tenants.selectors import current_tenant, tenant_url


def _written_example() -> dict[str, Any]:
    return {
        "subject": "Praktisk info om regattaen",
        "body_markdown": "Mød op **kl. 8** ved Bådhuset.\n\n- Husk vand\n- Husk solcreme",
    }


INFO = register(
    MessageKind(
        slug="info",
        label=_("Info mails from coordinators"),
        bulk=True,
        listed=True,
        example=_written_example,
    )
)
ORIENTATION = register(
    MessageKind(
        slug="orientation",
        listed=True,
        label=_("Practical information before a shift"),
        bulk=True,
        example=_written_example,
    )
)


def _url(name: str, pk: int | None) -> str:
    return tenant_url(current_tenant(), reverse(name, args=[pk]))


def _shift_fields(shift: Shift) -> dict[str, Any]:
    event = shift.task.event
    return {
        "shift": shift,
        "task": shift.task,
        "event": event,
        "event_url": _url("event", event.pk),
        "roster_url": _url("planning-roster", shift.pk),
    }


def _shift_context(params: dict[str, Any]) -> dict[str, Any]:
    shift = Shift.objects.select_related("task__event").get(pk=params["shift_id"])
    return _shift_fields(shift)


def _shift_example() -> dict[str, Any]:
    return _shift_fields(example_shift())


REMINDER = register(
    MessageKind(
        slug="reminder",
        listed=True,
        label=_("Reminders before a shift"),
        template="messaging/emails/reminder",
        channels=("email", "sms"),
        context=_shift_context,
        example=_shift_example,
    )
)
UNFILLED = register(
    MessageKind(
        slug="unfilled",
        listed=True,
        label=_("Unfilled shifts (coordinators)"),
        template="messaging/emails/unfilled",
        switch_off=COORDINATORS,
        context=_shift_context,
        example=_shift_example,
    )
)


def _digest_fields(user: User, events: list[Event]) -> dict[str, Any]:
    return {"user": user, "events": events, "base": tenant_url(current_tenant(), "")}


def _digest_context(params: dict[str, Any]) -> dict[str, Any]:
    events = Event.objects.filter(pk__in=params["event_ids"]).select_related("organisation")
    user = User.objects.get(pk=params["user_id"])
    return _digest_fields(user, list(events.order_by("starts_at", "pk")))


def _digest_example() -> dict[str, Any]:
    return _digest_fields(example_user(), [example_shift().task.event])


DIGEST = register(
    MessageKind(
        slug="digest",
        label=_("New events from organisations I follow"),
        template="messaging/emails/digest",
        bulk=True,
        context=_digest_context,
        example=_digest_example,
    )
)
