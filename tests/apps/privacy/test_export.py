"""A person's copy of their data (apps/privacy/services/export.py), through the real stack:
Frida asks on her account page, the task builds the ZIP, the mail's link works once."""

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.attendance.models import Attendance
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.groups.models import Group, GroupMember, Post
from apps.legal.models import Document, DocumentVersion, PrivacyConsent
from apps.members.models import Membership, Profile
from apps.messaging.models import Delivery, Message
from apps.privacy.models import DataExport
from apps.privacy.services.export import export_build, export_request
from apps.privacy.tasks import build_data_export
from tests.conftest import signed_in
from tests.personas import place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def frida_everywhere(roklub, morning, frida, bo, nanna):
    """Frida (and Bo beside her) in every part of the site an export reads."""
    Profile.objects.create(user=frida, postcode="5800", area="Nyborg")
    Profile.objects.create(user=bo, postcode="5853", area="Ørbæk")
    for someone in (frida, bo):
        Membership.objects.create(user=someone, organisation=roklub, started_on=date(2025, 3, 1))
    hers = place(morning, frida)
    his = place(morning, bo)
    Attendance.objects.create(signup=hers, status=Attendance.Status.PRESENT, hours=3)
    Attendance.objects.create(signup=his, status=Attendance.Status.NO_SHOW)
    message = Message.objects.create(
        organisation=roklub,
        subject="Velkommen til regattaen",
        audience_kind=Message.Audience.SHIFT,
        audience_id=morning.pk,
        status=Message.Status.SENT,
    )
    for someone in (frida, bo):
        Delivery.objects.create(message=message, user=someone, address=someone.email)
    group = Group.objects.create(organisation=roklub, name="Kioskholdet")
    GroupMember.objects.create(group=group, user=frida)
    Post.objects.create(group=group, author=frida, body="Jeg tager æblekage med")
    Post.objects.create(group=group, author=bo, body="Bos hemmelige plan")
    version = DocumentVersion.objects.filter(document=Document.PRIVACY).first()
    assert version is not None
    PrivacyConsent.objects.create(user=frida, version=version, accepted_at=timezone.now())
    audit_record(actor=nanna, action="members.noted", target=frida, text="Frida ror godt")
    audit_record(actor=nanna, action="members.noted", target=bo, text="Bo mangler attest")
    return frida


def _ask(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/privatliv/mine-data/bestil/")
    assert response.status_code == 302
    return DataExport.objects.get()


def _open(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(
        io.BytesIO(
            b"".join(response.streaming_content if response.streaming else [response.content])
        )
    )


def test_it_exports_everything_about_frida_and_nothing_of_bo(
    nyborg, frida_everywhere, nyborg_client, django_capture_on_commit_callbacks
):
    frida = frida_everywhere
    browser = signed_in(nyborg_client, frida, nyborg)
    assert "Hent mine data" in browser.get("/konto/").content.decode()
    export = _ask(browser, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    assert export.expires_at - export.ready_at == timedelta(days=7)
    assert "klar" in browser.get("/konto/").content.decode()
    (sent,) = [m for m in mail.outbox if m.to == [frida.email]]
    assert "/privatliv/mine-data/" in sent.body

    archive = _open(browser.get(f"/privatliv/mine-data/{export.pk}/hent/"))
    names = set(archive.namelist())
    assert {"data.json", "README.txt", "signups.csv", "attendance.csv", "messages.csv"} <= names
    everything = b"".join(archive.read(name) for name in names).decode("utf-8")
    data = json.loads(archive.read("data.json"))["sections"]
    assert data["person"][0]["email"] == frida.email
    assert [row["shift__task__title"] for row in data["signups"]] == ["Kiosk"]
    assert [row["status"] for row in data["attendance"]] == ["present"]
    subjects = [row["message__subject"] for row in data["messages"]]
    assert "Velkommen til regattaen" in subjects  # and the mail about the copy itself
    assert [row["body"] for row in data["group_posts"]] == ["Jeg tager æblekage med"]
    assert len(data["consents"]) == 1
    actions = {row["action"] for row in data["audit"]}
    assert {"members.noted", "privacy.export_requested"} <= actions
    for trace in ("bo@example.dk", "Bo Hansen", "Bos hemmelige plan", "Bo mangler attest", "Ørbæk"):
        assert trace not in everything, trace
    assert "visitaarhus" not in everything.lower() and "Anders" not in everything

    signups = archive.read("signups.csv")
    assert signups.startswith("\ufeff".encode())  # Excel reads æøå
    rows = list(csv.reader(io.StringIO(signups.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Organisation", "Arrangement", "Opgave"] and len(rows) == 2
    assert "Nyborg Roklub" in rows[1]
    assert "Jeg tager æblekage med" in archive.read("group_posts.csv").decode("utf-8-sig")

    audited = set(
        AuditEvent.objects.filter(data__export_id=export.pk).values_list("action", flat=True)
    )
    assert audited == {
        "privacy.export_requested",
        "privacy.export_built",
        "privacy.export_downloaded",
    }


def test_it_serves_the_link_once_and_offers_a_new_copy(
    nyborg, frida, nyborg_client, django_capture_on_commit_callbacks
):
    browser = signed_in(nyborg_client, frida, nyborg)
    export = _ask(browser, django_capture_on_commit_callbacks)
    url = f"/privatliv/mine-data/{export.pk}/hent/"
    with django_capture_on_commit_callbacks(execute=True):
        _open(browser.get(url))
    again = browser.get(url)
    assert again.status_code == 410
    page = again.content.decode()
    assert "allerede hentet" in page and "/privatliv/mine-data/bestil/" in page
    export.refresh_from_db()
    assert export.status == DataExport.Status.DOWNLOADED and export.downloaded_at
    assert not export.file.storage.exists(export.file.name)  # deleted after the handover


def test_it_shows_another_person_a_404(
    nyborg, frida, bo, nanna, nyborg_client, django_capture_on_commit_callbacks
):
    export = _ask(signed_in(nyborg_client, frida, nyborg), django_capture_on_commit_callbacks)
    for someone in (bo, nanna):
        browser = signed_in(nyborg_client, someone, nyborg)
        assert browser.get(f"/privatliv/mine-data/{export.pk}/hent/").status_code == 404
    export.refresh_from_db()
    assert export.downloaded_at is None


def test_it_refuses_an_expired_link(
    nyborg, frida, nyborg_client, django_capture_on_commit_callbacks
):
    browser = signed_in(nyborg_client, frida, nyborg)
    export = _ask(browser, django_capture_on_commit_callbacks)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = browser.get(f"/privatliv/mine-data/{export.pk}/hent/")
    assert response.status_code == 410
    assert "udløbet" in response.content.decode()


def test_it_builds_one_export_when_the_task_runs_twice(nyborg, frida, in_nyborg):
    export = export_request(user=frida, requested_by=frida)
    assert build_data_export(export.pk) is True
    assert build_data_export(export.pk) is False
    export.refresh_from_db()
    first = export.file.name
    assert export_build(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.file.name == first
    assert AuditEvent.objects.filter(action="privacy.export_built").count() == 1
    from apps.messaging.models import Message as Sent

    assert Sent.objects.filter(kind="export_ready").count() == 1


def test_it_keeps_the_queries_per_section_bounded(
    nyborg, frida_everywhere, kiosk, django_assert_max_num_queries
):
    from apps.privacy.services.export import SECTIONS, build_zip
    from tests.personas import make_shift

    for day in range(5):
        place(
            make_shift(kiosk, start=timezone.localtime() + timedelta(days=20 + day)),
            frida_everywhere,
        )
    with django_assert_max_num_queries(len(SECTIONS) + 3):
        build_zip(user=frida_everywhere, site="Nyborg Kommune")


def test_it_lets_the_site_admin_answer_a_request_by_letter_with_the_deadline(
    nyborg, frida, nanna, nyborg_client, django_capture_on_commit_callbacks
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    page = browser.get("/privatliv/indsigt/")
    assert page.status_code == 200 and "Frida Hansen" in page.content.decode()
    received = timezone.localdate() - timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            "/privatliv/indsigt/",
            {"user": frida.pk, "channel": "letter", "received_on": received.isoformat()},
        )
    assert response.status_code == 302
    export = DataExport.objects.get()
    assert (export.user, export.requested_by, export.channel) == (frida, nanna, "letter")
    assert export.deadline == received + timedelta(days=30)
    (sent,) = [m for m in mail.outbox if m.to == [nanna.email]]
    assert "Frida Hansen" in sent.body and "/privatliv/indsigt/" in sent.body
    listing = browser.get("/privatliv/indsigt/").content.decode()
    deadline = export.deadline
    months = [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ]
    assert f"{deadline.day}. {months[deadline.month - 1]} {deadline.year}" in listing
    assert "Pr. brev" in listing or "brev" in listing
    # Frida herself cannot take the copy staff made; Nanna downloads it once.
    frida_browser = signed_in(nyborg_client.__class__(HTTP_HOST="nyborg.localhost"), frida, nyborg)
    assert frida_browser.get(f"/privatliv/mine-data/{export.pk}/hent/").status_code == 404
    archive = _open(browser.get(f"/privatliv/mine-data/{export.pk}/hent/"))
    assert json.loads(archive.read("data.json"))["sections"]["person"][0]["email"] == frida.email
    actions = list(
        AuditEvent.objects.filter(data__export_id=export.pk)
        .order_by("pk")
        .values_list("actor", "action")
    )
    assert actions == [
        (nanna.email, "privacy.export_requested"),
        ("system", "privacy.export_built"),
        (nanna.email, "privacy.export_downloaded"),
    ]


def test_it_lets_a_coordinator_answer_only_for_the_members_of_their_organisation(
    nyborg, roklub, frida, bo, kim, nyborg_client, nanna_coordinates
):
    Membership.objects.create(user=frida, organisation=roklub, started_on=date(2025, 3, 1))
    browser = signed_in(nyborg_client, nanna_coordinates, nyborg)
    assert browser.get("/privatliv/indsigt/").status_code == 200
    kims = signed_in(nyborg_client.__class__(HTTP_HOST="nyborg.localhost"), kim, nyborg)
    page = kims.get("/privatliv/indsigt/")
    assert page.status_code == 200 and "Frida Hansen" not in page.content.decode()
    response = kims.post(
        "/privatliv/indsigt/",
        {"user": frida.pk, "channel": "phone", "received_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200 and not DataExport.objects.exists()  # not a choice
    volunteer = signed_in(nyborg_client.__class__(HTTP_HOST="nyborg.localhost"), bo, nyborg)
    assert volunteer.get("/privatliv/indsigt/").status_code == 404


def test_it_shows_nothing_to_the_other_tenant(
    nyborg, frida, aarhus, anders, aarhus_client, django_capture_on_commit_callbacks
):
    with tenant_context(nyborg):
        export = export_request(user=frida, requested_by=frida)
        export_build(export_id=export.pk)
    browser = signed_in(aarhus_client, anders, aarhus)
    assert browser.get(f"/privatliv/mine-data/{export.pk}/hent/").status_code == 404


def test_it_deletes_the_file_of_an_expired_copy_once(nyborg, frida, in_nyborg):
    from apps.privacy.tasks import clear_expired_exports

    export = export_request(user=frida, requested_by=frida)
    export_build(export_id=export.pk)
    export.refresh_from_db()
    name, storage = export.file.name, export.file.storage
    assert clear_expired_exports() == 0  # not expired yet
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert clear_expired_exports() == 1
    assert clear_expired_exports() == 0
    assert not storage.exists(name)
    assert AuditEvent.objects.filter(action="privacy.export_expired").count() == 1


def test_it_fills_in_today_as_the_date_received(nyborg, nanna, nyborg_client):
    page = signed_in(nyborg_client, nanna, nyborg).get("/privatliv/indsigt/").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert "30 dage" in page


def test_it_exports_fridas_records_and_references_and_nothing_of_bos(
    nyborg, frida_everywhere, bo, nanna, roklub, nyborg_client, django_capture_on_commit_callbacks
):
    from apps.credentials.models import Reference
    from apps.credentials.references import reference_ask, reference_write
    from apps.credentials.services import record_issue
    from apps.credentials.signing import signature_valid, signing_key
    from apps.organisations.models import OrganisationRole

    frida = frida_everywhere
    OrganisationRole.objects.create(
        organisation=roklub, user=nanna, role=OrganisationRole.Role.COORDINATOR
    )
    reference = reference_ask(volunteer=frida, organisation=roklub, coordinator=nanna, note="CV")
    reference_write(
        coordinator=nanna,
        reference_id=reference.pk,
        text="Frida er stabil",
        author_name="Nanna Holm",
        author_role="Koordinator",
    )
    record = record_issue(holder=frida, keys=[f"hours:{roklub.pk}", f"reference:{reference.pk}"])
    Reference.objects.create(
        volunteer=bo,
        organisation=roklub,
        coordinator=nanna,
        text="Bos anbefaling",
        author_name="Nanna Holm",
        author_role="Koordinator",
        asked_at=timezone.now(),
        written_at=timezone.now(),
    )
    browser = signed_in(nyborg_client, frida, nyborg)
    export = _ask(browser, django_capture_on_commit_callbacks)
    archive = _open(browser.get(f"/privatliv/mine-data/{export.pk}/hent/"))
    data = json.loads(archive.read("data.json"))["sections"]
    (exported,) = data["volunteer_records"]
    assert exported["id"] == str(record.pk) and exported["credential"] == record.credential
    assert signature_valid(exported["credential"], public_key=signing_key().public_key)
    (about_me,) = data["references"]
    assert (about_me["text"], about_me["note"], about_me["author_name"]) == (
        "Frida er stabil",
        "CV",
        "Nanna Holm",
    )
    assert data["references_written"] == []
    assert "Frida er stabil" in archive.read("references.csv").decode("utf-8-sig")
    assert str(record.pk) in archive.read("volunteer_records.csv").decode("utf-8-sig")
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8")
    assert "Bos anbefaling" not in everything

    # Nanna's own copy holds what she wrote, not Frida's request or Bo's name.
    nanna_browser = signed_in(nyborg_client.__class__(HTTP_HOST="nyborg.localhost"), nanna, nyborg)
    with django_capture_on_commit_callbacks(execute=True):
        nanna_browser.post("/privatliv/mine-data/bestil/")
    hers = DataExport.objects.get(user=nanna)
    archive = _open(nanna_browser.get(f"/privatliv/mine-data/{hers.pk}/hent/"))
    written = json.loads(archive.read("data.json"))["sections"]["references_written"]
    assert sorted(row["text"] for row in written) == ["Bos anbefaling", "Frida er stabil"]
    assert all("volunteer__full_name" not in row and "note" not in row for row in written)
