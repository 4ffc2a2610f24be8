"""Privacy: selectors."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.privacy.models import DataExport, RetentionSettings
from tenants.models import Tenant

# --- Data export ----------------------------------------------------------------------------


def my_exports(*, user: User, limit: int = 5) -> list[DataExport]:
    """The person's own latest exports (not those staff made about them)."""
    return list(DataExport.objects.filter(user=user, requested_by=user)[:limit])


def access_requests_answered_by(*, staff: User) -> QuerySet[DataExport]:
    """The access requests a staff member recorded for other people, newest first."""
    return DataExport.objects.filter(requested_by=staff).exclude(user=staff).select_related("user")


# --- The controller's records: the audit log and the record of processing (article 30) ---


AUDIT_PAGE_SIZE = 50

# What each action means, for the people who read the log; an action not named here is
# shown by its code.
AUDIT_ACTION_LABELS: dict[str, Promise] = {
    "user.signed_in": _("Signed in"),
    "user.sign_in_failed": _("Failed sign-in"),
    "user.sign_in_locked": _("Sign-in paused after failed attempts"),
    "user.registered": _("Registered"),
    "user.invited": _("Invited"),
    "user.invitation_sent": _("Invitation sent"),
    "user.email_verified": _("Email address confirmed"),
    "profile.updated": _("Profile updated"),
    "member.notes_read": _("Read a member's notes"),
    "note.added": _("Note written about a member"),
    "application.read": _("Read an application"),
    "application.submitted": _("Application submitted"),
    "application.moved": _("Application moved"),
    "onboarding.read": _("Read an onboarding"),
    "onboarding.check": _("Record check registered"),
    "interview.scheduled": _("Interview booked"),
    "members.export": _("Members exported"),
    "members.import": _("Members imported"),
    "reports.export": _("Report exported"),
    "role.granted": _("Role granted"),
    "role.removed": _("Role removed"),
    "legal.privacy_accepted": _("Privacy notice accepted"),
    "legal.published": _("Legal page published"),
    "tenant.settings": _("Site settings changed"),
    "privacy.export_requested": _("Data export requested"),
    "privacy.export_downloaded": _("Data export downloaded"),
    "person.erased": _("Person erased"),
    "audit.exported": _("Audit log exported"),
    "audit.processing_record_downloaded": _("Record of processing downloaded"),
    "referral.created": _("Citizen referred"),
    "referral.special_category_read": _("Read a referral's sensitive information"),
    "referral.special_refused": _("Refused to read a referral's sensitive information"),
    "referral.scrubbed": _("Referrals' personal data deleted (retention)"),
    "citizen_match.proposed": _("Citizen proposed to a volunteer"),
    "citizen_match.ended": _("Match with a citizen ended"),
    "crisis.start": _("Crisis mode switched on"),
    "crisis.end": _("Crisis mode switched off"),
    "crisis.purge": _("Crisis helpers without an account deleted (stand-down)"),
    "crisis.helper_account": _("Crisis helper kept with an account"),
}


def audit_action_label(action: str) -> str:
    label = AUDIT_ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def audit_actions() -> list[tuple[str, str]]:
    """The actions present in this site's log, as (code, label), for the filter's select."""
    codes = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    return [(code, audit_action_label(code)) for code in codes]


def audit_events(
    *,
    person: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """The log, newest first, filtered. `person` (an email or a name, or part of one)
    matches the actor's label and rows about that person's account (target user)."""
    rows = AuditEvent.objects.order_by("-created_at", "-id")
    person = person.strip()
    if person:
        people = User.objects.filter(Q(email__icontains=person) | Q(full_name__icontains=person))
        user_ids = people.annotate(key=Cast("pk", CharField())).values("key")
        rows = rows.filter(
            Q(actor__icontains=person)
            | Q(actor__in=people.values("email"))
            | Q(target_type=User._meta.label, target_id__in=user_ids)
        )
    if action:
        rows = rows.filter(action=action)
    if date_from:
        rows = rows.filter(created_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(created_at__date__lte=date_to)
    return rows


@dataclass
class ProcessingSection:
    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)


def retention_lines() -> list[tuple[str, str]]:
    """The site's retention settings as they are now (apps/privacy/retention_views.py), one
    (label, text) line per rule."""
    rules = RetentionSettings.load()
    return [
        (
            gettext("Inactive volunteers"),
            gettext(
                "Warned after %(months)s months without sign-in, shift or membership; "
                "anonymised %(days)s days later if still inactive."
            )
            % {"months": rules.inactive_months, "days": rules.warning_days},
        ),
        (
            gettext("Applications"),
            gettext("Rejected or withdrawn applications are deleted after %(months)s months.")
            % {"months": rules.application_months},
        ),
        (
            gettext("Evaluation invitations"),
            gettext("Deleted after %(months)s months; answers stay without a name.")
            % {"months": rules.evaluation_months},
        ),
        (
            gettext("Sent messages"),
            gettext("Subject and text are blanked after %(months)s months; counts stay.")
            % {"months": rules.message_months},
        ),
        (
            gettext("Referrals of citizens"),
            gettext(
                "Personal data are deleted %(months)s months after the referral ended; "
                "anonymous counts stay."
            )
            % {"months": rules.referral_months},
        ),
        (
            gettext("Crisis helpers"),
            gettext(
                "Helpers who registered in a crisis without taking an account are deleted "
                "the number of days after the crisis ended that the admin chose when "
                "starting it (30 unless changed); only counts stay."
            ),
        ),
    ]


def processing_email_processor() -> str:
    backend = str(settings.EMAIL_BACKEND or "")
    parts = backend.split(".")
    if parts[0] == "anymail" and len(parts) >= 3:
        return gettext("%(esp)s (email service provider, via django-anymail)") % {
            "esp": parts[2].capitalize()
        }
    if backend.endswith("smtp.EmailBackend"):
        host = getattr(settings, "EMAIL_HOST", "") or "localhost"
        return gettext("SMTP server %(host)s") % {"host": host}
    return gettext("Not sent outside the platform (%(backend)s)") % {"backend": backend}


def processing_sms_processor(tenant: Tenant) -> str:
    backend = getattr(settings, "SMS_BACKEND", "") or ""
    name = backend.rsplit(".", 1)[-1].removesuffix("Backend") or backend
    if name == "GatewayApi":
        name = "GatewayAPI"
    if not tenant.sms_enabled:
        return gettext("%(name)s (text messages are switched off on this site)") % {"name": name}
    return gettext("%(name)s (text messages are switched on on this site)") % {"name": name}


def processing_storage_processor() -> str:
    bucket = getattr(settings, "AWS_STORAGE_BUCKET_NAME", "") or ""
    if bucket:
        return gettext("S3-compatible object storage, bucket %(bucket)s") % {"bucket": bucket}
    return gettext("The application server's own disk")


def processing_error_reporting() -> str:
    if getattr(settings, "SENTRY_DSN", ""):
        return gettext("Sentry (error reports, with the tenant tagged; no form contents)")
    return gettext("None (error reporting is not switched on)")


def processing_record(*, tenant: Tenant) -> list[ProcessingSection]:
    """The record of processing activities (GDPR article 30(1)), built from this site's
    own configuration: the controller, what is processed about whom and why, who receives
    it, how long it is kept and how it is protected."""
    contact = [
        (gettext("Controller"), tenant.name),
        (gettext("Email"), tenant.contact_email or gettext("Not filled in")),
        (gettext("Phone"), tenant.contact_phone or gettext("Not filled in")),
        (gettext("Postal address"), tenant.contact_address or gettext("Not filled in")),
    ]
    subjects = [
        (gettext("Volunteers"), gettext("People who sign up for shifts and tasks.")),
        (gettext("Coordinators"), gettext("People who plan on behalf of an organisation.")),
        (gettext("Applicants"), gettext("People who apply for a volunteer posting.")),
        (gettext("Citizens"), gettext("Citizens in groups and programmes (matching).")),
        (
            gettext("Crisis helpers"),
            gettext("People who offered help in a crisis on the public form, without an account."),
        ),
        (gettext("Site administrators"), gettext("The system owner's own staff.")),
    ]
    data = [
        (gettext("Profile"), gettext("Name, birth year, skills, languages, profile text.")),
        (gettext("Contact details"), gettext("Email address, phone number, postal address.")),
        (gettext("Availability"), gettext("When a person can volunteer.")),
        (gettext("Sign-ups"), gettext("Shifts a person signed up for, waitlists, cancellations.")),
        (gettext("Attendance and hours"), gettext("Check-in, check-out, hours, no-shows.")),
        (
            gettext("Applications"),
            gettext(
                "Applications, interviews, onboarding and the status of record checks "
                "(done or not, date) — never the certificate itself or the CPR number."
            ),
        ),
        (gettext("Member notes"), gettext("Coordinators' notes about a member.")),
        (gettext("Messages"), gettext("Mails and text messages sent, delivery status.")),
        (gettext("Groups"), gettext("Group membership and posts.")),
        (gettext("Evaluations"), gettext("Answers to evaluation questionnaires.")),
        (gettext("Audit log"), gettext("Who did what and when, sign-ins included.")),
        (
            gettext("Referrals of citizens"),
            gettext(
                "Alias, age band, postcode, languages, interests, practical needs, "
                "availability, a note, the legal basis; health information only in one "
                "encrypted field that the programme's coordinators alone can read."
            ),
        ),
        (
            gettext("Crisis helpers"),
            gettext(
                "Name, phone or e-mail, postcode, skills, when they can help, the time of "
                "their consent; deleted after the crisis unless they take an account."
            ),
        ),
    ]
    purposes = [
        (
            gettext("Purposes"),
            gettext(
                "To plan and run volunteering: recruit, sign up, remind, register attendance, "
                "communicate, evaluate and report to the city council."
            ),
        ),
        (
            gettext("Legal basis"),
            gettext(
                "GDPR article 6(1)(e) (task in the public interest) and 6(1)(a) (consent) "
                "for optional messages; record checks under the Danish rules on "
                "criminal-record checks. Article 9 data only in a referral of a citizen, "
                "in one encrypted field, under article 9(2)(a) (explicit consent) or the "
                "referring authority's stated basis."
            ),
        ),
    ]
    recipients = [
        (gettext("Email"), processing_email_processor()),
        (gettext("Text messages"), processing_sms_processor(tenant)),
        (gettext("Hosting and file storage"), processing_storage_processor()),
        (gettext("Error reporting"), processing_error_reporting()),
        (
            gettext("Organisations"),
            gettext("Each organisation sees only its own volunteers' data."),
        ),
    ]
    retention = [*retention_lines(), (gettext("Site status"), tenant.get_status_display())]
    security = [
        (
            gettext("Two-factor sign-in"),
            gettext("The vendor's console staff sign in with two factors."),
        ),
        (
            gettext("Tenant isolation"),
            gettext("Each system owner's data live in its own database schema."),
        ),
        (
            gettext("Audit log"),
            gettext("Reads of notes, applications and onboarding, and sign-ins are logged."),
        ),
        (gettext("Encryption"), gettext("All traffic over HTTPS.")),
        (
            gettext("Special-category data"),
            gettext(
                "Encrypted at field level (Fernet, keys outside the database); every "
                "read is logged."
            ),
        ),
    ]
    return [
        ProcessingSection(gettext("Controller"), contact),
        ProcessingSection(gettext("Categories of data subjects"), subjects),
        ProcessingSection(gettext("Categories of personal data"), data),
        ProcessingSection(gettext("Purposes and legal basis"), purposes),
        ProcessingSection(gettext("Recipients and processors"), recipients),
        ProcessingSection(gettext("Retention"), retention),
        ProcessingSection(gettext("Security measures"), security),
    ]
