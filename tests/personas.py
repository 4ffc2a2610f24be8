"""The regatta's personas, shared by every test (registered in tests/conftest.py).

Nyborg Roklub plans a regatta. Nanna (system-owner admin) coordinates; Frida, Bo, Carl and
Dorthe volunteer; Kim coordinates another association and may not touch the regatta.
Anders (VisitAarhus, tests/conftest.py) is in another tenant and must never see any of it.

Sign-ups are made by `place`, through the product's service, so that the shift's counters
(confirmed, offered, in line) are always what the product itself would have written.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.organisations.models import Organisation, OrganisationRole
from apps.shifts.models import Event, Shift, SignUp, Task
from apps.shifts.services.signups import COUNTER, shift_sign_up


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
def nanna_coordinates(roklub, nanna) -> User:
    """Nanna, the site's admin, also coordinates the rowing club (coordinators' mails)."""
    OrganisationRole.objects.create(
        organisation=roklub, user=nanna, role=OrganisationRole.Role.COORDINATOR
    )
    return nanna


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


def place(
    shift: Shift,
    user: User,
    status: str = SignUp.Status.CONFIRMED,
    *,
    through_service: bool = True,
    **extra: object,
) -> SignUp:
    """`user` on `shift` with `status`, the shift's counters kept as the product keeps them.

    A confirmed place or a place in line is taken through `shift_sign_up`, as the volunteer
    would take it (a shift already started is signed up for the day before it, for history);
    the service must give the status asked for, so a place in line needs a full shift. An
    offer or a closed row is reached in the product only through several steps (a
    cancellation, then the waitlist sweep): it is written here, and the counter moved up
    exactly as `_take_place` moves it. So is a row the service would refuse on purpose
    (`through_service=False`: a place on a cancelled shift, the many overlapping places of
    a query-count test), counters and all."""
    wanted = status in (SignUp.Status.CONFIRMED, SignUp.Status.WAITLISTED)
    if wanted and through_service and not extra:
        started = shift.starts_at <= timezone.now() + timedelta(minutes=5)
        now = shift.starts_at - timedelta(days=1) if started else None
        signup = shift_sign_up(shift_id=shift.pk, user=user, now=now)
        assert signup.status == status, f"{user} got {signup.status} on {shift}, not {status}"
        shift.refresh_from_db()
        return signup
    now = timezone.now()
    fields: dict[str, object] = {
        "confirmed_at": now if status == SignUp.Status.CONFIRMED else None,
        "waitlisted_at": now,
        "offer_expires_at": (
            now + timedelta(hours=12) if status == SignUp.Status.OFFERED else None
        ),
    }
    fields.update({key: value for key, value in extra.items() if value is not None})
    signup = SignUp.objects.create(shift=shift, user=user, status=status, **fields)
    if status in COUNTER:
        Shift.objects.filter(pk=shift.pk).update(**{COUNTER[status]: F(COUNTER[status]) + 1})
    shift.refresh_from_db()
    return signup
