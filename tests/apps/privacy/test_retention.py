"""Retention (storage limitation): the daily run warns inactive volunteers once, then
anonymises them; deletes old closed applications and evaluation invitations; blanks old
message texts. The site admin sees what the next run will do and confirms a change only
after seeing its dry run. Frida volunteers (signed in once, then nothing), Rasmus
coordinates, Kim coordinates elsewhere, Anders's VisitAarhus is never touched."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.messaging.models import Delivery, Message
from apps.organisations.models import OrganisationRole
from apps.privacy.models import RetentionNotice, RetentionSettings
from apps.privacy.services.retention import anonymised_soonest, months_before, retention_run
from apps.privacy.tasks import dispatch_retention
from apps.recruitment.models import Application, Posting
from apps.recruitment.services.pipeline import application_move, application_submit
from apps.recruitment.services.postings import posting_create, posting_publish
from apps.shifts.models import Shift
from tests.conftest import signed_in
from tests.personas import make_shift, person, place

pytestmark = pytest.mark.django_db
URL = "/privatliv/opbevaring/"


def later(days: int):
    """A moment `days` from now (frozen there: the clock does not tick)."""
    return time_machine.travel(timezone.now() + timedelta(days=days), tick=False)


def run(**kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return retention_run(**kwargs)


@pytest.fixture
def volunteer(frida) -> User:
    """Frida signed in today, and then never again."""
    frida.last_login = timezone.now()
    frida.save(update_fields=["last_login"])
    return frida


@pytest.fixture
def rasmus(roklub) -> User:
    rasmus = person("Rasmus", last_login=timezone.now())
    OrganisationRole.objects.create(
        organisation=roklub, user=rasmus, role=OrganisationRole.Role.COORDINATOR
    )
    return rasmus


@pytest.fixture
def posting(roklub, nanna, rasmus) -> Posting:
    draft = posting_create(
        actor=nanna,
        organisation=roklub,
        title="Rowing coach",
        description="Teach beginners.",
        skills="Rowing",
        hours_per_month=8,
        place="Bådhuset",
        contact_person=rasmus,
        opens_on=timezone.localdate() - timedelta(days=1),
        closes_on=timezone.localdate() + timedelta(days=365),
        needs_child_check=False,
    )
    return posting_publish(actor=nanna, posting=draft)


def warning_deliveries(user: User):
    return Delivery.objects.filter(message__kind="inactive_warning", user=user)


def test_it_warns_an_inactive_volunteer_once_and_anonymises_her_after_the_grace_period(
    volunteer, nanna
):
    address = volunteer.email
    with later(2 * 365 + 10):
        first = run()
        second = run()
    assert (first.warned, second.warned) == (1, 0)
    assert warning_deliveries(volunteer).count() == 1
    assert [m.to for m in mail.outbox] == [[address]]
    with later(2 * 365 + 30):  # 20 days after the warning: still waiting
        assert run().anonymised == 0
    volunteer.refresh_from_db()
    assert volunteer.email == address and volunteer.is_active
    with later(2 * 365 + 41):
        report = run()
    assert report.anonymised == 1
    volunteer.refresh_from_db()
    assert volunteer.email != address and not volunteer.is_active
    nanna.refresh_from_db()
    assert nanna.is_active  # the site's admin is never "inactive"
    assert RetentionNotice.objects.get(user=volunteer).erased_at is not None


def test_it_spares_a_volunteer_who_signed_in_after_the_warning(volunteer, nyborg, nyborg_client):
    address = volunteer.email
    with later(2 * 365 + 10):
        assert run().warned == 1
    with later(2 * 365 + 15):
        signed_in(nyborg_client, volunteer, nyborg)
    with tenant_context(nyborg), later(2 * 365 + 45):
        report = run()
    assert (report.anonymised, report.came_back) == (0, 1)
    volunteer.refresh_from_db()
    assert volunteer.email == address and volunteer.is_active
    assert RetentionNotice.objects.get(user=volunteer).resolved_at is not None


def test_it_does_not_count_a_volunteer_with_a_shift_last_month_as_inactive(volunteer, kiosk):
    with later(2 * 365 + 10):
        shift = make_shift(kiosk, start=timezone.now() - timedelta(days=30))
        place(shift, volunteer, through_service=False)
        report = run()
    assert report.warned == 0
    assert not RetentionNotice.objects.filter(user=volunteer).exists()
    assert Shift.objects.filter(pk=shift.pk).exists()


def test_it_deletes_rejected_applications_after_six_months_and_keeps_newer(
    posting, volunteer, bo, rasmus
):
    old = application_submit(user=volunteer, posting=posting, motivation="Ja", consent=True)
    application_move(actor=rasmus, application=old, to=Application.Status.REJECTED)
    with later(120):
        newer = application_submit(user=bo, posting=posting, motivation="Ja", consent=True)
        application_move(actor=rasmus, application=newer, to=Application.Status.WITHDRAWN)
    with later(200):
        report = run()
    assert report.applications_deleted == 1
    assert list(Application.objects.all()) == [newer]


def test_it_blanks_message_texts_after_twelve_months_and_keeps_the_counts(roklub, volunteer):
    def sent(subject: str) -> Message:
        message = Message.objects.create(
            kind="info",
            organisation=roklub,
            subject=subject,
            body_markdown="Mød op kl. 8.",
            audience_kind=Message.Audience.PEOPLE,
            audience_id=0,
            status=Message.Status.SENT,
            sent_at=timezone.now(),
        )
        Delivery.objects.create(
            message=message, user=volunteer, address=volunteer.email, status="sent"
        )
        return message

    old = sent("Regattaen")
    with later(100):
        newer = sent("Sommerfesten")
    with later(370):
        report = run()
    assert report.messages_blanked == 1
    old.refresh_from_db()
    newer.refresh_from_db()
    assert (old.subject, old.body_markdown, old.params) == ("", "", {})
    assert (newer.subject, newer.body_markdown) == ("Sommerfesten", "Mød op kl. 8.")
    assert Message.objects.count() == 2 and Delivery.objects.count() == 2


def test_it_changes_nothing_on_a_dry_run(posting, volunteer, rasmus):
    application = application_submit(user=volunteer, posting=posting, motivation="x", consent=True)
    application_move(actor=rasmus, application=application, to=Application.Status.REJECTED)
    audit_rows = AuditEvent.objects.count()
    with later(2 * 365 + 10):
        report = run(dry_run=True)
    assert (report.warned, report.applications_deleted) == (1, 1)
    assert Application.objects.filter(pk=application.pk).exists()
    assert not RetentionNotice.objects.exists() and not mail.outbox
    assert AuditEvent.objects.count() == audit_rows
    volunteer.refresh_from_db()
    assert volunteer.is_active


def test_the_preview_page_shows_the_counts_and_who_goes_soonest(
    volunteer, nyborg, nanna, nyborg_client
):
    with later(2 * 365 + 10):
        run()
    with later(2 * 365 + 12):
        browser = signed_in(nyborg_client, nanna, nyborg)
        response = browser.get(URL)
    assert response.status_code == 200
    assert response.context["report"].anonymised == 0  # the grace period is not over
    assert response.context["next_run"] > timezone.now()
    body = response.content.decode()
    assert "Frida Hansen" in body
    with later(2 * 365 + 45):
        response = signed_in(nyborg_client, nanna, nyborg).get(URL)
    assert response.context["report"].anonymised == 1


def test_a_setting_change_shows_its_dry_run_before_it_is_confirmed(
    volunteer, nyborg, nanna, nyborg_client
):
    values = {
        "inactive_months": 6,
        "warning_days": 30,
        "application_months": 6,
        "evaluation_months": 12,
        "message_months": 12,
        "referral_months": 12,
    }
    with later(240):
        browser = signed_in(nyborg_client, nanna, nyborg)
        shown = browser.get(URL)
        asked = browser.post(URL, values)
        saved_before = RetentionSettings.load().inactive_months
        confirmed = browser.post(URL, {**values, "confirm": "True"})
    assert shown.context["report"].warned == 0  # 24 months: Frida is not inactive yet
    assert asked.status_code == 200 and asked.context["proposed"].warned == 1
    assert asked.context["proposed"].anonymised == 0
    assert saved_before == 24
    assert "1" in asked.content.decode()
    assert confirmed.status_code == 302
    with tenant_context(nyborg):
        assert RetentionSettings.load().inactive_months == 6
        change = AuditEvent.objects.get(action="retention.settings_changed")
    assert change.data["changed"] == {"inactive_months": [24, 6]}
    assert not RetentionNotice.objects.exists()  # saving warns nobody; the run does


def test_a_wrong_setting_is_refused(nyborg, nanna, nyborg_client):
    browser = signed_in(nyborg_client, nanna, nyborg)
    response = browser.post(URL, {"inactive_months": 1, "confirm": "True"})
    assert response.status_code == 400
    with tenant_context(nyborg):
        assert RetentionSettings.load().inactive_months == 24


def test_a_coordinator_gets_404(kim, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, kim, nyborg)
    assert browser.get(URL).status_code == 404
    assert browser.post(URL, {"inactive_months": 6, "confirm": "True"}).status_code == 404


def test_the_daily_task_runs_in_every_tenant_and_one_run_leaves_the_other_alone(
    volunteer, nyborg, aarhus
):
    with tenant_context(aarhus):
        ole = person("Ole", last_login=timezone.now())
    with later(2 * 365 + 10):
        with tenant_context(nyborg):
            run()
        with tenant_context(aarhus):
            assert not RetentionNotice.objects.exists()
            ole.refresh_from_db()
            assert ole.is_active
        with schema_context("public"), TestCase.captureOnCommitCallbacks(execute=True):
            dispatch_retention()
        with tenant_context(aarhus):
            assert RetentionNotice.objects.get().user_id == ole.pk
        with tenant_context(nyborg):
            assert RetentionNotice.objects.get().user_id == volunteer.pk


def test_months_before_keeps_the_day_or_takes_the_months_end():
    moment = timezone.now().replace(year=2027, month=3, day=31)
    assert months_before(moment, 1).date().isoformat() == "2027-02-28"
    assert months_before(moment, 15).date().isoformat() == "2025-12-31"


def test_it_lists_the_people_anonymised_soonest_in_two_queries(
    volunteer, bo, carl, django_assert_num_queries
):
    for user in (bo, carl):
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
    with later(2 * 365 + 10):
        assert run().warned == 3
    rules = RetentionSettings.load()
    with django_assert_num_queries(2):
        soonest = anonymised_soonest(rules=rules)
        rows = [(n.user.full_name, n.last_activity, n.erase_at) for n in soonest]
    assert [name for name, _activity, _erase in rows] == [
        "Frida Hansen",
        "Bo Hansen",
        "Carl Hansen",
    ]
    assert all(activity is not None for _name, activity, _erase in rows)


def test_it_removes_accounts_never_taken_up_after_thirty_days_but_keeps_members(
    nanna, roklub, nyborg
):
    from apps.accounts.services import owner_admin_create
    from apps.members.models import Membership

    nanna.last_login = timezone.now()
    nanna.save(update_fields=["last_login"])
    pending = User.objects.get(email="pia@nyborg.dk")
    invited = owner_admin_create(email="ida@nyborg.dk", full_name="Ida", actor=nanna)
    member = person("Mette")  # added by a coordinator: never signed in, but a member
    Membership.objects.create(user=member, organisation=roklub, started_on=timezone.localdate())
    with later(20):
        assert run().unused_accounts == 0
    with later(31):
        dry = run(dry_run=True)
        report = run()
        again = run()
    assert (dry.unused_accounts, report.unused_accounts, again.unused_accounts) == (2, 2, 0)
    assert not User.objects.filter(pk__in=[pending.pk, invited.pk]).exists()
    assert User.objects.filter(pk=member.pk, is_active=True).exists()
    assert AuditEvent.objects.filter(action="retention.unused_account_removed").count() == 2


def test_it_keeps_the_sites_only_admin_while_no_admin_has_signed_in(nanna, in_nyborg):
    nanna.set_unusable_password()
    nanna.save()
    with later(31):
        run()
    nanna.refresh_from_db()
    assert nanna.is_active


def test_the_confirmation_confirms_exactly_the_values_shown(nyborg, nanna, nyborg_client):
    browser = signed_in(nyborg_client, nanna, nyborg)
    values = {
        "inactive_months": 36,
        "warning_days": 30,
        "application_months": 6,
        "evaluation_months": 12,
        "message_months": 12,
        "referral_months": 12,
    }
    asked = browser.post(URL, values)
    form = asked.context["form"]
    assert not form.visible_fields()  # no field to change between the dry run and confirm
    assert {name: form.initial[name] for name in values} == values
    assert "36" in asked.content.decode()


def test_it_keeps_a_warned_person_under_a_legal_hold(volunteer, nanna, nyborg, nyborg_client):
    from apps.privacy.models import LegalHold

    address = volunteer.email
    with later(2 * 365 + 10):
        run()
        LegalHold.objects.create(
            user=volunteer, reason="Klagesag", set_by=nanna, set_at=timezone.now()
        )
    with later(2 * 365 + 45):
        report = run()
    assert (report.anonymised, report.blocked) == (0, [volunteer.pk])
    volunteer.refresh_from_db()
    assert volunteer.email == address and volunteer.is_active
    with later(2 * 365 + 46):
        page = signed_in(nyborg_client, nanna, nyborg).get(URL)
    assert "tilbageholdelse" in page.content.decode()


def test_it_removes_an_imports_error_list_30_days_after_it_finished(roklub, media):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from apps.members.models import ImportJob

    def finished(name: str) -> ImportJob:
        report = default_storage.save(f"imports/{name}/errors.csv", ContentFile(b"linje;fejl\n"))
        errors = [{"line": 3, "message": "ugyldig e-mail: frida@@example.dk"}]
        return ImportJob.objects.create(
            organisation=roklub,
            filename=f"{name}.csv",
            status=ImportJob.Status.DONE,
            rows_total=10,
            created=9,
            errors=errors,
            error_report=report,
            finished_at=timezone.now(),
        )

    old = finished("gamle")
    with later(20):
        newer = finished("nye")
    with later(31):
        assert run(dry_run=True).import_errors_cleared == 1
        assert run().import_errors_cleared == 1
    old.refresh_from_db()
    newer.refresh_from_db()
    assert (old.errors, old.error_report, old.created) == ([], "", 9)  # the counts stay
    assert not default_storage.exists("imports/gamle/errors.csv")
    assert newer.errors and default_storage.exists(newer.error_report)


def test_it_deletes_an_uploaded_member_file_nobody_imported_after_a_day(roklub, media):
    import os

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from apps.members.imports.jobs import file_keep
    from apps.members.models import ImportJob

    left, waiting, fresh = (file_keep(b"navn;email\n") for _ in range(3))
    ImportJob.objects.create(organisation=roklub, filename="a.csv", path=waiting)
    a_day_ago = timezone.now().timestamp() - 25 * 3600
    for name in (left, waiting):
        os.utime(default_storage.path(name), (a_day_ago, a_day_ago))
    default_storage.save("imports/job-1/errors.csv", ContentFile(b"x"))  # a job's own folder
    assert run(dry_run=True).uploads_removed == 1
    assert run().uploads_removed == 1
    assert not default_storage.exists(left)
    assert default_storage.exists(waiting) and default_storage.exists(fresh)
