"""The digest of new events from what a person follows (moved here from organisations,
which keeps only who follows what)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.messaging.services.digests import digest_send
from apps.messaging.tasks import send_digests
from apps.organisations.services.following import follow_set
from apps.shifts.models import Category
from tests.apps.organisations.test_follows import published

pytestmark = pytest.mark.django_db


def test_it_mails_a_digest_of_new_events_from_followed_organisations_and_categories(
    roklub, frida, bo, django_capture_on_commit_callbacks
):
    music = Category.objects.create(name="Musik", slug="musik")
    follow_set(user=frida, on=True, organisation=roklub)
    follow_set(user=bo, on=True, category=music)
    published(roklub, "Gammel nyhed", when=timezone.now() - timedelta(days=3))
    published(roklub, "Kapsejlads")
    other = roklub.__class__.objects.create(name="Koret", is_approved=True)
    published(other, "Korkoncert", category=music)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests.apply().get() == 2
    sent = {m.to[0]: m.body for m in mail.outbox}
    assert (
        "Kapsejlads" in sent["frida@example.dk"] and "Gammel nyhed" not in sent["frida@example.dk"]
    )
    assert "Korkoncert" in sent["bo@example.dk"] and "Kapsejlads" not in sent["bo@example.dk"]


def test_it_never_sends_the_same_events_twice(roklub, frida, django_capture_on_commit_callbacks):
    follow_set(user=frida, on=True, organisation=roklub)
    published(roklub, "Kapsejlads")
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send(user_id=frida.pk) == 1
        assert digest_send(user_id=frida.pk) == 0
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        published(roklub, "Standerhejsning")
        with django_capture_on_commit_callbacks(execute=True):
            assert digest_send(user_id=frida.pk) == 1
    assert len(mail.outbox) == 2 and "Standerhejsning" in mail.outbox[1].body


def test_nobody_gets_a_digest_who_switched_it_off(
    roklub, frida, bo, django_capture_on_commit_callbacks
):
    from apps.messaging.models import Kind, Preference

    for person in (frida, bo):
        follow_set(user=person, on=True, organisation=roklub)
    Preference.objects.create(user=bo, kind=Kind.DIGEST, email=False)
    published(roklub, "Kapsejlads")
    with django_capture_on_commit_callbacks(execute=True):
        send_digests.apply().get()
    assert [m.to for m in mail.outbox] == [["frida@example.dk"]]
