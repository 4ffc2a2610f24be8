"""Consents are rows (apps.legal.Consent): what a person was told (the privacy notice at
registration, art. 13) or agreed to (text messages), which version of the notice, when and
how. Frida sees hers on her account page and withdraws her SMS consent, which switches
every text message off; Anders (another tenant) sees none of it."""

import pytest
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.legal.models import Consent, Document
from apps.legal.selectors import consents, current_version
from apps.legal.services import consent_record
from apps.messaging.models import Preference
from apps.messaging.services.preferences import preferences_save
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def sms_on(nyborg, frida) -> Consent:
    nyborg.sms_enabled = True
    nyborg.save(update_fields=["sms_enabled"])
    preferences_save(user=frida, choices={"info": (True, True), "reminder": (True, True)})
    return Consent.objects.get(user=frida, purpose=Consent.Purpose.SMS)


def test_it_records_registration_as_information_with_the_current_privacy_version(
    nyborg, nyborg_client
):
    form = {"full_name": "Ea Ny", "email": "ea@example.dk", "consent": "on"}
    assert nyborg_client.post("/konto/tilmeld/", form).status_code == 200
    with tenant_context(nyborg):
        ea = User.objects.get(email="ea@example.dk")
        (row,) = Consent.objects.filter(user=ea)
        assert row.purpose == Consent.Purpose.PRIVACY_NOTICE
        assert row.basis == Consent.Basis.INFORMATION
        assert row.version == current_version(document=Document.PRIVACY)
        assert row.method == Consent.Method.REGISTRATION and not row.withdrawable
    page = body(signed_in(nyborg_client, ea, nyborg).get("/konto/"))
    assert "Samtykker" in page and "Privatlivspolitik" in page
    assert 'href="/privatliv/1/"' in page and "Tilmeldingsformularen" in page
    assert "Træk samtykket tilbage" not in page  # information cannot be withdrawn


def test_it_records_sms_consent_when_sms_is_switched_on_and_shows_it(
    nyborg, frida, sms_on, nyborg_client
):
    assert sms_on.basis == Consent.Basis.CONSENT and sms_on.method == Consent.Method.ACCOUNT_PAGE
    preferences_save(user=frida, choices={"info": (True, True)})  # still on: not twice
    assert Consent.objects.filter(user=frida, purpose=Consent.Purpose.SMS).count() == 1
    page = body(signed_in(nyborg_client, frida, nyborg).get("/konto/"))
    assert "Sms-beskeder" in page and f"/privatliv/samtykker/{sms_on.pk}/traek-tilbage/" in page


def test_it_withdraws_sms_consent_switches_sms_off_and_audits(nyborg, frida, sms_on, nyborg_client):
    client = signed_in(nyborg_client, frida, nyborg)
    response = client.post(f"/privatliv/samtykker/{sms_on.pk}/traek-tilbage/", follow=True)
    assert response.status_code == 200 and "Du har trukket dit samtykke tilbage" in body(response)
    with tenant_context(nyborg):
        sms_on.refresh_from_db()
        assert sms_on.withdrawn_at is not None
        assert not Preference.objects.filter(user=frida, sms=True).exists()
        assert Preference.objects.filter(user=frida, email=True).count() == 2  # mail stays
        audit = AuditEvent.objects.get(action="legal.consent_withdrawn")
        assert audit.actor == frida.email and audit.data["purpose"] == "sms"
        assert AuditEvent.objects.filter(action="messaging.sms_off").exists()
    assert "Trukket tilbage" in body(client.get("/konto/"))


def test_it_refuses_to_withdraw_a_consent_twice_with_a_clear_message(
    nyborg, frida, sms_on, nyborg_client
):
    client = signed_in(nyborg_client, frida, nyborg)
    url = f"/privatliv/samtykker/{sms_on.pk}/traek-tilbage/"
    client.post(url)
    again = client.post(url, follow=True)
    assert "Du har allerede trukket dette samtykke tilbage." in body(again)
    with tenant_context(nyborg):
        assert AuditEvent.objects.filter(action="legal.consent_withdrawn").count() == 1


def test_it_refuses_to_withdraw_information(nyborg, frida, nyborg_client):
    with tenant_context(nyborg):
        row = consent_record(
            user=frida,
            purpose=Consent.Purpose.PRIVACY_NOTICE,
            method=Consent.Method.REGISTRATION,
            version=current_version(document=Document.PRIVACY),
        )
    client = signed_in(nyborg_client, frida, nyborg)
    response = client.post(f"/privatliv/samtykker/{row.pk}/traek-tilbage/", follow=True)
    assert "kan ikke trækkes tilbage" in body(response)
    with tenant_context(nyborg):
        row.refresh_from_db()
        assert row.withdrawn_at is None


def test_it_withdraws_sms_consent_when_every_sms_is_switched_off(nyborg, frida, sms_on):
    preferences_save(user=frida, choices={"info": (True, False), "reminder": (True, False)})
    sms_on.refresh_from_db()
    assert sms_on.withdrawn_at is not None


def test_it_lets_nobody_withdraw_someone_elses_consent(nyborg, frida, bo, sms_on, nyborg_client):
    client = signed_in(nyborg_client, bo, nyborg)
    assert client.post(f"/privatliv/samtykker/{sms_on.pk}/traek-tilbage/").status_code == 404
    assert client.get("/konto/").content.decode().count("traek-tilbage") == 0
    with tenant_context(nyborg):
        sms_on.refresh_from_db()
        assert sms_on.withdrawn_at is None


def test_another_tenant_sees_none_of_it(nyborg, aarhus, frida, anders, sms_on, aarhus_client):
    client = signed_in(aarhus_client, anders, aarhus)
    assert client.post(f"/privatliv/samtykker/{sms_on.pk}/traek-tilbage/").status_code == 404
    page = body(client.get("/konto/"))
    assert "Sms-beskeder" not in page
    with tenant_context(aarhus):
        assert not Consent.objects.filter(purpose=Consent.Purpose.SMS).exists()


def test_it_lists_a_persons_consents_in_one_query(nyborg, frida, sms_on, django_assert_num_queries):
    consent_record(
        user=frida,
        purpose=Consent.Purpose.PRIVACY_NOTICE,
        method=Consent.Method.REGISTRATION,
        version=current_version(document=Document.PRIVACY),
    )
    with django_assert_num_queries(1):  # frida's fixture keeps us in Nyborg's schema
        rows = list(consents(user_id=frida.pk))
        assert [row.version.number for row in rows if row.version] == [1, 1]


def test_the_data_migrations_turn_earlier_records_into_rows(nyborg, frida, bo, carl):
    """PrivacyConsent rows, a bare consented_at, and SMS switched on before consents were
    rows (apps/legal/migrations/0005, apps/messaging/migrations/0007)."""
    from importlib import import_module

    from django.apps import apps
    from django.utils import timezone

    from apps.legal.models import PrivacyConsent

    version = current_version(document=Document.PRIVACY)
    assert version is not None
    PrivacyConsent.objects.create(user=frida, version=version, accepted_at=timezone.now())
    User.objects.filter(pk__in=[frida.pk, bo.pk]).update(consented_at=timezone.now())
    Preference.objects.create(user=carl, kind="info", sms=True)
    import_module("apps.legal.migrations.0005_consents_from_earlier_records").forwards(apps, None)
    import_module("apps.messaging.migrations.0007_sms_consents_from_preferences").forwards(
        apps, None
    )
    rows = {(r.user_id, r.purpose, r.method, r.version_id) for r in Consent.objects.all()}
    assert rows == {
        (frida.pk, "privacy_notice", "registration", version.pk),
        (bo.pk, "privacy_notice", "earlier", None),
        (carl.pk, "sms", "earlier", None),
    }
    assert Consent.objects.get(user=carl).withdrawable
