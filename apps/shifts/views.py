"""The coordinators' planning pages. Thin: parse, check who may, call one service, answer.

Everyone who may not coordinate an event's organisation gets 404, as if it did not exist.
Changes are POST only; a GET on a change's address goes back to the page of its form.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import User
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator, require_coordinator_somewhere
from apps.shifts.change_views import event_time_changes
from apps.shifts.forms import (
    AddPersonForm,
    CapacityForm,
    CopyEventForm,
    EventForm,
    ReasonForm,
    ShiftForm,
    TaskForm,
)
from apps.shifts.loaders import event_for, plan_url, shift_for, task_for
from apps.shifts.models import Event, Shift, SignUp, Task
from apps.shifts.selectors import (
    active_user_by_email,
    event_people_counts,
    event_tasks,
    planned_events,
    shift_roster,
)
from apps.shifts.services.planning import (
    event_cancel,
    event_copy,
    event_create,
    event_publish,
    event_update,
    recurring_starts,
    shift_cancel,
    shift_create,
    shift_update_capacity,
    shifts_create,
    task_create,
)
from apps.shifts.services.signups import shift_sign_up, signup_cancel
from kernel.forms import add_service_error
from kernel.http import AuthedHttpRequest

PAGE_SIZE = 20


def _refusal(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the list -----------------------------------------------------------------------------


@login_required
def planning_home(request: AuthedHttpRequest) -> HttpResponse:
    organisations = require_coordinator_somewhere(request.user)
    past = request.GET.get("vis") == "tidligere"
    events = planned_events(organisations=organisations, past=past)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("side"))
    context = {"page": page, "past": past, "organisations": organisations}
    return render(request, "shifts/planning_home.html", context)


# --- events -------------------------------------------------------------------------------


@login_required
def event_new(request: AuthedHttpRequest) -> HttpResponse:
    organisations = require_coordinator_somewhere(request.user)
    choices = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
    form = EventForm(request.POST or None, request.FILES or None, organisations=choices)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            event = event_create(
                actor=request.user,
                organisation=data["organisation"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                **form.event_details(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("The event is saved as a draft. Add tasks and shifts, then publish it.")
            )
            return redirect("planning-event", event.pk)
    status = 400 if form.errors else 200
    return render(request, "shifts/event_form.html", {"form": form, "event": None}, status=status)


@login_required
def event_edit(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request, event_id)
    # The form fills its instance while it validates; the page keeps showing the saved event.
    form = EventForm(request.POST or None, request.FILES or None, instance=copy.copy(event))
    if request.method == "POST" and form.is_valid():
        changed = form.event_changes()
        if (answer := event_time_changes(request, event, form, changed)) is not None:
            return answer  # new times: who is affected, confirmed first (change_views.py)
        try:
            if changed:
                event_update(actor=request.user, event=event, **changed)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("planning-event", event.pk)
    status = 400 if form.errors else 200
    return render(request, "shifts/event_form.html", {"form": form, "event": event}, status=status)


@login_required
def event_plan(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request, event_id)
    tasks = event_tasks(event=event)
    public_url = reverse("event", args=[event.pk])
    if event.visibility == Event.Visibility.SECRET:
        public_url += f"?n={event.secret_token}"
    context = {
        "event": event,
        "tasks": tasks,
        "public_url": request.build_absolute_uri(public_url),
        "has_open_shift": any(not s.is_cancelled for t in tasks for s in t.shifts.all()),
    }
    return render(request, "shifts/event_plan.html", context)


@login_required
def event_publish_view(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request, event_id)
    if request.method == "POST":
        try:
            event_publish(actor=request.user, event=event)
        except ValidationError as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(request, _("The event is published."))
    return redirect("planning-event", event.pk)


@login_required
def event_cancel_view(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request, event_id)
    if event.status == Event.Status.CANCELLED:
        messages.info(request, _("The event is already cancelled."))
        return redirect("planning-event", event.pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event_cancel(actor=request.user, event=event, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("The event is cancelled. Everyone signed up or waiting is being told.")
        )
        return redirect("planning-event", event.pk)
    told = event_people_counts(event=event)
    context = {"event": event, "form": form, "told": told, "told_total": sum(told.values())}
    status = 400 if form.errors else 200
    return render(request, "shifts/event_cancel.html", context, status=status)


@login_required
def event_copy_view(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request, event_id)
    form = CopyEventForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            copied = event_copy(actor=request.user, event=event, starts_at=form.new_start())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("This is the copy, saved as a draft. Check it, then publish it."),
            )
            return redirect("planning-event", copied.pk)
    status = 400 if form.errors else 200
    return render(request, "shifts/event_copy.html", {"event": event, "form": form}, status=status)


# --- tasks and shifts ---------------------------------------------------------------------


@login_required
def task_new(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request, event_id)
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            task = task_create(
                actor=request.user,
                event=event,
                title=data["title"],
                description=data["description"],
                meeting_point=data["meeting_point"],
                min_age=data["min_age"],
                skills=data["skills"],
                needs_child_check=data["needs_child_check"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The task is added. Now add its shifts."))
            return redirect("planning-shifts-new", task.pk)
    status = 400 if form.errors else 200
    return render(request, "shifts/task_form.html", {"event": event, "form": form}, status=status)


@login_required
def shifts_new(request: AuthedHttpRequest, task_id: int) -> HttpResponse:
    task = task_for(request, task_id)
    event = task.event
    form = ShiftForm(
        request.POST or None, initial={"starts_at": event.starts_at, "ends_at": event.ends_at}
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = _create_shifts(request, task, form)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                ngettext("%(n)s shift is added.", "%(n)s shifts are added.", created)
                % {"n": created},
            )
            return redirect(plan_url(event.pk, f"opgave-{task.pk}"))
    context = {"event": event, "task": task, "form": form}
    status = 400 if form.errors else 200
    return render(request, "shifts/shift_form.html", context, status=status)


def _create_shifts(request: AuthedHttpRequest, task: Task, form: ShiftForm) -> int:
    data, until = form.cleaned_data, form.series_end()
    if until is None:
        shift_create(
            actor=request.user,
            task=task,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            capacity=data["capacity"],
            signup_deadline=data.get("signup_deadline"),
            waitlist_policy=data["waitlist_policy"],
            offer_hours=data["offer_hours"],
        )
        return 1
    starts = recurring_starts(first=data["starts_at"], until=until, every=form.every())
    created = shifts_create(
        actor=request.user,
        task=task,
        starts=starts,
        duration=data["ends_at"] - data["starts_at"],
        signup_closes_before=form.closes_before(),
        capacity=data["capacity"],
        waitlist_policy=data["waitlist_policy"],
        offer_hours=data["offer_hours"],
    )
    return len(created)


@login_required
def shift_capacity(request: AuthedHttpRequest, shift_id: int) -> HttpResponse:
    shift = shift_for(request, shift_id)
    back = (
        reverse("planning-roster", args=[shift.pk])
        if request.POST.get("back") == "roster"
        else plan_url(shift.task.event_id, f"vagt-{shift.pk}")
    )
    if request.method != "POST":
        return redirect(back)
    form = CapacityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Places must be a whole number, 0 or more."))
        return redirect(back)
    try:
        shift_update_capacity(
            actor=request.user, shift_id=shift.pk, capacity=form.cleaned_data["capacity"]
        )
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        places = form.cleaned_data["capacity"]
        messages.success(
            request,
            ngettext("The shift now has %(n)s place.", "The shift now has %(n)s places.", places)
            % {"n": places},
        )
    return redirect(back)


@login_required
def shift_cancel_view(request: AuthedHttpRequest, shift_id: int) -> HttpResponse:
    shift = shift_for(request, shift_id)
    back = plan_url(shift.task.event_id, f"vagt-{shift.pk}")
    if request.method != "POST":
        return redirect(back)
    if shift.is_cancelled:
        messages.info(request, _("The shift is already cancelled."))
        return redirect(back)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    told = shift.confirmed_count + shift.offered_count + shift.waitlist_count
    shift_cancel(actor=request.user, shift_id=shift.pk, reason=reason)
    messages.success(
        request,
        ngettext(
            "The shift is cancelled. %(n)s person signed up or waiting is being told.",
            "The shift is cancelled. %(n)s people signed up or waiting are being told.",
            told,
        )
        % {"n": told},
    )
    return redirect(back)


# --- the roster ---------------------------------------------------------------------------


@login_required
def roster(request: AuthedHttpRequest, shift_id: int) -> HttpResponse:
    shift = shift_for(request, shift_id)
    return _render_roster(request, shift, AddPersonForm())


def _render_roster(
    request: HttpRequest, shift: Shift, form: AddPersonForm, status: int = 200
) -> HttpResponse:
    context = {
        "shift": shift,
        "task": shift.task,
        "event": shift.task.event,
        "form": form,
        **shift_roster(shift=shift),
    }
    return render(request, "shifts/roster.html", context, status=status)


@login_required
def roster_add(request: AuthedHttpRequest, shift_id: int) -> HttpResponse:
    shift = shift_for(request, shift_id)
    if request.method != "POST":
        return redirect("planning-roster", shift.pk)
    form = AddPersonForm(request.POST)
    if form.is_valid():
        person = active_user_by_email(email=form.cleaned_data["email"])
        if person is None:
            form.add_error("email", _("Nobody with this email has an account here."))
        else:
            try:
                signup = shift_sign_up(shift_id=shift.pk, user=person, added_by=request.user)
            except ValidationError as refusal:
                form.add_error("email", _refusal(refusal))
            else:
                messages.success(request, _added_message(signup, person))
                return redirect("planning-roster", shift.pk)
    return _render_roster(request, shift, form, status=400)


def _added_message(signup: SignUp, person: User) -> str:
    if signup.status == SignUp.Status.CONFIRMED:
        return _("%(name)s has a place on the shift.") % {"name": person.full_name}
    return _("The shift is full, so %(name)s is on the waitlist.") % {"name": person.full_name}


@login_required
def roster_remove(request: AuthedHttpRequest, signup_id: int) -> HttpResponse:
    signups = SignUp.objects.select_related("user", "shift__task__event__organisation")
    signup = get_object_or_404(signups, pk=signup_id)
    require_coordinator(request.user, signup.shift.task.event.organisation)
    if request.method != "POST":
        return redirect("planning-roster", signup.shift_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        signup_cancel(signup_id=signup.pk, actor=request.user, reason=reason)
    except ValidationError as refusal:
        messages.error(request, _refusal(refusal))
    else:
        messages.success(
            request, _("%(name)s is taken off the shift.") % {"name": signup.user.full_name}
        )
    return redirect("planning-roster", signup.shift_id)
