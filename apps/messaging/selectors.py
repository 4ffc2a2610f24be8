"""Reads for messaging: who an audience is, and how a message's deliveries went."""

from django.db.models import Count, QuerySet

from apps.accounts.models import User
from apps.messaging.models import Delivery, Message, Unsubscribe
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, SignUp, Task

ON_SHIFT = (SignUp.Status.CONFIRMED, SignUp.Status.OFFERED)


def audience_organisation(kind: str, audience_id: int) -> Organisation | None:
    """The organisation that owns an audience, or None when it does not exist."""
    owner: Event | Task | Shift | None
    if kind == Message.Audience.EVENT:
        owner = Event.objects.select_related("organisation").filter(pk=audience_id).first()
        return owner.organisation if owner else None
    if kind == Message.Audience.TASK:
        owner = Task.objects.select_related("event__organisation").filter(pk=audience_id).first()
        return owner.event.organisation if owner else None
    if kind in (Message.Audience.SHIFT, Message.Audience.WAITLIST):
        owner = (
            Shift.objects.select_related("task__event__organisation").filter(pk=audience_id).first()
        )
        return owner.task.event.organisation if owner else None
    return None


def audience_users(kind: str, audience_id: int) -> QuerySet[User]:
    """Active users in the audience, once each, without those who unsubscribed from info."""
    signups = SignUp.objects.all()
    if kind == Message.Audience.EVENT:
        signups = signups.filter(shift__task__event_id=audience_id, status__in=ON_SHIFT)
    elif kind == Message.Audience.TASK:
        signups = signups.filter(shift__task_id=audience_id, status__in=ON_SHIFT)
    elif kind == Message.Audience.SHIFT:
        signups = signups.filter(shift_id=audience_id, status__in=ON_SHIFT)
    elif kind == Message.Audience.WAITLIST:
        signups = signups.filter(shift_id=audience_id, status=SignUp.Status.WAITLISTED)
    else:
        signups = signups.none()
    unsubscribed = Unsubscribe.objects.filter(kind=Unsubscribe.Kind.INFO).values("user_id")
    return (
        User.objects.filter(pk__in=signups.values("user_id"), is_active=True)
        .exclude(pk__in=unsubscribed)
        .order_by("pk")
    )


def delivery_counts(message: Message) -> dict[str, int]:
    counts = dict.fromkeys(Delivery.Status.values, 0)
    rows = message.deliveries.values("status").annotate(n=Count("id")).order_by()
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def delivery_failures(message: Message, limit: int = 200) -> QuerySet[Delivery]:
    return message.deliveries.filter(status=Delivery.Status.FAILED).order_by("id")[:limit]
