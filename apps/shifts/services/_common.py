from django.core.exceptions import ValidationError

from apps.accounts.models import User
from apps.shifts.models import Shift, SignUp
from tenants.models import Tenant
from tenants.selectors import current_tenant

# tasks.py calls these services, so the services name its task by its dotted path.
FILL_WAITLIST = "apps.shifts.tasks.fill_waitlist"


class Refused(ValidationError):
    """A sign-up rule said no; the message is for the volunteer, in their language."""


def locked_shift(shift_id: int) -> Shift:
    # The shift row is the lock every sign-up, cancellation and promotion of it queues on.
    # Its task, event and organisation come in the same query: every caller reads them.
    return (
        Shift.objects.select_for_update(of=("self",))
        .select_related("task__event__organisation")
        .get(pk=shift_id)
    )


def lock_user(user_id: int) -> None:
    # Taken after the shift's lock, never before: one order everywhere, so no deadlocks.
    User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True).first()


def lock_user_limits(user_id: int) -> tuple[int | None, int | None]:
    """lock_user, reading the workload the person chose (shifts, hours a month; None for
    no limit) in the same statement: only the person's row is locked, not the profile's."""
    # "pk" in the select list: without a column of its own, Django drops the OF and
    # PostgreSQL refuses to lock the outer join's nullable side.
    row = (
        User.objects.select_for_update(of=("self",))
        .filter(pk=user_id)
        .values_list("pk", "profile__max_shifts_per_month", "profile__max_hours_per_month")
        .first()
    )
    return (row[1], row[2]) if row else (None, None)


def clashing_signup(user_id: int, shift: Shift) -> SignUp | None:
    """A confirmed or offered place of the same person at an overlapping time."""
    return (
        SignUp.objects.filter(
            user_id=user_id,
            status__in=(SignUp.Status.CONFIRMED, SignUp.Status.OFFERED),
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
            shift__is_cancelled=False,
        )
        .exclude(shift=shift)
        .select_related("shift__task__event")
        .first()
    )


def tenant_policy() -> Tenant:
    return current_tenant()
