"""The due-time beat (tenants.due): the dispatcher wakes only tenants whose work is due.

Nyborg's regatta has a kiosk shift with one place offered to whoever is next in line;
VisitAarhus (Anders's tenant) has nothing to do and must never be woken by Nyborg's work.
"""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.shifts.due import OFFERS
from apps.shifts.models import Shift, SignUp
from apps.shifts.services.signups import shift_sign_up, signup_cancel
from apps.shifts.services.waitlist import waitlist_fill
from apps.shifts.tasks import dispatch_expire_offers, expire_offers
from kernel.models import TenantDue
from tenants import due
from tests.personas import make_shift
from tests.threads import crowd, in_tenant

pytestmark = pytest.mark.django_db


class Recorder:
    """A stand-in task that notes the schema it was sent in."""

    def __init__(self) -> None:
        self.schemas: list[str] = []

    def delay(self) -> None:
        self.schemas.append(connection.schema_name)


def dispatched(kind: str = OFFERS) -> list[str]:
    recorder = Recorder()
    due.send_to_due_tenants(kind, recorder)
    return sorted(recorder.schemas)


def due_at(tenant, kind: str = OFFERS) -> datetime:
    return TenantDue.objects.get(tenant_id=tenant.pk, kind=kind).due_at


@pytest.fixture
def no_safety_sweep(monkeypatch) -> None:
    """The hourly safety look is pushed out of the way, to see the offers' own times."""
    monkeypatch.setattr(due, "safety_time", lambda tenant_id, now: now + timedelta(days=30))


def settle(*tenants) -> None:
    """Each tenant has run its offers task once, so its row says what is next."""
    for tenant in tenants:
        with tenant_context(tenant):
            expire_offers.apply()


@pytest.fixture
def offered(kiosk, frida, bo, carl) -> SignUp:
    """Bo holds an offer of the kiosk's one place (Frida cancelled); Carl is next in line."""
    shift = make_shift(kiosk, capacity=1, waitlist_policy=Shift.Policy.OFFER, offer_hours=12)
    first, second, _ = (shift_sign_up(shift_id=shift.pk, user=p) for p in (frida, bo, carl))
    signup_cancel(signup_id=first.pk, actor=frida)
    waitlist_fill(shift_id=shift.pk)
    second.refresh_from_db()
    assert second.status == SignUp.Status.OFFERED
    connection.set_schema_to_public()
    return second


def test_it_sends_no_task_to_a_tenant_with_nothing_due(nyborg, aarhus):
    with time_machine.travel(timezone.now(), tick=False):
        assert dispatched() == ["nyborg", "visitaarhus"]  # no rows yet: unknown is due now
        settle(nyborg, aarhus)  # the tasks ran
        assert dispatched() == []
        # Nothing to do: each is looked at again at its own minute of the hour, not before.
        for tenant in (nyborg, aarhus):
            assert due_at(tenant) == due.safety_time(tenant.pk, timezone.now())


def test_it_wakes_a_tenant_when_its_offer_expires_not_before_and_moves_on(
    offered, nyborg, aarhus, no_safety_sweep, django_capture_on_commit_callbacks
):
    settle(nyborg, aarhus)
    expires = offered.offer_expires_at
    assert due_at(nyborg) == expires
    with time_machine.travel(expires - timedelta(minutes=1), tick=False):
        assert dispatched() == []  # not before its time
    with time_machine.travel(expires + timedelta(seconds=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert dispatch_expire_offers() == 1
        connection.set_schema_to_public()
        with tenant_context(nyborg):
            offered.refresh_from_db()
            assert offered.status == SignUp.Status.EXPIRED
            carl_offer = SignUp.objects.get(status=SignUp.Status.OFFERED)
        # Carl's offer is the next thing due; the expired one no longer counts.
        assert due_at(nyborg) == carl_offer.offer_expires_at > expires
        assert dispatched() == []


def test_a_write_that_makes_something_due_earlier_moves_the_due_time_earlier(nyborg):
    settle(nyborg)
    hour = due_at(nyborg)
    soon = timezone.now() + timedelta(minutes=7)
    with tenant_context(nyborg):
        due.wake(OFFERS, soon)
        due.wake(OFFERS, soon + timedelta(days=1))  # later: changes nothing
    assert due_at(nyborg) == min(hour, soon)


def test_the_task_stores_its_next_due_time_from_its_own_tables(offered, nyborg, no_safety_sweep):
    assert due_at(nyborg) <= timezone.now()  # the offer's write: unknown until a run
    with tenant_context(nyborg):
        expire_offers.apply()
    assert due_at(nyborg) == offered.offer_expires_at


def test_a_task_that_fails_is_due_again_within_a_minute(nyborg):
    def broken() -> None:
        raise RuntimeError("database went away")

    with tenant_context(nyborg), pytest.raises(RuntimeError):
        due.run(OFFERS, broken)
    assert due_at(nyborg) <= timezone.now() + due.RETRY


def test_another_tenants_work_never_wakes_this_tenant(offered, nyborg, aarhus, no_safety_sweep):
    settle(nyborg, aarhus)
    quiet = due_at(aarhus)
    with time_machine.travel(offered.offer_expires_at + timedelta(seconds=1), tick=False):
        assert dispatched() == ["nyborg"]
        with tenant_context(nyborg):
            due.wake(OFFERS)  # another write in Nyborg
    assert due_at(aarhus) == quiet


def test_a_leased_tenant_is_not_sent_again_while_its_task_waits_in_the_queue(nyborg, aarhus):
    assert dispatched() == ["nyborg", "visitaarhus"]
    assert dispatched() == []  # the tasks are not run: each row is leased
    with time_machine.travel(timezone.now() + due.LEASE + timedelta(seconds=1), tick=False):
        assert dispatched() == ["nyborg", "visitaarhus"]  # a lost task is sent again


def test_saving_the_tenant_makes_all_its_work_due_now(nyborg, aarhus):
    settle(nyborg, aarhus)
    nyborg.save()  # a changed setting, a status change, a restore
    assert dispatched() == ["nyborg"]


def test_a_closed_tenant_is_never_woken(nyborg, aarhus):
    from tenants.models import Tenant

    Tenant.objects.filter(pk=aarhus.pk).update(status=Tenant.Status.SUSPENDED)
    assert dispatched() == ["nyborg"]


def test_the_safety_sweep_is_spread_over_the_hour():
    now = datetime(2026, 12, 7, 10, 0, 30, tzinfo=UTC)
    times = [due.safety_time(tenant_id, now) for tenant_id in range(1, 121)]
    assert all(now < at <= now + timedelta(minutes=61) for at in times)
    assert len({at.minute for at in times}) == 60  # every minute of the hour takes a share


def test_it_refuses_an_unknown_kind(nyborg):
    with tenant_context(nyborg), pytest.raises(ValueError):
        due.wake("nonsense")


def test_concurrent_writers_leave_the_earliest_due_time(nyborg):
    """Writers in their own transactions at once (committed, so cleaned up here): the row
    lock orders them, LEAST keeps the earliest whatever the order, and a run that starts
    while a writer holds the row waits for it (and so sees its rows)."""
    base = timezone.now() + timedelta(hours=1)
    times = [base + timedelta(minutes=m) for m in (30, 5, 50, 1, 20, 40)]
    barrier = threading.Barrier(len(times))

    def writer(at: datetime):
        def job() -> None:
            with transaction.atomic():
                barrier.wait(timeout=10)
                due.wake(OFFERS, at)
                time.sleep(0.05)  # hold the row while the others queue up behind it

        return job

    def forget() -> None:
        TenantDue.objects.filter(tenant_id=nyborg.pk).delete()

    try:
        in_tenant(
            nyborg,
            lambda: TenantDue.objects.create(
                tenant_id=nyborg.pk, kind=OFFERS, due_at=base + timedelta(days=1)
            ),
        )
        crowd(nyborg, [writer(at) for at in times], refusal=())
        assert due_at(nyborg) == min(times)

        # A run claims the row (for the safety time) only once the writer holding it commits.
        held = threading.Event()

        def slow_writer() -> None:
            with transaction.atomic():
                due.wake(OFFERS, base - timedelta(minutes=30))
                held.set()
                time.sleep(0.5)

        def claim() -> float:
            held.wait(timeout=10)
            started = time.monotonic()
            due.run(OFFERS, lambda: None)
            return time.monotonic() - started

        _, waited = crowd(nyborg, [slow_writer, claim], refusal=())
        assert waited >= 0.3
    finally:
        in_tenant(nyborg, forget)
