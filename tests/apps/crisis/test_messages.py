"""The crisis's kinds of message (see tests/apps/messaging/kinds.py): sent once, in the
tenant's language. Helpers have no account, so no switch applies (essential)."""

import pytest
from django.core import mail

from apps.crisis.services import crisis_end
from apps.messaging.models import Delivery
from apps.messaging.rendering import delivery_email
from tests.apps.crisis.conftest import register
from tests.apps.messaging.kinds import prepare, twice

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("locale", ["da", "en"])
def test_crisis_thanks(nyborg, flood, nanna, locale):
    prepare(nyborg, locale=locale)
    register(flood, email="ada@example.dk", phone="")
    crisis_end(crisis_id=flood.pk, by=nanna)
    from apps.crisis.services import crisis_thanks_send

    twice(lambda: crisis_thanks_send(crisis_id=flood.pk))
    (delivery,) = Delivery.objects.filter(message__kind="crisis_thanks")
    assert delivery.status == Delivery.Status.SENT and delivery.user_id is None
    (sent,) = mail.outbox
    assert delivery_email(nyborg, delivery).body == sent.body
    nyborg.locale = "en" if locale == "da" else "da"
    # The deletion date's month is written in the tenant's language (the strings follow
    # once the Danish catalogue has them).
    assert delivery_email(nyborg, delivery).body != sent.body
