"""The vendor configures a tenant's single sign-on providers from the console; the settings
live in the tenant's own schema, and the client secret only as the name of a mounted file."""

import pytest
from django_tenants.utils import schema_context, tenant_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.sso.models import Provider
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Nyborg Kommune (Entra ID)",
    "slug": "entra",
    "kind": "entra_id",
    "is_enabled": "on",
    "issuer": "https://login.microsoftonline.com/0000-1111/v2.0",
    "client_id": "c0ffee",
    "client_secret_file": "nyborg-entra",
    "scopes": "openid email profile",
    "email_claim": "email",
    "email_verified_claim": "email_verified",
    "name_claim": "name",
    "grant": "owner_admin",
    "role_claim": "roles",
    "role_claim_value": "Tovholder.Admin",
    "counts_as_second_factor": "on",
    "second_factor_claim": "amr=mfa",
}


def test_it_lets_only_vendor_staff_in(console_client, nyborg):
    path = f"/tenants/{nyborg.pk}/sso/"
    assert console_client.get(path).url.startswith("/log-ind/")
    assert console_client.post(f"{path}new/", FORM).url.startswith("/log-ind/")
    with schema_context("public"):
        customer = User.objects.create_user("kunde@example.dk", "pw-pw-pw-123", full_name="K")
    assert signed_in(console_client, customer, None).get(path).url.startswith("/log-ind/")
    with tenant_context(nyborg):
        assert not Provider.objects.exists()


def test_it_saves_a_provider_in_the_tenants_schema(console_client, vera, nyborg, aarhus):
    browser = signed_in(console_client, vera, None)
    response = browser.post(f"/tenants/{nyborg.pk}/sso/new/", FORM)
    assert response.status_code == 302 and response.url == f"/tenants/{nyborg.pk}/sso/"
    with tenant_context(nyborg):
        provider = Provider.objects.get()
        assert (provider.grant, provider.counts_as_second_factor) == ("owner_admin", True)
        assert provider.second_factor_claim == "amr=mfa"
        row = AuditEvent.objects.get(action="sso.provider_created")
        assert row.actor == "vera@tovholder.dk (console)" and row.actor_id is None
    with tenant_context(aarhus):
        assert not Provider.objects.exists()
    page = browser.get(f"/tenants/{nyborg.pk}/sso/").content.decode()
    assert "http://nyborg.localhost/sso/entra/retur/" in page  # the redirect URI to register


def test_it_refuses_a_secret_path_a_plain_issuer_and_a_role_without_a_claim_value(
    console_client, vera, nyborg
):
    browser = signed_in(console_client, vera, None)
    data = {
        **FORM,
        "client_secret_file": "../../etc/passwd",
        "issuer": "http://login.example.dk",
        "role_claim_value": "",
        "second_factor_claim": "mfa",
    }
    response = browser.post(f"/tenants/{nyborg.pk}/sso/new/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {
        "client_secret_file",
        "issuer",
        "role_claim_value",
        "second_factor_claim",
    }
    with tenant_context(nyborg):
        assert not Provider.objects.exists()


def test_it_offers_only_the_tenants_own_organisations_to_coordinate(
    console_client, vera, nyborg, roklub
):
    browser = signed_in(console_client, vera, None)
    page = browser.get(f"/tenants/{nyborg.pk}/sso/new/").content.decode()
    assert "Nyborg Roklub" in page
    data = {**FORM, "grant": "coordinator", "grant_organisation": str(roklub.pk)}
    assert browser.post(f"/tenants/{nyborg.pk}/sso/new/", data).status_code == 302
    with tenant_context(nyborg):
        assert Provider.objects.get().grant_organisation == roklub


def test_it_changes_a_provider_and_shows_its_redirect_uri(console_client, vera, nyborg):
    browser = signed_in(console_client, vera, None)
    browser.post(f"/tenants/{nyborg.pk}/sso/new/", FORM)
    with tenant_context(nyborg):
        provider = Provider.objects.get()
    path = f"/tenants/{nyborg.pk}/sso/{provider.pk}/"
    assert "http://nyborg.localhost/sso/entra/retur/" in browser.get(path).content.decode()
    assert browser.post(path, {**FORM, "is_enabled": ""}).status_code == 302
    with tenant_context(nyborg):
        assert not Provider.objects.get().is_enabled
        assert AuditEvent.objects.filter(action="sso.provider_changed").count() == 1
