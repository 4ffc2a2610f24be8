"""The audit log: who did what to which record, in the schema the record lives in. The
vendor reads a tenant's log on its console page; nobody else reads it, and a tenant's page
shows nothing of another tenant's log."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_events_for
from apps.audit.services import audit_record
from tests.conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db


def test_it_writes_who_did_what_to_which_record(nyborg, nanna, frida):
    with tenant_context(nyborg):
        event = audit_record(actor=nanna, action="user.renamed", target=frida, old="F", new="Frida")
        stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.action, stored.target_type, stored.target_id) == (
        "nanna@nyborg.dk",
        "user.renamed",
        "accounts.User",
        str(frida.pk),
    )
    assert stored.data == {"old": "F", "new": "Frida"} and stored.created_at is not None


def test_it_names_the_system_when_nobody_acted_and_takes_a_record_less_event(nyborg):
    with tenant_context(nyborg):
        event = audit_record(actor=None, action="sweep.ran")
        assert AuditEvent.objects.filter(pk=event.pk).values_list(
            "actor", "target_type", "target_id", "data"
        ).get() == ("system", "", "", {})


def test_it_keeps_each_tenants_log_in_its_own_schema(nyborg, aarhus, nanna, frida):
    with tenant_context(nyborg):
        audit_record(actor=nanna, action="user.secret", target=frida)
        assert audit_events_for(target_type="accounts.User", target_id=str(frida.pk)).count() == 1
    with tenant_context(aarhus):
        assert not AuditEvent.objects.filter(action="user.secret").exists()
        assert not audit_events_for(target_type="accounts.User", target_id=str(frida.pk)).exists()


@pytest.fixture
def logged(nyborg, aarhus, vera) -> None:
    with schema_context("public"):
        audit_record(actor=vera, action="tenant.nyborg_only", target=nyborg)
        audit_record(actor=vera, action="tenant.aarhus_only", target=aarhus)


def test_it_shows_the_vendor_the_tenants_log_and_nothing_of_another_tenant(
    logged, nyborg, vera, console_client
):
    page = signed_in(console_client, vera, None).get(f"/tenants/{nyborg.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "vera@tovholder.dk · tenant.nyborg_only" in body
    assert "tenant.provisioned" in body  # written when the tests' tenants were provisioned
    assert "tenant.aarhus_only" not in body


def test_it_shows_the_log_to_nobody_but_vendor_staff(logged, nyborg, nanna, console_client):
    path = f"/tenants/{nyborg.pk}/"
    anonymous = console_client.get(path)
    assert anonymous.status_code == 302
    assert anonymous.url == f"/log-ind/?next=/tenants/{nyborg.pk}/"
    with schema_context("public"):
        customer = User.objects.create_user("kunde@example.dk", PASSWORD, full_name="Ikke Ansat")
    not_staff = signed_in(Client(HTTP_HOST="console.localhost"), customer, None).get(path)
    assert not_staff.status_code == 302 and not_staff.url == anonymous.url
    for response in (anonymous, not_staff):
        assert "tenant.nyborg_only" not in response.content.decode()


def test_nyborgs_admin_cannot_reach_the_console_log_from_the_tenant_site(
    logged, nyborg, nanna, nyborg_client
):
    response = signed_in(nyborg_client, nanna, nyborg).get(f"/tenants/{nyborg.pk}/")
    assert response.status_code == 404
    assert "tenant.nyborg_only" not in response.content.decode()
