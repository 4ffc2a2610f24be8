"""One test per kind of citizen-matching mail (see tests/apps/messaging/kinds.py for what
each checks), each through the service that sends it."""

from datetime import timedelta

import pytest
from django.core import mail

from apps.citizens.models import CitizenMatch, Concern
from apps.citizens.notifications import (
    concern_raised_send,
    first_meeting_send,
    match_proposed_send,
)
from apps.citizens.services.followups import concern_raise
from apps.citizens.services.matches import (
    match_answer,
    match_propose,
    meeting_plan,
    meeting_reminders_send,
)
from tests.apps.messaging.kinds import (
    CASE_IDS,
    CASES,
    assert_kind,
    prepare,
    switch_everything_off,
    twice,
)
from tests.personas import in_days

pytestmark = pytest.mark.django_db
cases = pytest.mark.parametrize("locale,switched_off", CASES, ids=CASE_IDS)


def _setup(nyborg, person, locale, switched_off) -> None:
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(person)


@cases
def test_citizen_match_proposed(nyborg, referral, rasmus, volunteers, locale, switched_off):
    frida = volunteers["frida"]
    _setup(nyborg, frida, locale, switched_off)
    made: list[CitizenMatch] = []

    def trigger():
        if not made:
            made.append(match_propose(actor=rasmus, referral=referral, volunteer=frida))
        else:
            match_proposed_send(match=made[0])

    twice(trigger)
    assert_kind("citizen_match_proposed", tenant=nyborg, to=frida, switched_off=switched_off)


@cases
def test_citizen_first_meeting(nyborg, referral, rasmus, volunteers, locale, switched_off):
    frida = volunteers["frida"]
    _setup(nyborg, frida, locale, switched_off)
    match = match_propose(actor=rasmus, referral=referral, volunteer=frida)
    match_answer(actor=frida, match=match, accept=True)
    start = in_days(4, 10).replace(minute=37)
    made: list[CitizenMatch] = []

    def trigger():
        if not made:
            made.append(meeting_plan(actor=rasmus, match=match, starts_at=start, place="Caféen"))
        else:
            first_meeting_send(match=made[0])

    twice(trigger)
    for person in (frida, rasmus):
        assert_kind(
            "citizen_first_meeting",
            tenant=nyborg,
            to=person,
            switched_off=switched_off,
            moment=start,
        )
    sent = [m for m in mail.outbox if m.to == [frida.email]][-1]
    assert [name for name, _content, _type in sent.attachments] == ["first-meeting.ics"]
    assert start + timedelta(hours=1) > start  # the invite lasts an hour (calendars.py)


@cases
def test_citizen_meeting_reminder(nyborg, referral, rasmus, volunteers, locale, switched_off):
    frida = volunteers["frida"]
    _setup(nyborg, frida, locale, switched_off)
    match = match_propose(actor=rasmus, referral=referral, volunteer=frida)
    match_answer(actor=frida, match=match, accept=True)
    start = in_days(4, 10).replace(minute=37)
    meeting_plan(actor=rasmus, match=match, starts_at=start, place="Caféen")
    later = start - timedelta(hours=20)
    assert meeting_reminders_send(now=start - timedelta(days=2)) == 0  # not yet

    def trigger():
        meeting_reminders_send(now=later)

    twice(trigger)
    assert_kind(
        "citizen_meeting_reminder",
        tenant=nyborg,
        to=frida,
        switched_off=switched_off,
        moment=start,
    )


@cases
def test_citizen_concern_raised(nyborg, referral, rasmus, volunteers, locale, switched_off):
    frida = volunteers["frida"]
    _setup(nyborg, rasmus, locale, switched_off)
    match = match_propose(actor=rasmus, referral=referral, volunteer=frida)
    made: list[Concern] = []

    def trigger():
        if not made:
            made.append(concern_raise(actor=frida, match=match, text="Hun virker trist."))
        else:
            concern_raised_send(concern=made[0])

    twice(trigger)
    assert_kind(
        "citizen_concern_raised",
        tenant=nyborg,
        to=rasmus,
        switched_off=switched_off,
        moment=made[0].raised_at,
    )


@cases
def test_citizen_evaluation_asked(nyborg, referral, rasmus, volunteers, locale, switched_off):
    from apps.citizens.models import MatchEvaluation
    from apps.citizens.notifications import evaluation_asked_send
    from apps.citizens.services.matches import match_end
    from tests.apps.citizens.test_followups import _active

    frida = volunteers["frida"]
    _setup(nyborg, frida, locale, switched_off)
    match = _active(referral, rasmus, frida)
    ended: list[CitizenMatch] = []

    def trigger():
        if not ended:
            ended.append(match_end(actor=rasmus, match=match, reason="goal_reached"))
        else:
            asked = MatchEvaluation.objects.get(match=match, side="volunteer")
            evaluation_asked_send(evaluation=asked)

    twice(trigger)
    assert_kind("citizen_evaluation_asked", tenant=nyborg, to=frida, switched_off=switched_off)


@cases
def test_citizen_self_referral(nyborg, programme, rasmus, locale, switched_off):
    from apps.citizens.models import Referral
    from apps.citizens.notifications import self_referral_send
    from apps.citizens.services.referrals import self_referral_create

    _setup(nyborg, rasmus, locale, switched_off)
    programme.allows_self_referral = True
    programme.save(update_fields=["allows_self_referral"])
    made: list[Referral] = []

    def trigger():
        if not made:
            data = {"first_name": "Ellen", "age_band": "80+", "postcode": "5800"}
            made.append(self_referral_create(programme=programme, data={**data, "contact": "1"}))
        else:
            self_referral_send(referral=made[0])

    twice(trigger)
    assert_kind("citizen_self_referral", tenant=nyborg, to=rasmus, switched_off=switched_off)
