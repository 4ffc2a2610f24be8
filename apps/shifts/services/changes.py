"""Coordinators change when things happen: a shift's times, or an event's (its shifts
moving along by the same wall-clock offset, unless the coordinator says not to).

Everyone with an active sign-up (a place, an offer or a place in line) on a shift whose
start or end changed gets one mail per change, however many of their shifts moved, through
the messaging outbox as an essential message (see notifications.shift_changes_send). People
in line hear too: the line may move them onto the shift at its new time by itself.

A coordinator's move is not refused for the volunteers' other shifts at the same time; the
confirm page warns about them (selectors.reschedule_preview).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.organisations.permissions import require_coordinator
from apps.shifts.clock import moved_by, wall_clock_offset
from apps.shifts.models import Event, Shift, SignUp
from apps.shifts.notifications import shift_changes_send
from apps.shifts.services._common import locked_shift
from apps.shifts.services.planning import EventChanges, _require_open
from apps.webhooks.services import event_emit
from tenants import due


@dataclass(frozen=True)
class Moved:
    shift_id: int
    was_start: datetime
    was_end: datetime


@dataclass(frozen=True)
class Rescheduled:
    moved: int  # shifts whose times changed
    told: int  # people mailed about it


def shift_reschedule(
    *,
    actor: User,
    shift_id: int,
    starts_at: datetime,
    ends_at: datetime,
    signup_deadline: datetime | None,
) -> Rescheduled:
    """New times for one shift; the people on it are told when its start or end changed."""
    with transaction.atomic():
        shift = locked_shift(shift_id)
        require_coordinator(actor, shift.task.event.organisation)
        _require_open(shift.task.event)
        if shift.is_cancelled:
            raise ValidationError(_("A cancelled shift cannot be moved."))
        was = Moved(shift.pk, shift.starts_at, shift.ends_at)
        was_deadline = shift.signup_deadline
        shift.starts_at, shift.ends_at = starts_at, ends_at
        shift.signup_deadline = signup_deadline
        if signup_deadline and signup_deadline > starts_at:
            raise ValidationError(
                {"signup_deadline": [_("The deadline must be before the shift starts.")]}
            )
        shift.full_clean(exclude=["task"])
        shift.save(update_fields=["starts_at", "ends_at", "signup_deadline"])
        moved = [was] if (was.was_start, was.was_end) != (starts_at, ends_at) else []
        told = _tell(moved, organisation_id=shift.task.event.organisation_id)
        _emit_changed(moved, [shift], organisation_id=shift.task.event.organisation_id)
        audit_record(
            actor=actor,
            action="shift.rescheduled",
            target=shift,
            was=[_iso(was.was_start), _iso(was.was_end), _iso(was_deadline)],
            now=[_iso(starts_at), _iso(ends_at), _iso(signup_deadline)],
            told=told,
        )
    return Rescheduled(moved=len(moved), told=told)


def event_reschedule(
    *, actor: User, event: Event, move_shifts: bool = True, **changes: Unpack[EventChanges]
) -> Rescheduled:
    """Save an event's changed fields, its times among them. With `move_shifts` every shift
    of the event (and its sign-up deadline) moves by the offset of the event's start."""
    require_coordinator(actor, event.organisation)
    with transaction.atomic():
        # The shifts first, then the event's row, in the order event_cancel takes them: two
        # changes of the same event queue instead of deadlocking.
        shifts = _locked_shifts(event)
        saved = Event.objects.select_for_update().get(pk=event.pk)
        was_start, was_end = saved.starts_at, saved.ends_at
        for name, value in changes.items():
            setattr(event, name, value)
        event.full_clean()
        event.save()
        audit_record(actor=actor, action="event.updated", target=event, fields=sorted(changes))
        moved: list[Moved] = []
        if move_shifts and event.starts_at != was_start:
            moved = _move_shifts(shifts, wall_clock_offset(was_start, event.starts_at))
        told = _tell(moved, organisation_id=event.organisation_id)
        _emit_changed(moved, shifts, organisation_id=event.organisation_id)
        audit_record(
            actor=actor,
            action="event.rescheduled",
            target=event,
            was=[_iso(was_start), _iso(was_end)],
            now=[_iso(event.starts_at), _iso(event.ends_at)],
            moved_shifts=len(moved),
            told=told,
        )
    return Rescheduled(moved=len(moved), told=told)


def _locked_shifts(event: Event) -> list[Shift]:
    return list(
        Shift.objects.select_for_update()
        .filter(task__event=event)
        .order_by("starts_at", "id")  # the order event_cancel locks them in
    )


def _move_shifts(shifts: list[Shift], offset: timedelta) -> list[Moved]:
    moved = []
    for shift in shifts:
        moved.append(Moved(shift.pk, shift.starts_at, shift.ends_at))
        shift.starts_at = moved_by(shift.starts_at, offset)
        shift.ends_at = moved_by(shift.ends_at, offset)
        if shift.signup_deadline:
            shift.signup_deadline = moved_by(shift.signup_deadline, offset)
    Shift.objects.bulk_update(shifts, ["starts_at", "ends_at", "signup_deadline"])
    due.wake_shift_watchers()  # no post_save per shift in a bulk update
    return moved


def _tell(moved: list[Moved], *, organisation_id: int) -> int:
    """Mail, after the commit, everyone with an active sign-up on a moved shift: one mail
    per person, naming all of their moved shifts. Returns how many people."""
    if not moved:
        return 0
    by_id = {m.shift_id: m for m in moved}
    rows = SignUp.objects.filter(
        shift_id__in=by_id, status__in=SignUp.ACTIVE, shift__is_cancelled=False
    ).values_list("user_id", "shift_id")
    shifts_of: dict[int, list[int]] = {}
    for user_id, shift_id in rows:
        shifts_of.setdefault(user_id, []).append(shift_id)
    # People with the same moved shifts get the same message (mostly: one per shift).
    groups: dict[tuple[int, ...], list[int]] = {}
    for user_id, shift_ids in shifts_of.items():
        groups.setdefault(tuple(sorted(shift_ids)), []).append(user_id)
    if groups:
        changes = [[m.shift_id, _iso(m.was_start), _iso(m.was_end)] for m in moved]
        payload = [[list(ids), sorted(users)] for ids, users in sorted(groups.items())]
        key = uuid.uuid4().hex[:16]  # the dedupe key's root: a retried task sends nothing twice
        shift_changes_send(
            key=key, organisation_id=organisation_id, changes=changes, groups=payload
        )
    return len(shifts_of)


def _emit_changed(moved: list[Moved], shifts: list[Shift], *, organisation_id: int) -> None:
    """One webhook event naming every moved shift, old and new times (apps.webhooks)."""
    if not moved:
        return
    now = {shift.pk: shift for shift in shifts}
    rows = [
        {
            "shift": m.shift_id,
            "starts_at": _iso(now[m.shift_id].starts_at),
            "ends_at": _iso(now[m.shift_id].ends_at),
            "was_starts_at": _iso(m.was_start),
            "was_ends_at": _iso(m.was_end),
        }
        for m in moved
    ]
    event_emit(kind="shift.changed", organisation_id=organisation_id, payload={"shifts": rows})


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
