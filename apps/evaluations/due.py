"""When this tenant next has evaluations to send (tenants.due: the due-time beat).

An invitation is made once a shift's end plus its rule's delay has passed, for the people
recorded as present: attendance may be recorded any time in the following WINDOW, so while
a shift of a rule is inside that window the tenant is due every EVALUATION_TICK, and
otherwise when the next one's delay is over.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Min, Q
from django.db.models.signals import post_save
from django.utils import timezone

from apps.evaluations.models import EvaluationRule, Invitation, Questionnaire
from apps.evaluations.services.sending import WINDOW
from apps.shifts.models import Shift
from tenants import due

EVALUATIONS = "evaluations"
EVALUATION_TICK = timedelta(minutes=10)  # the old beat's period


def evaluations_next_due(now: datetime) -> datetime | None:
    unsent = Invitation.objects.filter(
        sent_at__isnull=True, answered_at__isnull=True, created_at__gt=now - WINDOW
    )
    if unsent.exists():  # a mail that failed: tried again at the old pace
        return now + EVALUATION_TICK
    found: list[datetime] = []
    rules = EvaluationRule.objects.filter(is_active=True, questionnaire__is_active=True)
    for rule in rules:
        delay = timedelta(hours=rule.delay_hours)
        shifts = Shift.objects.filter(is_cancelled=False)
        if rule.task_id is not None:
            shifts = shifts.filter(task_id=rule.task_id)
        else:  # an event's rule, by the rule's check constraint
            shifts = shifts.filter(Q(task__event_id=rule.event_id))
        if shifts.filter(ends_at__lte=now - delay, ends_at__gt=now - delay - WINDOW).exists():
            return now + EVALUATION_TICK
        ends = shifts.filter(ends_at__gt=now - delay).aggregate(at=Min("ends_at"))["at"]
        if ends is not None:
            found.append(ends + delay)
    return min(found) if found else None


def _wake(sender: Any, **kwargs: Any) -> None:
    due.wake(EVALUATIONS, timezone.now())


def connect() -> None:
    due.register(EVALUATIONS, evaluations_next_due, watches_shifts=True)
    for model in (EvaluationRule, Questionnaire, Shift):
        post_save.connect(_wake, sender=model, dispatch_uid=f"evaluations.due.{model}")
