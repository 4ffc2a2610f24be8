"""Roll call and the venue's QR code for coordinators; check-in by scanning for volunteers.

Everyone who may not coordinate a shift's organisation gets 404 on the coordinator pages.
Changes are POST only; a GET on a change's address goes back to the roll call.
"""

from datetime import datetime, timedelta

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.attendance.forms import CorrectionForm
from apps.attendance.models import Attendance
from apps.attendance.selectors import day_roll_calls, no_shows_per_volunteer, roll_call
from apps.attendance.services import (
    CHECK_OUT_AFTER,
    Code,
    check_in,
    check_out,
    hours_correct,
    hours_limit,
    roll_call_mark,
    shift_token,
    token_check,
    token_valid,
)
from apps.organisations.permissions import require_coordinator, require_coordinator_somewhere
from apps.shifts.models import Shift, SignUp
from kernel.http import AuthedHttpRequest


def _shift(request: AuthedHttpRequest, shift_id: int) -> Shift:
    shift = get_object_or_404(
        Shift.objects.select_related("task__event__organisation"), pk=shift_id
    )
    require_coordinator(request.user, shift.task.event.organisation)
    return shift


def _signup(request: AuthedHttpRequest, signup_id: int) -> SignUp:
    signups = SignUp.objects.select_related("shift__task__event__organisation", "user")
    signup = get_object_or_404(signups, pk=signup_id)
    require_coordinator(request.user, signup.shift.task.event.organisation)
    return signup


@login_required
def roll_call_view(request: AuthedHttpRequest, shift_id: int) -> HttpResponse:
    shift = _shift(request, shift_id)
    context = {
        "shift": shift,
        "task": shift.task,
        "event": shift.task.event,
        "signups": roll_call(shift=shift),
        "statuses": Attendance.Status.choices,
        "day_urls": " ".join(
            reverse("attendance-roll-call", args=[pk])
            for pk in day_roll_calls(user=request.user, shift=shift)
        ),
    }
    return render(request, "attendance/roll_call.html", context)


@login_required
def shift_code(request: AuthedHttpRequest, shift_id: int) -> HttpResponse:
    """The venue's QR, on the coordinator's screen. The code changes every few minutes; the
    page fetches the new one in place (htmx, every 30 seconds) until check-out closes, and
    then stops, so a screen left open no longer keeps the coordinator signed in."""
    shift = _shift(request, shift_id)
    path = reverse("attendance-scan", args=[shift.pk, shift_token(shift.pk)])
    url = request.build_absolute_uri(path)
    context = {
        "shift": shift,
        "task": shift.task,
        "event": shift.task.event,
        "url": url,
        "qr": segno.make(url, error="m").svg_inline(scale=8),
        "polls": timezone.now() <= shift.ends_at + CHECK_OUT_AFTER,
        "minutes": settings.ATTENDANCE_CODE_MINUTES,
    }
    if request.headers.get("HX-Request"):
        return render(request, "attendance/_code.html", context)
    return render(request, "attendance/code.html", context)


@login_required
def mark(request: AuthedHttpRequest, signup_id: int) -> HttpResponse:
    signup = _signup(request, signup_id)
    if request.method == "POST":
        try:
            roll_call_mark(
                actor=request.user, signup_id=signup.pk, status=request.POST.get("status", "")
            )
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
    return redirect(reverse("attendance-roll-call", args=[signup.shift_id]) + f"#p-{signup.pk}")


@login_required
def correct(request: AuthedHttpRequest, signup_id: int) -> HttpResponse:
    signup = _signup(request, signup_id)
    attendance = Attendance.objects.filter(signup=signup).first()
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                hours_correct(
                    actor=request.user,
                    signup_id=signup.pk,
                    hours=form.cleaned_data["hours"],
                    reason=form.cleaned_data["reason"],
                    override=form.cleaned_data["override"],
                )
            except ValidationError as refusal:
                form.add_refusal(refusal.code, " ".join(refusal.messages))
            else:
                messages.success(request, _("The hours are saved."))
                return redirect("attendance-roll-call", signup.shift_id)
        status = 400
    else:
        form = CorrectionForm(initial={"hours": attendance.hours if attendance else None})
        status = 200
    context = {
        "signup": signup,
        "shift": signup.shift,
        "attendance": attendance,
        "form": form,
        "limit": hours_limit(signup.shift),
    }
    return render(request, "attendance/correct.html", context, status=status)


@login_required
def no_shows(request: AuthedHttpRequest) -> HttpResponse:
    organisations = require_coordinator_somewhere(request.user)
    people = no_shows_per_volunteer(organisations=organisations)
    return render(request, "attendance/no_shows.html", {"people": people})


SCANS = "attendance.scans"  # session: shift id -> (token, when it was seen valid)
SCAN_KEPT = timedelta(minutes=15)


def _remember_scan(request: HttpRequest, shift_id: int, token: str) -> None:
    """A code seen valid is remembered in the session for SCAN_KEPT, so signing in first
    (or pressing the button a while later) does not outlive the rotating code."""
    if token_valid(shift_id, token):
        scans = dict(request.session.get(SCANS, {}))
        scans[str(shift_id)] = [token, timezone.now().isoformat()]
        request.session[SCANS] = scans


def _scanned_at(request: HttpRequest, shift_id: int, token: str) -> datetime | None:
    seen = request.session.get(SCANS, {}).get(str(shift_id))
    if not seen or seen[0] != token:
        return None
    moment = datetime.fromisoformat(seen[1])
    return moment if timezone.now() - moment <= SCAN_KEPT else None


def scan(request: HttpRequest, shift_id: int, token: str) -> HttpResponse:
    """What the QR code opens: check in, or check out when already in. Someone not signed
    in is sent to sign in, with the scan remembered (the code rotates meanwhile)."""
    if request.method == "GET":
        _remember_scan(request, shift_id, token)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _scan_signed_in(request, shift_id, token)  # type: ignore[arg-type]


def _scan_signed_in(request: AuthedHttpRequest, shift_id: int, token: str) -> HttpResponse:
    attendance = (
        Attendance.objects.filter(
            signup__shift_id=shift_id,
            signup__user=request.user,
            signup__status=SignUp.Status.CONFIRMED,
        )
        .select_related("signup__shift__task__event")
        .first()
    )
    checked_in = attendance is not None and attendance.checked_in_at is not None
    result: Attendance | None = None
    problem = ""
    repeated = False
    done = ""
    if request.method == "POST":
        service = check_out if request.POST.get("action") == "out" else check_in
        scanned_at = _scanned_at(request, shift_id, token)
        try:
            result = service(
                user=request.user, shift_id=shift_id, token=token, scanned_at=scanned_at
            )
        except ValidationError as refusal:
            problem = " ".join(refusal.messages)
            repeated = refusal.code == "twice"
        else:
            done = "out" if service is check_out else "in"
            checked_in = True
    shift = None
    code = token_check(shift_id, token, _scanned_at(request, shift_id, token))
    if code is Code.VALID:
        shift = Shift.objects.select_related("task__event").filter(pk=shift_id).first()
    elif problem:
        pass
    elif code is Code.EXPIRED:
        problem = _("This code has expired. Scan the code on the coordinator's screen again.")
    else:
        problem = _("This code belongs to another shift.")
    context = {
        "shift": shift,
        "attendance": result or attendance,
        "checked_in": checked_in,
        "problem": problem,
        "done": done,
        "repeated": repeated,
    }
    status = 400 if problem and not repeated else 200
    return render(request, "attendance/scan.html", context, status=status)
