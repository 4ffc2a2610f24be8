"""Coordinators build events, tasks and shifts, publish, copy and cancel them."""

from datetime import datetime, timedelta
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from apps.shifts.models import Category, Event, Shift, SignUp, Task
from apps.shifts.notifications import signup_notice_send
from apps.shifts.services._common import FILL_WAITLIST, locked_shift
from apps.webhooks.services import event_emit
from kernel.tasks import enqueue_on_commit
from tenants import due

DEFAULT_OFFER_HOURS = Shift._meta.get_field("offer_hours").get_default()
MAX_RECURRING = 366  # a year of daily shifts; more is almost surely a typo in the end date


class EventDetails(TypedDict, total=False):
    """An event's fields besides its title and times (all optional when creating)."""

    description: str
    image: File | str  # "" takes the image away
    image_alt: str
    category: Category | None
    location_name: str
    address: str
    postcode: str
    area: str
    visibility: str  # Event.Visibility
    suitable_without_experience: bool
    contact_name: str
    contact_email: str
    contact_phone: str
    reminder_hours: int | None  # None: the site's default


class EventChanges(EventDetails, total=False):
    """The fields an edit may change; those left out keep their value."""

    title: str
    starts_at: datetime
    ends_at: datetime


def event_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    **details: Unpack[EventDetails],
) -> Event:
    require_coordinator(actor, organisation)
    event = Event(
        organisation=organisation, title=title, starts_at=starts_at, ends_at=ends_at, **details
    )
    event.full_clean()
    with transaction.atomic():
        event.save()
        audit_record(actor=actor, action="event.created", target=event)
    return event


def event_update(*, actor: User, event: Event, **changes: Unpack[EventChanges]) -> Event:
    require_coordinator(actor, event.organisation)
    for name, value in changes.items():
        setattr(event, name, value)
    event.full_clean()
    with transaction.atomic():
        event.save()
        audit_record(actor=actor, action="event.updated", target=event, fields=sorted(changes))
    return event


def event_publish(*, actor: User, event: Event) -> Event:
    require_coordinator(actor, event.organisation)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("A cancelled event cannot be published again; copy it instead."))
    if not Shift.objects.filter(task__event=event, is_cancelled=False).exists():
        raise ValidationError(_("Add at least one task with a shift before publishing."))
    if event.status == Event.Status.PUBLISHED:
        return event  # published already: keep the first publication time (digests use it)
    with transaction.atomic():
        event.status, event.published_at = Event.Status.PUBLISHED, timezone.now()
        event.save(update_fields=["status", "published_at"])
        audit_record(actor=actor, action="event.published", target=event)
    return event


def _require_open(event: Event) -> None:
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("The event is cancelled; copy it to plan it again."))


def task_create(
    *,
    actor: User,
    event: Event,
    title: str,
    description: str = "",
    meeting_point: str = "",
    min_age: int | None = None,
    skills: str = "",
    needs_child_check: bool = False,
) -> Task:
    require_coordinator(actor, event.organisation)
    _require_open(event)
    task = Task(
        event=event,
        title=title,
        description=description,
        meeting_point=meeting_point,
        min_age=min_age,
        skills=skills,
        needs_child_check=needs_child_check,
    )
    task.full_clean()
    with transaction.atomic():
        task.save()
        audit_record(actor=actor, action="task.created", target=task)
    return task


def shift_create(
    *,
    actor: User,
    task: Task,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    signup_deadline: datetime | None = None,
    waitlist_policy: str = Shift.Policy.PROMOTE,
    offer_hours: int = DEFAULT_OFFER_HOURS,
) -> Shift:
    return shifts_create(
        actor=actor,
        task=task,
        starts=[starts_at],
        ends_at=ends_at,
        capacity=capacity,
        signup_deadline=signup_deadline,
        waitlist_policy=waitlist_policy,
        offer_hours=offer_hours,
    )[0]


def shifts_create(
    *,
    actor: User,
    task: Task,
    starts: list[datetime],
    capacity: int,
    ends_at: datetime | None = None,
    duration: timedelta | None = None,
    signup_deadline: datetime | None = None,
    signup_closes_before: timedelta | None = None,
    waitlist_policy: str = Shift.Policy.PROMOTE,
    offer_hours: int = DEFAULT_OFFER_HOURS,
) -> list[Shift]:
    """Bulk creation: one shift per start time, all of the same length. In a series each
    shift's sign-up closes `signup_closes_before` its own start."""
    require_coordinator(actor, task.event.organisation)
    _require_open(task.event)
    length = duration or (ends_at - starts[0] if ends_at else None)
    if not length or length <= timedelta(0):
        raise ValidationError({"ends_at": [_("A shift must end after it starts.")]})
    if signup_closes_before is not None:
        signup_deadline = None
    shifts = [
        Shift(
            task=task,
            starts_at=start,
            ends_at=start + length,
            capacity=capacity,
            signup_deadline=signup_deadline,
            waitlist_policy=waitlist_policy,
            offer_hours=offer_hours,
        )
        for start in starts
    ]
    for shift in shifts:
        if signup_closes_before is not None:
            shift.signup_deadline = shift.starts_at - signup_closes_before
    for shift in shifts:
        shift.full_clean(exclude=["task"])
    with transaction.atomic():
        created = Shift.objects.bulk_create(shifts)
        due.wake_shift_watchers()  # no post_save per shift in a bulk insert
        audit_record(actor=actor, action="shifts.created", target=task, count=len(created))
    return created


def recurring_starts(*, first: datetime, until: datetime, every: timedelta) -> list[datetime]:
    """Start times of a daily or weekly pattern, in local time (DST changes keep the hour)."""
    local_first = timezone.localtime(first)
    starts: list[datetime] = []
    n = 0
    while True:
        naive = local_first.replace(tzinfo=None) + every * n
        start = timezone.make_aware(naive, local_first.tzinfo)
        if start > until:
            return starts
        if len(starts) >= MAX_RECURRING:
            raise ValidationError(_("At most %(n)s shifts at a time.") % {"n": MAX_RECURRING})
        starts.append(start)
        n += 1


def shift_update_capacity(*, actor: User, shift_id: int, capacity: int) -> Shift:
    with transaction.atomic():
        shift = locked_shift(shift_id)
        require_coordinator(actor, shift.task.event.organisation)
        taken = shift.confirmed_count + shift.offered_count
        if capacity < taken:
            raise ValidationError(
                _("%(taken)s people have a place; remove some before lowering the places to %(n)s.")
                % {"taken": taken, "n": capacity}
            )
        shift.capacity = capacity
        shift.save(update_fields=["capacity"])
        audit_record(actor=actor, action="shift.capacity", target=shift, capacity=capacity)
        enqueue_on_commit(FILL_WAITLIST, shift.pk)
    return shift


def shift_cancel(*, actor: User, shift_id: int, reason: str = "") -> Shift:
    """Everyone with a place or in line is told; their sign-ups end, their history stays."""
    with transaction.atomic():
        shift = locked_shift(shift_id)
        require_coordinator(actor, shift.task.event.organisation)
        _cancel_locked_shift(shift, actor, reason)
    shift.refresh_from_db()
    return shift


def _cancel_locked_shift(shift: Shift, actor: User, reason: str) -> None:
    if shift.is_cancelled:
        return
    active = list(
        SignUp.objects.filter(shift=shift, status__in=SignUp.ACTIVE).values_list("pk", flat=True)
    )
    SignUp.objects.filter(pk__in=active).update(
        status=SignUp.Status.CANCELLED,
        ended_at=timezone.now(),
        reason=reason[:500],
        changed_by=actor,
    )
    Shift.objects.filter(pk=shift.pk).update(
        is_cancelled=True, confirmed_count=0, offered_count=0, waitlist_count=0
    )
    audit_record(actor=actor, action="shift.cancelled", target=shift, told=len(active))
    event_emit(
        kind="shift.cancelled",
        organisation_id=shift.task.event.organisation_id,
        payload={"shift": shift.pk, "reason": reason[:500], "signups_ended": active},
    )
    for signup in SignUp.objects.filter(pk__in=active).select_related("shift__task__event"):
        signup_notice_send(signup=signup, status="shift_cancelled")


def event_cancel(*, actor: User, event: Event, reason: str = "") -> Event:
    require_coordinator(actor, event.organisation)
    with transaction.atomic():
        for shift_id in Shift.objects.filter(task__event=event).values_list("pk", flat=True):
            _cancel_locked_shift(locked_shift(shift_id), actor, reason)
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status"])
        audit_record(actor=actor, action="event.cancelled", target=event)
    return event


def event_copy(*, actor: User, event: Event, starts_at: datetime) -> Event:
    """A draft copy with the same tasks and shifts, moved to start at `starts_at`."""
    require_coordinator(actor, event.organisation)
    # Moved by wall-clock time, so a shift at 10:00 stays at 10:00 across a summer-time change.
    shift_by = _naive_local(starts_at) - _naive_local(event.starts_at)
    with transaction.atomic():
        copy = Event.objects.get(pk=event.pk)
        copy.pk, copy.id, copy._state.adding = None, None, True
        copy.status, copy.published_at = Event.Status.DRAFT, None
        copy.starts_at, copy.ends_at = (
            _moved(event.starts_at, shift_by),
            _moved(event.ends_at, shift_by),
        )
        copy.secret_token = Event._meta.get_field("secret_token").get_default()
        copy.save()
        for task in event.tasks.prefetch_related("shifts"):
            _copy_task(task, copy, shift_by)
        audit_record(actor=actor, action="event.copied", target=copy, source=event.pk)
    return copy


def _copy_task(task: Task, event: Event, shift_by: timedelta) -> None:
    shifts = [s for s in task.shifts.all() if not s.is_cancelled]
    task.pk, task.id, task._state.adding, task.event = None, None, True, event
    task.save()
    Shift.objects.bulk_create(
        Shift(
            task=task,
            starts_at=_moved(s.starts_at, shift_by),
            ends_at=_moved(s.ends_at, shift_by),
            capacity=s.capacity,
            waitlist_policy=s.waitlist_policy,
            offer_hours=s.offer_hours,
            signup_deadline=_moved(s.signup_deadline, shift_by) if s.signup_deadline else None,
        )
        for s in shifts
    )


def _naive_local(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def _moved(moment: datetime, by: timedelta) -> datetime:
    return timezone.make_aware(_naive_local(moment) + by)
