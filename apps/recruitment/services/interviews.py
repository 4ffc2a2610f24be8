"""Interviews: a time and place; the applicant gets an invitation with an .ics file."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.organisations.permissions import require_coordinator
from apps.recruitment.models import Application, Interview
from apps.recruitment.notifications import interview_invitation_send
from apps.recruitment.services._common import Refused
from apps.recruitment.services.pipeline import application_move
from kernel.times import now_or

SCHEDULABLE = (Application.Status.SCREENING, Application.Status.INTERVIEW)


def interview_schedule(
    *,
    actor: User,
    application: Application,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Interview:
    """Book the interview and queue the invitation. From screening it moves the application
    on to the interview stage (that move is logged like any other)."""
    now = now_or(now)
    require_coordinator(actor, application.posting.organisation)
    if ends_at <= starts_at:
        raise Refused({"ends_at": _("The interview must end after it starts.")})
    if starts_at <= now:
        raise Refused({"starts_at": _("Choose a time in the future.")})
    with transaction.atomic():
        if application.status not in SCHEDULABLE:
            raise Refused(
                _("Interviews can be booked while the application is in screening or interview.")
            )
        if application.status == Application.Status.SCREENING:
            application_move(
                actor=actor, application=application, to=Application.Status.INTERVIEW, now=now
            )
        interview = Interview.objects.create(
            application=application,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place.strip(),
            note=note.strip(),
            organiser=actor,
        )
        audit_record(actor=actor, action="interview.scheduled", target=interview)
        interview_invitation_send(interview=interview)
        Interview.objects.filter(pk=interview.pk).update(invitation_sent_at=now)
    return interview
