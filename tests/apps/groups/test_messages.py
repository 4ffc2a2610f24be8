"""The kinds about group posts (see tests/apps/messaging/kinds.py for what each checks):
each post as it comes, and the daily digest (which obeys the switch for posts)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.groups.models import GroupMember, Post
from apps.groups.services import digests_due, post_create, post_notify
from tests.apps.messaging.kinds import (
    CASE_IDS,
    CASES,
    ZONE,
    assert_kind,
    prepare,
    switch_everything_off,
    twice,
)

pytestmark = pytest.mark.django_db
cases = pytest.mark.parametrize("locale,switched_off", CASES, ids=CASE_IDS)


def _setup(nyborg, someone, locale, switched_off) -> None:
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(someone)


@cases
def test_group(nyborg, crew, frida, bo, locale, switched_off):
    _setup(nyborg, bo, locale, switched_off)
    made: list[Post] = []

    def trigger():
        if not made:
            made.append(post_create(actor=frida, group_id=crew.pk, body="Husk **vanter**"))
        else:  # the task run again finds the first message
            post_notify(post_id=made[0].pk)

    twice(trigger)
    assert_kind("group", tenant=nyborg, to=bo, switched_off=switched_off)


@cases
def test_group_digest(nyborg, crew, frida, bo, locale, switched_off):
    GroupMember.objects.filter(group=crew, user=bo).update(notify=GroupMember.Notify.DAILY)
    _setup(nyborg, bo, locale, switched_off)
    morning = datetime(2030, 5, 1, 9, 37, tzinfo=ZoneInfo(ZONE))
    with time_machine.travel(morning, tick=False):
        twice(lambda: post_create(actor=frida, group_id=crew.pk, body="Første besked"))
    with time_machine.travel(morning + timedelta(hours=8), tick=False):
        twice(digests_due)
    assert_kind("group_digest", tenant=nyborg, to=bo, switched_off=switched_off, moment=morning)
