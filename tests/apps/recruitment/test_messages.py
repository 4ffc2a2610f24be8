"""One test per kind of recruitment mail (see tests/apps/messaging/kinds.py for what each
checks), each through the service that sends it."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from apps.messaging.models import Message
from apps.recruitment.models import Application, Interview, Onboarding, RecruitmentSettings
from apps.recruitment.notifications import (
    agreement_ready_send,
    application_received_send,
    interview_invitation_send,
)
from apps.recruitment.services.interviews import interview_schedule
from apps.recruitment.services.onboarding import record_check_set
from apps.recruitment.services.pipeline import application_move, application_submit
from apps.recruitment.services.reminders import reminders_send
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
S = Application.Status
START = "2026-03-02 09:00:00+01:00"


def _setup(nyborg, person, locale, switched_off) -> None:
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(person)


def move_to(application, actor, last) -> Onboarding:
    for stage in [S.SCREENING, S.INTERVIEW, S.AGREEMENT, S.TRIAL, S.ACTIVE]:
        application_move(actor=actor, application=application, to=stage)
        if stage == last:
            break
    return Onboarding.objects.get(application=application)


@cases
def test_application_received(nyborg, posting, frida, rasmus, locale, switched_off):
    _setup(nyborg, rasmus, locale, switched_off)
    made: list[Application] = []

    def trigger():
        if not made:
            made.append(
                application_submit(user=frida, posting=posting, motivation="Ja", consent=True)
            )
        else:  # a retried task finds the first message
            application_received_send(application=made[0])

    twice(trigger)
    assert_kind("application_received", tenant=nyborg, to=rasmus, switched_off=switched_off)


@cases
def test_interview(nyborg, application, frida, rasmus, locale, switched_off):
    _setup(nyborg, frida, locale, switched_off)
    application_move(actor=rasmus, application=application, to=S.SCREENING)
    start = in_days(4, 10).replace(minute=37)
    made: list[Interview] = []

    def trigger():
        if not made:
            made.append(
                interview_schedule(
                    actor=rasmus,
                    application=application,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    place="Klubhuset",
                )
            )
        else:
            interview_invitation_send(interview=made[0])

    twice(trigger)
    assert_kind("interview", tenant=nyborg, to=frida, switched_off=switched_off, moment=start)
    message = Message.objects.get(kind="interview")
    assert "interview_id" in message.params  # the calendar file is made when it is rendered
    if not switched_off:
        (sent,) = [m for m in mail.outbox if m.to == [frida.email]]
        assert [name for name, _content, _type in sent.attachments] == ["interview.ics"]


@cases
def test_agreement_ready(nyborg, application, frida, rasmus, locale, switched_off):
    _setup(nyborg, frida, locale, switched_off)
    made: list[Onboarding] = []

    def trigger():
        if not made:
            made.append(move_to(application, rasmus, S.AGREEMENT))
        else:
            agreement_ready_send(onboarding=made[0])

    twice(trigger)
    assert_kind("agreement_ready", tenant=nyborg, to=frida, switched_off=switched_off)


@cases
def test_trial_reminder(nyborg, application, rasmus, locale, switched_off):
    with time_machine.travel(START, tick=False):
        onboarding = move_to(application, rasmus, S.TRIAL)
    assert onboarding.trial_ends_on == date(2026, 6, 2)
    _setup(nyborg, rasmus, locale, switched_off)
    with time_machine.travel("2026-05-26 06:00:00+02:00", tick=False):
        twice(reminders_send)
    assert_kind("trial_reminder", tenant=nyborg, to=rasmus, switched_off=switched_off)


@cases
def test_check_reminder(nyborg, application, rasmus, locale, switched_off):
    RecruitmentSettings.objects.update_or_create(pk=1, defaults={"check_renewal_months": 18})
    with time_machine.travel(START, tick=False):
        onboarding = move_to(application, rasmus, S.ACTIVE)
        record_check_set(actor=rasmus, onboarding=onboarding, kind="child", status="ok")
    _setup(nyborg, rasmus, locale, switched_off)
    with time_machine.travel("2027-08-03 06:00:00+02:00", tick=False):
        twice(reminders_send)
    assert_kind("check_reminder", tenant=nyborg, to=rasmus, switched_off=switched_off)
