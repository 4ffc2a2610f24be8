"""Follow-up of an active match: check-ins at 1, 3 and 6 months (the programme's choice)
logged by a coordinator; a volunteer's concern, mailed at once to the programme's own
coordinators; and the burnout guard (active matches and shifts against the own limit)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.citizens.models import CheckIn, CitizenMatch, Concern, MatchCapacity, Programme
from apps.citizens.selectors import Workload, workloads
from apps.citizens.services.followups import checkins_schedule
from apps.citizens.services.matches import match_answer, match_confirm, match_propose, meeting_plan
from apps.citizens.services.referrals import referral_create
from apps.shifts.models import SignUp
from tests.apps.citizens.conftest import REFERRAL
from tests.apps.citizens.test_views import body, browser
from tests.personas import in_days, make_shift, place

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
PLANNED = datetime(2027, 1, 20, 9, tzinfo=CPH)
ACTIVE = datetime(2027, 1, 31, 12, tzinfo=CPH)  # month ends: 28 Feb, 30 Apr, 31 Jul


def _active(referral, rasmus, frida) -> CitizenMatch:
    with time_machine.travel(PLANNED, tick=False):
        match = match_propose(actor=rasmus, referral=referral, volunteer=frida)
        match_answer(actor=frida, match=match, accept=True)
        match = meeting_plan(
            actor=rasmus, match=match, starts_at=PLANNED + timedelta(days=1), place="Caféen"
        )
    match_confirm(match=match, side="volunteer", yes=True, actor=frida, now=ACTIVE)
    return match_confirm(
        match=match, side="citizen", yes=True, actor=rasmus, via="coordinator", now=ACTIVE
    )


def test_it_schedules_check_ins_at_1_3_and_6_months_when_a_match_becomes_active(
    referral, rasmus, volunteers
):
    frida = volunteers["frida"]
    with time_machine.travel(PLANNED, tick=False):
        match = match_propose(actor=rasmus, referral=referral, volunteer=frida)
        match_answer(actor=frida, match=match, accept=True)
        meeting_plan(actor=rasmus, match=match, starts_at=PLANNED + timedelta(days=1), place="Her")
    match_confirm(match=match, side="volunteer", yes=True, actor=frida, now=ACTIVE)
    assert not CheckIn.objects.exists()  # not active yet: the citizen has not said yes
    match = match_confirm(
        match=match, side="citizen", yes=True, actor=rasmus, via="coordinator", now=ACTIVE
    )
    due = list(CheckIn.objects.filter(match=match).values_list("months", "due_on"))
    assert due == [(1, date(2027, 2, 28)), (3, date(2027, 4, 30)), (6, date(2027, 7, 31))]
    checkins_schedule(match=match)  # twice: still one per month
    assert CheckIn.objects.filter(match=match).count() == 3


def test_it_schedules_the_months_the_programme_chose(programme, referral, rasmus, volunteers):
    programme.checkin_months = [2, 12]
    programme.save()
    match = _active(referral, rasmus, volunteers["frida"])
    due = list(CheckIn.objects.filter(match=match).values_list("due_on", flat=True))
    assert due == [date(2027, 3, 31), date(2028, 1, 31)]


def test_a_coordinator_chooses_the_months_for_a_new_programme(nyborg, in_nyborg, roklub, rasmus):
    as_rasmus = browser(rasmus, nyborg)
    assert "Follow-up check-ins" in body(as_rasmus.get("/borgere/indsatser/ny/"))
    form = {"organisation": roklub.pk, "name": "Mentor", "checkin_months": ["12", "1"]}
    assert as_rasmus.post("/borgere/indsatser/ny/", form).status_code == 302
    assert Programme.objects.get(name="Mentor").checkin_months == [1, 12]
    refused = as_rasmus.post("/borgere/indsatser/ny/", {**form, "checkin_months": ["5"]})
    assert refused.status_code == 400  # not one of the choices


def test_it_lists_overdue_check_ins_and_a_coordinator_logs_one(
    nyborg, in_nyborg, referral, rasmus, volunteers, kim, django_assert_num_queries
):
    match = _active(referral, rasmus, volunteers["frida"])
    first, third, _sixth = CheckIn.objects.filter(match=match)
    with time_machine.travel(datetime(2027, 3, 10, 10, tzinfo=CPH), tick=False):
        as_rasmus = browser(rasmus, nyborg)
        with django_assert_num_queries(12):
            page = body(as_rasmus.get("/borgere/"))
        listed = page.split('id="checkins-title"')[1].split("</section>")[0]
        assert f'id="opfoelgning-{first.pk}"' in listed and "Overdue" in listed
        assert "Inger" in listed and "Frida Hansen" in listed
        assert f'id="opfoelgning-{third.pk}"' not in listed  # 30 April: not due yet

        as_kim = browser(kim, nyborg)  # another association's coordinator
        refused = as_kim.post(f"/borgere/opfoelgning/{first.pk}/", {"note": "Fint"})
        assert refused.status_code in (403, 404)
        as_rasmus.post(f"/borgere/opfoelgning/{first.pk}/", {"note": ""})  # a note is needed
        first.refresh_from_db()
        assert first.done_at is None

        response = as_rasmus.post(
            f"/borgere/opfoelgning/{first.pk}/", {"note": "De går tur hver tirsdag."}
        )
        assert response["Location"] == f"/borgere/henvisninger/{referral.pk}/"
        first.refresh_from_db()
        assert first.done_by == rasmus and first.note == "De går tur hver tirsdag."
        page = body(as_rasmus.get("/borgere/"))
        assert f'id="opfoelgning-{first.pk}"' not in page and "No check-ins are due." in page
        detail = body(as_rasmus.get(response["Location"]))
        assert "De går tur hver tirsdag." in detail and "logged by Rasmus Hansen" in detail
    assert AuditEvent.objects.filter(
        action="citizen_checkin.logged", target_id=str(first.pk)
    ).exists()


def test_a_concern_mails_the_programmes_own_coordinators_at_once(
    nyborg,
    in_nyborg,
    referral,
    rasmus,
    volunteers,
    kim,
    nanna,
    anders,
    django_capture_on_commit_callbacks,
):
    frida, bo = volunteers["frida"], volunteers["bo"]
    match = _active(referral, rasmus, frida)
    as_frida = browser(frida, nyborg)
    page = body(as_frida.get(f"/borgere/mine/{match.pk}/"))
    assert "Is something worrying you?" in page
    assert (
        browser(bo, nyborg)
        .post(f"/borgere/mine/{match.pk}/bekymring/", {"text": "Hun virker trist"})
        .status_code
        == 404
    )  # not his match
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_frida.post(
            f"/borgere/mine/{match.pk}/bekymring/", {"text": "Inger virker meget trist."}
        )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert (concern.match, concern.raised_by) == (match, frida)
    recipients = sorted(address for sent in mail.outbox for address in sent.to)
    assert recipients == [rasmus.email]  # not Kim, not the site's admin, never Aarhus
    assert kim.email not in recipients and nanna.email not in recipients
    assert anders.email not in recipients
    assert "Inger virker meget trist." not in mail.outbox[0].body  # on the page, not in mail
    detail = body(browser(rasmus, nyborg).get(f"/borgere/henvisninger/{referral.pk}/"))
    assert "Inger virker meget trist." in detail
    assert AuditEvent.objects.filter(action="citizen_concern.raised").count() == 1


def test_the_burnout_guard_counts_active_matches_and_shifts_against_the_own_limit(
    nyborg,
    in_nyborg,
    programme,
    referral,
    rasmus,
    sofie,
    volunteers,
    kiosk,
    django_assert_num_queries,
):
    frida, bo = volunteers["frida"], volunteers["bo"]
    MatchCapacity.objects.create(user=frida, max_matches=2)
    _active(referral, rasmus, frida)
    place(make_shift(kiosk, start=in_days(10)), frida)
    place(make_shift(kiosk, start=in_days(40)), frida)  # beyond 30 days
    place(make_shift(kiosk, start=in_days(5)), frida, SignUp.Status.CANCELLED)
    place(make_shift(kiosk, start=in_days(-3)), frida, through_service=False)  # past
    with django_assert_num_queries(0):
        assert workloads(user_ids=[], now=timezone.now()) == {}
    with django_assert_num_queries(3):
        loads = workloads(user_ids=[frida.pk, bo.pk], now=timezone.now())
    assert loads == {
        frida.pk: Workload(active_matches=1, shifts=1, limit=2),
        bo.pk: Workload(active_matches=0, shifts=0, limit=1),
    }
    figures = "1 active match · 1 shift in the next 30 days · own limit: 2 citizens"
    mine = body(browser(frida, nyborg).get("/borgere/mine/"))
    assert figures in mine.split('id="min-belastning"')[1]

    other = referral_create(
        actor=sofie, programme=programme, data={**REFERRAL, "first_name": "Poul"}
    )
    page = body(browser(rasmus, nyborg).get(f"/borgere/henvisninger/{other.pk}/"))
    assert figures in page.split(f'id="frivillig-{frida.pk}"')[1].split("</li>")[0]


def test_a_concern_reaches_a_person_when_the_organisation_has_no_coordinator(
    nyborg, in_nyborg, referral, rasmus, volunteers, nanna, django_capture_on_commit_callbacks
):
    """The organisation's admins first (a coordinating role too); with nobody at all in
    the organisation, the site's admins: a worry about a citizen never goes nowhere."""
    from apps.citizens.services.followups import concern_raise
    from apps.organisations.models import OrganisationRole
    from tests.personas import person

    frida = volunteers["frida"]
    match = _active(referral, rasmus, frida)
    roklub = referral.programme.organisation
    OrganisationRole.objects.filter(organisation=roklub).delete()
    chair = person("Karen")
    OrganisationRole.objects.create(
        organisation=roklub, user=chair, role=OrganisationRole.Role.ADMIN
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        concern_raise(actor=frida, match=match, text="Hun faldt i sidste uge.")
    assert [m.to for m in mail.outbox] == [[chair.email]]

    OrganisationRole.objects.filter(organisation=roklub).delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        concern_raise(actor=frida, match=match, text="Igen.")
    assert [m.to for m in mail.outbox] == [[nanna.email]]
