"""Mails of recruitment, in the tenant's language. The communication issue may move these
to the outbox."""

from django.urls import reverse

from apps.organisations.models import Organisation
from apps.organisations.selectors import coordinators
from apps.recruitment.calendars import interview_calendar
from apps.recruitment.models import Application, Interview, Onboarding, RecordCheck
from kernel.mail import send_templated_mail
from tenants.selectors import current_tenant, tenant_locale, tenant_url


def _coordinator_emails(organisation: Organisation) -> list[str]:
    return sorted(coordinators(organisation=organisation).values_list("email", flat=True))


def _contact_emails(onboarding: Onboarding) -> list[str]:
    contact = onboarding.contact_person
    if contact is not None and contact.is_active:
        return [contact.email]
    return _coordinator_emails(onboarding.organisation)


def _send(template: str, context: dict[str, object], to: list[str], attach=None) -> None:
    send_templated_mail(f"recruitment/emails/{template}", context, to, attach)


def application_received_send(*, application: Application) -> None:
    """To the coordinators (or the posting's contact person): a new application is in."""
    tenant = current_tenant()
    posting = application.posting
    to = (
        [posting.contact_person.email]
        if posting.contact_person is not None
        else _coordinator_emails(posting.organisation)
    )
    with tenant_locale(tenant):
        context = {
            "application": application,
            "posting": posting,
            "tenant": tenant,
            "url": tenant_url(tenant, reverse("recruitment-application", args=[application.pk])),
        }
        _send("application_received", context, to)


def interview_invitation_send(*, interview: Interview) -> None:
    tenant = current_tenant()
    application = interview.application
    with tenant_locale(tenant):
        context = {
            "interview": interview,
            "application": application,
            "posting": application.posting,
            "tenant": tenant,
        }
        ics = interview_calendar(interview=interview)
        _send(
            "interview",
            context,
            [application.user.email],
            attach=("interview.ics", ics, "text/calendar; method=REQUEST; charset=utf-8"),
        )


def agreement_ready_send(*, onboarding: Onboarding) -> None:
    """To the new volunteer: the agreement and the declaration are ready to read."""
    tenant = current_tenant()
    with tenant_locale(tenant):
        context = {"onboarding": onboarding, "tenant": tenant, "url": _onboarding_url(onboarding)}
        _send("agreement_ready", context, [onboarding.user.email])


def trial_reminder_send(*, onboarding: Onboarding) -> None:
    tenant = current_tenant()
    with tenant_locale(tenant):
        context = {"onboarding": onboarding, "tenant": tenant, "url": _onboarding_url(onboarding)}
        _send("trial_reminder", context, _contact_emails(onboarding))


def check_reminder_send(*, check: RecordCheck) -> None:
    tenant = current_tenant()
    onboarding = check.onboarding
    with tenant_locale(tenant):
        context = {
            "check": check,
            "onboarding": onboarding,
            "tenant": tenant,
            "url": _onboarding_url(onboarding),
        }
        _send("check_reminder", context, _contact_emails(onboarding))


def _onboarding_url(onboarding: Onboarding) -> str:
    return tenant_url(current_tenant(), reverse("recruitment-onboarding", args=[onboarding.pk]))
