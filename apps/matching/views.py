"""A coordinator's "Find candidates" page for one shift, and its "add to the shift" button.

Suggestions only: the list changes nothing; a person is added when the coordinator presses
the button, through the same service as the roster's "Add a person". Whoever may not
coordinate the shift's organisation gets 404, as on the other planning pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.matching.posting_matching import describe_all as posting_reasons
from apps.matching.posting_matching import rank_for_posting
from apps.matching.shift_matching import describe_all, rank_candidates
from apps.organisations.permissions import require_coordinator
from apps.recruitment.models import Posting
from apps.shifts.models import Shift, SignUp
from apps.shifts.services.signups import shift_sign_up
from kernel.http import AuthedHttpRequest

EVERYONE = "alle"  # ?alle=1: every active volunteer of the tenant, not only members


def _shift(request: AuthedHttpRequest, shift_id: int) -> Shift:
    shifts = Shift.objects.select_related("task__event__organisation", "task__event__category")
    shift = get_object_or_404(shifts, pk=shift_id)
    require_coordinator(request.user, shift.task.event.organisation)
    return shift


def _everyone(request: HttpRequest) -> bool:
    return (request.POST.get(EVERYONE) or request.GET.get(EVERYONE)) == "1"


def _back(shift: Shift, everyone: bool) -> str:
    url = reverse("planning-candidates", args=[shift.pk])
    return f"{url}?{EVERYONE}=1" if everyone else url


@login_required
def shift_candidates(request: AuthedHttpRequest, shift_id: int) -> HttpResponse:
    shift = _shift(request, shift_id)
    everyone = _everyone(request)
    matches = [] if shift.is_cancelled else rank_candidates(shift, everyone=everyone)
    context = {
        "shift": shift,
        "task": shift.task,
        "event": shift.task.event,
        "everyone": everyone,
        "suggestions": [(m, describe_all(m)) for m in matches],
    }
    return render(request, "matching/candidates.html", context)


@login_required
def candidate_add(request: AuthedHttpRequest, shift_id: int, user_id: int) -> HttpResponse:
    shift = _shift(request, shift_id)
    everyone = _everyone(request)
    if request.method != "POST":
        return redirect(_back(shift, everyone))
    person = get_object_or_404(User, pk=user_id, is_active=True)
    try:
        signup = shift_sign_up(shift_id=shift.pk, user=person, added_by=request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        if signup.status == SignUp.Status.CONFIRMED:
            text = _("%(name)s has a place on the shift.")
        else:
            text = _("The shift is full, so %(name)s is on the waitlist.")
        messages.success(request, text % {"name": person.full_name})
    return redirect(_back(shift, everyone))


@login_required
def posting_candidates(request: AuthedHttpRequest, posting_id: int) -> HttpResponse:
    """Suggestions for a posting (an ongoing role): names, reasons, and for the
    organisation's members an e-mail link. Nobody is asked or assigned from here."""
    posting = get_object_or_404(Posting.objects.select_related("organisation"), pk=posting_id)
    require_coordinator(request.user, posting.organisation)
    matches = rank_for_posting(posting)
    context = {"posting": posting, "suggestions": [(m, posting_reasons(m)) for m in matches]}
    return render(request, "matching/posting.html", context)
