"""Member lists out: Nanna exports Nyborg Roklub's members as CSV for Danish Excel and as
XLSX, in one query however many members; Kim and Frida get nothing."""

import csv
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.members.models import Membership, Profile
from tests.conftest import signed_in
from tests.personas import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def wired():
    """The export URLs live in config.urls_tenant."""


@pytest.fixture
def coordinator(wired, nyborg_client, nanna, nyborg, in_nyborg):
    nyborg_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return signed_in(nyborg_client, nanna, nyborg)


@pytest.fixture
def members(roklub, frida, bo):
    frida.full_name = "Frida Ærø"
    frida.phone = "+4512345678"
    frida.save()
    Profile.objects.create(user=frida, postcode="5800")
    Membership.objects.create(user=frida, organisation=roklub, started_on="2021-03-04")
    bo.full_name = '=HYPERLINK("http://evil")'
    bo.save()  # no profile: an empty postcode
    Membership.objects.create(
        user=bo, organisation=roklub, started_on="2022-05-06", status=Membership.Status.PAUSED
    )
    return [frida, bo]


def test_the_csv_opens_in_danish_excel(coordinator, roklub, members):
    response = coordinator.get(reverse("members-export-csv", args=[roklub.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="nyborg-roklub-' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Name", "Email", "Phone", "Postcode", "Status", "Member since"],
        ['\'=HYPERLINK("http://evil")', "bo@example.dk", "", "", "Paused", "2022-05-06"],
        ["Frida Ærø", "frida@example.dk", "+4512345678", "5800", "Active", "2021-03-04"],
    ]
    audit = AuditEvent.objects.get(action="members.export")
    assert audit.data == {"format": "csv"} and audit.actor == "nanna@nyborg.dk"


def test_the_xlsx_holds_the_same_list(coordinator, roklub, members):
    from openpyxl import load_workbook

    response = coordinator.get(reverse("members-export-xlsx", args=[roklub.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == ["Name", "Email", "Phone", "Postcode", "Status", "Member since"]
    assert rows[2][:5] == ["Frida Ærø", "frida@example.dk", "+4512345678", "5800", "Active"]
    assert rows[2][5].date().isoformat() == "2021-03-04"
    assert rows[1][0].startswith("'=")  # text, never a formula


def test_the_export_takes_the_same_queries_for_two_or_thirty_members(coordinator, roklub, members):
    url = reverse("members-export-xlsx", args=[roklub.pk])
    with CaptureQueriesContext(connection) as few:
        assert coordinator.get(url).status_code == 200
    for i in range(28):
        someone = person(f"Extra{i}")
        Profile.objects.create(user=someone, postcode="5800")
        Membership.objects.create(user=someone, organisation=roklub, started_on="2023-01-01")
    for name in ("members-export-xlsx", "members-export-csv"):
        with CaptureQueriesContext(connection) as many:
            response = coordinator.get(reverse(name, args=[roklub.pk]))
        assert response.status_code == 200
        assert len(many) == len(few), [q["sql"][:90] for q in many]


def test_only_the_organisations_members_are_exported(coordinator, roklub, members, kim):
    other = kim.roles.get().organisation
    Membership.objects.create(user=kim, organisation=other, started_on="2020-01-01")
    body = coordinator.get(reverse("members-export-csv", args=[roklub.pk])).content.decode()
    assert "kim@example.dk" not in body


def test_kim_and_frida_cannot_export_roklubs_members(wired, roklub, members, kim, frida, nyborg):
    for someone in (kim, frida):
        browser = signed_in(Client(HTTP_HOST="nyborg.localhost"), someone, nyborg)
        for name in ("members-export-csv", "members-export-xlsx"):
            assert browser.get(reverse(name, args=[roklub.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="members.export").exists()
