import pytest
from django.db import connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context, tenant_context

from apps.accounts.models import User
from tenants.models import Tenant
from tests.conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db

NEW_TENANT = {
    "name": "Roskilde Kommune",
    "kind": "municipality",
    "slug": "roskilde",
    "domain": "",
    "locale": "da",
    "timezone_name": "Europe/Copenhagen",
    "primary_colour": "#004b87",
    "accent_colour": "#8b2a2a",
    "welcome_text": "",
    "admin_name": "Rasmus Roskilde",
    "admin_email": "rasmus@roskilde.dk",
}


@pytest.fixture
def vera_client(console_client, vera):
    return signed_in(console_client, vera, None)


def test_it_sends_strangers_to_the_sign_in_page(console_client):
    response = console_client.get("/")
    assert response.status_code == 302 and response.url.startswith("/log-ind/")


def test_it_does_not_let_a_tenant_admin_into_the_console(console_client, nanna):
    response = console_client.post("/log-ind/", {"username": nanna.email, "password": PASSWORD})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_it_signs_staff_in_with_a_password(console_client, vera):
    response = console_client.post("/log-ind/", {"username": vera.email, "password": PASSWORD})
    assert response.status_code == 302
    assert console_client.get("/").status_code == 200


def test_it_asks_for_the_second_factor_once_staff_have_a_device(console_client, vera):
    with schema_context("public"):
        device = TOTPDevice.objects.create(user=vera, name="phone", confirmed=True)
    without = console_client.post("/log-ind/", {"username": vera.email, "password": PASSWORD})
    assert without.status_code == 200 and not without.wsgi_request.user.is_authenticated
    token = f"{totp(device.bin_key):06d}"
    response = console_client.post(
        "/log-ind/", {"username": vera.email, "password": PASSWORD, "otp_token": token}
    )
    assert response.status_code == 302
    assert console_client.get("/").status_code == 200


def test_it_requires_two_factor_when_the_platform_demands_it(vera_client, settings):
    settings.CONSOLE_REQUIRE_2FA = True
    assert vera_client.get("/").status_code == 302


def test_it_lists_tenants_with_status_and_counts(vera_client):
    page = vera_client.get("/").content.decode()
    assert "Nyborg Kommune" in page and "VisitAarhus" in page
    assert "tenant_template" not in page and "Template" not in page
    assert "nyborg.localhost" in page


def test_it_provisions_from_the_form(vera_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the task runs (eagerly)
        response = vera_client.post("/tenants/new/", NEW_TENANT)
    assert response.status_code == 302
    tenant = Tenant.objects.get(schema_name="roskilde")
    job = vera_client.get(response.url).content.decode()
    assert f'href="/tenants/{tenant.pk}/"' in job and "rasmus@roskilde.dk" in job
    with tenant_context(tenant):
        assert User.objects.filter(email="rasmus@roskilde.dk", is_owner_admin=True).exists()


def test_it_shows_form_errors_and_keeps_what_was_typed(vera_client):
    response = vera_client.post(
        "/tenants/new/", {**NEW_TENANT, "slug": "www", "primary_colour": "#ffff00"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in page and "reserveret" in page and "kontrast" in page
    assert 'value="Roskilde Kommune"' in page and 'value="rasmus@roskilde.dk"' in page
    assert not Tenant.objects.filter(schema_name="www").exists()


def test_it_suspends_and_resumes_a_tenant(vera_client, nyborg, nanna, nyborg_client):
    vera_client.post(f"/tenants/{nyborg.pk}/status/", {"action": "suspend"})
    closed = nyborg_client.get("/")
    assert closed.status_code == 503
    assert "lukket" in closed.content.decode() and "Nyborg Kommune" in closed.content.decode()
    assert nyborg_client.get("/konto/log-ind/").status_code == 503
    connection.set_schema_to_public()
    vera_client.post(f"/tenants/{nyborg.pk}/status/", {"action": "resume"})
    assert nyborg_client.get("/").status_code == 200
    with tenant_context(nyborg):
        assert User.objects.filter(pk=nanna.pk).exists()


def test_it_archives_a_tenant_out_of_the_list(vera_client, nyborg, nyborg_client):
    vera_client.post(f"/tenants/{nyborg.pk}/status/", {"action": "archive"})
    row_link = f'href="/tenants/{nyborg.pk}/"'
    assert row_link not in vera_client.get("/").content.decode()
    assert row_link in vera_client.get("/?archived=1").content.decode()
    assert nyborg_client.get("/").status_code == 503


def test_it_records_status_changes_in_the_history(vera_client, nyborg):
    vera_client.post(f"/tenants/{nyborg.pk}/status/", {"action": "suspend"})
    page = vera_client.get(f"/tenants/{nyborg.pk}/").content.decode()
    assert "vera@tovholder.dk" in page and "trial → suspended" in page


def test_it_resumes_a_tenant_in_trial_to_trial(vera_client, nyborg):
    assert nyborg.status == Tenant.Status.TRIAL
    vera_client.post(f"/tenants/{nyborg.pk}/status/", {"action": "suspend"})
    vera_client.post(f"/tenants/{nyborg.pk}/status/", {"action": "resume"})
    assert Tenant.objects.get(pk=nyborg.pk).status == Tenant.Status.TRIAL
    page = vera_client.get(f"/tenants/{nyborg.pk}/").content.decode()
    assert "suspended → trial" in page


def test_it_resumes_an_active_tenant_suspended_then_archived_to_active(vera_client, nyborg):
    Tenant.objects.filter(pk=nyborg.pk).update(status=Tenant.Status.ACTIVE)
    for action in ("suspend", "archive", "resume"):
        vera_client.post(f"/tenants/{nyborg.pk}/status/", {"action": action})
    resumed = Tenant.objects.get(pk=nyborg.pk)
    assert resumed.status == Tenant.Status.ACTIVE and resumed.status_before_closing == ""
