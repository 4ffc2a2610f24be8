"""The public check (/bevis/tjek/) is throttled per client IP: a script trying forged copies
meets a 429 with Retry-After (a page in the site's language, or JSON for JSON), while
another address and another tenant go on."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from apps.credentials.services import record_issue

pytestmark = pytest.mark.django_db


def _from(address: str, host: str = "nyborg.localhost") -> Client:
    return Client(HTTP_HOST=host, REMOTE_ADDR=address)


def test_it_refuses_the_fourth_check_from_one_address_with_a_page_and_the_wait(
    settings, frida, fridas_history
):
    settings.RATELIMIT_CREDENTIAL_CHECK_IP = (3, 600)
    text = json.dumps(record_issue(holder=frida, keys=[fridas_history["hours"]]).credential)
    url = reverse("credential-check")
    checker = _from("203.0.113.7")
    answers = [
        checker.get(url).status_code,
        checker.post(url, {"record": text}).status_code,
        checker.post(url, {"record": text}).status_code,
    ]
    assert answers == [200, 200, 200]
    refused = checker.post(url, {"record": text})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    page = refused.content.decode()
    assert 'role="alert"' in page and "10" in page  # the wait in minutes, in either language
    assert checker.get(url).status_code == 429  # the form too, until the window ends
    assert _from("203.0.113.8").post(url, {"record": text}).status_code == 200


def test_it_answers_a_json_check_over_the_limit_in_json(settings, frida, fridas_history):
    settings.RATELIMIT_CREDENTIAL_CHECK_IP = (1, 60)
    text = json.dumps(record_issue(holder=frida, keys=[fridas_history["hours"]]).credential)
    url = reverse("credential-check")
    checker = _from("198.51.100.2")
    assert checker.post(url, text, content_type="application/json").json()["genuine"] is True
    refused = checker.post(url, text, content_type="application/json")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert (refused.json()["genuine"], refused.json()["code"]) == (False, "throttled")
    assert refused.json()["reason"]


def test_it_counts_nyborg_and_aarhus_apart(settings, in_nyborg, aarhus):
    settings.RATELIMIT_CREDENTIAL_CHECK_IP = (1, 60)
    url = reverse("credential-check")
    assert _from("192.0.2.9").get(url).status_code == 200
    assert _from("192.0.2.9").get(url).status_code == 429
    assert _from("192.0.2.9", "visitaarhus.localhost").get(url).status_code == 200
