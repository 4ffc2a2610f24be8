"""Mails about new posts, through the outbox: each post, a daily digest, or none, as each
member chose; never to who switched group mails off; once, however often tasks run."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from apps.groups.models import GroupMember, Post
from apps.groups.services import post_create, post_hide
from apps.groups.tasks import dispatch_group_digests, notify_post, send_group_digests
from apps.messaging.models import Delivery, Message, Preference
from apps.shifts.models import SignUp
from tests.apps.groups.conftest import browser_for
from tests.personas import place

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def recipients() -> list[str]:
    return sorted(address for m in mail.outbox for address in m.to)


def post(group, author, body: str, callbacks) -> Post:
    with callbacks(execute=True):
        return post_create(actor=author, group_id=group.pk, body=body)


def test_each_post_mails_the_other_members_once_even_when_the_task_runs_twice(
    crew, frida, bo, nanna, django_capture_on_commit_callbacks
):
    written = post(crew, frida, "Vi mødes **kl. 7**", django_capture_on_commit_callbacks)
    assert recipients() == ["bo@example.dk"]  # not the author, not Carl, not Nanna
    with django_capture_on_commit_callbacks(execute=True):
        notify_post.delay(written.pk)
        notify_post.delay(written.pk)
    assert recipients() == ["bo@example.dk"]
    sent = mail.outbox[0]
    assert "Frida Hansen" in sent.subject and "Regattaholdet" in sent.subject
    assert f"/grupper/{crew.pk}/#post-{written.pk}" in sent.body
    assert "<strong>kl. 7</strong>" in sent.alternatives[0][0]
    message = Message.objects.get(dedupe_key=f"group-post:{written.pk}")
    assert message.kind == "group" and message.author == frida


def test_a_member_who_chose_none_gets_nothing(
    crew, frida, bo, nyborg, django_capture_on_commit_callbacks
):
    response = browser_for(bo, nyborg).post(f"/grupper/{crew.pk}/mails/", {"notify": "none"})
    assert response.status_code == 302
    assert GroupMember.objects.get(group=crew, user=bo).notify == "none"
    post(crew, frida, "Hej alle", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    with time_machine.travel(datetime(2030, 5, 1, 17, tzinfo=CPH), tick=False):
        post(crew, frida, "Hej igen", django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            send_group_digests.delay()
    assert mail.outbox == []


def test_switching_group_mails_off_in_the_preferences_means_no_mail(
    crew, frida, bo, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=bo, kind="group", email=False)
    written = post(crew, frida, "Hej alle", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert not Delivery.objects.filter(message__dedupe_key=f"group-post:{written.pk}").exists()


def test_the_daily_digest_goes_once_a_day_with_the_days_visible_posts(
    crew, frida, bo, nanna, nyborg, django_capture_on_commit_callbacks
):
    browser_for(bo, nyborg).post(f"/grupper/{crew.pk}/mails/", {"notify": "daily"})
    with time_machine.travel(datetime(2030, 5, 1, 9, tzinfo=CPH), tick=False):
        post(crew, frida, "Første besked", django_capture_on_commit_callbacks)
        hidden = post(crew, frida, "Forkert besked", django_capture_on_commit_callbacks)
        post_hide(actor=nanna, post_id=hidden.pk, reason="forkert")
    with time_machine.travel(datetime(2030, 5, 1, 17, 5, tzinfo=CPH), tick=False):
        post(crew, frida, "Sent på dagen", django_capture_on_commit_callbacks)
    assert mail.outbox == []  # Bo chose the digest
    with time_machine.travel(datetime(2030, 5, 1, 17, 10, tzinfo=CPH), tick=False):  # late
        for _twice in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                send_group_digests.delay()
    assert recipients() == ["bo@example.dk"]
    digest = mail.outbox[0]
    assert "Første besked" in digest.body and "Forkert besked" not in digest.body
    assert "Regattaholdet" in digest.subject and "2 nye opslag" in digest.subject

    with time_machine.travel(datetime(2030, 5, 2, 10, tzinfo=CPH), tick=False):
        post(crew, frida, "Anden dag", django_capture_on_commit_callbacks)
    evening = time_machine.travel(datetime(2030, 5, 2, 17, tzinfo=CPH), tick=False)
    with evening, django_capture_on_commit_callbacks(execute=True):
        send_group_digests.delay()
    assert recipients() == ["bo@example.dk", "bo@example.dk"]
    second = mail.outbox[1].body
    assert "Anden dag" in second and "Første besked" not in second
    assert "Sent på dagen" in digest.body and "Sent på dagen" not in second  # not twice
    keys = set(Message.objects.filter(kind="group_digest").values_list("dedupe_key", flat=True))
    assert f"group-digest:{crew.pk}:2030-05-01" in keys


def test_the_beat_fans_the_digest_out_to_every_open_tenant(
    crew, frida, bo, nyborg, django_capture_on_commit_callbacks
):
    GroupMember.objects.filter(user=bo).update(notify="daily")
    post(crew, frida, "Til sammendraget", django_capture_on_commit_callbacks)
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_group_digests.delay()
    assert recipients() == ["bo@example.dk"]


def test_a_post_hidden_before_its_mail_goes_out_is_not_mailed(
    crew, frida, bo, nanna, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        written = post_create(actor=frida, group_id=crew.pk, body="Ups")
    post_hide(actor=nanna, post_id=written.pk, reason="fejl")
    assert pending  # the mail was on its way; without it the test proves nothing
    for callback in pending:
        callback()
    assert mail.outbox == []


def test_rule_members_are_mailed_and_may_choose_for_themselves(
    nanna, roklub, regatta, morning, frida, bo, carl, django_capture_on_commit_callbacks
):
    from apps.groups.services import group_save, notify_set

    group = group_save(
        actor=nanna, organisation=roklub, name="Regattaen", rule="event", event=regatta
    )
    place(morning, frida)
    place(morning, bo)
    place(morning, carl, SignUp.Status.WAITLISTED)
    notify_set(actor=bo, group_id=group.pk, notify="none")
    row = GroupMember.objects.get(group=group, user=bo)
    assert not row.chosen  # a choice only: leaving the event still takes Bo out
    post(group, nanna, "Velkommen til regattaen", django_capture_on_commit_callbacks)
    assert recipients() == ["frida@example.dk"]


def test_an_info_mail_to_a_group_reaches_its_members(
    crew, nanna, kim, frida, bo, nyborg, django_capture_on_commit_callbacks
):
    path = f"/beskeder/ny/group/{crew.pk}/"
    assert browser_for(kim, nyborg).get(path).status_code == 404
    assert browser_for(frida, nyborg).get(path).status_code == 404
    coordinator = browser_for(nanna, nyborg)
    assert f'href="{path}"' in coordinator.get(f"/grupper/{crew.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            path, {"subject": "Praktisk", "body_markdown": "Husk madpakke", "action": "send"}
        )
    assert response.status_code == 302
    assert recipients() == ["bo@example.dk", "frida@example.dk"]


def test_hiding_a_post_stops_its_mails_still_waiting_in_the_outbox(
    crew, frida, bo, nanna, django_capture_on_commit_callbacks
):
    from apps.groups.services import post_notify
    from apps.messaging.tasks import deliver_batch

    with django_capture_on_commit_callbacks(execute=False):
        written = post_create(actor=frida, group_id=crew.pk, body="Ups")
        post_notify(post_id=written.pk)  # rows made, not yet sent
    waiting = Delivery.objects.get(message__dedupe_key=f"group-post:{written.pk}")
    assert waiting.status == Delivery.Status.PENDING
    post_hide(actor=nanna, post_id=written.pk, reason="fejl")
    deliver_batch.delay(waiting.message_id)
    waiting.refresh_from_db()
    assert mail.outbox == [] and waiting.status == Delivery.Status.SKIPPED
