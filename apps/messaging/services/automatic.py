"""Messages the system sends by itself, from the beat every few minutes: reminders before a
shift, orientation mails some days before, and alerts to coordinators about unfilled
shifts. Each is a message with a dedupe key through the outbox (compose.notice_send), so a
tick that runs twice, or overlaps the next, sends nothing twice."""

from datetime import datetime, timedelta
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.messaging.models import Kind, OrientationTemplate
from apps.messaging.selectors import audience_users
from apps.messaging.services.compose import notice_send
from apps.organisations.permissions import require_coordinator
from apps.organisations.selectors import coordinators
from apps.shifts.models import Event, Shift, SignUp, Task
from tenants.models import Tenant
from tenants.selectors import current_tenant, tenant_locale, tenant_url

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
    context = _shift_context(tenant, shift)
    with tenant_locale(tenant):
        subject = render_to_string("emails/reminder_subject.txt", context).strip()
        body = render_to_string("emails/reminder_body.txt", context)
    notice_send(
        kind=Kind.REMINDER,
        dedupe_key=f"reminder:{shift.pk}",
        organisation=shift.task.event.organisation,
        subject=subject,
        body_markdown=body,
        users=_on_shift(shift),
        shift=shift,
    )


def _shift_context(tenant: Tenant, shift: Shift) -> dict:
    return {
        "tenant": tenant,
        "shift": shift,
        "task": shift.task,
        "event": shift.task.event,
        "event_url": tenant_url(tenant, reverse("event", args=[shift.task.event_id])),
    }


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
    notice_send(
        kind=Kind.ORIENTATION,
        dedupe_key=f"orientation:{template.pk}:{shift.pk}",
        organisation=shift.task.event.organisation,
        subject=template.subject,
        body_markdown=template.body_markdown,
        users=_on_shift(shift),
        shift=shift,
        author=template.author,
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
    context = _shift_context(tenant, shift)
    context["roster_url"] = tenant_url(tenant, reverse("planning-roster", args=[shift.pk]))
    with tenant_locale(tenant):
        subject = render_to_string("emails/unfilled_subject.txt", context).strip()
        body = render_to_string("emails/unfilled_body.txt", context)
    organisation = shift.task.event.organisation
    notice_send(
        kind=Kind.UNFILLED,
        dedupe_key=f"unfilled:{shift.pk}",
        organisation=organisation,
        subject=subject,
        body_markdown=body,
        users=coordinators(organisation=organisation),
        shift=shift,
    )


def offer_sms_send(*, signup_id: int) -> None:
    """A text message, to people who asked for one, that a place is offered to them from
    the waitlist (the mail about it is essential and goes out anyway)."""
    signup = SignUp.objects.select_related("shift__task__event__organisation").get(pk=signup_id)
    if signup.status != SignUp.Status.OFFERED or signup.offer_expires_at is None:
        return
    tenant, shift = current_tenant(), signup.shift
    with tenant_locale(tenant):
        subject = render_to_string("emails/offer_sms_subject.txt", _shift_context(tenant, shift))
    notice_send(
        kind=Kind.WAITLIST_OFFER,
        dedupe_key=f"offer:{signup.pk}:{signup.offer_expires_at.timestamp():.0f}",
        organisation=shift.task.event.organisation,
        subject=subject.strip(),
        body_markdown=subject.strip(),
        users=User.objects.filter(pk=signup.user_id),
        shift=shift,
        channels=("sms",),
    )
