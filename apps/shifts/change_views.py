"""Changing when things happen, from the planning pages: a shift's times, and an event's
(from its edit form). Before anything is saved a confirm step says who is affected — the
shifts and the people who will be mailed — and warns about shifts that would fall outside
the event and volunteers who would have two shifts at once. Thin, as views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.shifts.clock import wall_clock_offset
from apps.shifts.forms import EventForm, ShiftTimeForm
from apps.shifts.loaders import plan_url, shift_for
from apps.shifts.models import Event
from apps.shifts.selectors import event_has_open_shifts, reschedule_preview
from apps.shifts.services.changes import Rescheduled, event_reschedule, shift_reschedule
from apps.shifts.services.planning import EventChanges
from kernel.forms import add_service_error
from kernel.http import AuthedHttpRequest

TIME_FIELDS = {"starts_at", "ends_at"}
NOT_CARRIED = {"csrfmiddlewaretoken", "confirm", "move_shifts"}


def _carried(request: HttpRequest) -> list[tuple[str, str]]:
    """What the first form sent, carried through the confirm page as hidden fields (a
    chosen file cannot be: the page says so)."""
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in NOT_CARRIED
        for value in values
    ]


def _told_message(result: Rescheduled) -> str:
    if not result.told:
        return ""
    return ngettext(
        "%(n)s person signed up is told by email.",
        "%(n)s people signed up are told by email.",
        result.told,
    ) % {"n": result.told}


@login_required
def shift_time(request: AuthedHttpRequest, shift_id: int) -> HttpResponse:
    shift = shift_for(request, shift_id)
    event = shift.task.event
    back = plan_url(event.pk, f"vagt-{shift.pk}")
    if shift.is_cancelled:
        messages.info(request, _("The shift is already cancelled."))
        return redirect(back)
    initial = {
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "signup_deadline": shift.signup_deadline,
    }
    form = ShiftTimeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form.times_changed(shift) and request.POST.get("confirm") != "1":
            moves = {shift.pk: (data["starts_at"], data["ends_at"])}
            preview = reschedule_preview(event=event, moves=moves)
            if preview.people or preview.outside or preview.clashes:
                context = {
                    "shift": shift,
                    "task": shift.task,
                    "event": event,
                    "new": data,
                    "preview": preview,
                    "carried": _carried(request),
                }
                return render(request, "shifts/shift_time_confirm.html", context)
        try:
            result = shift_reschedule(actor=request.user, shift_id=shift.pk, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            text = _("The shift's times are saved.")
            messages.success(request, f"{text} {_told_message(result)}".strip())
            return redirect(back)
    context = {"shift": shift, "task": shift.task, "event": event, "form": form}
    status = 400 if form.errors else 200
    return render(request, "shifts/shift_time_form.html", context, status=status)


def event_time_changes(
    request: AuthedHttpRequest, event: Event, form: EventForm, changed: EventChanges
) -> HttpResponse | None:
    """For views.event_edit: when the event's times change and it has shifts, a confirm
    page first; after it, the save. None: nothing to confirm, save as usual."""
    if not TIME_FIELDS & set(changed):
        return None
    if not event_has_open_shifts(event=event):
        return None
    if request.POST.get("confirm") == "1":
        move = request.POST.get("move_shifts") == "1"
        try:
            result = event_reschedule(actor=request.user, event=event, move_shifts=move, **changed)
        except ValidationError as error:
            add_service_error(form, error)
            context = {"form": form, "event": event}
            return render(request, "shifts/event_form.html", context, status=400)
        moved = ngettext(
            "%(n)s shift is moved along.", "%(n)s shifts are moved along.", result.moved
        ) % {"n": result.moved}
        parts = [_("The event is saved."), moved if result.moved else "", _told_message(result)]
        messages.success(request, " ".join(p for p in parts if p))
        return redirect("planning-event", event.pk)
    new_start = changed.get("starts_at", event.starts_at)
    new_end = changed.get("ends_at", event.ends_at)
    offset = wall_clock_offset(event.starts_at, new_start)
    preview = reschedule_preview(
        event=event, offset=offset, event_start=new_start, event_end=new_end
    )
    context = {
        "event": event,
        "new_start": new_start,
        "new_end": new_end,
        "offset": offset,
        "preview": preview,
        "carried": _carried(request),
        "file_dropped": bool(request.FILES),
    }
    return render(request, "shifts/event_time_confirm.html", context)
