"""Nyborg Roklub plans a regatta. Nanna (system-owner admin) coordinates; Frida, Bo, Carl
and Dorthe volunteer; Kim coordinates another association and may not touch the regatta."""

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.organisations.models import Organisation, OrganisationRole
from apps.shifts.models import Event, Shift, Task


@pytest.fixture
def in_nyborg(nyborg) -> Iterator[object]:
    with tenant_context(nyborg):
        yield nyborg


def person(name: str, **extra) -> User:
    email = f"{name.lower()}@example.dk"
    return User.objects.create_user(email, full_name=f"{name} Hansen", **extra)


@pytest.fixture
def roklub(in_nyborg) -> Organisation:
    return Organisation.objects.create(name="Nyborg Roklub", is_approved=True)


@pytest.fixture
def kim(in_nyborg) -> User:
    other = Organisation.objects.create(name="Nyborg Spejderne", is_approved=True)
    kim = person("Kim")
    OrganisationRole.objects.create(
        organisation=other, user=kim, role=OrganisationRole.Role.COORDINATOR
    )
    return kim


@pytest.fixture
def frida(in_nyborg) -> User:
    return person("Frida", birth_year=1990)


@pytest.fixture
def bo(in_nyborg) -> User:
    return person("Bo", birth_year=1985)


@pytest.fixture
def carl(in_nyborg) -> User:
    return person("Carl", birth_year=2000)


@pytest.fixture
def dorthe(in_nyborg) -> User:
    return person("Dorthe", birth_year=1970)


def in_days(days: float, hour: int = 10) -> datetime:
    start = timezone.localtime() + timedelta(days=days)
    return start.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def regatta(roklub) -> Event:
    return Event.objects.create(
        organisation=roklub,
        title="Nyborg Regatta",
        starts_at=in_days(10, 8),
        ends_at=in_days(10, 20),
        status=Event.Status.PUBLISHED,
        address="Havnen 1, 5800 Nyborg",
    )


@pytest.fixture
def kiosk(regatta) -> Task:
    return Task.objects.create(event=regatta, title="Kiosk", meeting_point="Bådhuset")


def make_shift(
    task: Task, *, capacity: int = 2, start: datetime | None = None, hours: int = 3, **extra: object
) -> Shift:
    start = start or in_days(10)
    return Shift.objects.create(
        task=task,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        capacity=capacity,
        **extra,
    )


@pytest.fixture
def morning(kiosk) -> Shift:
    return make_shift(kiosk, capacity=2)
