"""The onboarding checklist: collaboration agreement, confidentiality declaration,
criminal-record and child-protection checks, introduction, trial period, status meetings.

A check is status, date and who checked. The certificate itself and CPR numbers are never
asked for nor stored.
"""

import re
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.members.models import Membership
from apps.organisations.permissions import require_coordinator
from apps.recruitment.models import (
    AgreementTemplate,
    Application,
    Onboarding,
    RecordCheck,
    RecruitmentSettings,
    StatusMeeting,
)
from apps.recruitment.services._common import (
    Refused,
    add_months,
    today,
)
from kernel import dates

MERGE_FIELD = re.compile(r"\{\{\s*(name|organisation|start|contact)\s*\}\}")


def agreement_render(text: str, *, name: str, organisation: str, start: str, contact: str) -> str:
    """Fill in the four merge fields and nothing else.

    Plain substitution, not the template engine: a tenant's text can neither reach other
    variables nor run tags or filters, and the values are inserted as they are (the pages
    escape them when they show the agreement).
    """
    values = {"name": name, "organisation": organisation, "start": start, "contact": contact}
    return MERGE_FIELD.sub(lambda match: values[match.group(1)], text)


def default_agreement_text() -> str:
    return _(
        "Collaboration agreement\n\n"
        "{{name}} volunteers with {{organisation}} from {{start}}.\n"
        "Your contact person is {{contact}}.\n\n"
        "We agree on the tasks, the time you give and how we keep in touch. Either of us "
        "may end the collaboration at any time."
    )


def agreement_template_for(onboarding: Onboarding) -> str:
    templates = AgreementTemplate.objects.all()
    chosen = templates.filter(organisation=onboarding.organisation).first() or (
        templates.filter(organisation__isnull=True).first()
    )
    return chosen.text if chosen is not None else default_agreement_text()


def _render_for(onboarding: Onboarding) -> str:
    contact = onboarding.contact_person
    return agreement_render(
        agreement_template_for(onboarding),
        name=onboarding.user.full_name or onboarding.user.email,
        organisation=onboarding.organisation.name,
        start=dates.show(onboarding.starts_on, "full_date"),
        contact=(contact.full_name or contact.email) if contact is not None else "",
    )


# --- called by the pipeline, inside its transaction ------------------------------------


def onboarding_open(*, application: Application, actor: User, now: datetime) -> Onboarding:
    """The checklist starts when the application reaches the agreement stage."""
    existing = Onboarding.objects.filter(application=application).first()
    if existing is not None:
        return existing
    posting = application.posting
    onboarding = Onboarding(
        application=application,
        organisation=posting.organisation,
        user=application.user,
        contact_person=posting.contact_person,
        starts_on=today(now),
    )
    onboarding.agreement_text = _render_for(onboarding)
    onboarding.save()
    needed = {
        RecordCheck.Kind.CRIMINAL_RECORD: posting.needs_criminal_record_check,
        RecordCheck.Kind.CHILD_PROTECTION: posting.needs_child_check,
    }
    RecordCheck.objects.bulk_create(
        RecordCheck(
            onboarding=onboarding,
            kind=kind,
            status=RecordCheck.Status.REQUESTED if need else RecordCheck.Status.NOT_NEEDED,
        )
        for kind, need in needed.items()
    )
    audit_record(actor=actor, action="onboarding.opened", target=onboarding)
    return onboarding


def trial_start(*, application: Application, now: datetime) -> None:
    """The trial period runs the tenant's months (three unless set) from today."""
    onboarding = Onboarding.objects.filter(application=application).first()
    if onboarding is None or onboarding.trial_ends_on is not None:
        return
    months = RecruitmentSettings.load().trial_months
    onboarding.trial_ends_on = add_months(today(now), months)
    onboarding.save(update_fields=["trial_ends_on"])


def onboarding_attach(*, application: Application, membership: Membership) -> None:
    onboarding = Onboarding.objects.filter(application=application).first()
    if onboarding is None or onboarding.membership_id is not None:
        return
    if Onboarding.objects.filter(membership=membership).exists():
        return  # the member had a checklist already (an earlier role); keep that one
    onboarding.membership = membership
    onboarding.save(update_fields=["membership"])


# --- the checklist ----------------------------------------------------------------------


def onboarding_for_member(*, actor: User, membership: Membership) -> Onboarding:
    """A checklist for a member who did not come through an application."""
    require_coordinator(actor, membership.organisation)
    with transaction.atomic():
        onboarding, created = Onboarding.objects.get_or_create(
            membership=membership,
            defaults={
                "organisation": membership.organisation,
                "user": membership.user,
                "contact_person": membership.contact_person,
                "starts_on": membership.started_on,
            },
        )
        if created:
            onboarding.agreement_text = _render_for(onboarding)
            onboarding.save(update_fields=["agreement_text"])
            audit_record(actor=actor, action="onboarding.opened", target=onboarding)
    return onboarding


def _locked(onboarding: Onboarding) -> Onboarding:
    return (
        Onboarding.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=onboarding.pk)
    )


def onboarding_accept(
    *, actor: User, onboarding: Onboarding, what: str, on: date | None = None
) -> Onboarding:
    """Record that the agreement or the confidentiality declaration was accepted, and when.

    The volunteer may accept their own; coordinators record paper signatures.
    """
    field = {
        "agreement": "agreement_accepted_on",
        "confidentiality": "confidentiality_accepted_on",
    }[what]
    if actor.pk != onboarding.user_id:
        require_coordinator(actor, onboarding.organisation)
    day = on or today()
    if day > today():
        raise Refused(_("The date cannot be in the future."))
    with transaction.atomic():
        locked = _locked(onboarding)
        setattr(locked, field, day)
        locked.save(update_fields=[field])
        audit_record(actor=actor, action=f"onboarding.{what}_accepted", target=locked, on=str(day))
    onboarding.refresh_from_db()
    return onboarding


def introduction_record(
    *, actor: User, onboarding: Onboarding, done_on: date | None = None
) -> Onboarding:
    require_coordinator(actor, onboarding.organisation)
    day = done_on or today()
    with transaction.atomic():
        locked = _locked(onboarding)
        locked.introduction_done_on = day
        locked.save(update_fields=["introduction_done_on"])
        audit_record(actor=actor, action="onboarding.introduced", target=locked, on=str(day))
    onboarding.refresh_from_db()
    return onboarding


def trial_end_set(*, actor: User, onboarding: Onboarding, ends_on: date) -> Onboarding:
    """A new end date gets its own reminder."""
    require_coordinator(actor, onboarding.organisation)
    if ends_on < onboarding.starts_on:
        raise Refused({"trial_ends_on": _("The trial period cannot end before it starts.")})
    with transaction.atomic():
        locked = _locked(onboarding)
        if locked.trial_ends_on != ends_on:
            locked.trial_ends_on, locked.trial_reminder_sent_on = ends_on, None
            locked.save(update_fields=["trial_ends_on", "trial_reminder_sent_on"])
            audit_record(actor=actor, action="onboarding.trial_end", target=locked, on=str(ends_on))
    onboarding.refresh_from_db()
    return onboarding


def record_check_set(
    *,
    actor: User,
    onboarding: Onboarding,
    kind: str,
    status: str,
    checked_on: date | None = None,
    now: datetime | None = None,
) -> RecordCheck:
    """Set a check's status. OK needs the date it was checked (today unless given); it is
    valid for the tenant's renewal months, and `checked_by` is who recorded it."""
    require_coordinator(actor, onboarding.organisation)
    if kind not in RecordCheck.Kind.values or status not in RecordCheck.Status.values:
        raise Refused(_("Choose a kind of check and a status."))
    day = today(now)
    with transaction.atomic():
        check, _created = RecordCheck.objects.select_for_update().get_or_create(
            onboarding=onboarding, kind=kind
        )
        check.status = status
        if status == RecordCheck.Status.OK:
            checked_on = checked_on or day
            if checked_on > day:
                raise Refused({"checked_on": _("The date cannot be in the future.")})
            months = RecruitmentSettings.load().check_renewal_months
            check.checked_on, check.checked_by = checked_on, actor
            check.valid_until = add_months(checked_on, months)
        elif status in (RecordCheck.Status.NOT_NEEDED, RecordCheck.Status.REQUESTED):
            check.checked_on = check.checked_by = check.valid_until = None
        check.save()
        audit_record(
            actor=actor,
            action="onboarding.check",
            target=onboarding,
            kind=kind,
            status=status,
            checked_on=str(check.checked_on) if check.checked_on else "",
        )
    return check


def status_meeting_add(
    *, actor: User, onboarding: Onboarding, held_on: date, note: str = ""
) -> StatusMeeting:
    require_coordinator(actor, onboarding.organisation)
    if held_on > today():
        raise Refused({"held_on": _("The date cannot be in the future.")})
    with transaction.atomic():
        meeting = StatusMeeting.objects.create(
            onboarding=onboarding, held_on=held_on, note=note.strip(), author=actor
        )
        audit_record(actor=actor, action="onboarding.status_meeting", target=onboarding)
    return meeting


def must_see_onboarding(user: User, onboarding: Onboarding) -> None:
    """The person themselves, or a coordinator of the organisation; NotCoordinator else."""
    if user.pk != onboarding.user_id:
        require_coordinator(user, onboarding.organisation)
