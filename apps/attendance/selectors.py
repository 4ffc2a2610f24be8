from datetime import datetime, time, timedelta

from django.db.models import Count, QuerySet

from apps.accounts.models import User
from apps.attendance.models import Attendance
from apps.organisations.models import Organisation
from apps.organisations.selectors import COORDINATING_ROLES
from apps.shifts.models import Shift, SignUp
from tenants.selectors import tenant_zone


def roll_call(*, shift: Shift) -> list[SignUp]:
    """The confirmed people of the shift with their attendance, in one query."""
    return list(
        SignUp.objects.filter(shift=shift, status=SignUp.Status.CONFIRMED)
        .select_related("user", "attendance")
        .order_by("user__full_name", "id")
    )


def no_shows_per_volunteer(*, organisations: list[Organisation]) -> QuerySet[User]:
    """Volunteers with at least one no-show on these organisations' shifts, most first."""
    where = {"signups__shift__task__event__organisation__in": organisations}
    return (
        User.objects.filter(**where, signups__attendance__status=Attendance.Status.NO_SHOW)
        .annotate(no_shows=Count("signups__attendance", distinct=True))
        .order_by("-no_shows", "full_name", "id")
    )


def day_roll_calls(*, user: User, shift: Shift, limit: int = 40) -> list[int]:
    """The other shifts of the same day the person may call the roll of: the service
    worker keeps their roll calls too, for a coordinator who walks between venues."""
    zone = tenant_zone()
    start = datetime.combine(shift.starts_at.astimezone(zone).date(), time(), tzinfo=zone)
    shifts = Shift.objects.filter(
        starts_at__gte=start, starts_at__lt=start + timedelta(days=1), is_cancelled=False
    ).exclude(pk=shift.pk)
    if not user.is_owner_admin:
        shifts = shifts.filter(
            task__event__organisation__roles__user=user,
            task__event__organisation__roles__role__in=COORDINATING_ROLES,
        )
    return list(shifts.order_by("starts_at", "pk").values_list("pk", flat=True).distinct()[:limit])
