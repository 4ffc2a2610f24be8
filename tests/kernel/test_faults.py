"""Faults lose nothing: a private, real Redis is killed (SIGKILL) while volunteers sign up.

Every sign-up still answers at once; the confirmation that could not be queued waits in
kernel.PendingTask; when Redis is back, the beat's sweep sends it, a real Celery worker
delivers it over real SMTP, and every person has exactly one confirmation.

The sign-ups must commit (the worker is another process), so the whole run happens in a
module fixture outside the tests' transaction, in a throwaway tenant that is dropped at
the end (the pattern of tests/apps/messaging/test_worker.py); the tests read its record.
"""

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from apps.accounts.models import User
from apps.messaging.models import Delivery
from apps.organisations.models import Organisation
from apps.shifts.models import Event, SignUp
from kernel.models import PendingTask
from kernel.tasks import pending_tasks_send
from tenants.services import tenant_provision
from tests.personas import in_days, make_shift
from tests.personas import person as make_person
from tests.redis import PrivateRedis, free_port, redis_at

pytestmark = [pytest.mark.django_db, pytest.mark.worker]

BEFORE, DURING = 3, 5  # sign-ups with Redis up, then with Redis killed
SLOW = 3.0  # seconds: a sign-up slower than this with Redis down is a stall


class Inbox:
    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


@dataclass
class Outage:
    seconds_up: list[float] = field(default_factory=list)
    seconds_down: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    kept: int = 0  # PendingTask rows while Redis was down
    swept: int = 0
    left: int = 0  # PendingTask rows after the sweep
    health_down: tuple[int, dict] = (0, {})
    people: list[str] = field(default_factory=list)
    mails: Counter = field(default_factory=Counter)
    sent_rows: Counter = field(default_factory=Counter)
    confirmed: int = 0


def start_worker(redis_url: str, smtp_port: int) -> subprocess.Popen[bytes]:
    database = settings.DATABASES["default"]["NAME"]
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "DATABASE_URL": urlunsplit(
            urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database}")
        ),
    }
    options = ["--pool", "solo", "--loglevel", "WARNING"]
    quiet = ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", *options, *quiet], env=env
    )


def wait_until_sent(people: list[User], seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    rows = Delivery.objects.filter(user__in=people, channel=Delivery.Channel.EMAIL)
    while time.monotonic() < deadline:
        if rows.count() == len(people) and not rows.exclude(status=Delivery.Status.SENT).exists():
            return True
        time.sleep(0.25)
    return False


def sign_up(shift_id: int, user: User, tenant, record: list[float], outage: Outage) -> None:
    client = Client(HTTP_HOST="faults.localhost")
    with schema_context(tenant.schema_name):
        client.force_login(user)
    started = time.monotonic()
    response = client.post(f"/vagter/{shift_id}/tilmeld/")
    record.append(time.monotonic() - started)
    outage.statuses.append(response.status_code)


@pytest.fixture(scope="module")
def outage(django_db_blocker, tmp_path_factory) -> Iterator[Outage]:
    result = Outage()
    redis = PrivateRedis(tmp_path_factory.mktemp("redis"))
    redis.start()
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    worker = start_worker(redis.url, smtp.port)
    with django_db_blocker.unblock():
        tenant = tenant_provision(
            slug="faults", name="Faults Kommune", admin_email="a@faults.dk", admin_name="A"
        ).tenant
    try:
        with django_db_blocker.unblock(), redis_at(redis.url):
            with tenant_context(tenant):
                club = Organisation.objects.create(name="Faults Roklub", is_approved=True)
                event = Event.objects.create(
                    organisation=club,
                    title="Regatta",
                    starts_at=in_days(10, 8),
                    ends_at=in_days(10, 20),
                    status=Event.Status.PUBLISHED,
                )
                shift = make_shift(event.tasks.create(title="Kiosk"), capacity=BEFORE + DURING)
                people = [make_person(f"Frivillig{i}") for i in range(BEFORE + DURING)]
            result.people = [p.email for p in people]
            for user in people[:BEFORE]:
                sign_up(shift.pk, user, tenant, result.seconds_up, result)
            with tenant_context(tenant):
                assert wait_until_sent(people[:BEFORE]), "the worker did not deliver before"

            redis.kill()  # mid-way: the first confirmations are out, the rest are not
            for user in people[BEFORE:]:
                sign_up(shift.pk, user, tenant, result.seconds_down, result)
            health = Client(HTTP_HOST="faults.localhost").get("/healthz")
            result.health_down = (health.status_code, health.json())
            result.kept = PendingTask.objects.filter(schema_name="faults").count()

            redis.start()  # the same port: the worker and the web's pools reconnect
            result.swept = pending_tasks_send()
            result.left = PendingTask.objects.filter(schema_name="faults").count()
            with tenant_context(tenant):
                wait_until_sent(people)
                rows = Delivery.objects.filter(
                    user__in=people, status=Delivery.Status.SENT, message__kind="signup_confirmed"
                )
                result.sent_rows = Counter(rows.values_list("user__email", flat=True))
                result.confirmed = SignUp.objects.filter(
                    shift=shift, status=SignUp.Status.CONFIRMED
                ).count()
            time.sleep(0.5)  # the last SMTP conversation's DATA is recorded by now
            result.mails = Counter(inbox.recipients)
        yield result
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        smtp.stop()
        if redis.process and redis.process.poll() is None:
            redis.kill()
        with django_db_blocker.unblock():
            PendingTask.objects.filter(schema_name="faults").delete()
            tenant.delete(force_drop=True)


def test_it_answers_every_sign_up_quickly_while_redis_is_dead(outage):
    assert outage.statuses == [302] * (BEFORE + DURING)
    assert max(outage.seconds_down) < SLOW, outage.seconds_down
    print(  # the figures for the record (pytest -s)
        f"\nsign-up with Redis up: {', '.join(f'{s:.2f}' for s in outage.seconds_up)} s; "
        f"with Redis killed: {', '.join(f'{s:.2f}' for s in outage.seconds_down)} s"
    )


def test_it_keeps_each_confirmation_the_broker_missed_and_sends_it_when_redis_is_back(outage):
    assert outage.kept == DURING  # one deliver_batch per sign-up made while Redis was dead
    assert outage.swept == DURING and outage.left == 0
    assert outage.confirmed == BEFORE + DURING


def test_it_gives_every_person_exactly_one_confirmation(outage):
    assert outage.sent_rows == Counter(outage.people)
    assert outage.mails == Counter(outage.people)


def test_it_reports_redis_down_as_degraded_not_as_unready(outage):
    status, body = outage.health_down
    assert status == 200
    assert body["status"] == "degraded" and body["database"] is True and body["cache"] is False
