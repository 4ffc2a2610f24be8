"""A seeded random Nyborg: three organisations, categories, events over three years and a few
hundred attendances, kept also as plain lists for the slow reference (reference.py).

Shifts, sign-ups and attendances are written in bulk at the end (a statement per table, the
same rows in the same order as one by one) and the tables are analysed after that, not
before: with the statistics of empty tables the planner takes every table for one row, for
the fact trigger and for every query of the test."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from apps.attendance.models import Attendance
from apps.organisations.models import Organisation, OrganisationRole
from apps.shifts.models import Category, Event, Shift, SignUp, Task
from tests.personas import person

NYBORG_TZ = ZoneInfo("Europe/Copenhagen")
STATUSES = ["present"] * 6 + ["late"] * 2 + ["no_show"] * 2


@dataclass
class World:
    organisations: list[Organisation]
    categories: list[Category]
    # Plain copies for the reference: one dict per attendance and per shift.
    attendances: list[dict] = field(default_factory=list)
    shifts: list[dict] = field(default_factory=list)
    users: list = field(default_factory=list)
    # The years each person volunteers in: some start later, some stop (new and lapsed).
    years: dict = field(default_factory=dict)
    # Rows not written yet (seed() writes them in bulk).
    pending: dict[type, list] = field(
        default_factory=lambda: {Shift: [], SignUp: [], Attendance: []}
    )

    def seed(self) -> None:
        for model, rows in self.pending.items():
            model.objects.bulk_create(rows, batch_size=2000)  # the keys are set on the rows
            rows.clear()
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE accounts_user, shifts_event, shifts_task, shifts_shift, shifts_signup, "
                "attendance_attendance, reports_attendance_fact"
            )


def build_world(seed: int = 7, volunteers: int = 30, shifts_per_event: int = 6) -> World:
    rng = random.Random(seed)
    organisations = [
        Organisation.objects.create(name=name, is_approved=True)
        for name in ("Nyborg Roklub", "Nyborg Bibliotek", "Foreningen Æblehaven")
    ]
    categories = [
        Category.objects.create(name=name, slug=f"{name.lower()}-{seed}")
        for name in ("Sport", "Kultur", "Natur")
    ]
    people = [person(f"Frivillig{seed}x{i}") for i in range(volunteers)]
    world = World(organisations, categories, users=people)
    for user in people:
        first = rng.choice((2023, 2023, 2024, 2025))
        world.years[user.pk] = range(first, rng.randint(first, 2025) + 1)
    event_number = 0
    for year in (2023, 2024, 2025):
        for organisation in organisations:
            for _ in range(2):
                event_number += 1
                add_event(world, rng, organisation, year, event_number, shifts_per_event)
    world.seed()
    return world


def add_event(
    world: World, rng: random.Random, organisation: Organisation, year: int, n: int, count: int
) -> None:
    category = [*world.categories, None][n % 4]  # every year has events without one
    cancelled = n % 7 == 0
    start = datetime(year, 1, 1, 8, tzinfo=NYBORG_TZ)
    event = Event.objects.create(
        organisation=organisation,
        category=category,
        title=f"Arrangement {n}",
        starts_at=start,
        ends_at=start + timedelta(days=365),
        status=Event.Status.CANCELLED if cancelled else Event.Status.PUBLISHED,
    )
    task = Task.objects.create(event=event, title="Hjælper")
    for k in range(count):
        if k == 0:
            # On the edges of a month and a year in local time, which UTC would put elsewhere.
            starts = datetime(year, 1, 1, 0, 30, tzinfo=NYBORG_TZ)
        elif k == 1:
            starts = datetime(year, 12, 31, 23, 30, tzinfo=NYBORG_TZ)
        else:
            starts = datetime(
                year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(6, 20), tzinfo=NYBORG_TZ
            )
        add_shift(world, rng, event, task, starts, shift_cancelled=rng.random() < 0.1)


def add_shift(
    world: World,
    rng: random.Random,
    event: Event,
    task: Task,
    starts: datetime,
    *,
    shift_cancelled: bool,
) -> None:
    willing = [user for user in world.users if starts.year in world.years[user.pk]]
    attendees = rng.sample(willing, min(len(willing), rng.randint(0, 6)))
    cancelled_ones = rng.sample([u for u in world.users if u not in attendees], 1)
    shift = Shift(
        task=task,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        capacity=len(attendees) + rng.randint(0, 3) or 1,
        # Sign-ups are bulk-written for this big seed, not made through shift_sign_up: the
        # counter is set to the rows written below (confirmed ones; cancelled ones count not).
        confirmed_count=len(attendees),
        is_cancelled=shift_cancelled,
    )
    world.pending[Shift].append(shift)
    world.shifts.append(
        {
            "starts_at": starts,
            "organisation": event.organisation_id,
            "category": event.category_id,
            "event": event.pk,
            "capacity": shift.capacity,
            "confirmed": len(attendees),
            "cancelled": shift_cancelled or event.status == Event.Status.CANCELLED,
        }
    )
    signups = world.pending[SignUp]
    signups.append(SignUp(shift=shift, user=cancelled_ones[0], status=SignUp.Status.CANCELLED))
    for user in attendees:
        signup = SignUp(shift=shift, user=user, status=SignUp.Status.CONFIRMED)
        signups.append(signup)
        if rng.random() < 0.15:
            continue  # nobody has called the roll yet
        status = rng.choice(STATUSES)
        hours = Decimal("0") if status == "no_show" else Decimal(rng.randint(25, 800)) / 100
        world.pending[Attendance].append(Attendance(signup=signup, status=status, hours=hours))
        world.attendances.append(
            {
                "user": user.pk,
                "starts_at": starts,
                "organisation": event.organisation_id,
                "category": event.category_id,
                "event": event.pk,
                "status": status,
                "hours": hours,
            }
        )


@pytest.fixture
def world(in_nyborg) -> World:
    return build_world()


@pytest.fixture
def rower(world) -> object:
    """Coordinator of the first organisation (the rowing club) only."""
    user = person("Rasmus")
    OrganisationRole.objects.create(
        organisation=world.organisations[0], user=user, role=OrganisationRole.Role.COORDINATOR
    )
    return user
