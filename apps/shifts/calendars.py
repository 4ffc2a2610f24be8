"""iCalendar (RFC 5545) feeds: a volunteer's own shifts, one shift, a tenant's public events.

Each builder runs a fixed number of queries however many rows a feed holds: one for the
tenant's domain and one for the rows. Times are written in UTC; every calendar still carries
the tenant's time zone as a VTIMEZONE (with X-WR-TIMEZONE), so that it holds at least one
component even when it has no event, as RFC 5545 requires, and is the same in every state.

A VEVENT's SEQUENCE rises with each change a subscriber must take over: an offer that became
a place, a place or event that was called off (SEQUENCE is derived from the state, which only
moves forward).
"""

import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.shifts.models import Event, Shift, SignUp, Task
from tenants.models import Tenant
from tenants.selectors import current_tenant, tenant_url

PERSONAL_HISTORY = timedelta(days=90)
PUBLIC_HISTORY = timedelta(days=30)
# The span the VTIMEZONE describes: the feeds' history back, and some years ahead.
ZONE_BEFORE, ZONE_AFTER = timedelta(days=366), timedelta(days=3 * 366)
# Subscribed calendars poll the feed; once an hour keeps them fresh without hammering us.
REFRESH = timedelta(hours=1)
HOLDS_A_PLACE = (SignUp.Status.CONFIRMED, SignUp.Status.OFFERED)


@dataclass(frozen=True)
class _Site:
    tenant: Tenant
    origin: str  # scheme://host[:port] of the tenant's site, for links
    domain: str  # the right-hand side of every UID
    now: datetime


def _site(now: datetime | None) -> _Site:
    tenant = current_tenant()
    origin = tenant_url(tenant, "")  # the one query for the domain; links reuse it
    domain = urlsplit(origin).hostname or tenant.schema_name
    return _Site(tenant, origin, domain, now or timezone.now())


# --- reads -------------------------------------------------------------------------------


def calendar_owner(*, token: uuid.UUID) -> User | None:
    """The person whose personal feed this token opens, in the current schema only."""
    return User.objects.filter(calendar_token=token, is_active=True).first()


def shift_for_download(*, shift_id: int, user: User | AnonymousUser) -> Shift | None:
    """The shift, if this visitor may see its event: published and public, or signed up."""
    shift = Shift.objects.select_related("task__event").filter(pk=shift_id).first()
    if shift is None:
        return None
    event = shift.task.event
    if event.status == Event.Status.PUBLISHED and event.visibility == Event.Visibility.PUBLIC:
        return shift
    if not user.is_authenticated:
        return None
    mine = SignUp.objects.filter(shift=shift, user_id=user.pk, status__in=SignUp.ACTIVE)
    return shift if mine.exists() else None


def _personal_signups(user: User, now: datetime) -> QuerySet[SignUp]:
    # A place that has ended (cancelled, removed, expired offer, shift called off) stays in
    # the feed as CANCELLED, so a calendar that cached it drops it. Places in line never
    # were in the feed and stay out.
    had_place = (
        Q(status__in=HOLDS_A_PLACE)
        | Q(confirmed_at__isnull=False)
        | Q(offer_expires_at__isnull=False)
    )
    return (
        SignUp.objects.filter(had_place, user=user, shift__ends_at__gte=now - PERSONAL_HISTORY)
        .select_related("shift__task__event")
        .order_by("shift__starts_at", "id")
    )


def _public_events(now: datetime) -> QuerySet[Event]:
    # Cancelled events stay (as CANCELLED) if they were ever published, so subscribers drop them.
    shown = Q(status=Event.Status.PUBLISHED) | Q(
        status=Event.Status.CANCELLED, published_at__isnull=False
    )
    return (
        Event.objects.filter(
            shown, visibility=Event.Visibility.PUBLIC, ends_at__gte=now - PUBLIC_HISTORY
        )
        .select_related("organisation")
        .order_by("starts_at", "id")
    )


# --- writes ------------------------------------------------------------------------------


def calendar_token_reset(*, user: User) -> uuid.UUID:
    """A new secret for the personal feed; the old address stops working at once."""
    user.calendar_token = uuid.uuid4()
    user.save(update_fields=["calendar_token"])
    audit_record(actor=user, action="calendar.token_reset", target=user)
    return user.calendar_token


# --- builders ----------------------------------------------------------------------------


def personal_calendar(*, user: User, now: datetime | None = None) -> bytes:
    """The person's places (confirmed and offered), upcoming and of the last 90 days."""
    site = _site(now)
    calendar = _calendar(site, name=f"{site.tenant.name}: {_('My shifts')}", feed=True)
    for signup in _personal_signups(user, site.now):
        uid = f"signup-{signup.pk}@{site.domain}"
        status = _status(signup)
        vevent = _shift_vevent(
            signup.shift, site, uid=uid, status=status, sequence=_SIGNUP_SEQUENCE[status]
        )
        calendar.add_component(vevent)
    return calendar.to_ical()


def shift_calendar(*, shift: Shift, now: datetime | None = None) -> bytes:
    """One shift to import (METHOD:PUBLISH); `shift` comes with its task and event."""
    site = _site(now)
    calendar = _calendar(site, name=site.tenant.name, feed=False)
    cancelled = shift.is_cancelled or shift.task.event.status == Event.Status.CANCELLED
    status = "CANCELLED" if cancelled else "CONFIRMED"
    uid = f"shift-{shift.pk}@{site.domain}"
    vevent = _shift_vevent(shift, site, uid=uid, status=status, sequence=_EVENT_SEQUENCE[status])
    calendar.add_component(vevent)
    return calendar.to_ical()


def public_calendar(*, now: datetime | None = None) -> bytes:
    """Published public events that have not ended more than 30 days ago."""
    site = _site(now)
    calendar = _calendar(site, name=site.tenant.name, feed=True)
    for event in _public_events(site.now):
        calendar.add_component(_event_vevent(event, site))
    return calendar.to_ical()


def _calendar(site: _Site, *, name: str, feed: bool) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//Tovholder//{site.tenant.name}//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", site.tenant.timezone)
    if feed:
        # RFC 7986 and Outlook's older name for the same hint.
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    else:
        calendar.add("method", "PUBLISH")
    calendar.add_component(
        Timezone.from_ical(_vtimezone(site.tenant.timezone, site.now.astimezone(UTC).year))
    )
    return calendar


@lru_cache(maxsize=32)
def _vtimezone(tzid: str, year: int) -> bytes:
    """The zone's rules around `year`, as one VTIMEZONE (STANDARD and DAYLIGHT parts)."""
    middle = date(year, 7, 1)
    zone = Timezone.from_tzinfo(
        zoneinfo.ZoneInfo(tzid),
        tzid=tzid,
        first_date=middle - ZONE_BEFORE,
        last_date=middle + ZONE_AFTER,
    )
    zone.pop("COMMENT", None)  # a note in English on the span; not a VTIMEZONE property
    return zone.to_ical()


# How far a VEVENT has moved on: a calendar keeps the copy with the higher SEQUENCE.
_SIGNUP_SEQUENCE = {"TENTATIVE": 0, "CONFIRMED": 1, "CANCELLED": 2}
_EVENT_SEQUENCE = {"CONFIRMED": 0, "CANCELLED": 1}


def _status(signup: SignUp) -> str:
    shift = signup.shift
    if (
        signup.status not in HOLDS_A_PLACE
        or shift.is_cancelled
        or shift.task.event.status == Event.Status.CANCELLED
    ):
        return "CANCELLED"
    return "TENTATIVE" if signup.status == SignUp.Status.OFFERED else "CONFIRMED"


def _shift_vevent(shift: Shift, site: _Site, *, uid: str, status: str, sequence: int) -> VEvent:
    task, event = shift.task, shift.task.event
    # Whoever gets this shift's calendar may see the event, so a secret event's link works.
    url = _event_url(event, site, with_secret=event.visibility == Event.Visibility.SECRET)
    vevent = _vevent(uid, site, start=shift.starts_at, end=shift.ends_at, status=status)
    vevent.add("sequence", sequence)
    vevent.add("summary", f"{event.title} – {task.title}")
    _add_location(vevent, event)
    vevent.add("description", _lines(_meeting_point(task), url))
    vevent.add("url", url)
    return vevent


def _event_vevent(event: Event, site: _Site) -> VEvent:
    cancelled = event.status == Event.Status.CANCELLED
    uid = f"event-{event.pk}@{site.domain}"
    url = _event_url(event, site, with_secret=False)
    status = "CANCELLED" if cancelled else "CONFIRMED"
    vevent = _vevent(uid, site, start=event.starts_at, end=event.ends_at, status=status)
    vevent.add("sequence", _EVENT_SEQUENCE[status])
    vevent.add("summary", event.title)
    _add_location(vevent, event)
    vevent.add("description", _lines(event.organisation.name, event.description, url))
    vevent.add("url", url)
    return vevent


def _vevent(uid: str, site: _Site, *, start: datetime, end: datetime, status: str) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", _utc(site.now))
    vevent.add("dtstart", _utc(start))
    vevent.add("dtend", _utc(end))
    vevent.add("status", status)
    return vevent


def _add_location(vevent: VEvent, event: Event) -> None:
    location = ", ".join(part for part in (event.location_name, event.address) if part)
    if location:
        vevent.add("location", location)


def _meeting_point(task: Task) -> str:
    if not task.meeting_point:
        return ""
    return f"{_('Meeting point')}: {task.meeting_point}"  # as the event page says it


def _lines(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def _event_url(event: Event, site: _Site, *, with_secret: bool) -> str:
    path = reverse("event", args=[event.pk])
    if with_secret:
        path += f"?n={event.secret_token}"  # the event page's parameter for the secret link
    return site.origin + path


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
