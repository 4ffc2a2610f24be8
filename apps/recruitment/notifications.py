"""Mails of recruitment, put in the outbox (kernel.messages.send); the kinds and what
they show are declared in recruitment/messages.py."""

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.organisations.selectors import coordinators
from apps.recruitment.messages import (
    AGREEMENT_READY,
    APPLICATION_RECEIVED,
    CHECK_REMINDER,
    INTERVIEW,
    TRIAL_REMINDER,
)
from apps.recruitment.models import Application, Interview, Onboarding, RecordCheck
from kernel import messages


def _contacts(onboarding: Onboarding) -> QuerySet[User] | list[int]:
    contact = onboarding.contact_person
    if contact is not None and contact.is_active:
        return [contact.pk]
    return coordinators(organisation=onboarding.organisation)


def application_received_send(*, application: Application) -> None:
    """To the coordinators (or the posting's contact person): a new application is in."""
    posting = application.posting
    to = (
        [posting.contact_person_id]
        if posting.contact_person_id is not None
        else coordinators(organisation=posting.organisation)
    )
    messages.send(
        APPLICATION_RECEIVED,
        to=to,
        dedupe_key=f"application-received:{application.pk}",
        params={"application_id": application.pk},
        organisation_id=posting.organisation_id,
    )


def interview_invitation_send(*, interview: Interview) -> None:
    application = interview.application
    messages.send(
        INTERVIEW,
        to=[application.user_id],
        dedupe_key=f"interview:{interview.pk}:{interview.starts_at.timestamp():.0f}",
        params={"interview_id": interview.pk},
        organisation_id=application.posting.organisation_id,
    )


def agreement_ready_send(*, onboarding: Onboarding) -> None:
    """To the new volunteer: the agreement and the declaration are ready to read."""
    messages.send(
        AGREEMENT_READY,
        to=[onboarding.user_id],
        dedupe_key=f"agreement-ready:{onboarding.pk}",
        params={"onboarding_id": onboarding.pk},
        organisation_id=onboarding.organisation_id,
    )


def trial_reminder_send(*, onboarding: Onboarding) -> None:
    messages.send(
        TRIAL_REMINDER,
        to=_contacts(onboarding),
        dedupe_key=f"trial-reminder:{onboarding.pk}:{onboarding.trial_ends_on}",
        params={"onboarding_id": onboarding.pk},
        organisation_id=onboarding.organisation_id,
    )


def check_reminder_send(*, check: RecordCheck) -> None:
    messages.send(
        CHECK_REMINDER,
        to=_contacts(check.onboarding),
        dedupe_key=f"check-reminder:{check.pk}:{check.valid_until}",
        params={"check_id": check.pk},
        organisation_id=check.onboarding.organisation_id,
    )
