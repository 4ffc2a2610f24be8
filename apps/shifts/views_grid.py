"""The planning grid: an event's shifts by week or by day with how full each is, and changes
to many shifts at once (places, cancel, a message to the people on them).

Thin, as views.py: parse, check who may (others get 404), call one service, answer. One
form holds the grid's checkboxes and the actions, and works without JavaScript: choosing a
whole day or task is a button that comes back with those shifts ticked; htmx only updates
the count of what is chosen as boxes are ticked.
"""

from collections.abc import Iterable
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.shifts.forms import CapacityForm, ReasonForm
from apps.shifts.grid import (
    DAY,
    FILL_STATES,
    WEEK,
    Grid,
    cells_of_day,
    cells_of_task,
    chosen_shifts,
    event_grid,
    parse_day,
    shift_ids_from,
)
from apps.shifts.loaders import event_for
from apps.shifts.models import Event
from apps.shifts.services.bulk import shifts_cancel, shifts_update_capacity
from kernel.http import AuthedHttpRequest


def grid_url(
    event_id: int, view: str, day: date | None, selected: Iterable[int] = (), anchor: str = ""
) -> str:
    params: list[tuple[str, object]] = [("visning", view)]
    if day:
        params.append(("dato", day.isoformat()))
    params += [("vagt", pk) for pk in selected]
    url = reverse("planning-grid", args=[event_id]) + "?" + urlencode(params)
    return url + (f"#{anchor}" if anchor else "")


def _view_of(data: QueryDict) -> str:
    return DAY if data.get("visning") == DAY else WEEK


@login_required
def grid_page(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request, event_id)
    selected = shift_ids_from(request.GET.getlist("vagt"))
    return _render_grid(
        request, event, _view_of(request.GET), parse_day(request.GET.get("dato")), selected
    )


def _render_grid(
    request: HttpRequest,
    event: Event,
    view: str,
    day: date | None,
    selected: list[int],
    *,
    capacity: str = "",
    errors: Iterable[str] = (),
    status: int = 200,
) -> HttpResponse:
    grid = event_grid(event, view=view, day=day)
    selection = chosen_shifts(event, selected) if selected else None
    chosen = set(selection.ids if selection else [])
    shown = {cell.shift.pk for cell in grid.cells}
    context = {
        "event": event,
        "grid": grid,
        "selected": chosen,
        "selection": selection,
        # Chosen in another week or day: kept in the form, so a choice can span weeks.
        "chosen_elsewhere": sorted(
            shift.pk
            for shift in (selection.shifts if selection else [])
            if shift.pk not in shown and not shift.is_cancelled
        ),
        "capacity": capacity,
        "errors": list(errors),
        "fill_states": FILL_STATES,
        "week_url": grid_url(event.pk, WEEK, grid.day, chosen),
        "day_url": grid_url(event.pk, DAY, grid.day if view == DAY else _first_day(grid), chosen),
        "previous_url": grid.previous and grid_url(event.pk, view, grid.previous, chosen),
        "next_url": grid.next and grid_url(event.pk, view, grid.next, chosen),
    }
    return render(request, "shifts/grid.html", context, status=status)


def _first_day(grid: Grid) -> date:
    """From a week to its day: today if it is in the week, else its first day with shifts."""
    if grid.today in grid.days:
        return grid.today
    return min((cell.starts.date() for cell in grid.cells), default=grid.day)


@login_required
def grid_selection(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    """htmx: how many shifts are chosen and how many people are on them."""
    event = event_for(request, event_id)
    selected = shift_ids_from(request.POST.getlist("vagt"))
    selection = chosen_shifts(event, selected) if selected else None
    return render(request, "shifts/_grid_selection.html", {"selection": selection})


@login_required
def grid_bulk(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request, event_id)
    view, day = _view_of(request.POST), parse_day(request.POST.get("dato"))
    if request.method != "POST":
        return redirect(grid_url(event.pk, WEEK, None))
    selected = shift_ids_from(request.POST.getlist("vagt"))
    if choose := request.POST.get("vaelg"):
        selected = _choose(event, view, day, selected, choose)
        return redirect(grid_url(event.pk, view, day, selected, "vagtoversigt"))
    action = request.POST.get("handling")
    capacity = request.POST.get("pladser", "").strip()
    if not selected:
        error = _("Choose at least one shift.")
        return _render_grid(
            request, event, view, day, [], capacity=capacity, errors=[error], status=400
        )
    if action == "pladser":
        return _change_capacity(request, event, view, day, selected, capacity)
    if action == "aflys":
        return _cancel(request, event, view, day, selected)
    if action == "besked":
        query = urlencode([("vagt", pk) for pk in selected])
        return redirect(reverse("messaging-new", args=["shifts", event.pk]) + "?" + query)
    return redirect(grid_url(event.pk, view, day, selected))


def _choose(
    event: Event, view: str, day: date | None, selected: list[int], choose: str
) -> list[int]:
    """Add a whole day's or task's open shifts of the shown period to the choice."""
    if choose == "ingen":
        return []
    kind, _sep, value = choose.partition(":")
    grid = event_grid(event, view=view, day=day)
    if kind == "dag" and (chosen_day := parse_day(value)):
        cells = cells_of_day(grid, chosen_day)
    elif kind == "opgave" and value.isdigit():
        cells = cells_of_task(grid, int(value))
    elif kind == "alle":
        cells = [cell for cell in grid.cells if cell.selectable]
    else:
        cells = []
    return sorted(set(selected) | {cell.shift.pk for cell in cells})


def _change_capacity(
    request: AuthedHttpRequest,
    event: Event,
    view: str,
    day: date | None,
    selected: list[int],
    capacity: str,
) -> HttpResponse:
    form = CapacityForm({"capacity": capacity})
    if not form.is_valid():
        error = _("Places must be a whole number, 0 or more.")
        return _render_grid(
            request, event, view, day, selected, capacity=capacity, errors=[error], status=400
        )
    places = form.cleaned_data["capacity"]
    try:
        changed = shifts_update_capacity(
            actor=request.user, event=event, shift_ids=selected, capacity=places
        )
    except ValidationError as refusal:
        return _render_grid(
            request,
            event,
            view,
            day,
            selected,
            capacity=capacity,
            errors=refusal.messages,
            status=400,
        )
    messages.success(
        request,
        ngettext(
            "%(n)s shift now has %(places)s places.",
            "%(n)s shifts now have %(places)s places each.",
            len(changed),
        )
        % {"n": len(changed), "places": places},
    )
    return redirect(grid_url(event.pk, view, day, selected, "vagtoversigt"))


def _cancel(
    request: AuthedHttpRequest, event: Event, view: str, day: date | None, selected: list[int]
) -> HttpResponse:
    """First a page that says who is told; cancelled when that page's button is pressed."""
    selection = chosen_shifts(event, selected)
    open_shifts = [shift for shift in selection.shifts if not shift.is_cancelled]
    if not open_shifts:
        error = _("The chosen shifts are cancelled already.")
        return _render_grid(request, event, view, day, [], errors=[error], status=400)
    form = ReasonForm(request.POST if request.POST.get("bekraeft") else None)
    if form.is_bound and form.is_valid():
        told = selection.people
        try:
            cancelled = shifts_cancel(
                actor=request.user,
                event=event,
                shift_ids=[shift.pk for shift in open_shifts],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as refusal:
            return _render_grid(
                request, event, view, day, selected, errors=refusal.messages, status=400
            )
        messages.success(
            request,
            ngettext("%(n)s shift is cancelled.", "%(n)s shifts are cancelled.", len(cancelled))
            % {"n": len(cancelled)}
            + " "
            + ngettext(
                "%(n)s person signed up or waiting is being told.",
                "%(n)s people signed up or waiting are being told.",
                told,
            )
            % {"n": told},
        )
        return redirect(grid_url(event.pk, view, day, anchor="vagtoversigt"))
    context = {
        "event": event,
        "selection": selection,
        "shifts": open_shifts,
        "form": form,
        "view": view,
        "day": day,
        "back_url": grid_url(event.pk, view, day, selected, "vagtoversigt"),
    }
    return render(request, "shifts/grid_cancel.html", context, status=400 if form.errors else 200)
