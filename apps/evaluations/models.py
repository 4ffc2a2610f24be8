"""Evaluations after a shift: questionnaires, the rules that send them, and the answers.

Anonymity: a response to an anonymous questionnaire has no link to its invitation or to a
person, no submission time, and random (UUID) keys on the response and its answers, so
neither ids nor times can be lined up with the invitations' `answered_at`. Only the shift
it is about is kept, for the results; the results page hides anonymous figures for groups
smaller than `MIN_ANONYMOUS_GROUP` (see selectors).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, Task


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Questionnaire(models.Model):
    # Null: for the whole municipality, kept by the system owner's admins.
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questionnaires",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous answers"),
        default=False,
        help_text=_("Answers are stored without the name of the person who gave them."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale 1–5")
        CHOICE = "choice", _("Choice")
        TEXT = "text", _("Free text")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    text = models.CharField(_("question"), max_length=300)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("an answer is required"), default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class EvaluationRule(models.Model):
    """Send `questionnaire` to everyone who came to a shift of the event (or of the task)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="rules")
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="evaluation_rules"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="evaluation_rules"
    )
    delay_hours = models.PositiveSmallIntegerField(_("hours after the shift ends"), default=2)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(event__isnull=False) & Q(task__isnull=True))
                | (Q(event__isnull=True) & Q(task__isnull=False)),
                name="evaluation_rule_event_xor_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} → {self.task or self.event}"


class Invitation(models.Model):
    """One per person per shift, whatever the number of rules: the database guarantees it."""

    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="evaluation_invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluation_invitations"
    )
    rule = models.ForeignKey(
        EvaluationRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a run claims it for sending, so two runs never mail it twice.
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "user"], name="one_evaluation_per_shift")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.shift}"


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    # Null for anonymous questionnaires: nothing leads back to the person.
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    # Copied from the shift so the results can group without walking the plan.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="evaluation_responses")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="evaluation_responses")
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="evaluation_responses")
    # Null for anonymous questionnaires (a date next to the invitation's could single one out).
    submitted_on = models.DateField(null=True, blank=True)

    class Meta:
        # No ordering by time or id: the order of anonymous rows must mean nothing.
        ordering = ["shift_id"]

    def __str__(self) -> str:
        return f"{self.questionnaire} · {self.event}"


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5),
                name="answer_scale_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.scale or self.choice or self.text[:30]}"
