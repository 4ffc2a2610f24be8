"""Retention (storage limitation, GDPR article 5(1)(e)): what the site keeps, how long.

One service, `retention_run`, applies every rule once a day in each tenant (the beat task
`apps.privacy.tasks.dispatch_retention` fans out to `run_retention`). Each rule first
selects what it would touch, so a dry run counts exactly what a real run would do and
changes nothing. A run twice is a run once: a person is warned once per inactivity period
(one open `RetentionNotice` each, guarded by the database), and every other rule only
touches rows that still match it.

Rules, with the Danish defaults of `RetentionSettings`:
- inactive volunteers (no sign-in, no shift, no active membership, role or open
  application for 24 months) are warned by mail, then anonymised 30 days later if they
  are still inactive and nothing blocks their erasure;
- rejected or withdrawn applications are deleted after 6 months;
- evaluation invitations are deleted after 12 months (answers stay, without the person);
- accounts unused for 30 days (an invitation or a registration never taken up: never
  signed in, no password, nothing else here) are deleted, or deactivated if something
  still refers to them; the site's admins stay while none of them has signed in;
- the subject, text and parameters of sent messages are blanked after 12 months; the
  message and its deliveries stay, so counts stay right;
- a citizen's referral (apps.citizens) loses its personal data 12 months after it ended
  or was withdrawn; the anonymous rest stays for the funders' reports;
- a member import's error list and error report (they quote the rows: names, addresses)
  are removed 30 days after the import finished; the job's counts stay; an uploaded file
  that was previewed but never imported goes after a day.
"""

import calendar
from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.citizens.models import Referral
from apps.citizens.services.retention import referrals_scrub, referrals_to_scrub
from apps.evaluations.models import Invitation as EvaluationInvitation
from apps.members.imports.jobs import KEPT as UPLOADS
from apps.members.models import ImportJob, Membership
from apps.messaging.models import Message
from apps.privacy.models import RetentionNotice, RetentionSettings
from apps.privacy.services.erasure import erasure_blockers, person_erase
from apps.recruitment.models import Application
from kernel import messages

INVITATION_DAYS = 30
IMPORT_ERRORS_DAYS = 30
UPLOAD_HOURS = 24
RUN_AT = time(3, 30)  # the beat entry "privacy-retention" (config.settings), local time
SETTING_FIELDS = (
    "inactive_months",
    "warning_days",
    "application_months",
    "evaluation_months",
    "message_months",
    "referral_months",
)


@dataclass
class RetentionReport:
    """What one run did (or, dry, would do): a count per rule."""

    warned: int = 0
    anonymised: int = 0
    came_back: int = 0  # warned people who were active again: their notice is closed
    applications_deleted: int = 0
    evaluation_invitations_deleted: int = 0
    unused_accounts: int = 0  # deleted (deactivated when something protects them)
    messages_blanked: int = 0
    import_errors_cleared: int = 0
    uploads_removed: int = 0
    referrals_scrubbed: int = 0
    dry_run: bool = False
    blocked: list[int] = field(default_factory=list)  # ids kept because erasure is blocked

    def counts(self) -> dict[str, int]:
        data = asdict(self)
        return {key: value for key, value in data.items() if isinstance(value, int)}


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st → the month's end)."""
    years, month0 = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month0 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def next_run_at(*, now: datetime | None = None) -> datetime:
    """When the daily run comes next, in the site's time zone."""
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    return run if run > local else run + timedelta(days=1)


# --- what each rule selects --------------------------------------------------------------


def _no_password() -> Q:
    return Q(password="") | Q(password__startswith="!")


def _without_data(users: QuerySet[User]) -> QuerySet[User]:
    return users.filter(
        memberships__isnull=True,
        roles__isnull=True,
        signups__isnull=True,
        applications__isnull=True,
        membership_requests__isnull=True,
    )


def unused_invitations(*, now: datetime) -> QuerySet[User]:
    """Accounts made more than 30 days ago for someone who never signed in, never set a
    password and has nothing else here (an admin's invitation, a registration whose
    link was never used). The site's admins are kept while none of them has signed in,
    so a site is never left without the admin it was provisioned with."""
    users = User.objects.filter(
        _no_password(),
        is_active=True,
        is_staff=False,
        last_login__isnull=True,
        date_joined__lt=now - timedelta(days=INVITATION_DAYS),
    )
    if not User.objects.filter(
        is_owner_admin=True, is_active=True, last_login__isnull=False
    ).exists():
        users = users.exclude(is_owner_admin=True)
    return _without_data(users)


def inactive_people(*, now: datetime, rules: RetentionSettings) -> QuerySet[User]:
    """Active accounts with no sign-in, no shift and no application since the cutoff, no
    active membership and no role; the site's admins and vendor staff are never inactive."""
    cutoff = months_before(now, rules.inactive_months)
    users = (
        User.objects.filter(
            is_active=True,
            is_owner_admin=False,
            is_staff=False,
            date_joined__lt=cutoff,
        )
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=cutoff))
        .exclude(memberships__status=Membership.Status.ACTIVE)
        .exclude(roles__isnull=False)
        .exclude(signups__shift__starts_at__gte=cutoff)
        .exclude(applications__created_at__gte=cutoff)
        .exclude(applications__status__in=Application.OPEN)
        .exclude(pk__in=unused_invitations(now=now).values("pk"))
    )
    return users


def open_notices() -> QuerySet[RetentionNotice]:
    return RetentionNotice.objects.filter(resolved_at__isnull=True, erased_at__isnull=True)


def old_applications(*, now: datetime, rules: RetentionSettings) -> QuerySet[Application]:
    cutoff = months_before(now, rules.application_months)
    return Application.objects.filter(
        Q(status_changed_at__lt=cutoff) | Q(status_changed_at__isnull=True, created_at__lt=cutoff),
        status__in=(Application.Status.REJECTED, Application.Status.WITHDRAWN),
    )


def old_evaluation_invitations(
    *, now: datetime, rules: RetentionSettings
) -> QuerySet[EvaluationInvitation]:
    return EvaluationInvitation.objects.filter(
        created_at__lt=months_before(now, rules.evaluation_months)
    )


def old_import_errors(*, now: datetime) -> QuerySet[ImportJob]:
    finished = now - timedelta(days=IMPORT_ERRORS_DAYS)
    return ImportJob.objects.filter(finished_at__lt=finished).exclude(errors=[], error_report="")


def old_message_texts(*, now: datetime, rules: RetentionSettings) -> QuerySet[Message]:
    return Message.objects.filter(
        status=Message.Status.SENT, sent_at__lt=months_before(now, rules.message_months)
    ).exclude(subject="", body_markdown="", params={})


# --- the run -----------------------------------------------------------------------------


def retention_run(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    rules: RetentionSettings | None = None,
) -> RetentionReport:
    """Apply every retention rule once (dry: only count). `rules` defaults to the site's
    settings; the settings page passes unsaved ones to show what a change would do."""
    now = now or timezone.now()
    rules = rules or RetentionSettings.load()
    report = RetentionReport(dry_run=dry_run)
    _invitations(report, now=now)
    _inactive(report, now=now, rules=rules)
    _applications(report, now=now, rules=rules)
    _evaluations(report, now=now, rules=rules)
    _messages(report, now=now, rules=rules)
    _referrals(report, now=now, rules=rules)
    _import_errors(report, now=now)
    _uploads(report, now=now)
    if not dry_run:
        audit_record(actor=None, action="retention.run", counts=report.counts())
    return report


def _invitations(report: RetentionReport, *, now: datetime) -> None:
    """Delete each unused account (nothing else refers to it); one something still
    protects is deactivated instead. A new registration makes the account afresh."""
    ids = list(unused_invitations(now=now).values_list("pk", flat=True))
    report.unused_accounts = len(ids)
    if report.dry_run:
        return
    for user in User.objects.filter(pk__in=ids, is_active=True):
        with transaction.atomic():
            audit_record(actor=None, action="retention.unused_account_removed", target=user)
            try:
                with transaction.atomic():
                    user.delete()
            except ProtectedError:
                User.objects.filter(pk=user.pk).update(is_active=False)


def _inactive(report: RetentionReport, *, now: datetime, rules: RetentionSettings) -> None:
    inactive = set(inactive_people(now=now, rules=rules).values_list("pk", flat=True))
    notices = list(open_notices().select_related("user"))
    warned = {notice.user_id for notice in notices}
    grace = timedelta(days=rules.warning_days)
    for notice in notices:
        if notice.user_id not in inactive:
            report.came_back += 1
            if not report.dry_run:
                _close(notice, now=now)
        elif notice.warned_at + grace <= now:
            if erasure_blockers(user=notice.user):
                report.blocked.append(notice.user_id)
                continue
            report.anonymised += 1
            if not report.dry_run:
                _anonymise(notice, now=now)
    for user_id in sorted(inactive - warned):
        report.warned += 1
        if not report.dry_run:
            _warn(user_id, now=now)


def _close(notice: RetentionNotice, *, now: datetime) -> None:
    with transaction.atomic():
        RetentionNotice.objects.filter(pk=notice.pk, resolved_at__isnull=True).update(
            resolved_at=now
        )
        audit_record(actor=None, action="retention.came_back", target=notice.user)


def _anonymise(notice: RetentionNotice, *, now: datetime) -> None:
    with transaction.atomic():
        locked = (
            RetentionNotice.objects.select_for_update()
            .filter(pk=notice.pk, resolved_at__isnull=True, erased_at__isnull=True)
            .first()
        )
        if locked is None:  # another run got there first
            return
        person_erase(actor=None, user=notice.user, reason="retention: inactive")
        locked.erased_at = now
        locked.save(update_fields=["erased_at"])


def _warn(user_id: int, *, now: datetime) -> None:
    try:
        with transaction.atomic():
            notice = RetentionNotice.objects.create(user_id=user_id, warned_at=now)
            messages.send(
                "inactive_warning",
                to=[user_id],
                dedupe_key=f"inactive-warning:{notice.pk}",
                params={"notice_id": notice.pk},
            )
            audit_record(actor=None, action="retention.warned", target=notice.user)
    except IntegrityError:  # a run alongside warned them a moment ago
        pass


def _applications(report: RetentionReport, *, now: datetime, rules: RetentionSettings) -> None:
    old = old_applications(now=now, rules=rules)
    report.applications_deleted = old.count()
    if not report.dry_run and report.applications_deleted:
        with transaction.atomic():
            old.delete()


def _evaluations(report: RetentionReport, *, now: datetime, rules: RetentionSettings) -> None:
    old = old_evaluation_invitations(now=now, rules=rules)
    report.evaluation_invitations_deleted = old.count()
    if not report.dry_run and report.evaluation_invitations_deleted:
        old.delete()


def _messages(report: RetentionReport, *, now: datetime, rules: RetentionSettings) -> None:
    old = old_message_texts(now=now, rules=rules)
    report.messages_blanked = old.count()
    if not report.dry_run and report.messages_blanked:
        old.update(subject="", body_markdown="", params={})


def referral_deletions(*, organisations: list) -> list[tuple[Referral, datetime]]:
    """For coordinators: their organisations' closed referrals that still hold personal
    data, each with the moment retention deletes it (the daily run on or after it)."""
    months = RetentionSettings.load().referral_months
    closed = (
        Referral.objects.filter(
            programme__organisation__in=organisations,
            status__in=Referral.CLOSED,
            scrubbed_at__isnull=True,
        )
        .select_related("programme")
        .order_by("ended_at", "pk")
    )
    # The rule deletes once `ended_at` is more than `months` back: that is, from here on.
    return [(r, months_before(r.ended_at, -months)) for r in closed if r.ended_at is not None]


def _referrals(report: RetentionReport, *, now: datetime, rules: RetentionSettings) -> None:
    before = months_before(now, rules.referral_months)
    report.referrals_scrubbed = referrals_to_scrub(before=before).count()
    if not report.dry_run and report.referrals_scrubbed:
        referrals_scrub(before=before, now=now)


# --- the settings ------------------------------------------------------------------------


def retention_settings_update(*, actor: User, **values: int) -> RetentionSettings:
    """Save the site's retention settings (the page showed the dry run first), audited."""
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise TypeError(f"unknown retention settings: {sorted(unknown)}")
    with transaction.atomic():
        current = RetentionSettings.objects.select_for_update().get_or_create(pk=1)[0]
        before = {name: getattr(current, name) for name in SETTING_FIELDS}
        for name, value in values.items():
            setattr(current, name, value)
        current.full_clean()
        current.save()
        after = {name: getattr(current, name) for name in SETTING_FIELDS}
        changed = {
            name: [before[name], after[name]]
            for name in SETTING_FIELDS
            if before[name] != after[name]
        }
        audit_record(
            actor=actor, action="retention.settings_changed", target=current, changed=changed
        )
    return current


# --- what the admin sees -----------------------------------------------------------------


def anonymised_soonest(*, rules: RetentionSettings, limit: int = 20) -> list[RetentionNotice]:
    """The warned people, those anonymised first at the top, each with the last thing
    they did here (sign-in, a shift or joining) as `last_activity` and the day they will
    be anonymised as `erase_at` (if still inactive). Two queries."""
    from django.db.models import Max
    from django.db.models.functions import Greatest

    notices = list(open_notices().select_related("user").order_by("warned_at", "id")[:limit])
    users = (
        User.objects.filter(pk__in=[notice.user_id for notice in notices])
        .annotate(
            last_activity=Greatest("date_joined", "last_login", Max("signups__shift__starts_at"))
        )
        .values_list("pk", "last_activity")
    )
    activity = dict(users)
    for notice in notices:
        notice.last_activity = activity.get(notice.user_id)  # type: ignore[attr-defined]
        notice.erase_at = notice.warned_at + timedelta(days=rules.warning_days)  # type: ignore[attr-defined]
    return notices


def _import_errors(report: RetentionReport, *, now: datetime) -> None:
    jobs = list(old_import_errors(now=now).only("pk", "error_report"))
    report.import_errors_cleared = len(jobs)
    if report.dry_run or not jobs:
        return
    for job in jobs:
        if job.error_report:
            default_storage.delete(job.error_report)  # a missing file is no error
    ImportJob.objects.filter(pk__in=[job.pk for job in jobs]).update(errors=[], error_report="")


def left_uploads(*, now: datetime) -> list[str]:
    """Uploaded member files older than a day that no waiting or running import needs
    (a preview nobody imported; a finished import deletes its own file)."""
    try:
        _folders, files = default_storage.listdir(UPLOADS)
    except FileNotFoundError:
        return []
    names = [f"{UPLOADS}/{name}" for name in files if name.startswith("upload")]
    busy = set(
        ImportJob.objects.filter(path__in=names)
        .exclude(status__in=(ImportJob.Status.DONE, ImportJob.Status.FAILED))
        .values_list("path", flat=True)
    )
    cutoff = now - timedelta(hours=UPLOAD_HOURS)
    return [n for n in names if n not in busy and default_storage.get_modified_time(n) < cutoff]


def _uploads(report: RetentionReport, *, now: datetime) -> None:
    names = left_uploads(now=now)
    report.uploads_removed = len(names)
    if not report.dry_run:
        for name in names:
            default_storage.delete(name)
