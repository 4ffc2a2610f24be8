"""Attachments within limits, the organisation's members (optionally with a skill) as an
audience, and the tenant's sending rate."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from apps.members.models import Membership, Profile, Tag
from apps.messaging.models import Attachment, Delivery, Message
from apps.messaging.services import message_create, message_send
from apps.messaging.tasks import send_due_messages
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% tiny\n"


def compose(browser, path, **extra):
    data = {"subject": "Program", "body_markdown": "Se vedhæftet", "action": "send", **extra}
    return browser.post(path, data)


def test_it_attaches_files_to_every_mail(
    crew, nanna, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    upload = SimpleUploadedFile("program.pdf", PDF, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = compose(browser, f"/beskeder/ny/shift/{crew.pk}/", attachments=[upload])
    assert response.status_code == 302
    assert Attachment.objects.get().size == len(PDF)
    assert len(mail.outbox) == 2
    assert all(m.attachments == [("program.pdf", PDF, "application/pdf")] for m in mail.outbox)
    assert "program.pdf" in browser.get(response.url).content.decode()


def test_a_refused_file_gets_a_clear_error_and_the_text_is_kept(crew, nanna, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, nanna, nyborg)
    path = f"/beskeder/ny/shift/{crew.pk}/"
    exe = SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/octet-stream")
    page = compose(browser, path, attachments=[exe]).content.decode()
    assert "virus.exe: den type fil kan ikke vedhæftes" in page and "Se vedhæftet" in page
    assert "srcdoc=" not in page  # no preview beside the error
    fake = SimpleUploadedFile("program.pdf", b"<html>", content_type="application/pdf")
    page = compose(browser, path, attachments=[fake]).content.decode()
    assert "program.pdf er ikke en rigtig .pdf-fil" in page
    with override_settings(MESSAGE_ATTACHMENT_MAX_BYTES=10):
        big = SimpleUploadedFile("program.pdf", PDF, content_type="application/pdf")
        page = compose(browser, path, attachments=[big]).content.decode()
    assert "hver fil må højst fylde 10" in page
    assert not Message.objects.exists() and mail.outbox == []


def test_it_writes_to_the_organisations_members_with_a_skill(
    roklub, nanna, frida, bo, carl, kim, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    first_aid = Tag.objects.create(kind=Tag.Kind.SKILL, name="Førstehjælp")
    for person in (frida, bo, carl):
        Membership.objects.create(user=person, organisation=roklub, started_on=date(2024, 1, 1))
        Profile.objects.get_or_create(user=person)
    Membership.objects.filter(user=carl).update(status=Membership.Status.ENDED)
    for person in (frida, carl):
        person.profile.tags.add(first_aid)
    browser = signed_in(nyborg_client, nanna, nyborg)
    with django_capture_on_commit_callbacks(execute=True):
        compose(browser, f"/beskeder/ny/members/{roklub.pk}/?tag={first_aid.pk}")
    assert [m.to for m in mail.outbox] == [["frida@example.dk"]]  # not Bo, not ex-member Carl

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        compose(browser, f"/beskeder/ny/members/{roklub.pk}/")
    assert sorted(m.to[0] for m in mail.outbox) == ["bo@example.dk", "frida@example.dk"]
    kims = signed_in(nyborg_client, kim, nyborg)  # coordinates another association
    assert kims.get(f"/beskeder/ny/members/{roklub.pk}/").status_code == 404


def test_the_sending_rate_holds_the_rest_for_the_next_minute(
    crew, nanna, roklub, carl, dorthe, django_capture_on_commit_callbacks
):
    connection.tenant.mail_rate_per_minute = 1
    start = (timezone.now() + timedelta(days=3)).replace(second=5, microsecond=0)
    for minute in (start, start + timedelta(minutes=1)):  # the counter lives in Redis
        cache.delete(f"messaging.rate.{minute:%Y%m%d%H%M}")
    with time_machine.travel(start, tick=False):
        message = message_create(
            actor=nanna,
            organisation=roklub,
            subject="Hej",
            body_markdown="Hej",
            audience_kind=Message.Audience.SHIFT,
            audience_id=crew.pk,
        )
        with django_capture_on_commit_callbacks(execute=True):
            message_send(actor=nanna, message_id=message.pk)
    assert len(mail.outbox) == 1  # Frida and Bo are on the shift; one per minute
    later = time_machine.travel(start + timedelta(seconds=20), tick=False)
    with later, django_capture_on_commit_callbacks(execute=True):
        send_due_messages()
    assert len(mail.outbox) == 1
    next_minute = time_machine.travel(start + timedelta(minutes=1), tick=False)
    with next_minute, django_capture_on_commit_callbacks(execute=True):
        send_due_messages()
    assert len(mail.outbox) == 2
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
