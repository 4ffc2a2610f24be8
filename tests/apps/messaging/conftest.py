"""Nyborg Roklub's regatta (see the shifts personas); Nanna writes to its volunteers."""

import pytest
from django.utils import timezone

from apps.messaging.models import Message
from apps.messaging.services import message_create
from apps.shifts.models import SignUp
from tests.apps.shifts.conftest import *  # noqa: F403


def on_shift(shift, user, status=SignUp.Status.CONFIRMED) -> SignUp:
    return SignUp.objects.create(
        shift=shift,
        user=user,
        status=status,
        confirmed_at=timezone.now() if status == SignUp.Status.CONFIRMED else None,
        waitlisted_at=timezone.now(),
    )


@pytest.fixture
def crew(morning, frida, bo, carl):
    """Frida and Bo have the morning shift; Carl waits in line for it."""
    on_shift(morning, frida)
    on_shift(morning, bo)
    on_shift(morning, carl, SignUp.Status.WAITLISTED)
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
