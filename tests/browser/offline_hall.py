"""The offline browser tests' shift: today in the sports hall, begun half an hour ago, in a
club of its own (committed for the live server, removed after the test)."""

from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import User
from apps.attendance.models import Attendance, OfflineTick
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, SignUp, Task
from tests.browser.conftest import messages_remove


def hall_shift(club: str) -> Shift:
    organisation = Organisation.objects.create(name=club, is_approved=True)
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=30)
    event = Event.objects.create(
        organisation=organisation,
        title="Idrætsdag",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        status=Event.Status.PUBLISHED,
    )
    task = Task.objects.create(event=event, title="Indgang")
    return Shift.objects.create(
        task=task, starts_at=start, ends_at=start + timedelta(hours=3), capacity=2
    )


def hall_remove(club: str, prefix: str) -> None:
    """The club and everything the test made in it, its people's mails and audit rows."""
    signups = SignUp.objects.filter(shift__task__event__organisation__name=club)
    OfflineTick.objects.filter(signup__in=signups).delete()
    attendances = Attendance.objects.filter(signup__in=signups)
    AuditEvent.objects.filter(
        target_type="attendance.Attendance",
        target_id__in=[str(pk) for pk in attendances.values_list("pk", flat=True)],
    ).delete()
    messages_remove(club, User.objects.filter(email__startswith=prefix))
    Event.objects.filter(organisation__name=club).delete()  # all the rest with them
    Organisation.objects.filter(name=club).delete()
    User.objects.filter(email__startswith=prefix).delete()
