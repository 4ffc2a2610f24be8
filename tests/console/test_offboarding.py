"""The console's export (Celery task, mailed one-time link) and offboarding pages."""

import re
import tarfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.utils import timezone, translation
from django_tenants.utils import schema_context, schema_exists

from apps.accounts.models import User
from tenants.export_requests import exports_clean_up
from tenants.models import Tenant, TenantExport
from tests.conftest import PASSWORD, host_client, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are matched in English: Danish ones come with the translations (locale/)."""
    with translation.override("en"):
        yield


@pytest.fixture
def exports_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "exports")},
        },
    }
    return tmp_path / "exports"


def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def vera_client(console_client, vera):
    return english(signed_in(console_client, vera, None))


def _link(outbox_message) -> str:
    match = re.search(r"https?://[^/\s]+(/exports/\d+/[\w-]+/)", outbox_message.body)
    assert match, outbox_message.body
    return match.group(1)


def test_it_mails_a_one_time_link_to_an_export_made_by_a_task(
    vera_client, vera, nyborg, exports_folder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = vera_client.post(f"/tenants/{nyborg.pk}/export/")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [vera.email] and "Nyborg Kommune" in message.subject
    link = _link(message)

    download = vera_client.get(link)

    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="nyborg-')
    with tarfile.open(fileobj=BytesIO(b"".join(download.streaming_content))) as tar:
        assert {"manifest.json", "manifest.sig", "schema.dump"} <= set(tar.getnames())
    again = vera_client.get(link)
    assert again.status_code == 410 and "has been used" in again.content.decode()


def test_it_refuses_the_link_to_other_staff_and_on_a_tenants_site(
    vera_client, nyborg, nanna, exports_folder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        vera_client.post(f"/tenants/{nyborg.pk}/export/")
    link = _link(mail.outbox[0])
    with schema_context("public"):
        olga = User.objects.create_superuser("olga@tovholder.dk", PASSWORD, full_name="Olga")
    other = english(signed_in(host_client("console.localhost"), olga, None))
    assert other.get(link).status_code == 404
    assert other.get(link.replace("/exports/", "/exports/9").rstrip("/") + "x/").status_code == 404
    on_site = signed_in(host_client("nyborg.localhost"), nanna, nyborg)
    assert on_site.get(link).status_code == 404
    assert vera_client.get(link[:-3] + "xx/").status_code == 404  # a wrong token
    assert vera_client.get(link).status_code == 200  # still unused by all of that


def test_it_refuses_an_expired_link(
    vera_client, nyborg, exports_folder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        vera_client.post(f"/tenants/{nyborg.pk}/export/")
    TenantExport.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = vera_client.get(_link(mail.outbox[0]))
    assert response.status_code == 410 and "expired" in response.content.decode()
    # Its archive (personal data) is deleted at the next clean-up, as each export begins.
    stored = TenantExport.objects.get().file
    assert (exports_folder / stored).exists()
    assert exports_clean_up() == 1 and not (exports_folder / stored).exists()
    assert vera_client.get(_link(mail.outbox[0])).status_code == 410


def test_it_answers_the_request_before_the_export_is_made(
    vera_client, nyborg, exports_folder, django_capture_on_commit_callbacks
):
    # The task starts only after the request's transaction: a big tenant never holds it up.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = vera_client.post(f"/tenants/{nyborg.pk}/export/", follow=True)
    assert response.status_code == 200 and len(callbacks) == 1 and not mail.outbox
    export = TenantExport.objects.get()
    assert export.ready_at is None and export.file == ""
    assert "Being made" in vera_client.get(f"/tenants/{nyborg.pk}/offboarding/").content.decode()


def test_it_cancels_and_purges_from_the_console_after_the_notice(
    vera_client, media, exports_folder, django_capture_on_commit_callbacks
):
    from tenants.services import tenant_provision

    tenant = tenant_provision(
        name="Afsked Kommune", slug="afsked", admin_email="a@afsked.dk", admin_name="A"
    ).tenant
    vera_client.post(f"/tenants/{tenant.pk}/cancel/")
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.ARCHIVED

    early = vera_client.post(f"/tenants/{tenant.pk}/purge/", {"confirm_slug": "afsked"})
    assert early.status_code == 400 and "notice period runs until" in early.content.decode()
    Tenant.objects.filter(pk=tenant.pk).update(archived_at=timezone.now() - timedelta(days=31))
    wrong = vera_client.post(f"/tenants/{tenant.pk}/purge/", {"confirm_slug": "nyborg"})
    assert wrong.status_code == 400 and "Type the short name afsked" in wrong.content.decode()
    assert schema_exists("afsked")

    with schema_context("public"):
        from django.db import connection

        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
    with django_capture_on_commit_callbacks(execute=True):
        done = vera_client.post(f"/tenants/{tenant.pk}/purge/", {"confirm_slug": "afsked"})
    assert done.status_code == 302
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.PURGED and not schema_exists("afsked")
    page = vera_client.get(f"/tenants/{tenant.pk}/offboarding/").content.decode()
    assert "vera@tovholder.dk" in page  # who purged it, kept on the tombstone
    assert vera_client.get("/?archived=1").status_code == 200  # no count of a gone schema
    assert vera_client.get(f"/tenants/{tenant.pk}/").status_code == 200
