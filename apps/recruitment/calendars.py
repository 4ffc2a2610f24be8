"""The .ics attached to an invitation to a meeting (RFC 5546 REQUEST, times in UTC): the
interview here; apps.citizens' first meeting between a volunteer and a citizen."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, vCalAddress
from icalendar import Event as VEvent

from apps.accounts.models import User
from apps.recruitment.models import Interview
from tenants.selectors import current_tenant, tenant_url


@dataclass(frozen=True)
class Meeting:
    """What an invitation says: `uid_prefix` + the domain make its UID."""

    uid_prefix: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    place: str = ""
    description: str = ""


def meeting_calendar(
    *,
    meeting: Meeting,
    organiser: User | None,
    attendees: Sequence[User],
    now: datetime | None = None,
) -> bytes:
    tenant = current_tenant()
    domain = urlsplit(tenant_url(tenant, "")).hostname or tenant.schema_name
    calendar = Calendar()
    calendar.add("prodid", f"-//Tovholder//{tenant.name}//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    vevent = VEvent()
    vevent.add("uid", f"{meeting.uid_prefix}@{domain}")
    vevent.add("dtstamp", (now or timezone.now()).astimezone(UTC))
    vevent.add("dtstart", meeting.starts_at.astimezone(UTC))
    vevent.add("dtend", meeting.ends_at.astimezone(UTC))
    vevent.add("summary", meeting.summary)
    vevent.add("status", "CONFIRMED")
    vevent.add("sequence", 0)
    if meeting.place:
        vevent.add("location", meeting.place)
    vevent.add("description", meeting.description)
    # A REQUEST must name its organiser (RFC 5546); if the coordinator's account is gone,
    # the site's sending address stands in.
    if organiser is not None:
        address = vCalAddress(f"mailto:{organiser.email}")
        address.params["cn"] = organiser.full_name or organiser.email
    else:
        address = vCalAddress(f"mailto:{parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]}")
        address.params["cn"] = tenant.name
    vevent.add("organizer", address)
    for person in attendees:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = person.full_name or person.email
        attendee.params["role"] = "REQ-PARTICIPANT"
        attendee.params["partstat"] = "NEEDS-ACTION"
        attendee.params["rsvp"] = "TRUE"
        vevent.add("attendee", attendee)
    calendar.add_component(vevent)
    return calendar.to_ical()


def interview_calendar(*, interview: Interview, now: datetime | None = None) -> bytes:
    application = interview.application
    posting = application.posting
    meeting = Meeting(
        uid_prefix=f"interview-{interview.pk}",
        starts_at=interview.starts_at,
        ends_at=interview.ends_at,
        summary=_("Interview: %(title)s") % {"title": posting.title},
        place=interview.place,
        description="\n\n".join(
            part for part in (posting.organisation.name, interview.note) if part
        ),
    )
    return meeting_calendar(
        meeting=meeting, organiser=interview.organiser, attendees=[application.user], now=now
    )
