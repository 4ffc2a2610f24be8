"""Tasks carry their tenant's schema, through a real worker and Redis."""

import os
import subprocess
import sys
import uuid
from email import message_from_bytes
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from apps.accounts.tasks import send_invitation
from apps.messaging.models import Message
from apps.messaging.rendering import rendered
from config.celery import app as celery_app
from kernel.tasks import TenantRequired

pytestmark = pytest.mark.django_db


def test_it_refuses_to_send_a_tenant_task_from_the_public_schema():
    assert connection.schema_name == "public"
    with pytest.raises(TenantRequired, match="public schema"):
        send_invitation.delay(1)


@pytest.fixture(scope="module")
def worker(tmp_path_factory, django_db_blocker):
    """A real `celery worker` process on its own queue, against the test database."""
    mail_dir = tmp_path_factory.mktemp("mail")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "DATABASE_URL": _test_database_url(settings.DATABASES["default"]["NAME"]),
        "TENANT_URL_SCHEME": "http",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
    )
    celery_app.conf.task_always_eager = False
    try:
        yield queue, mail_dir
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=30)


def _test_database_url(test_name: str) -> str:
    # The same server as DATABASE_URL (TCP or socket), but pytest-django's test database.
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{test_name}"))


def _mails(mail_dir: Path) -> list:
    return [message_from_bytes(p.read_bytes()) for p in sorted(mail_dir.glob("*.log"))]


@pytest.mark.worker
def test_it_runs_each_task_in_the_schema_it_was_sent_from(worker, nyborg, aarhus):
    queue, _mail_dir = worker
    pia, ida = pending_user(nyborg, "pia@nyborg.dk"), pending_user(aarhus, "ida@visitaarhus.dk")
    assert pia.pk == ida.pk  # the same id in both schemas: only the schema tells them apart
    results = []
    for tenant in (nyborg, aarhus):
        with tenant_context(tenant):
            results.append(send_invitation.apply_async((pia.pk,), queue=queue))
    assert [r.get(timeout=60) for r in results] == ["pia@nyborg.dk", "ida@visitaarhus.dk"]
    # The invitation is in each tenant's own outbox (its delivery task goes to the default
    # queue, which this worker does not serve), and renders in that tenant's branding.
    for tenant, name in ((nyborg, "Nyborg Kommune"), (aarhus, "VisitAarhus")):
        with tenant_context(tenant):
            message = Message.objects.get(kind="invitation")
            assert name in rendered(tenant, message).subject


def pending_user(tenant, email):
    from apps.accounts.models import User

    with tenant_context(tenant):
        return User.objects.get(email=email)


@pytest.mark.worker
def test_it_fails_loudly_when_a_task_reaches_the_worker_without_a_tenant(worker):
    queue, _ = worker
    result = celery_app.send_task("apps.accounts.tasks.send_invitation", args=(1,), queue=queue)
    with pytest.raises(TenantRequired):
        result.get(timeout=60)


def test_it_sends_a_beat_task_to_every_open_tenant_only(nyborg, aarhus):
    from unittest import mock

    from tenants.models import Tenant
    from tenants.tasks import send_to_every_open_tenant

    Tenant.objects.filter(pk=aarhus.pk).update(status=Tenant.Status.SUSPENDED)
    seen = []
    task = mock.Mock(delay=lambda: seen.append(connection.schema_name))
    assert send_to_every_open_tenant(task) == 1
    assert seen == ["nyborg"]
