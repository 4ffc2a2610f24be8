"""The .ics attached to an interview invitation (RFC 5546 REQUEST, times in UTC)."""

from datetime import UTC, datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, vCalAddress
from icalendar import Event as VEvent

from apps.recruitment.models import Interview
from tenants.selectors import current_tenant, tenant_url


def interview_calendar(*, interview: Interview, now: datetime | None = None) -> bytes:
    tenant = current_tenant()
    domain = urlsplit(tenant_url(tenant, "")).hostname or tenant.schema_name
    application = interview.application
    posting = application.posting
    calendar = Calendar()
    calendar.add("prodid", f"-//Tovholder//{tenant.name}//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    vevent = VEvent()
    vevent.add("uid", f"interview-{interview.pk}@{domain}")
    vevent.add("dtstamp", (now or timezone.now()).astimezone(UTC))
    vevent.add("dtstart", interview.starts_at.astimezone(UTC))
    vevent.add("dtend", interview.ends_at.astimezone(UTC))
    vevent.add("summary", _("Interview: %(title)s") % {"title": posting.title})
    vevent.add("status", "CONFIRMED")
    vevent.add("sequence", 0)
    if interview.place:
        vevent.add("location", interview.place)
    description = "\n\n".join(part for part in (posting.organisation.name, interview.note) if part)
    vevent.add("description", description)
    # A REQUEST must name its organiser (RFC 5546); if the coordinator's account is gone,
    # the site's sending address stands in.
    if interview.organiser is not None:
        organiser = vCalAddress(f"mailto:{interview.organiser.email}")
        organiser.params["cn"] = interview.organiser.full_name or interview.organiser.email
    else:
        organiser = vCalAddress(f"mailto:{parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]}")
        organiser.params["cn"] = tenant.name
    vevent.add("organizer", organiser)
    attendee = vCalAddress(f"mailto:{application.user.email}")
    attendee.params["cn"] = application.user.full_name or application.user.email
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = "NEEDS-ACTION"
    attendee.params["rsvp"] = "TRUE"
    vevent.add("attendee", attendee)
    calendar.add_component(vevent)
    return calendar.to_ical()
