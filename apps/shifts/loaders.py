"""Loading what a planning page is about, for a coordinator of its organisation only
(anyone else gets the guard's 404), and the address of an event's planning page. Shared by
the planning, grid and time-change views."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from apps.organisations.permissions import require_coordinator
from apps.shifts.models import Event, Shift, Task
from kernel.http import AuthedHttpRequest


def event_for(request: AuthedHttpRequest, event_id: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("organisation"), pk=event_id)
    require_coordinator(request.user, event.organisation)
    return event


def task_for(request: AuthedHttpRequest, task_id: int) -> Task:
    task = get_object_or_404(Task.objects.select_related("event__organisation"), pk=task_id)
    require_coordinator(request.user, task.event.organisation)
    return task


def shift_for(request: AuthedHttpRequest, shift_id: int) -> Shift:
    shifts = Shift.objects.select_related("task__event__organisation")
    shift = get_object_or_404(shifts, pk=shift_id)
    require_coordinator(request.user, shift.task.event.organisation)
    return shift


def plan_url(event_id: int, anchor: str = "") -> str:
    return reverse("planning-event", args=[event_id]) + (f"#{anchor}" if anchor else "")
