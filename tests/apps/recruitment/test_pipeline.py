"""From posting to active volunteer, every move recorded; illegal moves refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.members.models import Membership, Profile
from apps.recruitment.models import Application, Onboarding, Posting, RecordCheck
from apps.recruitment.services._common import Refused, add_months
from apps.recruitment.services.pipeline import (
    allowed_moves,
    application_move,
    application_submit,
    application_withdraw,
)
from apps.recruitment.services.postings import posting_create, posting_publish

pytestmark = pytest.mark.django_db

S = Application.Status
THE_WAY = [S.SCREENING, S.INTERVIEW, S.AGREEMENT, S.TRIAL, S.ACTIVE]


def test_a_posting_starts_as_a_draft_and_is_published(roklub, nanna):
    posting = posting_create(actor=nanna, organisation=roklub, title="Treasurer")
    assert posting.status == Posting.Status.DRAFT
    assert posting.opens_on == timezone.localdate()
    posting_publish(actor=nanna, posting=posting)
    assert posting.status == Posting.Status.PUBLISHED and posting.published_at
    assert AuditEvent.objects.filter(action="posting.published").exists()


def test_a_stranger_coordinator_cannot_make_or_publish_postings(roklub, kim, posting):
    with pytest.raises(PermissionDenied):
        posting_create(actor=kim, organisation=roklub, title="Treasurer")
    with pytest.raises(PermissionDenied):
        posting_publish(actor=kim, posting=posting)


def test_closing_before_opening_is_refused(roklub, nanna):
    with pytest.raises(Refused):
        posting_create(
            actor=nanna,
            organisation=roklub,
            title="Treasurer",
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate() - timedelta(days=1),
        )


def test_applying_records_received_and_makes_an_applicant(application, frida):
    assert application.status == S.RECEIVED
    assert application.availability == ["tue-evening"]
    (event,) = application.events.all()
    assert (event.from_status, event.to_status, event.actor) == ("", S.RECEIVED, frida)
    assert Profile.objects.get(user=frida).status == Profile.Status.APPLICANT


def test_applying_needs_consent_an_open_posting_and_is_once(posting, roklub, nanna, bo, frida):
    with pytest.raises(Refused) as refusal:
        application_submit(user=bo, posting=posting, motivation="Hi", consent=False)
    assert "consent" in refusal.value.error_dict
    draft = posting_create(actor=nanna, organisation=roklub, title="Treasurer")
    with pytest.raises(Refused, match="not open"):
        application_submit(user=bo, posting=draft, motivation="Hi", consent=True)
    application_submit(user=frida, posting=posting, motivation="Hi", consent=True)
    with pytest.raises(Refused, match="already applied"):
        application_submit(user=frida, posting=posting, motivation="Again", consent=True)


def test_a_closed_posting_takes_no_applications(posting, bo):
    Posting.objects.filter(pk=posting.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    posting.refresh_from_db()
    with pytest.raises(Refused, match="not open"):
        application_submit(user=bo, posting=posting, motivation="Hi", consent=True)


def test_the_whole_way_to_active_is_recorded(application, rasmus, frida, roklub):
    for stage in THE_WAY:
        application_move(actor=rasmus, application=application, to=stage, note=f"to {stage}")
    assert application.status == S.ACTIVE
    moves = list(application.events.values_list("from_status", "to_status", "actor", "note"))
    assert moves == [
        ("", S.RECEIVED, frida.pk, ""),
        (S.RECEIVED, S.SCREENING, rasmus.pk, "to screening"),
        (S.SCREENING, S.INTERVIEW, rasmus.pk, "to interview"),
        (S.INTERVIEW, S.AGREEMENT, rasmus.pk, "to agreement"),
        (S.AGREEMENT, S.TRIAL, rasmus.pk, "to trial"),
        (S.TRIAL, S.ACTIVE, rasmus.pk, "to active"),
    ]
    assert all(event.at for event in application.events.all())
    membership = Membership.objects.get(user=frida, organisation=roklub)
    assert membership.contact_person == rasmus and membership.status == Membership.Status.ACTIVE
    assert application.membership == membership
    assert Profile.objects.get(user=frida).status == Profile.Status.ACTIVE
    onboarding = Onboarding.objects.get(application=application)
    assert onboarding.membership == membership
    assert onboarding.trial_ends_on == add_months(timezone.localdate(), 3)
    assert AuditEvent.objects.filter(action="application.moved").count() == 5


def test_the_agreement_stage_opens_the_checklist(application, rasmus, frida):
    for stage in THE_WAY[:3]:
        application_move(actor=rasmus, application=application, to=stage)
    onboarding = Onboarding.objects.get(application=application)
    assert "Frida Hansen" in onboarding.agreement_text
    assert "Nyborg Roklub" in onboarding.agreement_text
    assert "Rasmus Hansen" in onboarding.agreement_text
    checks = dict(onboarding.checks.values_list("kind", "status"))
    assert checks == {
        RecordCheck.Kind.CHILD_PROTECTION: RecordCheck.Status.REQUESTED,
        RecordCheck.Kind.CRIMINAL_RECORD: RecordCheck.Status.NOT_NEEDED,
    }


@pytest.mark.parametrize("to", [S.INTERVIEW, S.AGREEMENT, S.TRIAL, S.ACTIVE, S.RECEIVED, "bogus"])
def test_skipping_stages_is_refused_with_a_clear_message(application, rasmus, to):
    with pytest.raises(Refused) as refusal:
        application_move(actor=rasmus, application=application, to=to)
    assert "cannot move from “Received”" in refusal.value.messages[0]
    application.refresh_from_db()
    assert application.status == S.RECEIVED and application.events.count() == 1


def test_closed_applications_move_nowhere(application, rasmus, frida):
    application_move(actor=rasmus, application=application, to=S.REJECTED, note="Not now")
    assert allowed_moves(S.REJECTED) == ()
    with pytest.raises(Refused, match="cannot move from “Rejected” to “Screening”"):
        application_move(actor=rasmus, application=application, to=S.SCREENING)
    # Back to following: no other application is open.
    assert Profile.objects.get(user=frida).status == Profile.Status.FOLLOWER


def test_the_applicant_may_withdraw_but_not_move_on(application, frida, bo):
    with pytest.raises(PermissionDenied):
        application_move(actor=frida, application=application, to=S.SCREENING)
    with pytest.raises(PermissionDenied):
        application_withdraw(user=bo, application=application)
    application_withdraw(user=frida, application=application, note="Moved away")
    assert application.status == S.WITHDRAWN
    assert application.events.last().actor == frida


def test_a_stranger_coordinator_cannot_move(application, kim):
    with pytest.raises(PermissionDenied):
        application_move(actor=kim, application=application, to=S.SCREENING)


def test_a_stale_copy_cannot_move_twice(application, rasmus, nanna):
    stale = Application.objects.get(pk=application.pk)
    application_move(actor=rasmus, application=application, to=S.SCREENING)
    with pytest.raises(Refused):
        application_move(actor=nanna, application=stale, to=S.SCREENING)
    assert application.events.count() == 2


def test_after_a_rejection_one_may_apply_again(application, rasmus, frida, posting):
    application_move(actor=rasmus, application=application, to=S.REJECTED)
    again = application_submit(user=frida, posting=posting, motivation="Again", consent=True)
    assert again.status == S.RECEIVED


def test_add_months_keeps_to_the_month():
    from datetime import date

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)
