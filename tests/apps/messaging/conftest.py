"""Nyborg Roklub's regatta (see tests/personas.py); Nanna writes to its volunteers."""

import pytest

from apps.messaging.models import Message
from apps.messaging.services import message_create
from apps.shifts.models import SignUp
from tests.personas import place


@pytest.fixture
def crew(morning, frida, bo, carl):
    """Frida and Bo have the morning shift; Carl waits in line for it."""
    place(morning, frida)
    place(morning, bo)
    place(morning, carl, SignUp.Status.WAITLISTED)
    # Their confirmations went out when they signed up, before these tests begin: the
    # outbox starts empty, so a test counts only what it sends itself.
    Message.objects.filter(kind__startswith="signup_").delete()
    return morning


@pytest.fixture
def briefing(nanna, roklub, crew) -> Message:
    return message_create(
        actor=nanna,
        organisation=roklub,
        subject="Praktisk info om regattaen",
        body_markdown="Mød op **kl. 8** ved [Bådhuset](https://nyborg.dk).\n\n<script>x()</script>",
        audience_kind=Message.Audience.SHIFT,
        audience_id=crew.pk,
    )
