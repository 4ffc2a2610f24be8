"""Coordinators change many shifts of an event at once: their places, or cancel them.

All or nothing: one transaction, the shifts' rows locked first, all of them, in the order
of their ids (whatever order they were chosen in), so that two bulk changes over shifts in
common queue behind each other instead of deadlocking. Each shift is then changed by the
same service as a single change (planning.py), so the rules, the audit rows, the mails and
the waitlist fill (after the commit) are the ones that path has. A refusal names the
shift that gave it; nothing is changed then.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.organisations.permissions import require_coordinator
from apps.shifts.models import Event, Shift
from apps.shifts.services.planning import shift_cancel, shift_update_capacity
from kernel import dates

MAX_BULK = 1000  # more shifts than any event shows on one page


def describe_shift(shift: Shift) -> str:
    """The shift as a coordinator names it: its task and its start, in the tenant's time."""
    start = dates.show(shift.starts_at, "long_day_time")
    return f"{shift.task.title}, {start}"


def _locked_shifts(event: Event, shift_ids: Iterable[int]) -> list[Shift]:
    ids = sorted(set(shift_ids))
    if not ids:
        raise ValidationError(_("Choose at least one shift."), code="none")
    if len(ids) > MAX_BULK:
        raise ValidationError(_("At most %(n)s shifts at a time.") % {"n": MAX_BULK})
    # One statement, rows locked in id order: the lock order every bulk change shares.
    shifts = list(
        Shift.objects.select_for_update(of=("self",))
        .select_related("task")
        .filter(pk__in=ids, task__event=event)
        .order_by("pk")
    )
    if len(shifts) != len(ids):
        raise ValidationError(
            _("Some of the chosen shifts are no longer part of this event. Choose again."),
            code="gone",
        )
    return shifts


def _refused(errors: list[str]) -> ValidationError:
    return ValidationError([ValidationError(message, code="blocked") for message in errors])


def shifts_update_capacity(
    *, actor: User, event: Event, shift_ids: Iterable[int], capacity: int
) -> list[Shift]:
    """Give every chosen shift `capacity` places; where that frees places, the waitlist
    fill runs once per shift after the commit (as for a single change)."""
    require_coordinator(actor, event.organisation)
    errors: list[str] = []
    with transaction.atomic():
        shifts = _locked_shifts(event, shift_ids)
        for shift in shifts:
            if shift.is_cancelled:
                errors.append(
                    _("%(shift)s: the shift is cancelled.") % {"shift": describe_shift(shift)}
                )
                continue
            try:
                # Its own savepoint: a refusal here leaves the others to be checked too.
                shift_update_capacity(actor=actor, shift_id=shift.pk, capacity=capacity)
            except ValidationError as refusal:
                for message in refusal.messages:
                    errors.append(f"{describe_shift(shift)}: {message}")
        if errors:
            raise _refused(errors)  # the whole transaction is rolled back: nothing changed
        audit_record(
            actor=actor,
            action="shifts.bulk_capacity",
            target=event,
            capacity=capacity,
            shifts=[shift.pk for shift in shifts],
        )
    return shifts


def shifts_cancel(
    *, actor: User, event: Event, shift_ids: Iterable[int], reason: str = ""
) -> list[Shift]:
    """Cancel every chosen shift; everyone signed up, offered a place or in line is told
    once, by the single cancellation's mail. Shifts cancelled already are left as they are."""
    require_coordinator(actor, event.organisation)
    with transaction.atomic():
        shifts = _locked_shifts(event, shift_ids)
        cancelled = [
            shift_cancel(actor=actor, shift_id=shift.pk, reason=reason)
            for shift in shifts
            if not shift.is_cancelled
        ]
        audit_record(
            actor=actor,
            action="shifts.bulk_cancelled",
            target=event,
            shifts=[shift.pk for shift in cancelled],
        )
    return cancelled
