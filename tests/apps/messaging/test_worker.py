"""A real Celery worker is killed (SIGKILL) in the middle of a batch; nobody gets a mail
twice, and everyone still gets it once the abandoned claims are taken over."""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.messaging.models import Delivery, Message
from apps.messaging.services import CLAIM_TIMEOUT, deliveries_claim, deliveries_send
from apps.messaging.tasks import deliver_batch
from apps.organisations.models import Organisation
from config.celery import app as celery_app
from tenants.models import Tenant
from tests.apps.messaging.test_smtp import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.worker]

PEOPLE = 5


class StallingInbox:
    """Accepts the first mail, then never answers the DATA of the second."""

    def __init__(self) -> None:
        self.accepted: list[str] = []
        self.stalled = False

    async def handle_DATA(self, server, session, envelope) -> str:
        if len(self.accepted) == 1 and not self.stalled:
            self.stalled = True
            await asyncio.sleep(120)
            return "451 too late"
        self.accepted.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture(scope="module")
def committed_message(django_db_blocker) -> Iterator[int]:
    """A message with PEOPLE pending rows, committed so that the worker process sees them."""
    with django_db_blocker.unblock():
        nyborg = Tenant.objects.get(schema_name="nyborg")
    with django_db_blocker.unblock(), tenant_context(nyborg):
        organisation = Organisation.objects.create(name="Worker Test Club", is_approved=True)
        users = [
            User.objects.create_user(f"worker-{i}@example.dk", full_name=f"W {i}")
            for i in range(PEOPLE)
        ]
        message = Message.objects.create(
            organisation=organisation,
            subject="Info",
            body_markdown="Hej",
            audience_kind=Message.Audience.EVENT,
            audience_id=0,
            status=Message.Status.SENDING,
        )
        Delivery.objects.bulk_create(
            [Delivery(message=message, user=user, address=user.email) for user in users]
        )
    try:
        yield message.pk
    finally:
        # Tests put the connection back in public meanwhile; clean up in Nyborg's schema.
        with django_db_blocker.unblock(), tenant_context(nyborg):
            message.delete()
            organisation.delete()
            User.objects.filter(pk__in=[user.pk for user in users]).delete()


def test_a_worker_killed_mid_batch_causes_no_duplicate_and_no_loss(
    committed_message, nyborg, settings
):
    inbox = StallingInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    database = settings.DATABASES["default"]["NAME"]
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "DATABASE_URL": urlunsplit(
            urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database}")
        ),
    }
    options = ["--pool", "solo", "--queues", queue, "--loglevel", "WARNING"]
    quiet = ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", *options, *quiet], env=env
    )
    celery_app.conf.task_always_eager = False
    try:
        with tenant_context(nyborg):
            deliver_batch.apply_async((committed_message,), queue=queue)
        deadline = time.monotonic() + 60
        while not inbox.stalled and time.monotonic() < deadline:
            time.sleep(0.1)
        assert inbox.stalled, "the worker never reached the second mail"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        celery_app.conf.task_always_eager = True
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=30)

    try:
        with tenant_context(nyborg):
            rows = Delivery.objects.filter(message_id=committed_message)
            statuses = sorted(rows.values_list("status", flat=True))
            assert statuses == ["sending"] * (PEOPLE - 1) + ["sent"]
            # A duplicated task now finds nothing: the dead worker's claims are still fresh.
            assert deliveries_claim(message_id=committed_message) == []
            later = timezone.now() + CLAIM_TIMEOUT + timedelta(minutes=1)
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
            settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
            settings.EMAIL_USE_TLS = False
            deliveries_send(delivery_ids=deliveries_claim(message_id=committed_message, now=later))
            assert set(rows.values_list("status", flat=True)) == {"sent"}
        assert sorted(inbox.accepted) == sorted(f"worker-{i}@example.dk" for i in range(PEOPLE))
    finally:
        smtp.stop()
