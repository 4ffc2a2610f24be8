"""Two coordinators change the same many shifts at the same moment, having chosen them in
opposite orders, on a real PostgreSQL with one connection each. The bulk services lock the
rows in one order (by id), so the second waits for the first instead of deadlocking, and
each change is all or nothing. Rows are committed here; the fixture removes them again."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from celery._state import _set_task_join_will_block
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, SignUp, Task
from apps.shifts.services.bulk import shifts_cancel, shifts_update_capacity
from tests.threads import crowd, in_tenant

pytestmark = pytest.mark.django_db
SHIFTS = 40
CLUB = "Bulk FC"


@pytest.fixture
def many_shifts(nyborg) -> Iterator[tuple[Event, list[int]]]:
    def create() -> tuple[Event, list[int]]:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        start = timezone.now() + timedelta(days=6)
        event = Event.objects.create(
            organisation=club,
            title="Bulk",
            starts_at=start,
            ends_at=start + timedelta(hours=12),
            status=Event.Status.PUBLISHED,
        )
        task = Task.objects.create(event=event, title="Door")
        shifts = Shift.objects.bulk_create(
            Shift(
                task=task,
                starts_at=start + timedelta(minutes=10 * n),
                ends_at=start + timedelta(minutes=10 * n + 60),
                capacity=5,
            )
            for n in range(SHIFTS)
        )
        return event, [shift.pk for shift in shifts]

    def remove() -> None:
        event_ids = [
            str(pk) for pk in Event.objects.filter(title="Bulk").values_list("pk", flat=True)
        ]
        shift_ids = Shift.objects.filter(task__event__title="Bulk").values_list("pk", flat=True)
        AuditEvent.objects.filter(target_type="shifts.Event", target_id__in=event_ids).delete()
        AuditEvent.objects.filter(
            target_type="shifts.Shift", target_id__in=[str(pk) for pk in shift_ids]
        ).delete()
        SignUp.objects.filter(shift__task__event__title="Bulk").delete()
        Event.objects.filter(title="Bulk").delete()
        Organisation.objects.filter(name=CLUB).delete()

    yield in_tenant(nyborg, create)
    in_tenant(nyborg, remove)
    # Eager tasks in many threads race on Celery's "inside a task" flag (test_concurrency.py).
    _set_task_join_will_block(False)


def nanna_now() -> User:
    return User.objects.get(email="nanna@nyborg.dk")


def test_it_serialises_two_bulk_changes_in_opposite_orders_without_deadlock(nyborg, many_shifts):
    event, ids = many_shifts

    def change(order: list[int], capacity: int):
        return lambda: len(
            shifts_update_capacity(
                actor=nanna_now(), event=event, shift_ids=order, capacity=capacity
            )
        )

    for _round in range(3):
        results = crowd(nyborg, [change(ids, 7), change(ids[::-1], 9)])
        assert results == [SHIFTS, SHIFTS]  # neither was aborted as a deadlock victim
        capacities = in_tenant(
            nyborg, lambda: set(Shift.objects.filter(pk__in=ids).values_list("capacity", flat=True))
        )
        assert len(capacities) == 1 and capacities <= {7, 9}  # one change, then the other


def test_it_keeps_a_bulk_cancel_and_a_bulk_change_all_or_nothing(nyborg, many_shifts):
    event, ids = many_shifts

    def cancel():
        return len(shifts_cancel(actor=nanna_now(), event=event, shift_ids=ids[::-1]))

    def change():
        try:
            return len(
                shifts_update_capacity(actor=nanna_now(), event=event, shift_ids=ids, capacity=8)
            )
        except ValidationError:
            return "refused"

    cancelled, changed = crowd(nyborg, [cancel, change])
    assert cancelled == SHIFTS
    rows = in_tenant(
        nyborg,
        lambda: set(Shift.objects.filter(pk__in=ids).values_list("capacity", "is_cancelled")),
    )
    if changed == "refused":  # the cancel came first: the change touched nothing
        assert rows == {(5, True)}
    else:  # the change came first, wholly, then the cancel
        assert changed == SHIFTS and rows == {(8, True)}
