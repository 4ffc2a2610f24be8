"""Registering as a volunteer (the page and the privacy-notice versions are tested with the
legal texts, tests/apps/legal): consent is required and recorded, with who did it."""

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.legal.models import PrivacyConsent
from tests.mails import link_in_mail, path_of

pytestmark = pytest.mark.django_db


def register(client, **extra):
    form = {"full_name": " Ea Ny ", "email": "Ea@Example.dk", "phone": "", "next": "/profil/"}
    return client.post("/konto/tilmeld/", {**form, **extra})


def test_it_registers_with_consent_and_mails_a_link_that_signs_in(
    nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(nyborg_client, consent="on", privacy_version="1")
    assert response.status_code == 200
    with tenant_context(nyborg):
        ea = User.objects.get(email="ea@example.dk")
        assert ea.full_name == "Ea Ny" and ea.consented_at is not None
        assert PrivacyConsent.objects.get(user=ea).version.number == 1
        (event,) = AuditEvent.objects.filter(action="user.registered")
        assert (event.actor, event.target_type, event.target_id, event.data) == (
            "ea@example.dk",
            "accounts.User",
            str(ea.pk),
            {"consent": True},
        )
    link = link_in_mail("/konto/link/", to="ea@example.dk")
    assert nyborg_client.get(path_of(link, "nyborg.localhost")).url == "/profil/"


def test_it_registers_nobody_without_consent(
    nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(nyborg_client, privacy_version="1")
    assert response.status_code == 400
    assert "Vi skal have dit samtykke" in response.content.decode()
    with tenant_context(nyborg):
        assert not User.objects.filter(email="ea@example.dk").exists()
        assert not AuditEvent.objects.filter(action="user.registered").exists()
    assert mail.outbox == []


def test_it_registers_in_nyborg_only(nyborg, aarhus, nyborg_client):
    register(nyborg_client, consent="on")
    with tenant_context(aarhus):
        assert not User.objects.filter(email="ea@example.dk").exists()
