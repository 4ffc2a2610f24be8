"""The needs board (coordinators of the crisis's organisation) and the helper's answer
from the link in the invitation (no account)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.crisis.models import Crisis, Invite, Need, Skill
from apps.crisis.needs import Answer, invite_answer, invite_send, is_expired, need_close, need_post
from apps.crisis.needs_forms import NeedForm
from apps.crisis.needs_selectors import (
    active_crisis,
    filled,
    need_invites,
    need_suggestions,
    needs_board,
)
from apps.organisations.permissions import require_coordinator
from kernel.forms import ID_MAX, add_service_error
from kernel.http import AuthedHttpRequest

TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _crisis(request: AuthedHttpRequest) -> Crisis:
    """The active crisis, for its organisation's coordinators (404 to everyone else)."""
    crisis = active_crisis()
    if crisis is None:
        raise Http404
    require_coordinator(request.user, crisis.organisation)
    return crisis


def _need(request: AuthedHttpRequest, need_id: int) -> Need:
    crisis = _crisis(request)
    need = get_object_or_404(Need.objects.select_related("shift"), pk=need_id, crisis=crisis)
    need.crisis = crisis
    return need


@login_required
def board(request: AuthedHttpRequest) -> HttpResponse:
    crisis = _crisis(request)
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            need = need_post(crisis=crisis, by=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            add_service_error(form, refusal)
        else:
            messages.success(request, _("The need is posted. Now invite helpers to it."))
            return redirect("crisis:need", need.pk)
    needs = list(needs_board(crisis=crisis))
    rows = [(need, filled(need)) for need in needs]
    context = {"crisis": crisis, "form": form, "rows": rows}
    return render(request, "crisis/needs/board.html", context, status=400 if form.errors else 200)


@login_required
def need_page(request: AuthedHttpRequest, need_id: int) -> HttpResponse:
    """Triage: the suggested helpers with their reasons, and who is invited already."""
    need = _need(request, need_id)
    context = {
        "need": need,
        "open": not is_expired(need),
        "suggestions": need_suggestions(need=need) if not is_expired(need) else [],
        "invites": list(need_invites(need=need)),
        "skill_labels": [Skill(s).label for s in need.skills if s in Skill.values],
    }
    return render(request, "crisis/needs/need.html", context)


def _helper_ids(request: HttpRequest) -> list[int]:
    ids = [v for v in request.POST.getlist("helper") if v.isascii() and v.isdecimal()]
    return [int(v) for v in ids if int(v) <= ID_MAX]


@login_required
@require_POST
def invite(request: AuthedHttpRequest, need_id: int) -> HttpResponse:
    """One click: invite one helper (or several ticked ones). With htmx the helper's row
    is answered in place."""
    need = _need(request, need_id)
    ids = _helper_ids(request)
    error = ""
    try:
        invite_send(need=need, helper_ids=ids, by=request.user)
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
    if request.headers.get("HX-Request") and len(ids) == 1:
        found = need_invites(need=need).filter(helper_id=ids[0]).first()
        if found is None and not error:
            raise Http404
        context = {"need": need, "invite": found, "error": error, "helper_id": ids[0]}
        return render(request, "crisis/needs/_invited.html", context)
    if error:
        messages.error(request, error)
    return redirect("crisis:need", need.pk)


@login_required
@require_POST
def close(request: AuthedHttpRequest, need_id: int) -> HttpResponse:
    need = _need(request, need_id)
    need_close(need=need, by=request.user)
    messages.success(request, _("The need is closed."))
    return redirect("crisis:needs")


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The helper's page from the SMS or mail: the need, yes or no. No account."""
    found = None
    if TOKEN.fullmatch(token):  # secrets.token_urlsafe's alphabet; anything else is no link
        found = (
            Invite.objects.select_related("need__crisis__organisation", "helper")
            .filter(token=token)
            .first()
        )
    if found is None:
        return render(request, "crisis/needs/answer_unknown.html", status=404)
    outcome = ""
    if request.method == "POST" and request.POST.get("answer") in ("yes", "no"):
        answered, outcome = invite_answer(token=token, accept=request.POST["answer"] == "yes")
        found.status, found.answered_at = answered.status, answered.answered_at
    need = found.need
    context = {
        "invite": found,
        "need": need,
        "outcome": outcome,
        "expired": is_expired(need) or found.status == Invite.Status.WITHDRAWN,
        "answers": Answer,
    }
    return render(request, "crisis/needs/answer.html", context)
