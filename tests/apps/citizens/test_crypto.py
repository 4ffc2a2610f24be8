"""The special-category text: ciphertext in the database, readable by the programme's own
coordinators alone, every read (and every refused attempt) in the audit log."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from apps.audit.models import AuditEvent
from apps.citizens import crypto
from apps.citizens.services.referrals import special_category_read, special_category_rotate
from tests.apps.citizens.conftest import SPECIAL
from tests.apps.citizens.test_views import browser

pytestmark = pytest.mark.django_db


def _raw(referral) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT special_category FROM citizens_referral WHERE id = %s", [referral.pk]
        )
        return cursor.fetchone()[0]


def test_it_keeps_only_ciphertext_in_the_database(referral):
    stored = _raw(referral)
    assert stored.startswith("gAAAAA")  # a Fernet token
    assert "demens" not in stored and "medicin" not in stored
    assert SPECIAL.encode().hex() not in stored


def test_it_lets_the_programmes_coordinator_read_it_and_logs_the_read(nyborg, referral, rasmus):
    page = browser(rasmus, nyborg).post(f"/borgere/henvisninger/{referral.pk}/foelsomme/")
    assert page.status_code == 200 and SPECIAL in page.content.decode()
    (read,) = AuditEvent.objects.filter(action="referral.special_category_read")
    assert (read.actor_id, read.target_id) == (rasmus.pk, str(referral.pk))
    assert SPECIAL not in str(read.data)


def test_it_refuses_everyone_else_and_logs_the_attempt(referral, nanna, sofie, kim, frida):
    # Nanna (the site's admin) coordinates everywhere, but holds no role in the club: she
    # sees the referral, never its special-category text.
    for person in (nanna, sofie, kim, frida):
        with pytest.raises(PermissionDenied):
            special_category_read(actor=person, referral=referral)
    refused = AuditEvent.objects.filter(action="referral.special_refused")
    assert set(refused.values_list("actor_id", flat=True)) == {
        p.pk for p in (nanna, sofie, kim, frida)
    }
    assert not AuditEvent.objects.filter(action="referral.special_category_read").exists()


def test_it_answers_404_on_the_page_to_the_site_admin(nyborg, referral, nanna):
    as_nanna = browser(nanna, nyborg)
    page = as_nanna.get(f"/borgere/henvisninger/{referral.pk}/").content.decode()
    assert "Inger" in page and "/foelsomme/" not in page and SPECIAL not in page
    assert as_nanna.post(f"/borgere/henvisninger/{referral.pk}/foelsomme/").status_code == 404


def test_a_token_of_one_tenant_does_not_open_in_another():
    token = crypto.encrypt("hemmeligt", schema="nyborg")
    assert crypto.decrypt(token, schema="nyborg") == "hemmeligt"
    with pytest.raises(crypto.Unreadable):
        crypto.decrypt(token, schema="visitaarhus")


def test_it_rotates_to_a_new_key(settings, referral, rasmus):
    settings.CITIZENS_FIELD_KEYS = ["the-old-key"]
    referral.special_category = crypto.encrypt(SPECIAL)
    referral.save(update_fields=["special_category"])
    settings.CITIZENS_FIELD_KEYS = ["the-new-key", "the-old-key"]
    before = _raw(referral)
    assert special_category_rotate() == 1
    assert _raw(referral) != before
    settings.CITIZENS_FIELD_KEYS = ["the-new-key"]  # the old key is gone
    referral.refresh_from_db()
    assert special_category_read(actor=rasmus, referral=referral) == SPECIAL
    assert special_category_rotate() == 1  # twice is harmless


def test_the_record_of_processing_and_the_audit_log_name_it(nyborg, referral, rasmus):
    from django.utils import translation

    from apps.privacy.selectors import audit_action_label, processing_record

    special_category_read(actor=rasmus, referral=referral)
    with translation.override("en"):
        record = str(processing_record(tenant=nyborg))
        assert "Referrals of citizens" in record and "Article 9 data only in a referral" in record
        assert audit_action_label("referral.special_category_read") == (
            "Read a referral's sensitive information"
        )
