"""The sweep that invites people to evaluate a shift they came to.

Safe to run twice, and at the same time: an invitation row is unique per person and shift
(so two runs, or two rules on the same shift, make one), and each unsent row is claimed by
setting `sent_at` under a row lock that other runs skip, before the mail goes.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.attendance.models import Attendance
from apps.audit.services import audit_record
from apps.evaluations.messages import EVALUATION
from apps.evaluations.models import EvaluationRule, Invitation
from kernel import messages

logger = logging.getLogger(__name__)

# Shifts that ended longer ago than this are left alone, so that a rule added to an old
# event does not mail people about something they did months ago.
WINDOW = timedelta(days=14)
ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)
BATCH_SIZE = 500


def evaluations_due(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    created = invitations_create(now=now)
    sent = 0
    while True:
        claimed = invitations_claim(now=now)
        sent += invitations_send(invitation_ids=claimed)
        if len(claimed) < BATCH_SIZE:
            break
    return {"created": created, "sent": sent}


def invitations_create(*, now: datetime) -> int:
    """One invitation for each person who came to a shift whose end plus the rule's delay
    has passed. Task rules go first: they are more specific than their event's."""
    rules = (
        EvaluationRule.objects.filter(is_active=True, questionnaire__is_active=True)
        .annotate(for_task=Q(task__isnull=False))
        .order_by("-for_task", "id")
    )
    wanted: dict[tuple[int, int], Invitation] = {}
    for rule in rules:
        delay = timedelta(hours=rule.delay_hours)
        attended = Attendance.objects.filter(
            status__in=ATTENDED,
            signup__user__is_active=True,
            signup__shift__is_cancelled=False,
            signup__shift__ends_at__lte=now - delay,
            signup__shift__ends_at__gt=now - delay - WINDOW,
        ).exclude(
            Exists(
                Invitation.objects.filter(
                    shift_id=OuterRef("signup__shift_id"), user_id=OuterRef("signup__user_id")
                )
            )
        )
        if rule.task_id is not None:
            attended = attended.filter(signup__shift__task_id=rule.task_id)
        elif rule.event_id is not None:  # always, by the rule's check constraint
            attended = attended.filter(signup__shift__task__event_id=rule.event_id)
        for shift_id, user_id in attended.values_list("signup__shift_id", "signup__user_id"):
            wanted.setdefault(
                (shift_id, user_id),
                Invitation(
                    shift_id=shift_id,
                    user_id=user_id,
                    rule=rule,
                    questionnaire_id=rule.questionnaire_id,
                ),
            )
    # A concurrent run may have made some of them in the meantime: the unique constraint
    # keeps theirs and drops ours.
    Invitation.objects.bulk_create(wanted.values(), ignore_conflicts=True)
    return len(wanted)


def invitations_claim(*, now: datetime) -> list[int]:
    with transaction.atomic():
        ids = list(
            Invitation.objects.select_for_update(skip_locked=True)
            # A mail that keeps failing is given up after the window.
            .filter(sent_at__isnull=True, answered_at__isnull=True, created_at__gt=now - WINDOW)
            .order_by("id")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        Invitation.objects.filter(pk__in=ids, sent_at__isnull=True).update(sent_at=now)
    return ids


def invitations_send(*, invitation_ids: list[int]) -> int:
    invitations = Invitation.objects.filter(pk__in=invitation_ids).select_related(
        "user", "questionnaire", "shift__task__event__organisation"
    )
    sent = 0
    for invitation in invitations:
        try:
            invitation_mail(invitation=invitation)
        except Exception:
            # Give the claim back: the next sweep tries again.
            logger.exception("Evaluation invitation %s was not sent", invitation.pk)
            Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)
            continue
        audit_record(actor=None, action="evaluation.invitation_sent", target=invitation)
        sent += 1
    return sent


def invitation_mail(*, invitation: Invitation) -> None:
    """Put the invitation in the outbox (it obeys the person's switch for evaluations)."""
    messages.send(
        EVALUATION,
        to=[invitation.user_id],
        dedupe_key=f"evaluation:{invitation.pk}",
        params={"invitation_id": invitation.pk},
        organisation_id=invitation.shift.task.event.organisation_id,
        shift_id=invitation.shift_id,
    )
