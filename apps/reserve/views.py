"""The volunteer's choice (/konto/beredskab/), the site admin's call-outs (/beredskab/),
and the answer link anyone holding it may use without signing in (/beredskab/svar/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.reserve.forms import AnswerForm, CalloutForm, JoinForm
from apps.reserve.models import CalloutAnswer
from apps.reserve.selectors import (
    answer_by_token,
    callout_by_id,
    callout_counts,
    callout_yes_people,
    callouts_recent,
    enrolment_of,
    may_join,
    pool_size,
)
from apps.reserve.services import callout_answer, callout_send, reserve_join, reserve_leave
from kernel.http import AuthedHttpRequest, require_site_admin
from tenants.selectors import current_tenant


@login_required
@require_http_methods(["GET", "POST"])
def my_reserve(request: AuthedHttpRequest) -> HttpResponse:
    sms_enabled = current_tenant().sms_enabled
    enrolment = enrolment_of(user=request.user)
    initial = {"email": True, "sms": False, "phone": request.user.phone}
    if enrolment is not None:
        initial.update(email=enrolment.email, sms=enrolment.sms)
    form = JoinForm(request.POST or None, initial=initial, sms_enabled=sms_enabled)
    if request.method == "POST":
        if request.POST.get("leave"):
            reserve_leave(user=request.user)
            messages.success(request, _("You have left the reserve pool."))
            return redirect("reserve-mine")
        if form.is_valid():
            data = form.cleaned_data
            try:
                reserve_join(
                    user=request.user,
                    email=data["email"],
                    sms=data.get("sms", False),
                    phone=data.get("phone", ""),
                )
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, _("You are in the reserve pool."))
                return redirect("reserve-mine")
    context = {"form": form, "enrolment": enrolment, "may_join": may_join(user=request.user)}
    return render(request, "reserve/mine.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def callouts_page(request: AuthedHttpRequest) -> HttpResponse:
    require_site_admin(request)
    form = CalloutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            callout = callout_send(
                by=request.user,
                title=data["title"],
                body=data["body"],
                place=data["place"],
                when=data["when"],
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("The call-out is on its way."))
            return redirect("reserve-callout", callout_id=callout.pk)
    context = {"form": form, "pool": pool_size(), "callouts": callouts_recent()}
    return render(request, "reserve/callouts.html", context, status=400 if form.errors else 200)


def _callout_context(callout_id: int) -> dict:
    callout = callout_by_id(callout_id=callout_id)
    if callout is None:
        raise Http404
    return {
        "callout": callout,
        "counts": callout_counts(callout=callout),
        "yes_people": callout_yes_people(callout=callout),
    }


@login_required
def callout_page(request: AuthedHttpRequest, callout_id: int) -> HttpResponse:
    require_site_admin(request)
    return render(request, "reserve/callout.html", _callout_context(callout_id))


@login_required
def callout_counts_part(request: AuthedHttpRequest, callout_id: int) -> HttpResponse:
    """The counts and the yes-list, asked for again every few seconds by the page (htmx)."""
    require_site_admin(request)
    return render(request, "reserve/_counts.html", _callout_context(callout_id))


@require_http_methods(["GET", "POST"])
def answer_page(request: HttpRequest, token: str) -> HttpResponse:
    """Yes or no without signing in: the link is the key. GET only shows; POST answers."""
    answer = answer_by_token(token=token)
    if answer is None:
        raise Http404
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if not form.is_valid():
            return render(
                request, "reserve/answer.html", {"answer": answer, "invalid": True}, status=400
            )
        try:
            answer = callout_answer(token=token, yes=form.cleaned_data["answer"] == "yes")
        except CalloutAnswer.DoesNotExist as missing:  # gone since the GET
            raise Http404 from missing
        messages.success(request, _("Thank you. Your answer is saved."))
        return redirect("reserve-answer", token=token)
    return render(request, "reserve/answer.html", {"answer": answer, "invalid": False})
