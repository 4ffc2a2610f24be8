"""Mails of recruitment: a new application (to the coordinators or the posting's contact
person), the interview invitation with its calendar file (built when the mail is
rendered), the agreement ready to read, and reminders about a trial period or a check."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.organisations.models import Organisation
from apps.recruitment.calendars import interview_calendar
from apps.recruitment.models import Application, Interview, Onboarding, Posting, RecordCheck
from kernel.messages import COORDINATORS, Attachment, MessageKind, register
from tenants.selectors import current_tenant, tenant_url

ICS_TYPE = "text/calendar; method=REQUEST; charset=utf-8"


def _url(name: str, pk: int | None) -> str:
    return tenant_url(current_tenant(), reverse(name, args=[pk]))


def _example_application() -> Application:
    organisation = Organisation(pk=1, name="Nyborg Roklub")
    posting = Posting(pk=1, organisation=organisation, title="Træner for ungdomsholdet")
    user = User(pk=1, email="frida@example.dk", full_name="Frida Frivillig")
    return Application(pk=1, posting=posting, user=user)


def _example_onboarding() -> Onboarding:
    application = _example_application()
    return Onboarding(
        pk=1,
        organisation=application.posting.organisation,
        user=application.user,
        starts_on=timezone.localdate(),
        trial_ends_on=timezone.localdate() + timedelta(days=30),
    )


def _application_fields(application: Application) -> dict[str, Any]:
    url = _url("recruitment-application", application.pk)
    return {"application": application, "posting": application.posting, "url": url}


def _application_context(params: dict[str, Any]) -> dict[str, Any]:
    application = Application.objects.select_related("posting__organisation", "user").get(
        pk=params["application_id"]
    )
    return _application_fields(application)


APPLICATION_RECEIVED = register(
    MessageKind(
        slug="application_received",
        label=_("A new application (coordinators)"),
        template="recruitment/emails/application_received",
        switch_off=COORDINATORS,
        context=_application_context,
        example=lambda: _application_fields(_example_application()),
    )
)


def _interview(params: dict[str, Any]) -> Interview:
    return Interview.objects.select_related(
        "application__posting__organisation", "application__user", "organiser"
    ).get(pk=params["interview_id"])


def _interview_fields(interview: Interview) -> dict[str, Any]:
    application = interview.application
    return {"interview": interview, "application": application, "posting": application.posting}


def _interview_example() -> dict[str, Any]:
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=5)
    interview = Interview(
        pk=1,
        application=_example_application(),
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    interview.place = "Klubhuset"
    return _interview_fields(interview)


def _interview_files(params: dict[str, Any]) -> list[Attachment]:
    return [("interview.ics", interview_calendar(interview=_interview(params)), ICS_TYPE)]


INTERVIEW = register(
    MessageKind(
        slug="interview",
        label=_("Invitation to an interview"),
        template="recruitment/emails/interview",
        essential=True,
        switch_off=None,
        context=lambda params: _interview_fields(_interview(params)),
        example=_interview_example,
        attachments=_interview_files,
    )
)


def _onboarding_fields(onboarding: Onboarding) -> dict[str, Any]:
    return {"onboarding": onboarding, "url": _url("recruitment-onboarding", onboarding.pk)}


def _onboarding_context(params: dict[str, Any]) -> dict[str, Any]:
    onboarding = Onboarding.objects.select_related("user", "organisation").get(
        pk=params["onboarding_id"]
    )
    return _onboarding_fields(onboarding)


AGREEMENT_READY = register(
    MessageKind(
        slug="agreement_ready",
        label=_("The agreement is ready to read"),
        template="recruitment/emails/agreement_ready",
        essential=True,
        switch_off=None,
        context=_onboarding_context,
        example=lambda: _onboarding_fields(_example_onboarding()),
    )
)
TRIAL_REMINDER = register(
    MessageKind(
        slug="trial_reminder",
        label=_("A trial period ends soon (coordinators)"),
        template="recruitment/emails/trial_reminder",
        switch_off=COORDINATORS,
        context=_onboarding_context,
        example=lambda: _onboarding_fields(_example_onboarding()),
    )
)


def _check_fields(check: RecordCheck) -> dict[str, Any]:
    return {"check": check, **_onboarding_fields(check.onboarding)}


def _check_context(params: dict[str, Any]) -> dict[str, Any]:
    check = RecordCheck.objects.select_related("onboarding__user", "onboarding__organisation")
    return _check_fields(check.get(pk=params["check_id"]))


def _check_example() -> dict[str, Any]:
    check = RecordCheck(
        pk=1,
        onboarding=_example_onboarding(),
        kind=RecordCheck.Kind.CRIMINAL_RECORD,
        valid_until=timezone.localdate() + timedelta(days=14),
    )
    return _check_fields(check)


CHECK_REMINDER = register(
    MessageKind(
        slug="check_reminder",
        label=_("A record check must be renewed (coordinators)"),
        template="recruitment/emails/check_reminder",
        switch_off=COORDINATORS,
        context=_check_context,
        example=_check_example,
    )
)
