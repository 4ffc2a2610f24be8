"""The public page: anyone registers without an account on a cheap phone; a bad submit
keeps what was typed; with no crisis on, nothing is taken."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.crisis.models import Helper
from tests.apps.crisis.conftest import FORM

pytestmark = pytest.mark.django_db


def test_it_shows_the_form_with_a_csrf_token_when_a_crisis_is_on(flood, nyborg_client):
    response = nyborg_client.get("/krise/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and flood.title in page
    assert "<script" not in page  # works without JavaScript
    assert page.count("<fieldset") == 2 and page.count("<legend>") == 2
    assert len(page) < 16_000  # light for a cheap phone


def test_it_registers_a_helper_and_answers_303_to_the_thanks_page(flood, nyborg_client):
    client = nyborg_client
    client.handler.enforce_csrf_checks = True
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/krise/").content.decode())
    response = client.post("/krise/", {**FORM, "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 303 and response["Location"] == "/krise/tak/"
    assert client.get("/krise/tak/").status_code == 200
    helper = Helper.objects.get()
    assert (helper.phone, helper.email, helper.postcode) == ("+4512345678", "ada@example.dk", "5800")
    assert helper.skills == ["driving", "practical"] and helper.availability == ["now", "weekend"]
    assert helper.crisis == flood and helper.consent_at is not None


def test_it_refuses_a_post_without_the_csrf_token(flood, nyborg_client):
    nyborg_client.handler.enforce_csrf_checks = True
    assert nyborg_client.post("/krise/", FORM).status_code == 403
    assert not Helper.objects.exists()


def test_it_keeps_what_was_typed_and_links_the_errors(flood, nyborg_client):
    data = {**FORM, "phone": "", "email": "", "postcode": "58", "consent": ""}
    response = nyborg_client.post("/krise/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page
    for anchor in ("#id_phone", "#id_postcode", "#id_consent"):
        assert f'href="{anchor}"' in page
    assert 'value="Ada Hansen"' in page and 'value="58"' in page
    assert 'value="driving" ' in page and "checked" in page  # the ticks are kept
    assert not Helper.objects.exists()


def test_it_refuses_a_phone_that_is_no_number(flood, nyborg_client):
    response = nyborg_client.post("/krise/", {**FORM, "phone": "abc", "email": ""})
    assert response.status_code == 200 and 'href="#id_phone"' in response.content.decode()
    assert not Helper.objects.exists()


def test_it_says_so_and_takes_nothing_when_no_crisis_is_on(in_nyborg, nyborg_client):
    assert nyborg_client.get("/krise/").status_code == 404
    response = nyborg_client.post("/krise/", FORM)
    assert response.status_code == 404 and 'name="postcode"' not in response.content.decode()
    assert not Helper.objects.exists()


def test_it_saves_nothing_a_bot_fills_in(flood, nyborg_client):
    response = nyborg_client.post("/krise/", {**FORM, "website": "http://spam"})
    assert response.status_code == 303 and not Helper.objects.exists()


def test_it_registers_in_few_queries(flood, nyborg_client):
    nyborg_client.get("/krise/")  # warm: the tenant's domain and the like
    with CaptureQueriesContext(connection) as new:
        assert nyborg_client.post("/krise/", FORM).status_code == 303
    with CaptureQueriesContext(connection) as again:
        assert nyborg_client.post("/krise/", {**FORM, "name": "Ada H."}).status_code == 303
    # The tenant's domain (2 + search_path), the active crisis, the helpers with that
    # phone or email locked, then one INSERT (new) or one UPDATE (merged); the test's
    # own transaction adds a savepoint and its release (BEGIN/COMMIT in production).
    assert len(new) == 8, [q["sql"][:60] for q in new.captured_queries]
    assert "INSERT INTO crisis_helper" in new.captured_queries[-2]["sql"]
    assert len(again) == 8, [q["sql"][:60] for q in again.captured_queries]
    assert again.captured_queries[-2]["sql"].startswith('UPDATE "crisis_helper"')
    assert Helper.objects.get().registrations == 2


def test_it_shows_nyborgs_crisis_to_nobody_on_aarhus(flood, aarhus_client):
    assert aarhus_client.get("/krise/").status_code == 404
    assert "Nyborg" not in aarhus_client.get("/krise/").content.decode()
    assert aarhus_client.post("/krise/", FORM).status_code == 404
