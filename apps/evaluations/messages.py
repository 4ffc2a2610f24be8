"""The invitation to evaluate a shift the person came to; they can switch it off."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.evaluations.models import Invitation, Questionnaire
from apps.shifts.messages import example_shift, example_user
from kernel.messages import MessageKind, register
from tenants.selectors import current_tenant, tenant_url


def _fields(invitation: Invitation) -> dict[str, Any]:
    shift = invitation.shift
    url = reverse("evaluation-answer", args=[invitation.token])
    return {
        "invitation": invitation,
        "questionnaire": invitation.questionnaire,
        "shift": shift,
        "task": shift.task,
        "event": shift.task.event,
        "user": invitation.user,
        "url": tenant_url(current_tenant(), url),
    }


def _context(params: dict[str, Any]) -> dict[str, Any]:
    invitation = Invitation.objects.select_related(
        "user", "questionnaire", "shift__task__event__organisation"
    ).get(pk=params["invitation_id"])
    return _fields(invitation)


def _example() -> dict[str, Any]:
    questionnaire = Questionnaire(pk=1, title="Hvordan gik det?")
    invitation = Invitation(
        pk=1, shift=example_shift(), user=example_user(), questionnaire=questionnaire, token="x"
    )
    return _fields(invitation)


EVALUATION = register(
    MessageKind(
        slug="evaluation",
        label=_("Evaluations after a shift"),
        template="evaluations/emails/evaluation",
        context=_context,
        example=_example,
    )
)
