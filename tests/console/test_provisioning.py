"""Provisioning from the console: checked at once, made by a task, its page polled."""

from unittest import mock

import pytest
from django.utils import translation
from django_tenants.utils import schema_exists

from apps.audit.models import AuditEvent
from console.tasks import tenant_provision_build
from tenants.models import Domain, ProvisioningJob, Tenant
from tenants.provision_jobs import orphan_schema_drop, provision_run
from tenants.signals import tenant_provisioned
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

SVENDBORG = {
    "name": "Svendborg Kommune",
    "kind": "municipality",
    "slug": "svendborg",
    "domain": "",
    "locale": "da",
    "timezone_name": "Europe/Copenhagen",
    "primary_colour": "#004b87",
    "accent_colour": "#8b2a2a",
    "welcome_text": "",
    "admin_name": "Sofie Svendborg",
    "admin_email": "sofie@svendborg.dk",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def vera_client(console_client, vera):
    client = signed_in(console_client, vera, None)
    client.cookies["django_language"] = "en"
    return client


def nothing_left_of(slug: str) -> bool:
    return (
        not schema_exists(slug)
        and not Tenant.objects.filter(schema_name=slug).exists()
        and not Domain.objects.filter(domain=f"{slug}.localhost").exists()
    )


def test_it_answers_at_once_and_the_job_page_polls_until_the_worker_is_done(
    vera_client, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(tenant_provision_build, "delay") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = vera_client.post("/tenants/new/", SVENDBORG)
    job = ProvisioningJob.objects.get()
    assert response.status_code == 302 and response.url == f"/tenants/new/{job.pk}/"
    queued.assert_called_once_with(job_id=job.pk)
    assert nothing_left_of("svendborg")  # nothing made in the request

    page = vera_client.get(response.url).content.decode()
    assert "Waiting for a worker" in page and 'hx-trigger="every 1s"' in page
    assert "htmx.min.js" in page

    tenant_provision_build(job_id=job.pk)  # the worker

    fragment = vera_client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    tenant = Tenant.objects.get(schema_name="svendborg")
    assert "hx-trigger" not in fragment and "<html" not in fragment
    assert "Ready" in fragment and f'href="/tenants/{tenant.pk}/"' in fragment
    assert "http://svendborg.localhost/" in fragment
    assert tenant.stats.users == 1  # in the list with its counts at once
    job.refresh_from_db()
    assert job.status == "done" and job.tenant == tenant and job.seconds > 0


def test_it_checks_the_form_before_queueing_anything(vera_client):
    with mock.patch.object(tenant_provision_build, "delay") as queued:
        response = vera_client.post("/tenants/new/", {**SVENDBORG, "slug": "nyborg"})
    assert response.status_code == 400 and "already exists" in response.content.decode()
    queued.assert_not_called()
    assert not ProvisioningJob.objects.exists()


@pytest.mark.allow_logged_errors  # the unexpected error is logged with its traceback
def test_it_shows_a_failure_clearly_and_leaves_no_schema_behind(vera_client):
    def refuse(**_):
        raise RuntimeError("the mail server is on fire")

    with mock.patch.object(tenant_provision_build, "delay"):
        response = vera_client.post("/tenants/new/", SVENDBORG)
    tenant_provisioned.connect(refuse, dispatch_uid="test.refuse")
    try:
        tenant_provision_build(job_id=ProvisioningJob.objects.get().pk)
    finally:
        tenant_provisioned.disconnect(dispatch_uid="test.refuse")

    page = vera_client.get(response.url).content.decode()
    assert 'role="alert"' in page and "the mail server is on fire" in page
    assert "Nothing was left behind" in page and "hx-trigger" not in page
    assert nothing_left_of("svendborg")
    assert AuditEvent.objects.filter(action="tenant.provision_failed").exists()


def test_it_tells_who_took_the_name_meanwhile(vera_client, django_capture_on_commit_callbacks):
    with mock.patch.object(tenant_provision_build, "delay"):
        response = vera_client.post("/tenants/new/", SVENDBORG)
    job = ProvisioningJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        vera_client.post("/tenants/new/", SVENDBORG)  # a second tab, run first
    assert Tenant.objects.filter(schema_name="svendborg").exists()
    with translation.override("en"):  # a worker has no request: its default language
        provision_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "already exists" in job.error
    assert "already exists" in vera_client.get(response.url).content.decode()


def test_a_job_runs_once_however_often_the_task_is_delivered(vera_client):
    with mock.patch.object(tenant_provision_build, "delay"):
        vera_client.post("/tenants/new/", SVENDBORG)
    job = ProvisioningJob.objects.get()
    assert provision_run(job_id=job.pk) is not None
    assert provision_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.status == "done"


def test_it_drops_a_schema_no_tenant_claims_and_never_one_that_is_claimed(nyborg):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA halfmade")
    assert orphan_schema_drop("halfmade") and not schema_exists("halfmade")
    assert not orphan_schema_drop("nyborg") and schema_exists("nyborg")


def test_only_vendor_staff_see_a_job(console_client, nanna, vera_client):
    with mock.patch.object(tenant_provision_build, "delay"):
        response = vera_client.post("/tenants/new/", SVENDBORG)
    stranger = console_client.__class__(HTTP_HOST="console.localhost")
    assert stranger.get(response.url).status_code == 302  # to the sign-in page
    nyborg_host = console_client.__class__(HTTP_HOST="nyborg.localhost")
    assert nyborg_host.get(response.url).status_code == 404  # not a tenant's page at all
