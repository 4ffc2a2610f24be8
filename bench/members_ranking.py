"""Matching benchmark: rank 10,000 volunteers for one shift.

    python -m config.devstack bench bench/members_ranking.py [VOLUNTEERS]

Runs in a database of its own (`<name>_bench_matching`, dropped at the end) on
DATABASE_URL's server. Seeds one tenant whose rowing club has 10,000 member volunteers,
each with a profile (3-8 of 40 tags, availability, postcode and area, monthly limits for
half of them), about 5 past shifts each for the club and 2 in the month of the shift, then
times `rank_candidates` for one shift (members only, and the tenant's every active
volunteer), and for comparison its slow path: every candidate loaded and scored in Python.
Target: under 300 ms for the ranking. These machines are noisy; compare within one run.
"""

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from _harness import run_in_own_database  # bench/ is the script's folder

VOLUNTEERS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
PAST_SHIFTS, MONTH_SHIFTS = 400, 120
PAST_PER_PERSON, MONTH_PER_PERSON = 5, 2
WARM_UP, RUNS = 3, 20
TARGET_MS = 300
BATCH = 5_000


def main() -> None:
    run_in_own_database(run, suffix="_bench_matching")


def run() -> None:
    from django.core.management import call_command
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from tenants.services import tenant_provision

    call_command("setup_platform", verbosity=0)
    tenant = tenant_provision(
        slug="bench", name="Bench Kommune", admin_email="admin@bench.dk", admin_name="Admin"
    ).tenant
    with tenant_context(tenant), timezone.override(tenant.timezone):
        started = time.perf_counter()
        shift_id = seed(random.Random(1), timezone.now())
        print(f"seeded {counts()} in {time.perf_counter() - started:.1f} s")
        time_ranking(shift_id)


# --- seeding ---------------------------------------------------------------------------


def seed(rng: random.Random, now: datetime) -> int:
    from django.db import connection, transaction

    from apps.members.models import Tag

    with transaction.atomic():
        club, others = seed_organisations()
        tags = seed_tags()
        users = seed_people(rng, tags, club)
        shift = seed_shifts_and_signups(rng, now, club, others, users)
        tags_named = sorted(t.name for t in tags if t.kind == Tag.Kind.SKILL)[:3]
        shift.task.skills = ", ".join([*tags_named, "Engelsk"])
        shift.task.save(update_fields=["skills"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by the time data is this big
    return shift.pk


def seed_organisations() -> tuple[Any, list[Any]]:
    from apps.organisations.models import Organisation

    club = Organisation.objects.create(name="Nyborg Roklub", is_approved=True)
    others = Organisation.objects.bulk_create(
        Organisation(name=f"Forening {i}", is_approved=True) for i in range(9)
    )
    return club, others


def seed_tags() -> list[Any]:
    from apps.members.models import Tag

    kinds = [(Tag.Kind.SKILL, 25), (Tag.Kind.INTEREST, 10), (Tag.Kind.LANGUAGE, 5)]
    rows = [Tag(kind=kind, name=f"{kind} {i}") for kind, n in kinds for i in range(n)]
    rows[-1].name = "Engelsk"
    return Tag.objects.bulk_create(rows)


def seed_people(rng: random.Random, tags: list[Any], club: Any) -> list[Any]:
    from apps.accounts.models import User
    from apps.members.models import AVAILABILITY_CODES, Membership, Profile

    users = User.objects.bulk_create(
        (
            User(email=f"v{i}@bench.dk", full_name=f"Frivillig {i}", password="!")
            for i in range(VOLUNTEERS)
        ),
        batch_size=BATCH,
    )
    areas = [f"Område {i}" for i in range(10)]
    profiles = Profile.objects.bulk_create(
        (
            Profile(
                user=user,
                status=Profile.Status.ACTIVE if i % 10 else Profile.Status.FOLLOWER,
                postcode=str(5800 + rng.randrange(60)),
                area=rng.choice(areas),
                availability=rng.sample(AVAILABILITY_CODES, rng.randrange(0, 9)),
                max_shifts_per_month=rng.choice([None, 2, 4, 8]),
                max_hours_per_month=rng.choice([None, None, 10, 20, 40]),
            )
            for i, user in enumerate(users)
        ),
        batch_size=BATCH,
    )
    through = Profile.tags.through
    through.objects.bulk_create(
        (
            through(profile_id=profile.pk, tag_id=tag.pk)
            for profile in profiles
            for tag in rng.sample(tags, rng.randrange(3, 9))
        ),
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        (Membership(user=user, organisation=club, started_on=date(2024, 1, 1)) for user in users),
        batch_size=BATCH,
    )
    return users


def seed_shifts_and_signups(
    rng: random.Random, now: datetime, club: Any, others: list[Any], users: list[Any]
) -> Any:
    from apps.shifts.models import Event, Shift, SignUp, Task

    target_start = (now + timedelta(days=14)).replace(hour=9, minute=0, second=0, microsecond=0)
    month_start = target_start.replace(day=1, hour=8)

    def event(organisation: Any, start: datetime, title: str) -> Any:
        return Event.objects.create(
            organisation=organisation,
            title=title,
            starts_at=start,
            ends_at=start + timedelta(days=400),
            status=Event.Status.PUBLISHED,
            area="Område 3",
            postcode="5800",
        )

    past_task = Task.objects.create(
        event=event(club, now - timedelta(days=370), "Sæson"), title="Bådhus"
    )
    other_tasks = [
        Task.objects.create(event=event(o, month_start, f"Andet {o.pk}"), title="Hjælp")
        for o in others
    ]
    target_task = Task.objects.create(
        event=event(club, target_start - timedelta(days=1), "Regatta"), title="Kiosk"
    )
    past = Shift.objects.bulk_create(
        Shift(
            task=past_task,
            starts_at=now - timedelta(days=1 + k * 360 / PAST_SHIFTS),
            ends_at=now - timedelta(days=1 + k * 360 / PAST_SHIFTS) + timedelta(hours=3),
            capacity=1000,
        )
        for k in range(PAST_SHIFTS)
    )
    in_month = Shift.objects.bulk_create(
        Shift(
            task=other_tasks[k % len(other_tasks)],
            starts_at=month_start + timedelta(hours=7 * k),
            ends_at=month_start + timedelta(hours=7 * k + 3),
            capacity=1000,
        )
        for k in range(MONTH_SHIFTS)
    )
    target = Shift.objects.create(
        task=target_task,
        starts_at=target_start,
        ends_at=target_start + timedelta(hours=3),
        capacity=10,
    )
    rows = []
    for user in users:
        for shift in rng.sample(past, PAST_PER_PERSON):
            rows.append(SignUp(shift=shift, user=user, status=SignUp.Status.CONFIRMED))
        for shift in rng.sample(in_month, MONTH_PER_PERSON):
            status = SignUp.Status.CONFIRMED if rng.random() < 0.9 else SignUp.Status.CANCELLED
            rows.append(SignUp(shift=shift, user=user, status=status))
    for user in users[:5]:
        rows.append(SignUp(shift=target, user=user, status=SignUp.Status.CONFIRMED))
    SignUp.objects.bulk_create(rows, batch_size=BATCH)
    return target


def counts() -> str:
    from apps.accounts.models import User
    from apps.members.models import Profile
    from apps.shifts.models import Shift, SignUp

    numbers = [m.objects.count() for m in (User, Profile, Shift, SignUp)]
    numbers.append(Profile.tags.through.objects.count())
    return "{:,} users, {:,} profiles, {:,} shifts, {:,} sign-ups, {:,} profile tags".format(
        *numbers
    )


# --- timing ----------------------------------------------------------------------------


def time_ranking(shift_id: int) -> None:
    from django.utils import translation

    from apps.matching.shift_matching import (
        candidates,
        describe_all,
        rank,
        rank_candidates,
        shift_needs,
    )
    from apps.shifts.models import Shift

    shift = Shift.objects.select_related("task__event__organisation", "task__event__category").get(
        pk=shift_id
    )
    print(
        f"ranking for one shift, {RUNS} runs after {WARM_UP} to warm up "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):"
    )

    def everybody(everyone: bool) -> list[Any]:
        # The slow path, for comparison: load and score the whole pool in Python.
        needs = shift_needs(shift)
        return rank(needs, candidates(shift, needs, everyone=everyone))

    for everyone in (False, True):
        pool = "every active volunteer" if everyone else "members"
        fast = timed(f"rank_candidates, {pool}", partial(rank_candidates, shift, everyone=everyone))
        slow = timed(f"load and score all, {pool}", partial(everybody, everyone))
        same = [m.candidate.user_id for m in fast] == [m.candidate.user_id for m in slow]
        print(f"    same top {len(fast)} both ways: {'yes' if same else 'NO'}")
    with translation.override("en"):
        best = rank_candidates(shift)[0]
        print(f"best: {best.candidate.name}, {best.score}: {'; '.join(describe_all(best))}")


def timed(label: str, ranking: Callable[[], list[Any]]) -> list[Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, result = [], 0, []
    for run in range(WARM_UP + RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = ranking()
            elapsed = (time.perf_counter() - started) * 1000
        if run >= WARM_UP:
            times.append(elapsed)
        queries = len(captured)
    p95 = statistics.quantiles(times, n=20)[18]
    verdict = "ok" if p95 < TARGET_MS else f"over the {TARGET_MS} ms target"
    print(
        f"  {label:<42} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
        f"{queries} queries  {verdict}"
    )
    return result


if __name__ == "__main__":
    main()
