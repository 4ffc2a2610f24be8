"""A person's copy of their data (GDPR articles 15 and 20): asked for, built, downloaded once.

`export_request` records the request (by the person on the website, or by a staff member
for a request made by phone or letter) and queues the build; `export_build` (the task
apps.privacy.tasks.build_data_export) writes one ZIP to the tenant's storage: `data.json`
with everything (machine-readable), one CSV per section (UTF-8 with BOM, so Excel shows
æøå), and README.txt; then it mails the one-time link. `export_download` hands the file
over once, within seven days, to whoever asked for it.

Each section is one query (`values()` across the joins it needs): no query per sign-up.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.attendance.models import Attendance
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.credentials.models import IssuedRecord, Reference
from apps.evaluations.models import Answer
from apps.groups.models import GroupMember, Post
from apps.legal.models import Consent, PrivacyConsent
from apps.members.models import Membership, MembershipRequest, Profile
from apps.messaging.models import Delivery, Preference
from apps.organisations.selectors import organisations_coordinated_by
from apps.privacy.messages import EXPORT_READY
from apps.privacy.models import EXPORT_LINK_DAYS, DataExport
from apps.recruitment.models import Application, Interview, Onboarding, RecordCheck
from apps.reserve.models import CalloutAnswer, ReserveEnrolment
from apps.shifts.models import SignUp
from kernel import dates
from kernel.messages import send
from kernel.tasks import enqueue_on_commit
from tenants.selectors import current_tenant, tenant_locale

BUILD_TASK = "apps.privacy.tasks.build_data_export"


class ExportRefused(LookupError):
    """Not this person's export to download (answered as 404: nobody learns it exists)."""


class ExportUsed(Exception):
    """The one-time link has been used."""


class ExportExpired(Exception):
    """The link is older than seven days."""


class NotExportStaff(LookupError):
    """The staff member may not answer access requests for this person (a 404 on the web)."""


# --- who may ask --------------------------------------------------------------------------


def export_people(*, staff: User) -> models.QuerySet[User]:
    """The people `staff` may answer an access request for: everyone on the site for the
    system owner's admin; the members of the organisations a coordinator coordinates."""
    people = User.objects.filter(is_active=True)
    if not staff.is_owner_admin:
        organisations = organisations_coordinated_by(user=staff)
        people = people.filter(memberships__organisation__in=organisations).distinct()
    return people.order_by("full_name", "email")


def may_answer_requests(*, staff: User) -> bool:
    return staff.is_owner_admin or bool(organisations_coordinated_by(user=staff))


# --- request, build, download -------------------------------------------------------------


def export_request(
    *,
    user: User,
    requested_by: User,
    channel: str = DataExport.Channel.SELF,
    received_on: date | None = None,
    note: str = "",
) -> DataExport:
    """Record an access request and queue the build. A staff member asking for someone else
    must be the site's admin or coordinate an organisation the person is a member of."""
    if requested_by.pk != user.pk:
        if not export_people(staff=requested_by).filter(pk=user.pk).exists():
            raise NotExportStaff
    else:
        channel = DataExport.Channel.SELF
    with transaction.atomic():
        export = DataExport.objects.create(
            user=user,
            requested_by=requested_by,
            channel=channel,
            received_on=received_on or timezone.localdate(),
            note=note,
        )
        audit_record(
            actor=requested_by,
            action="privacy.export_requested",
            target=user,
            export_id=export.pk,
            channel=export.channel,
            received_on=export.received_on.isoformat(),
        )
        enqueue_on_commit(BUILD_TASK, export.pk)
    return export


def export_build(*, export_id: int) -> bool:
    """Build the ZIP of a pending export, store it, mail the link. False when there was
    nothing to do (already built, or gone): the task may run twice."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id, status=DataExport.Status.PENDING)
            .first()
        )
        if export is None:
            return False
        tenant = current_tenant()
        with tenant_locale(tenant):
            content = build_zip(user=export.user, site=tenant.name)
        now = timezone.now()
        stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
        export.file.save(f"data-{export.user_id}-{stamp}.zip", ContentFile(content), save=False)
        export.status = DataExport.Status.READY
        export.ready_at = now
        export.expires_at = now + timedelta(days=EXPORT_LINK_DAYS)
        export.save(update_fields=["file", "status", "ready_at", "expires_at"])
        audit_record(
            actor=None,
            action="privacy.export_built",
            target=export.user,
            export_id=export.pk,
            size=len(content),
        )
        if export.requested_by_id:
            send(
                EXPORT_READY,
                to=[export.requested_by_id],
                dedupe_key=f"privacy-export-ready-{export.pk}",
                params={"export_id": export.pk},
            )
    return True


@dataclass
class Download:
    name: str
    content: bytes


def export_download(*, export_id: int, user: User) -> Download:
    """The ZIP, once, to whoever asked for it; the stored file is deleted after the handover.
    ExportRefused for anyone else (and for an export not yet ready), ExportUsed the second
    time, ExportExpired after seven days."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .filter(pk=export_id, requested_by=user)
            .exclude(status=DataExport.Status.PENDING)
            .first()
        )
        if export is None:
            raise ExportRefused
        if export.downloaded_at is not None:
            raise ExportUsed
        if export.is_expired or not export.file:
            raise ExportExpired
        with export.file.open("rb") as stored:
            content = stored.read()
        name = export.file.name
        export.status = DataExport.Status.DOWNLOADED
        export.downloaded_at = timezone.now()
        export.save(update_fields=["status", "downloaded_at"])
        audit_record(
            actor=user,
            action="privacy.export_downloaded",
            target=export.user,
            export_id=export.pk,
        )
        transaction.on_commit(partial(export.file.storage.delete, name))
    return Download(name=f"{_('my-data')}-{export.created_at:%Y-%m-%d}.zip", content=content)


def exports_expired_clear(*, now: datetime | None = None) -> int:
    """Delete the files of copies whose link has expired unused (the row stays, as the
    record that the request was answered). Safe to run twice: a cleared row has no file."""
    now = now or timezone.now()
    cleared = 0
    expired = DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now)
    for export in expired.exclude(file=""):
        with transaction.atomic():
            name = export.file.name
            storage = export.file.storage
            DataExport.objects.filter(pk=export.pk).update(file="")
            audit_record(
                actor=None, action="privacy.export_expired", target=export.user, export_id=export.pk
            )
            transaction.on_commit(partial(storage.delete, name))
        cleared += 1
    return cleared


# --- the contents -------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    slug: str  # file name and JSON key
    title: Any  # lazy text
    model: type[models.Model]
    columns: tuple[tuple[str, Any], ...]  # (lookup for values(), lazy column title)
    rows: Callable[[User], models.QuerySet[Any]]


G = gettext_lazy
ORG = ("organisation__name", G("Organisation"))
STATUS = ("status", G("Status"))


def _signups(user: User) -> models.QuerySet[Any]:
    return SignUp.objects.filter(user=user).order_by("shift__starts_at", "pk")


SECTIONS: list[Section] = [
    Section(
        "profile",
        G("Profile"),
        Profile,
        (
            ("status", G("Status")),
            ("postcode", G("Postcode")),
            ("area", G("Area")),
            ("availability", G("Availability")),
            ("max_shifts_per_month", G("Most shifts a month")),
            ("max_hours_per_month", G("Most hours a month")),
            ("emergency_contact_name", G("Emergency contact")),
            ("emergency_contact_phone", G("Emergency phone")),
            ("updated_at", G("Last changed")),
        ),
        lambda user: Profile.objects.filter(user=user),
    ),
    Section(
        "tags",
        G("Skills and interests"),
        Profile.tags.through,
        (("tag__kind", G("Kind")), ("tag__name", G("Name"))),
        lambda user: Profile.tags.through.objects.filter(profile__user=user).order_by(
            "tag__kind", "tag__name"
        ),
    ),
    Section(
        "memberships",
        G("Memberships"),
        Membership,
        (ORG, STATUS, ("started_on", G("Member since"))),
        lambda user: Membership.objects.filter(user=user).order_by("started_on", "pk"),
    ),
    Section(
        "membership_requests",
        G("Requests to join"),
        MembershipRequest,
        (
            ORG,
            ("event__title", G("Event")),
            ("message", G("Message")),
            STATUS,
            ("created_at", G("Sent")),
            ("decided_at", G("Answered")),
        ),
        lambda user: MembershipRequest.objects.filter(user=user).order_by("created_at", "pk"),
    ),
    Section(
        "signups",
        G("Sign-ups"),
        SignUp,
        (
            ("shift__task__event__organisation__name", G("Organisation")),
            ("shift__task__event__title", G("Event")),
            ("shift__task__title", G("Task")),
            ("shift__starts_at", G("Starts")),
            ("shift__ends_at", G("Ends")),
            STATUS,
            ("created_at", G("Signed up")),
            ("confirmed_at", G("Confirmed")),
            ("waitlisted_at", G("On the waitlist")),
            ("ended_at", G("Ended")),
            ("reason", G("Reason")),
            ("is_late", G("Late cancellation")),
        ),
        _signups,
    ),
    Section(
        "attendance",
        G("Attendance"),
        Attendance,
        (
            ("signup__shift__task__event__title", G("Event")),
            ("signup__shift__task__title", G("Task")),
            ("signup__shift__starts_at", G("Starts")),
            STATUS,
            ("checked_in_at", G("Checked in")),
            ("checked_out_at", G("Checked out")),
            ("hours", G("Hours")),
            ("corrected_at", G("Corrected")),
            ("correction_reason", G("Reason for the correction")),
        ),
        lambda user: Attendance.objects.filter(signup__user=user).order_by(
            "signup__shift__starts_at", "pk"
        ),
    ),
    Section(
        "applications",
        G("Applications"),
        Application,
        (
            ("posting__organisation__name", G("Organisation")),
            ("posting__title", G("Posting")),
            STATUS,
            ("motivation", G("Motivation")),
            ("skills", G("Skills and experience")),
            ("availability", G("Availability")),
            ("consented_at", G("Consent given")),
            ("created_at", G("Sent")),
            ("status_changed_at", G("Status changed")),
        ),
        lambda user: Application.objects.filter(user=user).order_by("created_at", "pk"),
    ),
    Section(
        "interviews",
        G("Interviews"),
        Interview,
        (
            ("application__posting__title", G("Posting")),
            ("starts_at", G("Starts")),
            ("ends_at", G("Ends")),
            ("place", G("Place")),
            ("note", G("Message")),
        ),
        lambda user: Interview.objects.filter(application__user=user).order_by("starts_at"),
    ),
    Section(
        "onboarding",
        G("Onboarding"),
        Onboarding,
        (
            ORG,
            ("starts_on", G("Start")),
            ("agreement_accepted_on", G("Agreement accepted")),
            ("confidentiality_accepted_on", G("Confidentiality declaration accepted")),
            ("introduction_done_on", G("Introduction done")),
            ("trial_ends_on", G("Trial period ends")),
        ),
        lambda user: Onboarding.objects.filter(user=user).order_by("starts_on", "pk"),
    ),
    Section(
        # Status and dates only: no certificate and no CPR number is ever stored.
        "record_checks",
        G("Record checks"),
        RecordCheck,
        (
            ("onboarding__organisation__name", G("Organisation")),
            ("kind", G("Kind")),
            STATUS,
            ("checked_on", G("Checked on")),
            ("valid_until", G("Valid until")),
        ),
        lambda user: RecordCheck.objects.filter(onboarding__user=user).order_by("pk"),
    ),
    Section(
        # What was sent to the person; never who else received it.
        "messages",
        G("Messages to me"),
        Delivery,
        (
            ("message__organisation__name", G("Organisation")),
            ("message__kind", G("Kind")),
            ("message__subject", G("Subject")),
            ("channel", G("Channel")),
            ("address", G("Sent to")),
            STATUS,
            ("sent_at", G("Sent")),
        ),
        lambda user: Delivery.objects.filter(user=user).order_by("message__created_at", "pk"),
    ),
    Section(
        "message_preferences",
        G("Message settings"),
        Preference,
        (("kind", G("Kind")), ("email", G("Email")), ("sms", G("Text message"))),
        lambda user: Preference.objects.filter(user=user).order_by("kind"),
    ),
    Section(
        "groups",
        G("Groups"),
        GroupMember,
        (
            ("group__organisation__name", G("Organisation")),
            ("group__name", G("Group")),
            ("notify", G("Notifications")),
            ("created_at", G("Joined")),
        ),
        lambda user: GroupMember.objects.filter(user=user).order_by("created_at", "pk"),
    ),
    Section(
        "group_posts",
        G("Group posts I wrote"),
        Post,
        (
            ("group__name", G("Group")),
            ("created_at", G("Written")),
            ("body", G("Message")),
            ("hidden_at", G("Hidden")),
            ("hidden_reason", G("Reason")),
        ),
        lambda user: Post.objects.filter(author=user).order_by("created_at", "pk"),
    ),
    Section(
        # Answers to questionnaires that are not anonymous; anonymous ones lead nowhere.
        "evaluations",
        G("Evaluation answers"),
        Answer,
        (
            ("response__questionnaire__title", G("Questionnaire")),
            ("response__event__title", G("Event")),
            ("response__submitted_on", G("Answered")),
            ("question__text", G("Question")),
            ("scale", G("Score")),
            ("choice", G("Choice")),
            ("text", G("Answer")),
        ),
        lambda user: Answer.objects.filter(
            response__invitation__user=user, response__questionnaire__is_anonymous=False
        ).order_by("response__submitted_on", "question__position", "pk"),
    ),
    Section(
        "reserve_pool",
        G("Reserve pool"),
        ReserveEnrolment,
        (
            ("joined_at", G("Joined")),
            ("email", G("By email")),
            ("sms", G("By text message")),
        ),
        lambda user: ReserveEnrolment.objects.filter(user=user),
    ),
    Section(
        "reserve_callouts",
        G("Call-outs from the reserve pool"),
        CalloutAnswer,
        (
            ("callout__title", G("What")),
            ("callout__sent_at", G("Sent")),
            ("yes", G("Answer")),
            ("answered_at", G("Answered")),
        ),
        lambda user: CalloutAnswer.objects.filter(user=user).order_by("callout__sent_at", "pk"),
    ),
    Section(
        # The signed JSON as issued (article 20: it can be checked anywhere as it is).
        "volunteer_records",
        G("Volunteer records"),
        IssuedRecord,
        (
            ("id", G("Id")),
            ("issued_at", G("Issued")),
            ("revoked_at", G("Withdrawn")),
            ("credential", G("The signed record")),
        ),
        lambda user: IssuedRecord.objects.filter(holder=user).order_by("issued_at", "pk"),
    ),
    Section(
        "references",
        G("References about me"),
        Reference,
        (
            ORG,
            ("coordinator__full_name", G("Asked")),
            ("note", G("My request")),
            ("asked_at", G("Asked on")),
            ("text", G("Reference")),
            ("author_name", G("Written by")),
            ("author_role", G("Role")),
            ("written_at", G("Written")),
        ),
        lambda user: Reference.objects.filter(volunteer=user).order_by("asked_at", "pk"),
    ),
    Section(
        # What they wrote, without the volunteer's name or request (the volunteer's data).
        "references_written",
        G("References I wrote"),
        Reference,
        (
            ORG,
            ("text", G("Reference")),
            ("author_name", G("Written by")),
            ("author_role", G("Role")),
            ("written_at", G("Written")),
        ),
        lambda user: Reference.objects.filter(coordinator=user, written_at__isnull=False).order_by(
            "written_at", "pk"
        ),
    ),
    Section(
        "consents",
        G("Consents"),
        PrivacyConsent,
        (
            ("version__document", G("Document")),
            ("version__number", G("Version")),
            ("accepted_at", G("Accepted")),
        ),
        lambda user: PrivacyConsent.objects.filter(user=user).order_by("accepted_at", "pk"),
    ),
    Section(
        "consent_records",
        G("Consents and information"),
        Consent,
        (
            ("purpose", G("Purpose")),
            ("basis", G("Legal basis")),
            ("version__number", G("Version")),
            ("given_at", G("When")),
            ("method", G("How")),
            ("organisation_name", G("From")),
            ("withdrawn_at", G("Withdrawn")),
        ),
        lambda user: Consent.objects.filter(user=user).order_by("given_at", "pk"),
    ),
    Section(
        "audit",
        G("Audit log"),
        AuditEvent,
        (
            ("created_at", G("When")),
            ("actor", G("Who")),
            ("action", G("What")),
            ("target_type", G("About")),
            ("target_id", G("Id")),
            ("data", G("Details")),
        ),
        lambda user: AuditEvent.objects.filter(
            Q(target_type=User._meta.label, target_id=str(user.pk))
            | Q(actor_id=user.pk)
            | Q(actor=user.email)
        ).order_by("created_at", "pk"),
    ),
]


def section_register(section: Section) -> None:
    """A section from an app above this one (e.g. apps.sso's links to a provider), added in
    its AppConfig.ready: this app may not import it, and the export must still be whole."""
    if all(known.slug != section.slug for known in SECTIONS):
        SECTIONS.append(section)


PERSON_FIELDS: tuple[tuple[str, Any], ...] = (
    ("full_name", G("Name")),
    ("email", G("Email")),
    ("phone", G("Phone")),
    ("birth_year", G("Birth year")),
    ("date_joined", G("Registered")),
    ("email_verified_at", G("Email confirmed")),
    ("consented_at", G("Accepted the privacy notice")),
    ("child_check_valid_until", G("Child-protection check valid until")),
)


def collect(*, user: User) -> dict[str, list[dict[str, Any]]]:
    """Every section's rows for `user`: one query each."""
    data = {"person": list(User.objects.filter(pk=user.pk).values(*dict(PERSON_FIELDS)))}
    for section in SECTIONS:
        lookups = [lookup for lookup, _title in section.columns]
        data[section.slug] = list(section.rows(user).values(*lookups))
    return data


def build_zip(*, user: User, site: str) -> bytes:
    """The ZIP's bytes: data.json, one CSV per section, README.txt (in the active language
    and time zone)."""
    data = collect(user=user)
    now = timezone.now()
    document = {
        "format": "tovholder-data-export/1",
        "site": site,
        "generated_at": now,
        "sections": data,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json",
            json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        archive.writestr("person.csv", _csv(User, PERSON_FIELDS, data["person"]))
        for section in SECTIONS:
            archive.writestr(
                f"{section.slug}.csv", _csv(section.model, section.columns, data[section.slug])
            )
        archive.writestr("README.txt", _readme(user=user, site=site, now=now, data=data))
    return buffer.getvalue()


def _csv(
    model: type[models.Model], columns: tuple[tuple[str, Any], ...], rows: list[dict[str, Any]]
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # Excel in Danish expects semicolons
    writer.writerow([str(title) for _lookup, title in columns])
    shown = {lookup: _shower(model, lookup) for lookup, _title in columns}
    for row in rows:
        writer.writerow([shown[lookup](row[lookup]) for lookup, _title in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _shower(model: type[models.Model], lookup: str) -> Callable[[Any], str]:
    """How a value of `lookup` reads for a person: choices by their label, times in the
    tenant's zone by a named format, yes/no for booleans."""
    field: Any = None
    current: Any = model
    for part in lookup.split("__"):
        field = current._meta.get_field(part)
        current = field.related_model
    labels = {str(key): str(label) for key, label in getattr(field, "flatchoices", None) or ()}

    def show(value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, datetime):
            return dates.show(value, "short_datetime")
        if isinstance(value, date):
            return dates.show(value, "short_date")
        if isinstance(value, Decimal):
            return str(value).replace(".", ",")
        if isinstance(value, dict | list):
            return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
        return labels.get(str(value), str(value))

    return show


def _readme(*, user: User, site: str, now: datetime, data: dict[str, list[Any]]) -> str:
    lines = [
        _("Your data on %(site)s") % {"site": site},
        "",
        _("Person: %(name)s <%(email)s>") % {"name": user.full_name, "email": user.email},
        _("Made: %(when)s") % {"when": dates.show(now, "datetime")},
        "",
        _(
            "data.json holds everything in one machine-readable file (GDPR article 20). "
            "Each CSV file holds one part, to open in a spreadsheet (GDPR article 15)."
        ),
        "",
        "person.csv: " + _("Person"),
    ]
    for section in SECTIONS:
        count = len(data[section.slug])
        lines.append(f"{section.slug}.csv: {section.title} ({count})")
    lines += [
        "",
        _(
            "Certificates from record checks and CPR numbers are never stored on the site; "
            "only the status and dates of the checks are."
        ),
        _("Questionnaires answered anonymously cannot be traced back to you and are not here."),
    ]
    return "\r\n".join(lines) + "\r\n"
