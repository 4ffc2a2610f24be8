"""Reads for the home page after sign-in ("Oversigt"): a section per role, each read in a
fixed number of queries however much data there is (tests/apps/home/test_queries.py counts
them exactly).

- Coordinator (an admin or coordinator role in one or more organisations): today's and the
  rest of this week's shifts, unfilled shifts of the next 14 days, new applications, waitlist
  offers waiting for an answer, groups with new posts. Only the organisations the person
  holds a role in: a system-owner admin coordinates everywhere, but their home would drown.
- System-owner admin: the set-up checklist, then the month's key figures (apps.reports).
- Volunteer: the next shift, offers to answer, suggestions. Everyone may volunteer; a
  coordinator or admin sees this section only while they have a shift or an offer.

Every boundary ("today", "this week", "this month") is taken in the tenant's time zone.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, TypeVar

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.groups.models import Group, Post
from apps.home.models import GroupVisit, HomeState
from apps.legal.selectors import setup_status
from apps.organisations.models import Follow, Organisation, OrganisationRole
from apps.organisations.selectors import COORDINATING_ROLES
from apps.recruitment.models import Application
from apps.reports.figures import Period, report_figures
from apps.shifts.models import Event, Shift, SignUp
from apps.shifts.selectors import EventFilters, marketplace_events
from tenants.models import Tenant
from tenants.selectors import tenant_zone

SOON_DAYS = 14  # "unfilled shifts soon": starting within this many days
WEEK_LIMIT = 30  # shifts listed for today and this week; the rest are one click away
LIST_LIMIT = 10  # rows of the other lists
SUGGESTIONS = 4
# A group never opened counts posts of this long back as new, not its whole history.
NEW_POSTS_WINDOW = timedelta(days=30)

T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    """The first rows of a list and how many there are in all (one query: a window count)."""

    items: list[T]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    def __bool__(self) -> bool:
        return self.total > 0


def _listing(rows: QuerySet[Any], limit: int) -> Listing[Any]:
    items = list(rows.annotate(listing_total=Window(Count("pk")))[:limit])
    return Listing(items, items[0].listing_total if items else 0)


# --- time, in the tenant's zone ----------------------------------------------------------


@dataclass(frozen=True)
class Days:
    """Today, the rest of this week (Monday to Sunday) and the next SOON_DAYS, as instants."""

    now: datetime
    today: date
    today_start: datetime
    tomorrow_start: datetime
    week_end: datetime  # Monday 00:00 of next week
    soon_end: datetime

    @classmethod
    def at(cls, now: datetime, zone: zoneinfo.ZoneInfo) -> Days:
        today = now.astimezone(zone).date()
        monday = today + timedelta(days=7 - today.weekday())

        def midnight(day: date) -> datetime:
            return datetime.combine(day, time.min, tzinfo=zone)

        return cls(
            now=now,
            today=today,
            today_start=midnight(today),
            tomorrow_start=midnight(today + timedelta(days=1)),
            week_end=midnight(monday),
            soon_end=now + timedelta(days=SOON_DAYS),
        )


# --- coordinator --------------------------------------------------------------------------


@dataclass(frozen=True)
class CoordinatorHome:
    organisations: list[Organisation]
    today: list[Shift]
    later_this_week: list[Shift]
    week_more: int  # shifts of this week not listed
    unfilled: Listing[Shift]
    applications: Listing[Application]
    offers: Listing[SignUp]
    groups: Listing[Group]


def organisations_with_role(*, user: User) -> list[Organisation]:
    """Where the person holds an admin or coordinator role (not the admin's blanket right)."""
    roles = OrganisationRole.objects.filter(user=user, role__in=COORDINATING_ROLES)
    return list(Organisation.objects.filter(pk__in=roles.values("organisation_id")))


def _live_shifts(organisation_ids: list[int]) -> QuerySet[Shift]:
    """Shifts of the organisations' published events that are not cancelled."""
    return (
        Shift.objects.filter(
            task__event__organisation_id__in=organisation_ids,
            task__event__status=Event.Status.PUBLISHED,
            is_cancelled=False,
        )
        .select_related("task__event__organisation")
        .order_by("starts_at", "id")
    )


def week_shifts(*, organisation_ids: list[int], days: Days) -> tuple[list[Shift], list[Shift], int]:
    """Today's shifts (also those over already) and the rest of the week's, in one query."""
    week = _listing(
        _live_shifts(organisation_ids).filter(
            starts_at__gte=days.today_start, starts_at__lt=days.week_end
        ),
        WEEK_LIMIT,
    )
    today = [shift for shift in week.items if shift.starts_at < days.tomorrow_start]
    later = [shift for shift in week.items if shift.starts_at >= days.tomorrow_start]
    return today, later, week.more


def unfilled_soon(*, organisation_ids: list[int], days: Days) -> Listing[Shift]:
    """Shifts starting within SOON_DAYS with a place nobody has (confirmed or offered)."""
    shifts = _live_shifts(organisation_ids).filter(
        starts_at__gt=days.now,
        starts_at__lt=days.soon_end,
        confirmed_count__lt=F("capacity") - F("offered_count"),
    )
    return _listing(shifts, LIST_LIMIT)


def new_applications(*, organisation_ids: list[int]) -> Listing[Application]:
    """Applications nobody has looked at yet (still 'received'), newest first."""
    applications = (
        Application.objects.filter(
            posting__organisation_id__in=organisation_ids, status=Application.Status.RECEIVED
        )
        .select_related("user", "posting__organisation")
        .order_by("-created_at", "-id")
    )
    return _listing(applications, LIST_LIMIT)


def _open_offer(days: Days) -> Q:
    """Offered and still open: an offer past its time waits only for the task closing it."""
    return Q(status=SignUp.Status.OFFERED, shift__ends_at__gt=days.now) & (
        Q(offer_expires_at__isnull=True) | Q(offer_expires_at__gt=days.now)
    )


def offers_waiting(*, organisation_ids: list[int], days: Days) -> Listing[SignUp]:
    """Places offered from the waitlist that the volunteer has not answered; first to expire
    first."""
    offers = (
        SignUp.objects.filter(
            _open_offer(days), shift__task__event__organisation_id__in=organisation_ids
        )
        .select_related("user", "shift__task__event")
        .order_by("offer_expires_at", "id")
    )
    return _listing(offers, LIST_LIMIT)


def groups_with_new_posts(*, user: User, organisation_ids: list[int], days: Days) -> Listing[Group]:
    """The organisations' open groups with posts by others since the person last opened them
    (or within NEW_POSTS_WINDOW, for a group never opened); `new_posts` on each."""
    seen = GroupVisit.objects.filter(user=user, group=OuterRef("pk")).values("seen_at")[:1]
    new = (
        Post.objects.filter(
            group=OuterRef("pk"), hidden_at__isnull=True, created_at__gt=OuterRef("since")
        )
        .exclude(author=user)
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    groups = (
        Group.objects.filter(organisation_id__in=organisation_ids, archived_at__isnull=True)
        .annotate(since=Coalesce(Subquery(seen), Value(days.now - NEW_POSTS_WINDOW)))
        .annotate(new_posts=Coalesce(Subquery(new), 0))
        .filter(new_posts__gt=0)
        .select_related("organisation")
        .order_by("-new_posts", "name", "id")
    )
    return _listing(groups, LIST_LIMIT)


def coordinator_home(*, user: User, days: Days) -> CoordinatorHome | None:
    organisations = organisations_with_role(user=user)
    if not organisations:
        return None
    ids = [organisation.pk for organisation in organisations]
    today, later, week_more = week_shifts(organisation_ids=ids, days=days)
    return CoordinatorHome(
        organisations=organisations,
        today=today,
        later_this_week=later,
        week_more=week_more,
        unfilled=unfilled_soon(organisation_ids=ids, days=days),
        applications=new_applications(organisation_ids=ids),
        offers=offers_waiting(organisation_ids=ids, days=days),
        groups=groups_with_new_posts(user=user, organisation_ids=ids, days=days),
    )


# --- system-owner admin -------------------------------------------------------------------


@dataclass(frozen=True)
class LegalPages:
    """Whether the site has published its own privacy notice and accessibility statement.

    `available` is False while the site has no legal pages to publish: the checklist then
    shows the items as coming and does not wait for them."""

    available: bool
    privacy_published: bool = False
    accessibility_published: bool = False
    edit_url: str = ""


def legal_pages_status() -> LegalPages:
    """Has the site published its own privacy notice and accessibility statement? (The
    standard texts every tenant starts with do not count: apps.legal.selectors.)"""
    status = setup_status()
    return LegalPages(
        available=True,
        privacy_published=status.privacy_published,
        accessibility_published=status.accessibility_published,
        edit_url=reverse("legal-settings"),
    )


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str | Promise
    done: bool
    url: str = ""  # where the admin does it; empty when Tovholder does it for them
    hint: str | Promise = ""
    available: bool = True


@dataclass(frozen=True)
class Checklist:
    items: list[ChecklistItem]
    dismissed: bool

    @property
    def counted(self) -> list[ChecklistItem]:
        return [item for item in self.items if item.available]

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.counted)

    @property
    def complete(self) -> bool:
        return all(item.done for item in self.counted)

    @property
    def put_away(self) -> bool:
        """Done or dismissed: the month's figures take its place."""
        return self.complete or self.dismissed


def _default(field: str) -> str:
    return str(Tenant._meta.get_field(field).get_default())


VENDOR_HINT = _("Tovholder sets this for you: write to your contact at Tovholder.")


def setup_checklist(*, user: User, tenant: Tenant) -> Checklist:
    """What a new site needs before volunteers arrive; three queries."""
    dismissed = HomeState.objects.filter(user=user, checklist_dismissed_at__isnull=False).exists()
    # Invited: an approved organisation has someone with a role who is not one of the
    # system owner's admins (an admin who registers an organisation becomes its admin).
    invited = OrganisationRole.objects.filter(
        organisation__is_approved=True, user__is_owner_admin=False
    ).exists()
    published = Event.objects.filter(published_at__isnull=False).exists()
    legal = legal_pages_status()
    colours_chosen = (tenant.primary_colour, tenant.accent_colour) != (
        _default("primary_colour"),
        _default("accent_colour"),
    )
    items = [
        ChecklistItem("logo", _("Logo uploaded"), bool(tenant.logo), hint=VENDOR_HINT),
        ChecklistItem("colours", _("The site's colours chosen"), colours_chosen, hint=VENDOR_HINT),
        ChecklistItem(
            "privacy",
            _("Privacy notice published"),
            legal.privacy_published,
            url=legal.edit_url,
            available=legal.available,
        ),
        ChecklistItem(
            "accessibility",
            _("Accessibility statement published"),
            legal.accessibility_published,
            url=legal.edit_url,
            available=legal.available,
        ),
        ChecklistItem(
            "organisation",
            _("First organisation invited"),
            invited,
            url=reverse("organisations"),
            hint=_("Create an organisation and invite its coordinator from its page."),
        ),
        ChecklistItem(
            "event",
            _("First event published"),
            published,
            url=reverse("planning"),
            hint=_("Plan an event with tasks and shifts, then publish it."),
        ),
        ChecklistItem(
            "sender",
            _("Sending name set"),
            bool(tenant.sms_sender.strip()),
            hint=VENDOR_HINT,
        ),
    ]
    return Checklist(items=items, dismissed=dismissed)


@dataclass(frozen=True)
class MonthFigures:
    period: Period
    totals: dict[str, Any]
    report_url: str


def month_figures(*, today: date) -> MonthFigures:
    """This month's key figures for the whole site, from the reports' own SQL
    (apps.reports.figures): active volunteers, hours, fill rate, new volunteers."""
    start = today.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    period = Period(start, end)
    figures = report_figures(period, organisation_id=None, breakdowns=False)
    url = f"{reverse('reports')}?start={start.isoformat()}&end={end.isoformat()}"
    return MonthFigures(period=period, totals=figures["totals"], report_url=url)


@dataclass(frozen=True)
class AdminHome:
    checklist: Checklist
    figures: MonthFigures | None


def admin_home(*, user: User, tenant: Tenant, days: Days) -> AdminHome:
    checklist = setup_checklist(user=user, tenant=tenant)
    figures = month_figures(today=days.today) if checklist.put_away else None
    return AdminHome(checklist=checklist, figures=figures)


# --- volunteer ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerHome:
    next_shift: SignUp | None
    upcoming: int  # confirmed places not over yet, the next one included
    offers: Listing[SignUp]
    suggestions: list[Event]
    personal: bool  # the suggestions come from what the person follows or helped with


def next_shift(*, user: User, days: Days) -> Listing[SignUp]:
    places = (
        SignUp.objects.filter(
            user=user,
            status=SignUp.Status.CONFIRMED,
            shift__ends_at__gt=days.now,
            shift__is_cancelled=False,
        )
        .select_related("shift__task__event__organisation")
        .order_by("shift__starts_at", "id")
    )
    return _listing(places, 1)


def my_offers(*, user: User, days: Days) -> Listing[SignUp]:
    offers = (
        SignUp.objects.filter(_open_offer(days), user=user)
        .select_related("shift__task__event__organisation")
        .order_by("offer_expires_at", "id")
    )
    return _listing(offers, LIST_LIMIT)


def suggestions(*, user: User, days: Days) -> tuple[list[Event], bool]:
    """Upcoming public events with free places, from organisations or categories the person
    follows or organisations they have helped before; or, without any, the soonest events
    with free places. Events they already have a place or an offer on are left out. One
    query: the marketplace's own (apps.shifts.selectors.marketplace_events)."""
    follows = Follow.objects.filter(user=user)
    helped = SignUp.objects.filter(user=user, status=SignUp.Status.CONFIRMED)
    relevant = (
        Q(organisation_id__in=follows.filter(organisation__isnull=False).values("organisation"))
        | Q(category_id__in=follows.filter(category__isnull=False).values("category"))
        | Q(organisation_id__in=helped.values("shift__task__event__organisation"))
    )
    mine = SignUp.objects.filter(
        user=user, status__in=SignUp.ACTIVE, shift__task__event=OuterRef("pk")
    )
    events: list[Event] = list(
        marketplace_events(filters=EventFilters(), now=days.now)
        .filter(free_places__gt=0)  # type: ignore[misc]  # annotated by marketplace_events
        .exclude(Exists(mine))
        .annotate(
            relevant=Case(
                When(relevant, then=Value(True)), default=False, output_field=BooleanField()
            )
        )
        .order_by("-relevant", "starts_at", "id")[:SUGGESTIONS]
    )
    personal = bool(events and events[0].relevant)  # type: ignore[attr-defined]
    if personal:
        events = [event for event in events if event.relevant]  # type: ignore[attr-defined]
    return events, personal


def volunteer_home(*, user: User, days: Days, only_if_busy: bool) -> VolunteerHome | None:
    upcoming = next_shift(user=user, days=days)
    offers = my_offers(user=user, days=days)
    if only_if_busy and not upcoming and not offers:
        return None
    events, personal = suggestions(user=user, days=days)
    return VolunteerHome(
        next_shift=upcoming.items[0] if upcoming.items else None,
        upcoming=upcoming.total,
        offers=offers,
        suggestions=events,
        personal=personal,
    )


# --- the whole page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Home:
    admin: AdminHome | None
    coordinator: CoordinatorHome | None
    volunteer: VolunteerHome | None

    @property
    def sections(self) -> int:
        return sum(part is not None for part in (self.admin, self.coordinator, self.volunteer))


def home_for(*, user: User, tenant: Tenant, now: datetime | None = None) -> Home:
    """Each of the person's roles' sections. Queries: coordinator 6 (1 without a role),
    admin 3, and the report's once the checklist is put away (6; 8 inside a transaction),
    volunteer 3 (2 for a coordinator or admin without a shift or offer, whose section is then
    left out)."""
    days = Days.at(now or timezone.now(), tenant_zone())
    admin = admin_home(user=user, tenant=tenant, days=days) if user.is_owner_admin else None
    coordinator = coordinator_home(user=user, days=days)
    volunteer = volunteer_home(user=user, days=days, only_if_busy=bool(admin or coordinator))
    return Home(admin=admin, coordinator=coordinator, volunteer=volunteer)
