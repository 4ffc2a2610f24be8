"""The kind of message the needs board sends (see tests/apps/messaging/kinds.py for what a
kind's test checks), through the service that sends it: the invitation to a need, to a
helper without an account, by mail and SMS. No switch: the helper has no preferences."""

from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import TestCase

from apps.crisis.models import Invite
from apps.crisis.needs import invite_send
from apps.messaging import sms
from apps.messaging.models import Delivery
from kernel import messages
from tests.apps.messaging.kinds import LOCALES, ZONE, prepare

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("locale", LOCALES)
def test_crisis_need_invite(nyborg, need, helpers, rasmus, locale):
    prepare(nyborg, locale=locale)
    hanne = helpers["hanne"]
    for _click in range(2):
        with TestCase.captureOnCommitCallbacks(execute=True):
            invite_send(need=need, helper_ids=[hanne.pk], by=rasmus)
    rows = Delivery.objects.filter(message__kind="crisis_need_invite")
    assert sorted(rows.values_list("channel", "status")) == [("email", "sent"), ("sms", "sent")]
    assert not messages.kind("crisis_need_invite").switchable
    (sent,) = mail.outbox
    (text,) = sms.outbox
    token = Invite.objects.get(helper=hanne).token
    assert f"/krise/svar/{token}/" in sent.body and f"/krise/svar/{token}/" in text.text
    # The tenant's clock: the need's start in New York time.
    local = need.starts_at.astimezone(ZoneInfo(ZONE))
    assert f"{local:%H}:{local:%M}" in sent.subject
    # The tenant's language.
    hello = {"da": "Kære", "en": "Dear"}[locale]
    assert sent.body.startswith(hello)
