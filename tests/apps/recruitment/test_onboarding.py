"""The onboarding checklist and its reminders, with time travel."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from apps.members.models import Membership
from apps.recruitment.models import (
    AgreementTemplate,
    Application,
    Onboarding,
    RecordCheck,
    RecruitmentSettings,
)
from apps.recruitment.services._common import Refused, add_months
from apps.recruitment.services.onboarding import (
    agreement_render,
    introduction_record,
    onboarding_accept,
    onboarding_for_member,
    record_check_set,
    status_meeting_add,
    trial_end_set,
)
from apps.recruitment.services.pipeline import application_move
from apps.recruitment.services.reminders import reminders_send

pytestmark = pytest.mark.django_db

S = Application.Status
START = "2026-03-02 09:00:00+01:00"


def move_to(application, actor, last):
    for stage in [S.SCREENING, S.INTERVIEW, S.AGREEMENT, S.TRIAL, S.ACTIVE]:
        application_move(actor=actor, application=application, to=stage)
        if stage == last:
            break
    return Onboarding.objects.get(application=application)


def test_merge_fields_are_filled_and_nothing_else_runs():
    text = "{{name}} · {{ organisation }} · {{start}} · {{contact}} · {{ secret }} {% now 'Y' %}"
    filled = agreement_render(
        text, name="<b>Frida</b>", organisation="Roklub", start="1. marts", contact="Rasmus"
    )
    assert filled == "<b>Frida</b> · Roklub · 1. marts · Rasmus · {{ secret }} {% now 'Y' %}"


def test_the_tenant_template_is_used_and_an_organisation_one_wins(application, rasmus, roklub):
    AgreementTemplate.objects.create(title="Nyborg", text="Nyborg: {{name}} with {{organisation}}")
    AgreementTemplate.objects.create(
        title="Roklub", text="Roklub: {{name}}, contact {{contact}}", organisation=roklub
    )
    onboarding = move_to(application, rasmus, S.AGREEMENT)
    assert onboarding.agreement_text == "Roklub: Frida Hansen, contact Rasmus Hansen"


def test_accepting_the_agreement_and_declaration_records_the_dates(application, rasmus, frida):
    onboarding = move_to(application, rasmus, S.AGREEMENT)
    onboarding_accept(actor=frida, onboarding=onboarding, what="agreement")
    yesterday = timezone.localdate() - timedelta(days=1)
    onboarding_accept(actor=rasmus, onboarding=onboarding, what="confidentiality", on=yesterday)
    assert onboarding.agreement_accepted_on == timezone.localdate()
    assert onboarding.confidentiality_accepted_on == yesterday
    with pytest.raises(Refused):
        onboarding_accept(
            actor=rasmus,
            onboarding=onboarding,
            what="agreement",
            on=timezone.localdate() + timedelta(2),
        )


def test_only_the_volunteer_and_coordinators_touch_the_checklist(application, rasmus, kim, bo):
    onboarding = move_to(application, rasmus, S.AGREEMENT)
    for stranger in (kim, bo):
        with pytest.raises(PermissionDenied):
            onboarding_accept(actor=stranger, onboarding=onboarding, what="agreement")
        with pytest.raises(PermissionDenied):
            record_check_set(actor=stranger, onboarding=onboarding, kind="child", status="ok")
        with pytest.raises(PermissionDenied):
            status_meeting_add(actor=stranger, onboarding=onboarding, held_on=timezone.localdate())


def test_a_check_is_status_date_and_who_never_the_certificate(application, rasmus):
    field_names = {field.name for field in RecordCheck._meta.get_fields()}
    assert not any("cpr" in name or "certificate" in name or "file" in name for name in field_names)
    onboarding = move_to(application, rasmus, S.AGREEMENT)
    RecruitmentSettings.objects.update_or_create(pk=1, defaults={"check_renewal_months": 12})
    checked = timezone.localdate() - timedelta(days=3)
    check = record_check_set(
        actor=rasmus, onboarding=onboarding, kind="child", status="ok", checked_on=checked
    )
    assert (check.status, check.checked_on, check.checked_by) == ("ok", checked, rasmus)
    assert check.valid_until == add_months(checked, 12)
    check = record_check_set(actor=rasmus, onboarding=onboarding, kind="child", status="requested")
    assert check.checked_on is None and check.valid_until is None


def test_renewal_months_are_12_to_24(in_nyborg):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RecruitmentSettings.objects.create(pk=1, check_renewal_months=6)


def test_introduction_trial_end_and_status_meetings(application, rasmus):
    onboarding = move_to(application, rasmus, S.ACTIVE)
    introduction_record(actor=rasmus, onboarding=onboarding)
    assert onboarding.introduction_done_on == timezone.localdate()
    later = onboarding.trial_ends_on + timedelta(days=14)
    trial_end_set(actor=rasmus, onboarding=onboarding, ends_on=later)
    assert onboarding.trial_ends_on == later
    status_meeting_add(
        actor=rasmus, onboarding=onboarding, held_on=timezone.localdate(), note="Going well"
    )
    status_meeting_add(
        actor=rasmus, onboarding=onboarding, held_on=timezone.localdate(), note="Still well"
    )
    assert [m.note for m in onboarding.meetings.all()] == ["Still well", "Going well"]


def test_a_member_without_an_application_gets_a_checklist(roklub, nanna, bo, rasmus):
    membership = Membership.objects.create(
        user=bo, organisation=roklub, started_on=date(2025, 1, 1), contact_person=rasmus
    )
    onboarding = onboarding_for_member(actor=nanna, membership=membership)
    assert onboarding.membership == membership and "Bo Hansen" in onboarding.agreement_text
    assert onboarding_for_member(actor=nanna, membership=membership) == onboarding


# --- reminders ------------------------------------------------------------------------------


def reminders(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return reminders_send()


def test_the_trial_reminder_goes_to_the_contact_person_once(
    application, rasmus, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        onboarding = move_to(application, rasmus, S.TRIAL)
        assert onboarding.trial_ends_on == date(2026, 6, 2)
    mail.outbox.clear()
    with time_machine.travel("2026-05-25 06:00:00+02:00", tick=False):  # 8 days before
        assert reminders(django_capture_on_commit_callbacks)["trial"] == 0
    with time_machine.travel("2026-05-26 06:00:00+02:00", tick=False):  # 7 days before
        assert reminders(django_capture_on_commit_callbacks)["trial"] == 1
        assert reminders(django_capture_on_commit_callbacks)["trial"] == 0
    with time_machine.travel("2026-05-30 06:00:00+02:00", tick=False):
        assert reminders(django_capture_on_commit_callbacks)["trial"] == 0
    (message,) = mail.outbox
    assert message.to == ["rasmus@example.dk"]
    assert "Frida Hansen" in message.subject
    assert f"/rekruttering/onboarding/{onboarding.pk}/" in message.body
    onboarding.refresh_from_db()
    assert onboarding.trial_reminder_sent_on == date(2026, 5, 26)


def test_a_moved_trial_end_is_reminded_again(
    application, rasmus, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        onboarding = move_to(application, rasmus, S.TRIAL)
    with time_machine.travel("2026-05-28 06:00:00+02:00", tick=False):
        assert reminders(django_capture_on_commit_callbacks)["trial"] == 1
        trial_end_set(actor=rasmus, onboarding=onboarding, ends_on=date(2026, 7, 1))
    with time_machine.travel("2026-06-25 06:00:00+02:00", tick=False):
        assert reminders(django_capture_on_commit_callbacks)["trial"] == 1


def test_no_trial_reminder_for_a_withdrawn_application(
    application, rasmus, frida, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        move_to(application, rasmus, S.TRIAL)
        application_move(actor=frida, application=application, to=S.WITHDRAWN)
    with time_machine.travel("2026-05-30 06:00:00+02:00", tick=False):
        assert reminders(django_capture_on_commit_callbacks)["trial"] == 0


def test_the_check_renewal_reminder_comes_30_days_ahead_once_then_expires(
    application, rasmus, django_capture_on_commit_callbacks
):
    RecruitmentSettings.objects.update_or_create(pk=1, defaults={"check_renewal_months": 18})
    with time_machine.travel(START, tick=False):
        onboarding = move_to(application, rasmus, S.ACTIVE)
        check = record_check_set(actor=rasmus, onboarding=onboarding, kind="child", status="ok")
    assert check.valid_until == date(2027, 9, 2)
    mail.outbox.clear()
    with time_machine.travel("2027-08-02 06:00:00+02:00", tick=False):  # 31 days before
        assert reminders(django_capture_on_commit_callbacks)["check"] == 0
    with time_machine.travel("2027-08-03 06:00:00+02:00", tick=False):  # 30 days before
        assert reminders(django_capture_on_commit_callbacks)["check"] == 1
    with time_machine.travel("2027-08-20 06:00:00+02:00", tick=False):
        assert reminders(django_capture_on_commit_callbacks)["check"] == 0
    (message,) = mail.outbox
    assert message.to == ["rasmus@example.dk"] and "fornyes" in message.subject  # in Danish
    with time_machine.travel("2027-09-03 06:00:00+02:00", tick=False):
        assert reminders(django_capture_on_commit_callbacks)["expired"] == 1
    check.refresh_from_db()
    assert check.status == RecordCheck.Status.EXPIRED
    # Renewed: the new date gets its own reminder in due time.
    with time_machine.travel("2027-09-10 10:00:00+02:00", tick=False):
        check = record_check_set(actor=rasmus, onboarding=onboarding, kind="child", status="ok")
    with time_machine.travel("2029-02-12 06:00:00+01:00", tick=False):
        assert reminders(django_capture_on_commit_callbacks)["check"] == 1


def test_without_a_contact_person_the_coordinators_are_reminded(
    application, rasmus, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        onboarding = move_to(application, rasmus, S.TRIAL)
    Onboarding.objects.filter(pk=onboarding.pk).update(contact_person=None)
    mail.outbox.clear()
    with time_machine.travel("2026-06-01 06:00:00+02:00", tick=False):
        reminders(django_capture_on_commit_callbacks)
    assert mail.outbox[0].to == ["rasmus@example.dk"]


def test_the_daily_dispatcher_reaches_each_tenant(application, rasmus, nyborg):
    from django.db import connection
    from django_tenants.utils import schema_context

    from apps.recruitment.tasks import dispatch_reminders

    with time_machine.travel(START, tick=False):
        move_to(application, rasmus, S.TRIAL)
    with time_machine.travel("2026-05-30 06:00:00+02:00", tick=False), schema_context("public"):
        dispatch_reminders.apply()
    connection.set_tenant(nyborg)
    assert Onboarding.objects.get(application=application).trial_reminder_sent_on == date(
        2026, 5, 30
    )


def test_members_without_an_application_are_reminded_until_they_leave(
    roklub, nanna, bo, rasmus, django_capture_on_commit_callbacks
):
    membership = Membership.objects.create(
        user=bo, organisation=roklub, started_on=date(2026, 1, 5), contact_person=rasmus
    )
    onboarding = onboarding_for_member(actor=nanna, membership=membership)
    with time_machine.travel(START, tick=False):
        trial_end_set(actor=nanna, onboarding=onboarding, ends_on=date(2026, 3, 6))
        record_check_set(actor=nanna, onboarding=onboarding, kind="criminal", status="ok")
        assert reminders(django_capture_on_commit_callbacks)["trial"] == 1
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.ENDED)
    with time_machine.travel("2028-02-20 06:00:00+01:00", tick=False):
        assert reminders(django_capture_on_commit_callbacks)["check"] == 0


def test_a_new_application_tells_the_contact_person(
    posting, bo, django_capture_on_commit_callbacks
):
    from apps.recruitment.services.pipeline import application_submit

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application = application_submit(
            user=bo, posting=posting, motivation="I can row.", consent=True
        )
    (message,) = mail.outbox
    assert message.to == ["rasmus@example.dk"] and "Rowing coach" in message.subject
    assert f"/rekruttering/ansoegninger/{application.pk}/" in message.body


def test_the_volunteer_is_told_the_agreement_is_ready(
    application, rasmus, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        onboarding = move_to(application, rasmus, S.AGREEMENT)
    (message,) = [m for m in mail.outbox if m.to == ["frida@example.dk"]]
    assert "Nyborg Roklub" in message.subject
    assert f"/rekruttering/onboarding/{onboarding.pk}/" in message.body
