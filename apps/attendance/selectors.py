from django.db.models import Count, QuerySet

from apps.accounts.models import User
from apps.attendance.models import Attendance
from apps.organisations.models import Organisation
from apps.shifts.models import Shift, SignUp


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
