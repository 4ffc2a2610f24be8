"""Demo events for `make run`: enough to browse, sign up, fill a shift and see the waitlist."""

from datetime import datetime, timedelta

from django.utils import timezone

from apps.accounts.models import User
from apps.organisations.models import Organisation, OrganisationRole
from apps.shifts.models import Category, Event, Shift, Task
from apps.shifts.services.signups import shift_sign_up
from demo.management.commands._demo_seasons import upcoming_title

CATEGORIES = [("Idræt", "idraet"), ("Kultur", "kultur"), ("Socialt", "socialt"), ("Natur", "natur")]
EVENTS = [
    # slot (its title follows the season, see _demo_seasons), organisation, category,
    # days ahead, area, tasks with (title, shifts, places)
    (
        "festival",
        "Havnefestforeningen",
        "kultur",
        9,
        "Havnen",
        [("Bar", 3, 4), ("Oprydning", 1, 6)],
    ),
    ("run", "Løbeklubben", "idraet", 16, "Søparken", [("Væskedepot", 2, 3)]),
    ("homework", "Frivilligcentret", "socialt", 4, "Biblioteket", [("Lektiehjælper", 4, 2)]),
    ("nature", "Naturfredningsforeningen", "natur", 23, "Stranden", [("Hjælper", 1, 12)]),
]


def seed_marketplace(*, password: str, volunteer_email: str) -> None:
    if Event.objects.exists():
        return
    categories = {slug: Category.objects.create(name=name, slug=slug) for name, slug in CATEGORIES}
    volunteers = [
        _volunteer(f"frivillig{i}@example.dk", f"Demo Frivillig {i}") for i in range(1, 5)
    ]
    for slot, org_name, category, days, area, tasks in EVENTS:
        organisation, _ = Organisation.objects.get_or_create(
            name=org_name, defaults={"is_approved": True}
        )
        start = _start(days)
        title = upcoming_title(slot, start.date())
        event = _event(title, organisation, categories[category], start, area)
        for task_title, shifts, places in tasks:
            task = Task.objects.create(
                event=event, title=task_title, meeting_point=f"{area}, indgangen"
            )
            _shifts(task, event, shifts, places)
    _fill_one_shift(volunteers)
    me = _volunteer(volunteer_email, "Vilma Frivillig")
    me.set_password(password)
    me.save(update_fields=["password"])
    coordinator = _volunteer("koordinator@example.dk", "Kaj Koordinator")
    coordinator.set_password(password)
    coordinator.save(update_fields=["password"])
    OrganisationRole.objects.get_or_create(
        organisation=Organisation.objects.get(name="Havnefestforeningen"),
        user=coordinator,
        role=OrganisationRole.Role.COORDINATOR,
    )


def _volunteer(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email, full_name=name, birth_year=1990)


def _start(days: int) -> datetime:
    today = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days)


def _event(
    title: str, organisation: Organisation, category: Category, start: datetime, area: str
) -> Event:
    return Event.objects.create(
        organisation=organisation,
        title=title,
        category=category,
        area=area,
        location_name=area,
        address=f"{area} 1",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        status=Event.Status.PUBLISHED,
        published_at=timezone.now(),
        description=f"Vær med til {title.lower()}. Ingen erfaring nødvendig: vi viser dig vej.",
        contact_name="Kaj Koordinator",
        contact_email="koordinator@example.dk",
    )


def _shifts(task: Task, event: Event, count: int, places: int) -> None:
    for n in range(count):
        start = event.starts_at + timedelta(hours=2 * n)
        Shift.objects.create(
            task=task, starts_at=start, ends_at=start + timedelta(hours=2), capacity=places
        )


def _fill_one_shift(volunteers: list[User]) -> None:
    # The first homework-café shift is full with a waitlist, so the demo shows both.
    shift = (
        Shift.objects.filter(task__event__organisation__name="Frivilligcentret")
        .order_by("starts_at")
        .first()
    )
    if shift is not None:
        for volunteer in volunteers:
            shift_sign_up(shift_id=shift.pk, user=volunteer)
