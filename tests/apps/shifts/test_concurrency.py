"""Many people press "sign up" for the last places at the same moment, on a real
PostgreSQL with one connection per thread. Rows are committed here (each thread's
connection autocommits), so this module cleans up after itself."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from celery._state import _set_task_join_will_block
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, SignUp, Task
from apps.shifts.services._common import Refused
from apps.shifts.services.signups import shift_sign_up, signup_cancel
from apps.shifts.services.waitlist import waitlist_fill
from tests.threads import crowd, in_tenant

pytestmark = pytest.mark.django_db
PEOPLE, PLACES = 40, 10


@pytest.fixture
def busy_shift(nyborg) -> Iterator[tuple[Shift, list[User]]]:
    def create() -> tuple[Shift, list[User]]:
        org = Organisation.objects.create(name="Concurrency FC", is_approved=True)
        start = timezone.now() + timedelta(days=5)
        event = Event.objects.create(
            organisation=org,
            title="Rush",
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            status="published",
        )
        shift = Shift.objects.create(
            task=Task.objects.create(event=event, title="Door"),
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=PLACES,
        )
        people = [
            User.objects.create_user(f"rush{i}@example.dk", full_name=f"Rush {i}")
            for i in range(PEOPLE)
        ]
        return shift, people

    def remove() -> None:
        AuditEvent.objects.filter(target_type="shifts.SignUp").delete()
        SignUp.objects.filter(shift__task__event__title="Rush").delete()
        Event.objects.filter(title="Rush").delete()
        Organisation.objects.filter(name="Concurrency FC").delete()
        User.objects.filter(email__startswith="rush").delete()

    yield in_tenant(nyborg, create)
    in_tenant(nyborg, remove)
    # Eager tasks in many threads race on Celery's process-wide "inside a task" flag (set and
    # restored around each eager call), which can stay set; later .get() calls would refuse.
    _set_task_join_will_block(False)


def rows(nyborg, shift: Shift) -> dict[str, int]:
    def count() -> dict[str, int]:
        statuses = SignUp.objects.filter(shift=shift).values_list("status", flat=True)
        fresh = Shift.objects.get(pk=shift.pk)
        return {
            "confirmed": list(statuses).count("confirmed"),
            "waitlisted": list(statuses).count("waitlisted"),
            "total": len(statuses),
            "counter_confirmed": fresh.confirmed_count,
            "counter_waitlist": fresh.waitlist_count,
        }

    return in_tenant(nyborg, count)


def test_it_confirms_exactly_capacity_when_everyone_signs_up_at_once(nyborg, busy_shift):
    shift, people = busy_shift
    results = crowd(
        nyborg,
        [lambda p=p: shift_sign_up(shift_id=shift.pk, user=p).status for p in people],
        refusal=Refused,
    )
    assert results.count("confirmed") == PLACES and results.count("waitlisted") == PEOPLE - PLACES
    assert rows(nyborg, shift) == {
        "confirmed": PLACES,
        "waitlisted": PEOPLE - PLACES,
        "total": PEOPLE,
        "counter_confirmed": PLACES,
        "counter_waitlist": PEOPLE - PLACES,
    }


def test_it_refuses_the_same_person_twice_even_at_the_same_instant(nyborg, busy_shift):
    shift, people = busy_shift
    results = crowd(
        nyborg,
        refusal=Refused,
        jobs=[lambda: shift_sign_up(shift_id=shift.pk, user=people[0]).status] * 8,
    )
    assert sorted(results) == ["confirmed"] + ["duplicate"] * 7


def test_it_promotes_each_waiting_person_once_under_concurrent_cancellations_and_fills(
    nyborg, busy_shift
):
    shift, people = busy_shift
    signups = crowd(
        nyborg,
        refusal=Refused,
        jobs=[lambda p=p: shift_sign_up(shift_id=shift.pk, user=p) for p in people],
    )
    confirmed = [s for s in signups if s.status == "confirmed"]
    leaving = [
        lambda s=s: signup_cancel(signup_id=s.pk, actor=s.user).status for s in confirmed[:5]
    ]
    fills = [lambda: len(waitlist_fill(shift_id=shift.pk))] * 10  # a task delivered many times
    results = crowd(nyborg, refusal=Refused, jobs=leaving + fills)
    assert results[:5] == ["cancelled"] * 5
    in_tenant(nyborg, lambda: waitlist_fill(shift_id=shift.pk))
    # Each promotion writes one audit row: five places, five promotions, whoever ran them.
    promotions = in_tenant(
        nyborg,
        lambda: AuditEvent.objects.filter(
            action="waitlist.confirmed", target_id__in=[str(s.pk) for s in signups]
        ).count(),
    )
    assert promotions == 5
    after = rows(nyborg, shift)
    assert after["confirmed"] == after["counter_confirmed"] == PLACES
    assert after["waitlisted"] == after["counter_waitlist"] == PEOPLE - PLACES - 5
