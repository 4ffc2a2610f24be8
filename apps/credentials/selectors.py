"""What a volunteer may put in a record, and the records they have issued.

Each part has a key ("hours:<organisation id>", "role:<task id>", "onboarding:<id>",
"reference:<id>"): the volunteer ticks keys, and only the ticked parts are signed
(services.record_issue)."""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.attendance.models import Attendance
from apps.credentials.formatting import show_hours
from apps.credentials.models import IssuedRecord, Reference
from apps.organisations.models import OrganisationRole
from apps.organisations.selectors import COORDINATING_ROLES
from apps.recruitment.models import Onboarding

COUNTED = (Attendance.Status.PRESENT, Attendance.Status.LATE)


@dataclass(frozen=True)
class Part:
    key: str
    kind: str  # "hours" | "role" | "onboarding" | "reference"
    label: str
    claim: dict[str, Any]  # what goes into credentialSubject if chosen


def record_parts(*, user: User) -> list[Part]:
    """Everything the volunteer could put in a record, in a stable order. Four queries."""
    parts: list[Part] = []
    hours = (
        Attendance.objects.filter(signup__user=user, status__in=COUNTED)
        .values(
            "signup__shift__task__event__organisation_id",
            "signup__shift__task__event__organisation__name",
        )
        .annotate(total=Sum("hours"), shifts=Count("id"))
        .order_by("signup__shift__task__event__organisation__name")
    )
    for row in hours:
        total = (row["total"] or Decimal("0")).quantize(Decimal("0.01"))
        name = row["signup__shift__task__event__organisation__name"]
        parts.append(
            Part(
                key=f"hours:{row['signup__shift__task__event__organisation_id']}",
                kind="hours",
                label=_("%(hours)s hours in %(organisation)s")
                % {"hours": show_hours(total), "organisation": name},
                # Hours as text: exact, where a float would be printed JCS's way.
                claim={"organisation": name, "hours": str(total), "shifts": row["shifts"]},
            )
        )
    roles = (
        Attendance.objects.filter(signup__user=user, status__in=COUNTED)
        .values(
            "signup__shift__task_id",
            "signup__shift__task__title",
            "signup__shift__task__event__title",
            "signup__shift__task__event__organisation__name",
        )
        .annotate(times=Count("id"))
        .order_by("signup__shift__task__event__title", "signup__shift__task__title")
    )
    for row in roles:
        claim = {
            "role": row["signup__shift__task__title"],
            "event": row["signup__shift__task__event__title"],
            "organisation": row["signup__shift__task__event__organisation__name"],
            "times": row["times"],
        }
        parts.append(
            Part(
                key=f"role:{row['signup__shift__task_id']}",
                kind="role",
                label=_("%(role)s at %(event)s") % {"role": claim["role"], "event": claim["event"]},
                claim=claim,
            )
        )
    for onboarding in Onboarding.objects.filter(user=user).select_related("organisation"):
        steps = [
            (_("Collaboration agreement accepted"), onboarding.agreement_accepted_on),
            (_("Confidentiality accepted"), onboarding.confidentiality_accepted_on),
            (_("Introduction done"), onboarding.introduction_done_on),
        ]
        done = [{"step": label, "on": day.isoformat()} for label, day in steps if day]
        if not done:
            continue
        parts.append(
            Part(
                key=f"onboarding:{onboarding.pk}",
                kind="onboarding",
                label=_("Onboarding in %(organisation)s")
                % {"organisation": onboarding.organisation.name},
                claim={"organisation": onboarding.organisation.name, "steps": done},
            )
        )
    for reference in written_references(user=user):
        author = reference.author_name
        parts.append(
            Part(
                key=f"reference:{reference.pk}",
                kind="reference",
                label=_("Reference from %(author)s, %(organisation)s")
                % {"author": author, "organisation": reference.organisation.name},
                claim={
                    "organisation": reference.organisation.name,
                    "author": author,
                    "role": reference.author_role,
                    "text": reference.text,
                    "written": reference.written_at.date().isoformat()
                    if reference.written_at
                    else "",
                },
            )
        )
    return parts


def written_references(*, user: User) -> QuerySet[Reference]:
    return (
        Reference.objects.filter(volunteer=user, written_at__isnull=False)
        .select_related("organisation")
        .order_by("organisation__name", "written_at", "pk")
    )


def my_references(*, user: User) -> QuerySet[Reference]:
    """The volunteer's references, asked and written, newest first. One query."""
    return Reference.objects.filter(volunteer=user).select_related("organisation", "coordinator")


def reference_choices(*, user: User) -> list[OrganisationRole]:
    """Whom the volunteer may ask for a reference: the active coordinators (and admins) of
    the organisations where they have attended a shift. One query."""
    attended = Attendance.objects.filter(signup__user=user, status__in=COUNTED).values(
        "signup__shift__task__event__organisation_id"
    )
    return list(
        OrganisationRole.objects.filter(
            organisation_id__in=attended, role__in=COORDINATING_ROLES, user__is_active=True
        )
        .exclude(user=user)
        .select_related("organisation", "user")
        .order_by("organisation__name", "user__full_name", "pk")
    )


def reference_for_coordinator(*, user: User, reference_id: int) -> Reference | None:
    """A reference the person was asked to write (None for anyone else's)."""
    return (
        Reference.objects.filter(pk=reference_id, coordinator=user)
        .select_related("organisation", "volunteer")
        .first()
    )


def references_to_write(*, user: User) -> QuerySet[Reference]:
    return Reference.objects.filter(coordinator=user, written_at__isnull=True).select_related(
        "organisation", "volunteer"
    )


def my_records(*, user: User) -> QuerySet[IssuedRecord]:
    return IssuedRecord.objects.filter(holder=user)


def record_by_id(*, record_id: uuid.UUID | str) -> IssuedRecord | None:
    return IssuedRecord.objects.filter(pk=record_id).first()
