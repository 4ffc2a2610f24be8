"""Follow-up of an active match: check-ins a set number of months after it started
(Programme.checkin_months, 1, 3 and 6 unless the organisation chose otherwise), logged by
a coordinator with a short note; and a volunteer's concern, raised at any time, which
mails the programme's coordinators at once."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.citizens.models import CheckIn, CitizenMatch, Concern
from apps.citizens.notifications import concern_raised_send
from apps.citizens.services._common import NotTheVolunteer, Refused
from apps.organisations.permissions import require_coordinator
from apps.recruitment.services._common import add_months
from kernel.times import now_or

NOTE_MAX = 500
CONCERN_MAX = 1000


def checkins_schedule(*, match: CitizenMatch) -> list[CheckIn]:
    """The check-ins of a match that has just become active; called inside the caller's
    transaction, and safe to call twice (one row per match and day)."""
    assert match.started_at is not None
    start = timezone.localdate(match.started_at)
    months = sorted(set(match.referral.programme.checkin_months))
    rows = [CheckIn(match=match, months=m, due_on=add_months(start, m)) for m in months if m > 0]
    return CheckIn.objects.bulk_create(rows, ignore_conflicts=True)


def checkin_log(
    *, actor: User, checkin: CheckIn, note: str, now: datetime | None = None
) -> CheckIn:
    now = now_or(now)
    match = checkin.match
    require_coordinator(actor, match.referral.programme.organisation)
    note = note.strip()
    if not note:
        raise Refused({"note": _("Write a short note about the check-in.")})
    if len(note) > NOTE_MAX:
        raise Refused({"note": _("Keep the note short.")})
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if locked.done_at is not None:
            raise Refused(_("The check-in has already been logged."))
        locked.done_at, locked.done_by, locked.note = now, actor, note
        locked.save(update_fields=["done_at", "done_by", "note"])
        audit_record(
            actor=actor,
            action="citizen_checkin.logged",
            target=locked,
            match=match.pk,
            due_on=locked.due_on.isoformat(),
        )
    return locked


def concern_raise(
    *, actor: User, match: CitizenMatch, text: str, now: datetime | None = None
) -> Concern:
    """The volunteer's own worry about their match, proposed to ended alike: whatever it
    is, the coordinators hear of it at once."""
    now = now_or(now)
    if match.volunteer_id != actor.pk:
        raise NotTheVolunteer
    text = text.strip()
    if not text:
        raise Refused({"text": _("Tell us what worries you.")})
    if len(text) > CONCERN_MAX:
        raise Refused({"text": _("Keep it under 1,000 characters.")})
    with transaction.atomic():
        concern = Concern.objects.create(match=match, raised_by=actor, raised_at=now, text=text)
        # The text stays out of the audit row: it may be about the citizen's health.
        audit_record(actor=actor, action="citizen_concern.raised", target=concern, match=match.pk)
        concern_raised_send(concern=concern)
    return concern
