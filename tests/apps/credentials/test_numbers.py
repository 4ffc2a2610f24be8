"""Frida's 12.5 hours read "12,5 timer" on a Danish site and "12.5 hours" on an English one:
on the page where she chooses, on her record, on the public check and in the PDF. The
signed record keeps "12.50" whatever the language."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from apps.attendance.models import Attendance
from apps.credentials.formatting import show_hours
from apps.credentials.services import record_issue
from tests.conftest import signed_in
from tests.personas import place

pytestmark = pytest.mark.django_db

SHOWN = {"da": ("12,5", "12.5"), "en": ("12.5", "12,5")}  # (shown, never shown)


@pytest.fixture
def long_day(frida, roklub, morning) -> str:
    Attendance.objects.create(
        signup=place(morning, frida), status=Attendance.Status.PRESENT, hours=Decimal("12.5")
    )
    return f"hours:{roklub.pk}"


@pytest.mark.parametrize("locale", ["da", "en"])
def test_it_shows_hours_in_the_sites_language(locale, nyborg, frida, long_day, nyborg_client):
    nyborg.locale = locale
    nyborg.save(update_fields=["locale"])
    shown, never = SHOWN[locale]
    record = record_issue(holder=frida, keys=[long_day])
    assert record.credential["credentialSubject"]["hours"][0]["hours"] == "12.50"
    browser = signed_in(nyborg_client, frida, nyborg)
    pages = [
        browser.get(reverse("credential-mine")).content.decode(),
        browser.get(reverse("credential-mine-detail", args=[record.pk])).content.decode(),
        browser.get(reverse("credential-public", args=[record.pk])).content.decode(),
    ]
    pdf = browser.get(reverse("credential-mine-pdf", args=[record.pk])).content
    pages.append("".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))
    for text in pages:
        assert shown in text and never not in text and "12.50" not in text


def test_it_formats_hours_with_djangos_localisation():
    with translation.override("da"):
        assert [show_hours(v) for v in ("12.50", "6.00", "0.25", "100", "x")] == [
            "12,5",
            "6",
            "0,25",
            "100",
            "x",
        ]
    with translation.override("en"):
        assert [show_hours(v) for v in ("12.50", Decimal("6.00"), "100.00")] == [
            "12.5",
            "6",
            "100",
        ]
