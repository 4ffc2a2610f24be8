"""Frida issues a record from her account; an employer checks it without signing in.
Bo (another volunteer) and Anders (VisitAarhus) see nothing of it."""

import json

import pytest
from django.urls import reverse

from apps.credentials import signing
from apps.credentials.models import IssuedRecord
from apps.credentials.services import record_issue
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

# The page's own: four for what could go in (hours, roles, onboardings, references), one
# for the records, one for the references asked, one for the coordinators one may ask, one
# for the references the person was asked to write; the rest are the session, the person,
# the second factor and the page frame.
QUERIES = 15


def test_it_issues_what_frida_ticks_and_shows_only_that(
    frida, nyborg, nyborg_client, fridas_history
):
    browser = signed_in(nyborg_client, frida, nyborg)
    page = browser.get(reverse("credential-mine"))
    assert page.status_code == 200 and "Kiosk" in page.content.decode()
    response = browser.post(reverse("credential-mine"), {"parts": [fridas_history["hours"]]})
    record = IssuedRecord.objects.get(holder=frida)
    assert response.status_code == 302
    public = nyborg_client.__class__(HTTP_HOST="nyborg.localhost").get(
        reverse("credential-public", args=[record.pk])
    )
    body = public.content.decode()
    assert public.status_code == 200
    assert "Frida Hansen" in body and ("6 timer" in body or "6 hours" in body)
    assert "Kiosk" not in body and "2025-01-09" not in body  # role, onboarding left out


def test_it_refuses_an_empty_choice_with_a_message(frida, nyborg, nyborg_client, fridas_history):
    browser = signed_in(nyborg_client, frida, nyborg)
    response = browser.post(reverse("credential-mine"), {"parts": []})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not IssuedRecord.objects.exists()


def test_it_checks_a_pasted_copy_and_a_json_post(frida, nyborg_client, fridas_history):
    record = record_issue(holder=frida, keys=[fridas_history["hours"]])
    text = json.dumps(record.credential)
    url = reverse("credential-check")
    page = nyborg_client.post(url, {"record": text})
    assert page.status_code == 200 and "alert-success" in page.content.decode()
    answer = nyborg_client.post(url, text.replace("6.00", "60.0"), content_type="application/json")
    assert (answer.json()["genuine"], answer.json()["code"]) == (False, "signature")
    garbled = nyborg_client.post(url, "{not json", content_type="application/json").json()
    assert (garbled["genuine"], garbled["code"]) == (False, "malformed") and garbled["reason"]


def test_it_publishes_the_public_key_as_a_jwk(nyborg_client, in_nyborg):
    jwk = nyborg_client.get(reverse("credential-key")).json()
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    assert jwk["x"] == signing.signing_key().public_key
    assert "d" not in jwk


def test_it_shows_a_withdrawn_record_as_withdrawn(frida, nyborg, nyborg_client, fridas_history):
    record = record_issue(holder=frida, keys=[fridas_history["hours"]])
    browser = signed_in(nyborg_client, frida, nyborg)
    browser.post(reverse("credential-revoke", args=[record.pk]))
    page = browser.get(reverse("credential-public", args=[record.pk])).content.decode()
    assert "alert-error" in page and "6 timer" not in page and "6 hours" not in page


def test_it_shows_bo_nothing_of_fridas_records(frida, bo, nyborg, nyborg_client, fridas_history):
    record = record_issue(holder=frida, keys=[fridas_history["hours"]])
    browser = signed_in(nyborg_client, bo, nyborg)
    for name in ("credential-mine-detail", "credential-mine-json", "credential-mine-pdf"):
        assert browser.get(reverse(name, args=[record.pk])).status_code == 404
    assert browser.post(reverse("credential-revoke", args=[record.pk])).status_code == 404
    mine = browser.get(reverse("credential-mine")).content.decode()
    assert "Kiosk" not in mine and "Nyborg Roklub" not in mine
    assert IssuedRecord.objects.get().revoked_at is None


def test_it_shows_anders_nothing_on_aarhus(frida, anders, aarhus, aarhus_client, fridas_history):
    record = record_issue(holder=frida, keys=[fridas_history["hours"]])
    browser = signed_in(aarhus_client, anders, aarhus)
    assert browser.get(reverse("credential-public", args=[record.pk])).status_code == 404
    assert browser.get(reverse("credential-mine-detail", args=[record.pk])).status_code == 404
    answer = browser.post(
        reverse("credential-check"),
        json.dumps(record.credential),
        content_type="application/json",
    ).json()
    assert (answer["genuine"], answer["code"]) == (False, "unknown")


def test_it_downloads_a_pdf_with_the_check_link(frida, nyborg, nyborg_client, fridas_history):
    from io import BytesIO

    from pypdf import PdfReader

    record = record_issue(holder=frida, keys=[fridas_history["hours"]])
    browser = signed_in(nyborg_client, frida, nyborg)
    response = browser.get(reverse("credential-mine-pdf", args=[record.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Frida Hansen" in text and f"/bevis/{record.pk}/" in text


def test_it_lists_fridas_records_in_a_fixed_number_of_queries(
    frida, nyborg, nyborg_client, fridas_history
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = signed_in(nyborg_client, frida, nyborg)
    counts = []
    for _ in range(2):
        record_issue(holder=frida, keys=[fridas_history["hours"]])
        record_issue(holder=frida, keys=[fridas_history["role"]])
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(reverse("credential-mine")).status_code == 200
        counts.append(len(queries))
    assert counts == [QUERIES, QUERIES]
