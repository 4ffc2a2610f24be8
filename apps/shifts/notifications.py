"""Essential mails about sign-ups (confirmed, promoted, removed, a free place): they go
out whatever the person's message preferences say, so they are sent directly."""

import hashlib
from datetime import datetime

from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse

from apps.accounts.models import User
from apps.organisations.models import Organisation
from apps.organisations.selectors import coordinators
from apps.shifts.models import Shift, SignUp
from kernel.mail import send_templated_mail
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
    emails = coordinators(organisation=organisation).values_list("email", flat=True)
    with tenant_locale(tenant):
        context = {"shift": shift, "event": shift.task.event, "tenant": tenant}
        subject = render_to_string("emails/free_place_subject.txt", context).strip()
        body = render_to_string("emails/free_place.txt", context)
    send_mass_mail([(subject, body, None, [email]) for email in sorted(emails)])


def shift_changes_send(
    *, key: str, organisation_id: int, changes: list[list], groups: list[list]
) -> None:
    """One essential message per group of people with the same moved shifts, through the
    outbox (services.changes decides who): each person gets one mail naming each of their
    shifts at its new time and at the time it had before."""
    from apps.messaging.models import Kind  # messaging builds on shifts
    from apps.messaging.services import notice_send

    tenant = current_tenant()
    was = {
        shift_id: (datetime.fromisoformat(start), datetime.fromisoformat(end))
        for shift_id, start, end in changes
    }
    shifts = Shift.objects.select_related("task__event__organisation").in_bulk(list(was))
    organisation = Organisation.objects.get(pk=organisation_id)
    for shift_ids, user_ids in groups:
        mine = [shifts[pk] for pk in shift_ids if pk in shifts]
        if not mine:
            continue
        context = {
            "tenant": tenant,
            "event": mine[0].task.event,
            "changes": [
                {"shift": s, "was_start": was[s.pk][0], "was_end": was[s.pk][1]} for s in mine
            ],
            "my_shifts_url": tenant_url(tenant, reverse("my-shifts")),
        }
        with tenant_locale(tenant):
            subject = render_to_string("emails/shift_changed_subject.txt", context).strip()
            body = render_to_string("emails/shift_changed_body.txt", context)
        digest = hashlib.sha256(",".join(map(str, shift_ids)).encode()).hexdigest()[:16]
        notice_send(
            kind=Kind.CHANGED,
            dedupe_key=f"changed:{key}:{digest}",
            organisation=organisation,
            subject=subject,
            body_markdown=body,
            users=User.objects.filter(pk__in=user_ids, is_active=True),
            shift=mine[0] if len(mine) == 1 else None,
            channels=("email",),
        )
