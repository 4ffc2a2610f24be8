"""The home page's personas, in Nyborg (see tests/personas.py for the rest).

Kamilla coordinates Nyborg Roklub; Kim coordinates Nyborg Spejderne (another association);
Nanna is the system owner's admin; Frida and Bo volunteer. VisitAarhus has a festival of
its own on the very same days, which nobody in Nyborg may see.

Most tests fix "now" on a Wednesday morning a week or more ahead of the real clock, so that
today, the rest of the week and the next 14 days are the same on every run (and the
services, which look at the real clock, see only the future).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.organisations.models import Organisation, OrganisationRole
from apps.shifts.models import Event, Shift, Task
from tests.conftest import host_client, signed_in
from tests.personas import person

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=COPENHAGEN)


@pytest.fixture
def wednesday() -> date:
    """A Wednesday at least 8 days ahead."""
    day = timezone.localdate(timezone=COPENHAGEN) + timedelta(days=8)
    return day + timedelta(days=(2 - day.weekday()) % 7)


@pytest.fixture
def now(wednesday) -> datetime:
    return local(wednesday, 9)


@pytest.fixture
def kamilla(roklub) -> User:
    user = person("Kamilla")
    OrganisationRole.objects.create(
        organisation=roklub, user=user, role=OrganisationRole.Role.COORDINATOR
    )
    return user


@pytest.fixture
def spejderne(kim) -> Organisation:
    return Organisation.objects.get(name="Nyborg Spejderne")


def published_event(organisation: Organisation, title: str, starts_at: datetime, **extra) -> Event:
    return Event.objects.create(
        organisation=organisation,
        title=title,
        starts_at=starts_at - timedelta(hours=1),
        ends_at=starts_at + timedelta(hours=12),
        status=Event.Status.PUBLISHED,
        published_at=timezone.now(),
        location_name=extra.pop("location_name", "Havnen"),
        **extra,
    )


def shift_on(
    event: Event, starts_at: datetime, *, capacity: int = 2, task: str = "Kiosk", **extra
) -> Shift:
    task_row = Task.objects.get_or_create(event=event, title=task)[0]
    return Shift.objects.create(
        task=task_row,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        capacity=capacity,
        **extra,
    )


def browser_for(user: User, tenant) -> object:
    return signed_in(host_client("nyborg.localhost"), user, tenant)


@pytest.fixture
def aarhus_festival(aarhus, wednesday):
    """VisitAarhus's own coordinator and an unfilled shift on the same days as Nyborg's."""
    with tenant_context(aarhus):
        organisation = Organisation.objects.create(name="Aarhus Festuge", is_approved=True)
        coordinator = User.objects.create_user("asta@visitaarhus.dk", full_name="Asta Aarhus")
        OrganisationRole.objects.create(
            organisation=organisation, user=coordinator, role=OrganisationRole.Role.COORDINATOR
        )
        event = published_event(organisation, "Festugens scene", local(wednesday, 10))
        shift_on(event, local(wednesday, 10), capacity=5, task="Scenevagt")
        shift_on(event, timezone.now() + timedelta(days=2), capacity=5, task="Scenevagt")
    yield organisation
