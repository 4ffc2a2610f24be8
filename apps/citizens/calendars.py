"""The .ics of a first meeting, built with recruitment's invitation helper."""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.citizens.models import CitizenMatch
from apps.recruitment.calendars import Meeting, meeting_calendar

MEETING_LENGTH = timedelta(hours=1)


def first_meeting_calendar(*, match: CitizenMatch, now: datetime | None = None) -> bytes:
    assert match.meeting_at is not None  # a planned meeting (the database guarantees it)
    programme = match.referral.programme
    meeting = Meeting(
        uid_prefix=f"citizen-match-{match.pk}",
        starts_at=match.meeting_at,
        ends_at=match.meeting_at + MEETING_LENGTH,
        summary=_("First meeting: %(programme)s") % {"programme": programme.name},
        place=match.meeting_place,
        description=programme.organisation.name,
    )
    attendees: list[User] = [p for p in (match.volunteer, match.meeting_planned_by) if p]
    return meeting_calendar(
        meeting=meeting, organiser=match.meeting_planned_by, attendees=attendees, now=now
    )
