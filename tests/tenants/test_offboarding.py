"""Cancel → archived (read-only for the tenant's admins) → purged (tombstone). In the
test's transaction: the schema drop is rolled back with it; files live in a fresh folder."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone, translation
from django_tenants.utils import schema_exists, tenant_context

from apps.audit.models import AuditEvent
from tenants.models import Tenant
from tenants.offboarding import notice_ends, tenant_cancel, tenant_purge
from tenants.selectors import open_tenants
from tenants.services import tenant_provision, tenant_resume, tenant_set_status
from tests.conftest import host_client, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are matched in English: Danish ones come with the translations (locale/)."""
    with translation.override("en"):
        yield


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LATER = timedelta(days=31)


@pytest.fixture
def leaving(media, vera) -> Tenant:
    tenant = tenant_provision(
        name="Afsked Kommune", slug="afsked", admin_email="a@afsked.dk", admin_name="A"
    ).tenant
    with tenant_context(tenant):
        storages["default"].save("events/poster.png", ContentFile(PNG))
    tenant.logo.save("logo.png", ContentFile(PNG))
    return tenant


def test_it_archives_on_cancel_with_who_and_when(leaving, vera):
    tenant = tenant_cancel(tenant=leaving, actor=vera)
    assert tenant.status == Tenant.Status.ARCHIVED and tenant.archived_by == vera.email
    assert notice_ends(tenant) == tenant.archived_at + timedelta(days=30)
    assert leaving not in open_tenants()


def test_it_refuses_a_purge_during_the_notice_period(leaving, vera):
    tenant = tenant_cancel(tenant=leaving, actor=vera)
    with pytest.raises(ValidationError, match="notice period runs until"):
        tenant_purge(tenant=tenant, confirm_slug="afsked", actor=vera)
    assert schema_exists("afsked")


def test_it_refuses_a_purge_without_the_slug_typed_in(leaving, vera):
    tenant = tenant_cancel(tenant=leaving, actor=vera)
    for typed in ("", "Afsked", "nyborg"):
        with pytest.raises(ValidationError, match="Type the short name afsked"):
            tenant_purge(tenant=tenant, confirm_slug=typed, actor=vera, now=timezone.now() + LATER)
    assert schema_exists("afsked")


def test_it_refuses_to_purge_a_tenant_that_was_not_cancelled(leaving, vera):
    with pytest.raises(ValidationError, match="Only an archived"):
        tenant_purge(tenant=leaving, confirm_slug="afsked", actor=vera, now=timezone.now() + LATER)


def test_it_purges_to_a_tombstone_and_deletes_the_files(
    leaving, vera, aarhus, django_capture_on_commit_callbacks
):
    logo = leaving.logo.name
    tenant = tenant_cancel(tenant=leaving, actor=vera)
    with django_capture_on_commit_callbacks(execute=True):
        tenant = tenant_purge(
            tenant=tenant, confirm_slug=" afsked ", actor=vera, now=timezone.now() + LATER
        )
    assert tenant.status == Tenant.Status.PURGED and tenant.purged_by == vera.email
    assert tenant.archived_at and tenant.purged_at and tenant.name == "Afsked Kommune"
    assert not schema_exists("afsked") and schema_exists(aarhus.schema_name)
    assert tenant not in open_tenants()  # no beat task reaches for a schema that is gone
    with tenant_context(tenant):
        assert not storages["default"].exists("events/poster.png")
    assert not storages["branding"].exists(logo)
    event = AuditEvent.objects.get(action="tenant.purged", target_id=str(tenant.pk))
    assert event.actor_id == str(vera.pk) or event.actor
    with pytest.raises(ValidationError, match="purged"):
        tenant_resume(tenant=tenant, actor=vera)
    with pytest.raises(ValueError, match=r"Only tenants\.offboarding"):
        tenant_set_status(tenant=aarhus, status=Tenant.Status.PURGED, actor=vera)


def test_it_answers_a_purged_tenants_host_with_not_found_never_public_data(leaving, vera):
    tenant = tenant_cancel(tenant=leaving, actor=vera)
    tenant_purge(tenant=tenant, confirm_slug="afsked", actor=vera, now=timezone.now() + LATER)
    for path in ("/", "/konto/log-ind/", "/indstillinger/"):
        response = host_client("afsked.localhost").get(path)
        assert response.status_code == 404
        assert "vera@tovholder.dk" not in response.content.decode()
    assert host_client("visitaarhus.localhost").get("/").status_code == 200


def test_it_answers_a_host_whose_schema_is_missing_with_not_found(leaving):
    # As while a restore runs, or after a drop by hand: search_path "afsked, public" would
    # find the public schema's tables (its users, its sessions) under the same names.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # provisioned in this transaction
        cursor.execute("DROP SCHEMA afsked CASCADE")  # rolled back with the test
    response = host_client("afsked.localhost").get("/konto/log-ind/")
    assert response.status_code == 404 and b"afsked.localhost" in response.content


def test_it_keeps_an_archived_site_readable_for_its_admins_only(nyborg, nanna, vera):
    tenant_cancel(tenant=nyborg, actor=vera)
    admin = signed_in(host_client("nyborg.localhost"), nanna, nyborg)
    admin.cookies["django_language"] = "en"
    page = admin.get("/indstillinger/")
    assert page.status_code == 200 and "closed and is read-only" in page.content.decode()
    again = admin.get("/indstillinger/").content.decode()
    assert "closed and is read-only" not in again  # said once, not on every page
    refused = admin.post("/indstillinger/", {"cancel_deadline_hours": 1})
    assert refused.status_code == 403 and "read-only" in refused.content.decode().lower()
    with tenant_context(nyborg):
        nyborg.refresh_from_db()
    assert nyborg.cancel_deadline_hours == 24  # nothing changed
    stranger = host_client("nyborg.localhost")
    assert stranger.get("/").status_code == 503
    assert stranger.get("/konto/log-ind/").status_code == 200  # admins can still sign in
    assert host_client("visitaarhus.localhost").get("/").status_code == 200


def test_it_keeps_the_bookkeeping_of_a_purged_tenant(leaving, nyborg, vera, tmp_path):
    from datetime import date

    from billing.models import Invoice, Plan, Subscription, UsageMonth
    from billing.services import invoice_issue, subscription_start
    from tenants.exports import tenant_export

    plan = Plan.objects.create(
        name="P", kind="municipality", period="monthly", base_price=250_000,
        included_volunteers=100, block_size=50, block_price=40_000, sms_segment_price=35,
        trial_days=0,
    )  # fmt: skip
    november = date(2026, 11, 1)
    invoices = {}
    for tenant in (leaving, nyborg):
        subscription_start(tenant=tenant, plan=plan, actor=vera, today=november)
        invoices[tenant.pk] = invoice_issue(tenant=tenant, month=november, actor=vera)
    # An archive carries them too: the tenant's rows in public (nyborg's schema is the
    # committed one pg_dump can see; its public rows are read in this transaction).
    archive = tenant_export(tenant=nyborg, out=tmp_path / "a.tar", actor=vera).manifest
    assert archive.public_rows["billing.Invoice"] == 1
    assert archive.public_rows["billing.InvoiceLine"] == invoices[nyborg.pk].lines.count()
    assert archive.public_rows["billing.Subscription"] == 1

    tenant = tenant_cancel(tenant=leaving, actor=vera)
    tenant_purge(tenant=tenant, confirm_slug="afsked", actor=vera, now=timezone.now() + LATER)

    assert Invoice.objects.get(pk=invoices[leaving.pk].pk).tenant_id == leaving.pk
    assert Subscription.objects.filter(tenant=leaving).exists()
    assert UsageMonth.objects.filter(tenant=leaving).exists()
