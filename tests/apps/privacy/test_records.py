"""The controller's records through the real stack: the audit log page (filters, paging,
CSV, query count), the sign-in rows, reads of personal data, and the record of
processing built from the site's configuration. Nanna is Nyborg's admin; Frida, Bo and Kim
are not; Anders (VisitAarhus) sees only his own site's rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.members.models import Membership
from apps.privacy.models import RetentionSettings
from tests.conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db

LOG = "/privatliv/revisionslog/"
CSV = "/privatliv/revisionslog/csv/"
RECORD = "/privatliv/fortegnelse/"


def rows(client, path=LOG, **query) -> str:
    response = client.get(path, query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def logged(in_nyborg, nanna, frida, bo):
    """A few rows about Frida and Bo, one of them a week old."""
    AuditEvent.objects.all().delete()
    audit_record(actor=nanna, action="member.notes_read", target=frida)
    audit_record(actor=nanna, action="profile.updated", target=bo)
    old = audit_record(actor=frida, action="profile.updated", target=frida)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=7))
    audit_record(actor=bo, action="legal.privacy_accepted")


def test_it_shows_the_log_newest_first_with_readable_actions(logged, nanna, nyborg, nyborg_client):
    body = rows(signed_in(nyborg_client, nanna, nyborg))
    assert "Læste et medlems noter" in body
    assert body.index("Accepterede privatlivspolitikken") < body.index("Læste et medlems noter")


def test_it_filters_by_person_email_name_action_and_date(
    logged, nanna, frida, bo, nyborg, nyborg_client
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    by_email = rows(browser, person="frida@example.dk")
    # Frida as actor (her own profile) and as target (her notes read by Nanna).
    assert by_email.count("<tr>") - 1 == 2
    by_name = rows(browser, person="Bo Hansen")
    assert by_name.count("<tr>") - 1 == 2  # Bo's acceptance and his profile changed by Nanna
    by_action = rows(browser, action="profile.updated")
    assert by_action.count("<tr>") - 1 == 2
    today = timezone.localdate().isoformat()
    recent = rows(browser, action="profile.updated", date_from=today, date_to=today)
    assert recent.count("<tr>") - 1 == 1
    assert 'value="profile.updated" selected' in recent


def test_it_pages_fifty_rows_with_a_constant_number_of_queries(
    in_nyborg, nanna, nyborg, nyborg_client
):
    AuditEvent.objects.all().delete()
    browser = signed_in(nyborg_client, nanna, nyborg)
    counts = []
    for total in (3, 120):
        AuditEvent.objects.all().delete()
        AuditEvent.objects.bulk_create(
            AuditEvent(actor=f"p{i}@example.dk", action=f"test.a{i % 7}") for i in range(total)
        )
        with CaptureQueriesContext(connection) as queries:
            body = rows(browser, person="example")
        counts.append(len(queries))
        assert body.count("<tr>") - 1 == min(total, 50)
    assert counts == [AUDIT_QUERIES, AUDIT_QUERIES]
    assert "Side 1 af 3" in rows(browser)


# The tenant's domain and two search_path switches (django-tenants), the session, the
# user, the actions for the select, the count, the page of rows.
AUDIT_QUERIES = 9  # with the second factor's device (apps.twofactor), checked each request


def test_it_is_a_404_for_coordinators_and_volunteers(in_nyborg, frida, kim, nyborg):
    from django.test import Client

    for person in (frida, kim):
        browser = signed_in(Client(HTTP_HOST="nyborg.localhost"), person, nyborg)
        for path in (LOG, CSV, RECORD):
            assert browser.get(path).status_code == 404, (person, path)


def test_it_shows_the_other_tenants_admin_only_his_own_rows(logged, anders, aarhus, aarhus_client):
    with tenant_context(aarhus):
        audit_record(actor=anders, action="tenant.settings")
    body = rows(signed_in(aarhus_client, anders, aarhus))
    assert "nanna@nyborg.dk" not in body and "frida@example.dk" not in body
    assert "anders@visitaarhus.dk" in body


def test_it_records_sign_ins_and_failed_sign_ins_without_the_password(
    in_nyborg, nanna, nyborg_client
):
    AuditEvent.objects.all().delete()
    wrong = nyborg_client.post(
        "/konto/log-ind/", {"username": "nanna@nyborg.dk", "password": "not-it-9!"}
    )
    assert wrong.status_code == 200
    right = nyborg_client.post(
        "/konto/log-ind/", {"username": "nanna@nyborg.dk", "password": PASSWORD}
    )
    assert right.status_code == 302
    failed = AuditEvent.objects.get(action="user.sign_in_failed")
    assert failed.actor == "nanna@nyborg.dk"
    assert failed.data == {"username": "nanna@nyborg.dk"}
    assert "not-it-9!" not in str(failed.data) and PASSWORD not in str(failed.data)
    ok = AuditEvent.objects.get(action="user.signed_in")
    assert (ok.actor, ok.target_type, ok.target_id) == (
        "nanna@nyborg.dk",
        "accounts.User",
        str(nanna.pk),
    )


def test_it_records_reading_a_members_notes(
    roklub, nanna_coordinates, frida, nyborg, nyborg_client
):
    membership = Membership.objects.create(user=frida, organisation=roklub, started_on="2024-01-01")
    browser = signed_in(nyborg_client, nanna_coordinates, nyborg)
    AuditEvent.objects.filter(action="member.notes_read").delete()
    assert browser.get(f"/organisationer/medlemmer/{membership.pk}/").status_code == 200
    row = AuditEvent.objects.get(action="member.notes_read")
    assert (row.actor, row.target_id) == ("nanna@nyborg.dk", str(membership.pk))


def test_it_exports_the_filtered_rows_as_csv_and_logs_the_export(
    logged, nanna, nyborg, nyborg_client
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    response = browser.get(CSV, {"person": "frida@example.dk"})
    assert response["Content-Type"].startswith("text/csv")
    content = response.content
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert len(lines) == 3  # header and Frida's two rows
    assert "Læste et medlems noter" in text and "bo@example.dk" not in text
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor == "nanna@nyborg.dk"
    assert exported.data == {"rows": 2, "filters": {"person": "frida@example.dk"}}


def test_it_names_the_configured_processors_and_the_controller(
    in_nyborg, nanna, nyborg, nyborg_client, settings
):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.SMS_BACKEND = "apps.messaging.sms.GatewayApiBackend"
    settings.AWS_STORAGE_BUCKET_NAME = "tovholder-filer"
    settings.SENTRY_DSN = ""
    browser = signed_in(nyborg_client, nanna, nyborg)
    body = rows(browser, RECORD)
    assert "Fortegnelse over behandlingsaktiviteter" in body
    assert nyborg.name in body
    assert "Postmark" in body and "GatewayAPI" in body and "tovholder-filer" in body
    assert "CPR" in body

    settings.EMAIL_BACKEND = "anymail.backends.brevo.EmailBackend"
    csv = browser.get(RECORD, {"format": "csv"})
    assert csv["Content-Disposition"].endswith('"fortegnelse.csv"')
    assert "Brevo" in csv.content.decode("utf-8-sig")
    html = browser.get(RECORD, {"format": "html"})
    assert "attachment" in html["Content-Disposition"]
    assert nyborg.name in html.content.decode()


def test_it_states_the_sites_retention_periods_as_they_are_set(
    in_nyborg, nanna, nyborg, nyborg_client
):
    RetentionSettings.objects.update_or_create(pk=1, defaults={"inactive_months": 36})
    body = rows(signed_in(nyborg_client, nanna, nyborg), RECORD)
    assert "36 måneder" in body
