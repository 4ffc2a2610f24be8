"""A task the broker cannot take after commit is kept (kernel.PendingTask) and sent once later.

The dead broker is a port where nothing listens, so a publish fails as it does when Redis
has been killed; tests/kernel/test_faults.py kills a real one during sign-ups.
"""

import time

import pytest
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.messaging.models import Message
from kernel.models import PendingTask
from kernel.tasks import enqueue_on_commit, pending_tasks_send
from tests.redis import free_port, redis_at

pytestmark = pytest.mark.django_db

INVITE = "apps.accounts.tasks.send_invitation"


def pending_person(tenant, email: str) -> int:
    with tenant_context(tenant):
        return User.objects.get(email=email).pk


def invitations(tenant) -> int:
    with tenant_context(tenant):
        return Message.objects.filter(kind="invitation").count()


def dead_redis() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def test_it_keeps_a_task_the_broker_cannot_take_instead_of_failing(
    nyborg, django_capture_on_commit_callbacks
):
    pia = pending_person(nyborg, "pia@nyborg.dk")
    with redis_at(dead_redis()), tenant_context(nyborg):
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit(INVITE, pia)  # tries the broker, fails, keeps the task
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit(INVITE, pia)  # the broker just failed: straight to the table
        assert time.monotonic() - started < 0.5
    rows = PendingTask.objects.values_list("schema_name", "task", "args")
    assert list(rows) == [("nyborg", INVITE, [pia])] * 2


def test_the_sweep_sends_each_kept_task_once_in_the_schema_it_came_from(nyborg, aarhus):
    pia, ida = pending_person(nyborg, "pia@nyborg.dk"), pending_person(aarhus, "ida@visitaarhus.dk")
    assert pia == ida  # the same id in both schemas: only the row's schema tells them apart
    PendingTask.objects.create(schema_name="nyborg", task=INVITE, args=[pia])
    PendingTask.objects.create(schema_name="visitaarhus", task=INVITE, args=[ida])
    before = invitations(nyborg), invitations(aarhus)
    # Tests run tasks eagerly: the sweep's send runs the task here, in the row's schema.
    assert pending_tasks_send() == 2
    assert pending_tasks_send() == 0
    assert not PendingTask.objects.exists()
    assert (invitations(nyborg), invitations(aarhus)) == (before[0] + 1, before[1] + 1)


def test_the_sweep_stops_at_a_dead_broker_and_keeps_the_rows(nyborg):
    pia = pending_person(nyborg, "pia@nyborg.dk")
    first = PendingTask.objects.create(schema_name="nyborg", task=INVITE, args=[pia])
    second = PendingTask.objects.create(schema_name="nyborg", task=INVITE, args=[pia])
    with redis_at(dead_redis()):
        assert pending_tasks_send() == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.attempts == 1 and "OperationalError" in first.last_error
    assert second.attempts == 0  # not tried: the broker was known to be down


def test_the_sweep_passes_over_a_task_the_code_no_longer_has(nyborg):
    pia = pending_person(nyborg, "pia@nyborg.dk")
    gone = PendingTask.objects.create(schema_name="nyborg", task="apps.gone.tasks.nothing", args=[])
    PendingTask.objects.create(schema_name="nyborg", task=INVITE, args=[pia])
    assert pending_tasks_send() == 1
    assert list(PendingTask.objects.values_list("pk", "attempts")) == [(gone.pk, 1)]


def test_the_beat_runs_the_sweep_every_minute_in_public():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["kernel-pending-tasks"]
    assert entry["schedule"] == 60.0
    sweep = app.tasks[entry["task"]]
    assert sweep.needs_tenant is False
    missing = [
        e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] not in app.tasks
    ]
    assert missing == []
