"""Reads for the marketplace, event pages and "my shifts": a fixed number of queries each."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from apps.accounts.models import User
from apps.organisations.selectors import can_coordinate
from apps.shifts.models import Event, Shift, SignUp


@dataclass(frozen=True)
class EventFilters:
    q: str = ""
    category: str = ""
    organisation: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    area: str = ""
    free_now: bool = False
    beginners: bool = False


def marketplace_events(filters: EventFilters, *, now: datetime | None = None) -> QuerySet[Event]:
    """Published public events that have not ended, with their free places counted in SQL."""
    now = now or timezone.now()
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED,
        visibility=Event.Visibility.PUBLIC,
        ends_at__gt=now,
        organisation__is_approved=True,  # an actor the system owner has not approved stays off
    )
    events = _apply_filters(events, filters, now)
    # A correlated subquery, not a join and GROUP BY: it runs for the 20 events on the page
    # only, and the paginator's count stays a plain count (measured: 40 ms -> 7 ms, bench/).
    free = (
        Shift.objects.filter(task__event=OuterRef("pk"), is_cancelled=False, starts_at__gt=now)
        .order_by()
        .values("task__event")
        .annotate(n=Sum(Greatest(F("capacity") - F("confirmed_count") - F("offered_count"), 0)))
        .values("n")
    )
    return (
        events.select_related("organisation", "category")
        .annotate(free_places=Coalesce(Subquery(free), 0))
        .order_by("starts_at", "id")
    )


def _apply_filters(events: QuerySet[Event], f: EventFilters, now: datetime) -> QuerySet[Event]:
    if f.q:
        events = events.filter(
            Q(title__icontains=f.q)
            | Q(description__icontains=f.q)
            | Q(organisation__name__icontains=f.q)
        )
    if f.category:
        events = events.filter(category__slug=f.category)
    if f.organisation:
        events = events.filter(organisation_id=f.organisation)
    if f.area:
        events = events.filter(Q(area__iexact=f.area) | Q(postcode=f.area))
    if f.date_from:
        events = events.filter(ends_at__gte=_day_start(f.date_from))
    if f.date_to:
        events = events.filter(starts_at__lt=_day_start(f.date_to, next_day=True))
    if f.beginners:
        events = events.filter(suitable_without_experience=True)
    if f.free_now:
        free_shift = Shift.objects.filter(
            task__event=OuterRef("pk"),
            is_cancelled=False,
            starts_at__gt=now,
            confirmed_count__lt=F("capacity") - F("offered_count"),
            waitlist_count=0,
        )
        events = events.filter(Exists(free_shift))
    return events


def _day_start(day: date, *, next_day: bool = False) -> datetime:
    from datetime import timedelta

    start = datetime.combine(day + timedelta(days=1 if next_day else 0), time.min)
    return timezone.make_aware(start)


def event_for_page(*, event_id: int, user: User | None, token: str = "") -> Event | None:
    """The event with its tasks and open shifts, if this visitor may see it."""
    visible = Q(status__in=(Event.Status.PUBLISHED, Event.Status.CANCELLED))
    events = Event.objects.filter(visible).select_related("organisation", "category")
    event = events.filter(pk=event_id).first()
    if event is None or not _may_see(event, user, token):
        return None
    # Ended shifts are history: leaving them out keeps long-running events' pages light.
    shifts = Shift.objects.filter(ends_at__gt=timezone.now()).order_by("starts_at", "id")
    tasks = event.tasks.order_by("id").prefetch_related(Prefetch("shifts", queryset=shifts))
    event.task_list = list(tasks)  # type: ignore[attr-defined]
    return event


def members_only_event(*, event_id: int) -> Event | None:
    """A published (or called-off) members-only event, for the page that tells a visitor who
    is not a member whose it is. Drafts and secret-link events stay unknown."""
    visible = Q(status__in=(Event.Status.PUBLISHED, Event.Status.CANCELLED))
    return (
        Event.objects.filter(visible, pk=event_id, visibility=Event.Visibility.MEMBERS)
        .select_related("organisation")
        .first()
    )


def event_url(event: Event) -> str:
    """The event page's address; a secret event's carries its secret, or it would 404."""
    from django.urls import reverse

    url = reverse("event", args=[event.pk])
    return f"{url}?n={event.secret_token}" if event.visibility == Event.Visibility.SECRET else url


def _may_see(event: Event, user: User | None, token: str) -> bool:
    if event.visibility == Event.Visibility.PUBLIC:
        return True
    if event.visibility == Event.Visibility.SECRET:
        return token == str(event.secret_token)
    return user is not None and user.is_authenticated and is_member_of(user, event)


def is_member_of(user: User, event: Event) -> bool:
    """For members-only events: an active member of the organisation, or its coordinator."""
    from apps.members.models import Membership  # members builds on shifts' neighbours

    active = Membership.objects.filter(
        user=user, organisation_id=event.organisation_id, status=Membership.Status.ACTIVE
    )
    return active.exists() or can_coordinate(user, event.organisation)


def signups_by_shift(*, user: User | None, shift_ids: list[int]) -> dict[int, SignUp]:
    """The visitor's active sign-up per shift, in one query."""
    if not user or not user.is_authenticated or not shift_ids:
        return {}
    mine = SignUp.objects.filter(user=user, shift_id__in=shift_ids, status__in=SignUp.ACTIVE)
    return {signup.shift_id: signup for signup in with_positions(mine)}


def with_positions(signups: QuerySet[SignUp]) -> QuerySet[SignUp]:
    """Annotate `position` (1 = first in line) in the same query, for those in line."""
    ahead = SignUp.objects.filter(
        Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
        | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk")),
        shift=OuterRef("shift"),
        status=SignUp.Status.WAITLISTED,
    )
    count = ahead.order_by().values("shift").annotate(n=Count("pk")).values("n")
    return signups.annotate(
        position=Case(
            When(status=SignUp.Status.WAITLISTED, then=Coalesce(Subquery(count), 0) + 1),
            default=None,
        )
    )


def my_signups(*, user: User, now: datetime | None = None) -> dict[str, list[SignUp]]:
    """Upcoming places, offers, places in line, and history, in one query."""
    now = now or timezone.now()
    signups = with_positions(SignUp.objects.filter(user=user)).select_related(
        "shift__task__event__organisation"
    )
    groups: dict[str, list[SignUp]] = {"offers": [], "upcoming": [], "waiting": [], "history": []}
    for signup in signups.order_by("shift__starts_at", "id"):
        groups[_group(signup, now)].append(signup)
    groups["history"].reverse()  # most recent first
    return groups


def _group(signup: SignUp, now: datetime) -> str:
    if signup.shift.ends_at <= now or signup.status not in SignUp.ACTIVE:
        return "history"
    return {"offered": "offers", "waitlisted": "waiting"}.get(signup.status, "upcoming")
