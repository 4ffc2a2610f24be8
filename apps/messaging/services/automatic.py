"""Messages the system sends by itself, from the beat every few minutes: reminders before a
shift, orientation mails some days before, and alerts to coordinators about unfilled
shifts. Each is a message with a dedupe key through the outbox (kernel.messages.send), so a
tick that runs twice, or overlaps the next, sends nothing twice."""

from datetime import datetime, timedelta
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.messaging.messages import ORIENTATION, REMINDER, UNFILLED
from apps.messaging.models import Kind, OrientationTemplate
from apps.messaging.selectors import audience_users
from apps.organisations.permissions import require_coordinator
from apps.organisations.selectors import coordinators
from apps.shifts.models import Event, Shift, Task
from kernel import messages
from tenants.models import Tenant
from tenants.selectors import current_tenant

HOUR = Value(timedelta(hours=1), output_field=DurationField())


def _upcoming(now: datetime) -> QuerySet[Shift]:
    return Shift.objects.filter(
        starts_at__gt=now, is_cancelled=False, task__event__status=Event.Status.PUBLISHED
    ).select_related("task__event__organisation")


def _on_shift(shift: Shift) -> QuerySet[User]:
    return audience_users(kind="shift", audience_id=shift.pk)


def reminders_due(*, now: datetime | None = None) -> int:
    """Remind everyone on a shift that starts within its event's reminder hours (or the
    tenant's default). Every tick looks again, so someone who signs up after the reminder
    went out gets one too (and nobody gets two). Returns how many shifts were looked at."""
    now = now or timezone.now()
    tenant = current_tenant()
    hours = Coalesce(F("task__event__reminder_hours"), Value(tenant.reminder_hours))
    lead = ExpressionWrapper(hours * HOUR, output_field=DurationField())
    shifts = (
        _upcoming(now)
        .alias(lead=lead, hours=hours)
        .filter(hours__gt=0, starts_at__lte=Value(now) + F("lead"))
    )
    touched = 0
    for shift in shifts:
        _remind(tenant, shift)
        touched += 1
    return touched


def _remind(tenant: Tenant, shift: Shift) -> None:
    messages.send(
        REMINDER,
        to=_on_shift(shift),
        dedupe_key=f"reminder:{shift.pk}",
        params={"shift_id": shift.pk},
        organisation_id=shift.task.event.organisation_id,
        shift_id=shift.pk,
    )


class OrientationFields(TypedDict, total=False):
    """An orientation mail's fields; those left out keep their value. No task: the whole
    event's shifts."""

    task: Task | None
    days_before: int
    subject: str
    body_markdown: str
    is_active: bool


def orientation_save(
    *,
    actor: User,
    event: Event,
    template: OrientationTemplate | None = None,
    **fields: Unpack[OrientationFields],
) -> OrientationTemplate:
    """Make an orientation mail for an event (or one of its tasks), or change one."""
    require_coordinator(actor, event.organisation)
    task = fields.pop("task", None) if "task" in fields else (template.task if template else None)
    if task is not None and task.event_id != event.pk:
        raise ValidationError(_("Choose a task of this event."))
    with transaction.atomic():
        template = template or OrientationTemplate(author=actor)
        template.event, template.task = (None, task) if task else (event, None)
        for name, value in fields.items():
            setattr(template, name, value)
        template.save()
        audit_record(
            actor=actor, action="orientation.save", target=template, active=template.is_active
        )
    return template


def orientations_due(*, now: datetime | None = None) -> int:
    """Send each active orientation template to the people on each of its shifts that
    start within its days. Returns how many messages were touched."""
    now = now or timezone.now()
    touched = 0
    for template in OrientationTemplate.objects.filter(is_active=True).select_related("event"):
        horizon = now + timedelta(days=template.days_before)
        scope = (
            Q(task__event_id=template.event_id)
            if template.event_id
            else Q(task_id=template.task_id)
        )
        for shift in _upcoming(now).filter(scope, starts_at__lte=horizon):
            _orient(template, shift)
            touched += 1
    return touched


def _orient(template: OrientationTemplate, shift: Shift) -> None:
    messages.send(
        ORIENTATION,
        to=_on_shift(shift),
        dedupe_key=f"orientation:{template.pk}:{shift.pk}",
        organisation_id=shift.task.event.organisation_id,
        shift_id=shift.pk,
        author_id=template.author_id,
        subject=template.subject,
        body_markdown=template.body_markdown,
    )


def unfilled_alerts_due(*, now: datetime | None = None) -> int:
    """Tell an organisation's coordinators, once per shift, about a shift that starts
    within the tenant's alert hours with places still free."""
    now = now or timezone.now()
    tenant = current_tenant()
    if not tenant.unfilled_alert_hours:
        return 0
    horizon = now + timedelta(hours=tenant.unfilled_alert_hours)
    shifts = (
        _upcoming(now)
        .filter(starts_at__lte=horizon, capacity__gt=F("confirmed_count") + F("offered_count"))
        .exclude(messages__kind=Kind.UNFILLED)
    )
    sent = 0
    for shift in shifts:
        _alert_unfilled(tenant, shift)
        sent += 1
    return sent


def _alert_unfilled(tenant: Tenant, shift: Shift) -> None:
    organisation = shift.task.event.organisation
    messages.send(
        UNFILLED,
        to=coordinators(organisation=organisation),
        dedupe_key=f"unfilled:{shift.pk}",
        params={"shift_id": shift.pk},
        organisation_id=organisation.pk,
        shift_id=shift.pk,
    )
