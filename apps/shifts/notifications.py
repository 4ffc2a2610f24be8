"""Essential mails about sign-ups (confirmed, promoted, removed, a free place): they go
out whatever the person's message preferences say, so they are sent directly."""

from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse

from apps.organisations.selectors import coordinators
from apps.shifts.models import Shift, SignUp
from config.mail import send_templated_mail
from tenants.selectors import current_tenant, tenant_locale, tenant_url


def signup_notice_send(*, signup: SignUp, kind: str) -> None:
    tenant = current_tenant()
    with tenant_locale(tenant):
        context = {
            "signup": signup,
            "shift": signup.shift,
            "event": signup.shift.task.event,
            "tenant": tenant,
            "kind": kind,
            "my_shifts_url": tenant_url(tenant, reverse("my-shifts")),
        }
        send_templated_mail("emails/signup", context, [signup.user.email])


def coordinators_tell_free_place(*, shift_id: int) -> None:
    shift = Shift.objects.select_related("task__event__organisation").get(pk=shift_id)
    if not shift.free_places or not shift.waitlist_count:
        return
    tenant = current_tenant()
    organisation = shift.task.event.organisation
    emails = coordinators(organisation).values_list("email", flat=True)
    with tenant_locale(tenant):
        context = {"shift": shift, "event": shift.task.event, "tenant": tenant}
        subject = render_to_string("emails/free_place_subject.txt", context).strip()
        body = render_to_string("emails/free_place.txt", context)
    send_mass_mail([(subject, body, None, [email]) for email in sorted(emails)])
