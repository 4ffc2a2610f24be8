"""Vera (vendor staff) reaches every tenant from the console: after CONSOLE_IDLE_MINUTES
without a request she signs in again, and the sign-in page says why."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def later(**delta) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


def test_it_signs_vera_out_of_the_console_after_30_idle_minutes(console_client, vera):
    browser = signed_in(console_client, vera, None)
    assert browser.get("/").status_code == 200  # the clock starts at her first page
    with later(minutes=31):
        response = browser.get("/")
        assert response.status_code == 302 and response.url.startswith("/log-ind/?next=/")
        page = browser.get(response.url).content.decode()
        assert "Du er blevet logget ud efter 30 minutter uden aktivitet." in page
        assert browser.get("/").status_code == 302  # really signed out


def test_it_keeps_vera_signed_in_while_she_works(console_client, vera, settings):
    settings.CONSOLE_IDLE_MINUTES = 10
    browser = signed_in(console_client, vera, None)
    for step in (9, 18, 27):  # a page every nine minutes keeps the session alive
        with later(minutes=step):
            assert browser.get("/").status_code == 200
