"""Adapters: each runs in the schema it was sent from, calls one service, and is safe twice."""

from celery import shared_task

from apps.recruitment.models import Application, Interview, Onboarding, RecordCheck
from apps.recruitment.notifications import (
    agreement_ready_send,
    application_received_send,
    check_reminder_send,
    interview_invitation_send,
    trial_reminder_send,
)
from apps.recruitment.services.reminders import reminders_send
from tenants.tasks import send_to_every_open_tenant


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_application_received(application_id: int) -> None:
    application = (
        Application.objects.select_related(
            "posting__organisation", "posting__contact_person", "user"
        )
        .filter(pk=application_id)
        .first()
    )
    if application is not None:
        application_received_send(application=application)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_interview_invitation(interview_id: int) -> None:
    from django.utils import timezone

    interview = (
        Interview.objects.select_related(
            "application__posting__organisation", "application__user", "organiser"
        )
        .filter(pk=interview_id)
        .first()
    )
    if interview is None or interview.invitation_sent_at is not None:
        return
    interview_invitation_send(interview=interview)
    Interview.objects.filter(pk=interview.pk).update(invitation_sent_at=timezone.now())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_agreement_ready(onboarding_id: int) -> None:
    onboarding = (
        Onboarding.objects.select_related("user", "organisation").filter(pk=onboarding_id).first()
    )
    if onboarding is not None and onboarding.agreement_accepted_on is None:
        agreement_ready_send(onboarding=onboarding)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_trial_reminder(onboarding_id: int) -> None:
    onboarding = (
        Onboarding.objects.select_related("user", "organisation", "contact_person")
        .filter(pk=onboarding_id)
        .first()
    )
    if onboarding is not None:
        trial_reminder_send(onboarding=onboarding)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_check_reminder(check_id: int) -> None:
    check = (
        RecordCheck.objects.select_related(
            "onboarding__user", "onboarding__organisation", "onboarding__contact_person"
        )
        .filter(pk=check_id)
        .first()
    )
    if check is not None:
        check_reminder_send(check=check)


@shared_task
def send_reminders() -> dict[str, int]:
    return reminders_send()


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_reminders() -> None:
    """Beat runs this in public once a day; it fans out to every open tenant."""
    send_to_every_open_tenant(send_reminders)
