"""The public marketplace and a volunteer's own shifts. Thin: parse, call, render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.marketplace.event_page import days_of
from apps.marketplace.forms import CancelForm, EventFilterForm, MembershipRequestForm
from apps.members.selectors import membership_request_of
from apps.members.services.join_requests import membership_request
from apps.organisations.models import Follow, Organisation
from apps.organisations.selectors import organisations_coordinated_by
from apps.organisations.services.following import follow_set
from apps.shifts.models import Category, Shift, SignUp
from apps.shifts.selectors import (
    event_for_page,
    event_url,
    marketplace_events,
    members_only_event,
    my_signups,
    signups_by_shift,
)
from apps.shifts.services.signups import shift_sign_up, signup_cancel
from apps.shifts.services.waitlist import offer_accept, offer_decline
from kernel.http import AuthedHttpRequest

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    events = marketplace_events(filters=form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "categories": Category.objects.all(),
        "filtered": form.is_filtered(),
    }
    if not page.object_list and not context["filtered"]:
        context["plan"] = _first_event_link(request)
    return render(request, "marketplace/home.html", context)


def _first_event_link(request: HttpRequest) -> tuple[str, str] | None:
    """For staff on a site without events: where to start (an event, or first an actor)."""
    user = request.user
    if not user.is_authenticated:
        return None
    if organisations_coordinated_by(user=user):
        return reverse("planning-event-new"), _("Create the first event")
    if user.is_owner_admin:
        return reverse("organisation-new"), _("Register the first organisation, then its events")
    return None


def event_page(request: HttpRequest, event_id: int) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    event = event_for_page(event_id=event_id, user=user, token=request.GET.get("n", ""))
    if event is None:
        return _members_only_page(request, event_id)
    shifts = [shift for task in event.task_list for shift in task.shifts.all()]  # type: ignore[attr-defined]
    mine = signups_by_shift(user=user, shift_ids=[shift.pk for shift in shifts])
    days_of(event, mine)
    follows = (
        user is not None
        and Follow.objects.filter(user=user, organisation=event.organisation).exists()
    )
    context = {
        "event": event,
        "follows": follows,
        "my_shifts_url": reverse("my-shifts"),
        # Once per page, not per shift (see marketplace.event_page).
        "sign_up_label": _("Sign up"),
        "waitlist_label": _("Join the waitlist"),
        "calendar_label": _("Add to calendar"),
    }
    return render(request, "marketplace/event.html", context)


def _members_only_page(request: HttpRequest, event_id: int) -> HttpResponse:
    """A members-only event, to someone who is not a member: whose it is, and how to get in
    (sign in; ask to join). Nothing of the event itself. Anything else stays a 404."""
    event = members_only_event(event_id=event_id)
    if event is None:
        raise Http404
    here = reverse("event", args=[event.pk])
    context = {
        "event": event,
        "organisation": event.organisation,
        "join_request": (
            membership_request_of(user=request.user, organisation=event.organisation)
            if request.user.is_authenticated
            else None
        ),
        "form": MembershipRequestForm(),
        "sign_in_url": f"{reverse('login')}?{urlencode({'next': here})}",
    }
    return render(request, "marketplace/members_only.html", context, status=403)


@login_required
@require_POST
def membership_request_view(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = members_only_event(event_id=event_id)
    if event is None:
        raise Http404
    form = MembershipRequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        membership_request(user=request.user, event=event, message=message)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(
            request,
            _("Your request is sent. The coordinators of %(name)s will answer by mail.")
            % {"name": event.organisation.name},
        )
    return redirect("event", event.pk)


@require_POST
def shift_sign_up_view(request: HttpRequest, shift_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        back = _back_to_shift(_shift_with_event(shift_id))
        return redirect(f"{reverse('register')}?{urlencode({'next': back})}")
    over_ok = request.POST.get("over_workload_ok") == "1"
    try:
        signup = shift_sign_up(shift_id=shift_id, user=request.user, over_workload_ok=over_ok)
    except Shift.DoesNotExist:
        raise Http404 from None
    except ValidationError as refusal:
        # Read here, not before: a sign-up that works reuses the service's own read.
        shift = _shift_with_event(shift_id)
        if refusal.code == "over_workload":  # ask, do not refuse: it is their choice
            context = {"shift": shift, "reason": refusal.messages[0], "back": _back_to_shift(shift)}
            return render(request, "marketplace/confirm_workload.html", context)
        messages.error(request, " ".join(refusal.messages))
        return redirect(_back_to_shift(shift))
    messages.success(request, _signed_up_message(signup))
    return redirect(_back_to_shift(signup.shift))


def _shift_with_event(shift_id: int) -> Shift:
    return get_object_or_404(Shift.objects.select_related("task__event"), pk=shift_id)


def _back_to_shift(shift: Shift) -> str:
    return event_url(event=shift.task.event) + f"#vagt-{shift.pk}"


def _signed_up_message(signup: SignUp) -> str:
    if signup.status == SignUp.Status.CONFIRMED:
        return _("You are signed up. See you there!")
    return _("The shift is full, so you are on the waitlist. We will write if a place is free.")


@login_required
@require_POST
def signup_cancel_view(request: AuthedHttpRequest, signup_id: int) -> HttpResponse:
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        signup = signup_cancel(signup_id=signup_id, actor=request.user, reason=reason)
    except SignUp.DoesNotExist:
        raise Http404 from None
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _cancelled_message(signup))
    return redirect("my-shifts")


def _cancelled_message(signup: SignUp) -> str:
    if signup.is_late:
        return _(
            "You are cancelled. It is close to the start, so please also tell the coordinator."
        )
    return _("You are cancelled. Thank you for letting us know.")


@login_required
@require_POST
def offer_accept_view(request: AuthedHttpRequest, signup_id: int) -> HttpResponse:
    try:
        offer_accept(signup_id=signup_id, user=request.user)
    except SignUp.DoesNotExist:
        raise Http404 from None
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("The place is yours. See you there!"))
    return redirect("my-shifts")


@login_required
@require_POST
def offer_decline_view(request: AuthedHttpRequest, signup_id: int) -> HttpResponse:
    try:
        offer_decline(signup_id=signup_id, user=request.user)
    except SignUp.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Thank you. The place goes to the next in line."))
    return redirect("my-shifts")


@login_required
def my_shifts(request: AuthedHttpRequest) -> HttpResponse:
    groups = my_signups(user=request.user)
    feed = request.build_absolute_uri(
        reverse("calendar-personal", args=[request.user.calendar_token])
    )
    return render(
        request,
        "marketplace/my_shifts.html",
        {**groups, "feed_url": feed, "cancel_form": CancelForm()},
    )


@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    """Follow an organisation or a category (a sign-in first, for strangers)."""
    back = _local_path(request, request.POST.get("next"))
    if not request.user.is_authenticated:
        return redirect(f"{reverse('register')}?{urlencode({'next': back})}")
    organisation = Organisation.objects.filter(pk=request.POST.get("organisation") or 0).first()
    category = Category.objects.filter(slug=request.POST.get("category") or "").first()
    if organisation is None and category is None:
        raise Http404
    on = request.POST.get("on") == "1"
    follow_set(user=request.user, on=on, organisation=organisation, category=category)
    name = organisation.name if organisation else category.name  # type: ignore[union-attr]
    text = _("You follow %(name)s.") if on else _("You no longer follow %(name)s.")
    messages.success(request, text % {"name": name})
    return redirect(back)


def _local_path(request: HttpRequest, target: str | None) -> str:
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if target and allowed else reverse("home")
