"""The daily sweep: tell the contact person about trial periods that end within 7 days and
checks that expire within 30 days. Each reminder goes once: the row records it was sent,
with a conditional update, so two sweeps at once send nothing twice."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from apps.audit.services import audit_record
from apps.members.models import Membership
from apps.recruitment.models import Application, Onboarding, RecordCheck
from apps.recruitment.notifications import check_reminder_send, trial_reminder_send
from apps.recruitment.services._common import today

TRIAL_NOTICE = timedelta(days=7)
CHECK_NOTICE = timedelta(days=30)
# Nobody is reminded about a person who withdrew, was turned down or has left.
GONE = Q(application__status__in=(Application.Status.REJECTED, Application.Status.WITHDRAWN)) | Q(
    membership__status=Membership.Status.ENDED
)


def reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    day = today(now)
    sent = {"trial": 0, "check": 0, "expired": 0}
    trials = Onboarding.objects.filter(
        trial_ends_on__gte=day,
        trial_ends_on__lte=day + TRIAL_NOTICE,
        trial_reminder_sent_on__isnull=True,
    ).exclude(GONE)
    for pk in trials.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Onboarding.objects.filter(pk=pk, trial_reminder_sent_on__isnull=True).update(
                trial_reminder_sent_on=day
            )
            if claimed:
                audit_record(
                    actor=None, action="onboarding.trial_reminder", target=Onboarding(pk=pk)
                )
                trial_reminder_send(onboarding=_onboarding(pk))
                sent["trial"] += 1
    ok = RecordCheck.objects.filter(status=RecordCheck.Status.OK, valid_until__isnull=False)
    # Past its date: the check is no longer valid, whatever anyone did about the reminder.
    sent["expired"] = ok.filter(valid_until__lt=day).update(status=RecordCheck.Status.EXPIRED)
    due = ok.filter(valid_until__gte=day, valid_until__lte=day + CHECK_NOTICE).exclude(
        onboarding__in=Onboarding.objects.filter(GONE)
    )
    for pk, valid_until in due.values_list("pk", "valid_until"):
        with transaction.atomic():
            claimed = (
                RecordCheck.objects.filter(pk=pk, valid_until=valid_until)
                .exclude(reminder_sent_for=valid_until)
                .update(reminder_sent_for=valid_until)
            )
            if claimed:
                audit_record(
                    actor=None, action="onboarding.check_reminder", target=RecordCheck(pk=pk)
                )
                check_reminder_send(check=_check(pk))
                sent["check"] += 1
    return sent


def _onboarding(pk: int) -> Onboarding:
    return Onboarding.objects.select_related("organisation", "contact_person").get(pk=pk)


def _check(pk: int) -> RecordCheck:
    related = ("onboarding__organisation", "onboarding__contact_person")
    return RecordCheck.objects.select_related(*related).get(pk=pk)
