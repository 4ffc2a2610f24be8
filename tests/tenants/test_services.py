"""Provisioning: from the template script, all-or-nothing, and every kind of bad input."""

import importlib
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists, tenant_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from tenants import checks
from tenants.models import Domain, Tenant
from tenants.services import TemplateMissing, tenant_provision, tenant_resume, tenant_set_status
from tenants.signals import tenant_provisioned

pytestmark = pytest.mark.django_db

ROSKILDE = {
    "slug": "roskilde",
    "name": "Roskilde Kommune",
    "admin_email": "rasmus@roskilde.dk",
    "admin_name": "Rasmus Roskilde",
}


def provision(**overrides: str):
    return tenant_provision(**{**ROSKILDE, **overrides})


def nothing_left_of(slug: str, domain: str = "") -> bool:
    return (
        not schema_exists(slug)
        and not Tenant.objects.filter(schema_name=slug).exists()
        and not Domain.objects.filter(domain=domain or f"{slug}.localhost").exists()
    )


def test_it_provisions_from_the_template_script_never_by_clone_schema(
    django_capture_on_commit_callbacks,
):
    clone = mock.patch.object(CloneSchema, "clone_schema", autospec=True)
    with clone as cloned, django_capture_on_commit_callbacks(execute=True):
        result = provision()
    cloned.assert_not_called()
    assert schema_exists("roskilde")
    assert result.domain.domain == "roskilde.localhost" and result.domain.is_primary
    with tenant_context(result.tenant):
        admin = User.objects.get()
        assert admin.email == "rasmus@roskilde.dk" and admin.is_owner_admin
        assert not admin.has_usable_password()  # chosen through the invitation
    assert AuditEvent.objects.filter(
        action="tenant.provisioned", target_id=str(result.tenant.pk)
    ).exists()


def test_it_never_falls_back_to_migrating_when_the_template_is_missing(settings):
    settings.TENANT_BASE_SCHEMA = "no_such_template"
    with mock.patch.object(checks, "_known_good", False), pytest.raises(TemplateMissing):
        provision()
    assert nothing_left_of("roskilde")


def test_it_emails_the_first_admin_an_invitation_that_sets_a_password(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        result = provision()
    (message,) = mail.outbox
    assert message.to == ["rasmus@roskilde.dk"]
    assert "Roskilde Kommune" in message.subject
    link = next(word for word in message.body.split() if "/konto/invitation/" in word)
    assert "://roskilde.localhost/konto/invitation/" in link
    client = Client(HTTP_HOST="roskilde.localhost")
    path = link.split("roskilde.localhost", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "en-lang-adgangskode-42", "new_password2": "en-lang-adgangskode-42"},
    )
    assert response.status_code == 302
    with tenant_context(result.tenant):
        assert User.objects.get().check_password("en-lang-adgangskode-42")
    # Signed in now, the new admin sets up a second factor before anything else (apps.twofactor).
    assert client.get(response.url)["Location"].startswith("/tofaktor/opsaet/")
    stranger = Client(HTTP_HOST="roskilde.localhost")
    assert stranger.get(path, follow=True).context["validlink"] is False  # used once only


def test_it_leaves_nothing_behind_when_it_fails_half_way():
    with (
        mock.patch("apps.accounts.services.audit_record", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError, match="disk full"),
    ):
        provision()
    connection.set_schema_to_public()
    assert nothing_left_of("roskilde")


def test_it_tells_the_apps_above_in_the_new_schema_and_undoes_everything_if_one_fails():
    # accounts (the first admin) and legal (the standard pages) hear it this way; tenants
    # imports neither.
    heard = []

    def refuse(*, tenant, admin_email, **_):
        heard.append((connection.schema_name, tenant.schema_name, admin_email))
        raise RuntimeError("not today")

    tenant_provisioned.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(RuntimeError):
            provision()
    finally:
        tenant_provisioned.disconnect(dispatch_uid="test.refuse")
    assert heard == [("roskilde", "roskilde", "rasmus@roskilde.dk")]
    connection.set_schema_to_public()
    assert nothing_left_of("roskilde")


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"slug": "nyborg"}, "slug", "findes allerede"),
        ({"slug": "NYBORG"}, "slug", "findes allerede"),
        ({"domain": "visitaarhus.localhost"}, "domain", "allerede i brug"),
        ({"slug": "www"}, "slug", "reserveret"),
        ({"slug": "console"}, "slug", "reserveret"),
        ({"slug": "public"}, "slug", "reserveret"),
        ({"slug": "api"}, "slug", "reserveret"),
        ({"slug": "admin"}, "slug", "reserveret"),
        ({"slug": "pg_catalog2"}, "slug", "reserveret"),
        ({"slug": "ny-borg"}, "slug", "små bogstaver"),
        ({"slug": "1roskilde"}, "slug", "små bogstaver"),
        ({"slug": "æbeltoft"}, "slug", "små bogstaver"),
        ({"slug": "r" * 64}, "slug", "små bogstaver"),
        ({"domain": "roskilde"}, "domain", "gyldigt værtsnavn"),
        ({"domain": "ros_kilde.dk"}, "domain", "gyldigt værtsnavn"),
        ({"domain": "-roskilde.dk"}, "domain", "gyldigt værtsnavn"),
        ({"domain": "roskilde..dk"}, "domain", "gyldigt værtsnavn"),
        ({"domain": "www.roskilde.dk"}, "domain", "reserveret"),
        ({"primary_colour": "#ffff00"}, "primary_colour", "kontrast"),
        ({"accent_colour": "blue"}, "accent_colour", "seks"),
        ({"timezone_name": "Europe/Nyborg"}, "timezone", "tidszone"),
        ({"admin_email": "rasmus@"}, "admin_email", "e-mail"),
        ({"admin_name": " "}, "admin_name", "navn"),
        ({"name": ""}, "name", "tomt"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_danish_message(overrides, field, words):
    before = registry_snapshot()
    with pytest.raises(ValidationError) as caught:
        provision(**overrides)
    messages = " ".join(caught.value.message_dict[field])
    assert words in messages.lower(), messages
    assert registry_snapshot() == before


def registry_snapshot() -> tuple[int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace")
        (schemas,) = cursor.fetchone()
    return schemas, Tenant.objects.count(), Domain.objects.count()


def test_it_explains_the_contrast_it_measured():
    with pytest.raises(ValidationError) as caught:
        provision(primary_colour="#7fb2e5")
    (message,) = caught.value.message_dict["primary_colour"]
    assert "#7fb2e5" in message and "2,2" in message.replace(".", ",") and "4,5:1" in message


def test_it_keeps_a_suspended_tenants_data(nyborg, nanna):
    tenant_set_status(tenant=nyborg, status=Tenant.Status.SUSPENDED, actor=None)
    with tenant_context(nyborg):
        assert User.objects.filter(pk=nanna.pk).exists()
    assert Tenant.objects.get(pk=nyborg.pk).status_changed_at is not None


def test_it_reports_a_bad_slug_once_when_the_domain_is_derived_from_it():
    with pytest.raises(ValidationError) as caught:
        provision(slug="Svendborg Kommune!")
    assert set(caught.value.message_dict) == {"slug"}


def test_it_resumes_to_the_status_before_suspension(nyborg):
    tenant_set_status(tenant=nyborg, status=Tenant.Status.SUSPENDED, actor=None)
    assert tenant_resume(tenant=nyborg, actor=None).status == Tenant.Status.TRIAL
    tenant_set_status(tenant=nyborg, status=Tenant.Status.ACTIVE, actor=None)
    tenant_set_status(tenant=nyborg, status=Tenant.Status.ARCHIVED, actor=None)
    assert tenant_resume(tenant=nyborg, actor=None).status == Tenant.Status.ACTIVE


def test_it_remembers_the_status_of_tenants_closed_before_the_field_from_the_audit_log(nyborg):
    migration = importlib.import_module("tenants.migrations.0003_tenant_status_before_closing")
    Tenant.objects.filter(pk=nyborg.pk).update(status=Tenant.Status.ARCHIVED)
    for old, new in (("trial", "active"), ("active", "suspended"), ("suspended", "archived")):
        audit_record(actor=None, action="tenant.status", target=nyborg, old=old, new=new)
    migration.remember_open_status(django_apps, None)
    assert Tenant.objects.get(pk=nyborg.pk).status_before_closing == Tenant.Status.ACTIVE
    assert tenant_resume(tenant=nyborg, actor=None).status == Tenant.Status.ACTIVE
