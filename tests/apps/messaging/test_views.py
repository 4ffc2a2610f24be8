"""The coordinator's pages: compose with a branded preview, send or schedule, see results."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.messaging.models import Delivery, Message
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

BODY = {"subject": "Velkommen", "body_markdown": "Hej **alle**\n\n<img src=x onerror=alert(1)>"}


def compose_path(shift) -> str:
    return f"/beskeder/ny/shift/{shift.pk}/"


def test_the_preview_shows_safe_markdown_in_the_tenants_branding(
    crew, nanna, nyborg, nyborg_client
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    assert browser.get(compose_path(crew)).status_code == 200
    response = browser.post(compose_path(crew), {**BODY, "action": "preview"})
    page = response.content.decode()
    assert response.status_code == 200
    preview = page.split('sandbox="" srcdoc="', 1)[1].split('"', 1)[0]  # escaped, sandboxed
    assert "&lt;strong&gt;alle&lt;/strong&gt;" in preview and nyborg.primary_colour in preview
    assert "Nyborg Kommune" in preview and "onerror" not in preview
    assert not Message.objects.exists() and mail.outbox == []


def test_send_now_delivers_and_the_sender_sees_the_counts(
    crew, nanna, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(compose_path(crew), {**BODY, "action": "send"})
    message = Message.objects.get()
    assert response.status_code == 302 and response.url == f"/beskeder/{message.pk}/"
    assert len(mail.outbox) == 2
    Delivery.objects.filter(address="bo@example.dk").update(
        status=Delivery.Status.FAILED, last_error="550 mailbox unavailable"
    )
    page = browser.get(response.url).content.decode()
    assert "550 mailbox unavailable" in page and "bo@example.dk" in page
    assert "Velkommen" in browser.get("/beskeder/").content.decode()


def test_schedule_keeps_it_for_later(crew, nanna, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, nanna, nyborg)
    when = timezone.localtime() + timedelta(days=1)
    response = browser.post(
        compose_path(crew),
        {**BODY, "action": "schedule", "send_at": when.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.status == Message.Status.SCHEDULED and mail.outbox == []


def test_others_get_404(crew, briefing, kim, frida, nyborg, nyborg_client):
    for persona in (kim, frida):
        browser = signed_in(nyborg_client, persona, nyborg)
        assert browser.get(compose_path(crew)).status_code == 404
        assert browser.post(compose_path(crew), {**BODY, "action": "send"}).status_code == 404
        assert browser.get(f"/beskeder/{briefing.pk}/").status_code == 404
    assert Message.objects.count() == 1


def test_the_messages_list_costs_the_same_queries_for_3_or_30_messages(
    crew, nanna, roklub, nyborg, nyborg_client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = signed_in(nyborg_client, nanna, nyborg)

    def count_for(n: int) -> int:
        Message.objects.all().delete()
        Message.objects.bulk_create(
            Message(
                organisation=roklub,
                subject=f"Info {i}",
                body_markdown="Hej",
                audience_kind=Message.Audience.SHIFT,
                audience_id=crew.pk,
            )
            for i in range(n)
        )
        with CaptureQueriesContext(connection) as queries:
            assert browser.get("/beskeder/").status_code == 200
        return len(queries)

    # 8: with the second factor's device (apps.twofactor: django-otp checks it each request)
    assert count_for(3) == count_for(30) == 8


def test_it_lists_what_went_to_an_audience_not_each_persons_confirmation(
    crew, roklub, nanna, nyborg, nyborg_client
):
    for kind, subject in [("info", "Velkommen"), ("signup_confirmed", "Du er tilmeldt")]:
        Message.objects.create(
            kind=kind,
            organisation=roklub,
            subject=subject,
            body_markdown="",
            audience_kind=Message.Audience.PEOPLE,
            audience_id=0,
        )
    page = signed_in(nyborg_client, nanna, nyborg).get("/beskeder/").content.decode()
    assert "Velkommen" in page
    assert "Du er tilmeldt" not in page
