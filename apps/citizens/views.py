"""Citizen matching pages. Thin: parse, check who may, call one service, answer.

Coordinators: the referrals of their organisations' programmes, a referral with its
suggestions and its match's steps. Referrers: the referral form and a receipt, nothing
else. Volunteers: their proposals and matches (what `selectors.volunteer_view` gives of
the citizen), and their own capacity. The citizen: a no-sign-in yes/no page after the first
meeting. Whoever may not see a thing gets 404, as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.citizens.forms import (
    CapacityForm,
    CheckInForm,
    ConcernForm,
    EndForm,
    MeetingForm,
    ProgrammeForm,
    ReferralForm,
)
from apps.citizens.links import answer_token, evaluation_token, match_for_token
from apps.citizens.models import CitizenMatch, MatchCapacity, Programme, Referral
from apps.citizens.selectors import (
    checkins_due,
    checkins_of,
    concerns_of,
    evaluation_of_volunteer,
    evaluations_waiting_for_citizen,
    is_referrer,
    matches_of_volunteer,
    may_read_special_category,
    open_match,
    open_programmes,
    programmes_of,
    referrals_for_coordinators,
    volunteer_view,
    workloads,
)
from apps.citizens.services._common import NotTheVolunteer
from apps.citizens.services.matches import (
    match_answer,
    match_confirm,
    match_end,
    match_propose,
    meeting_plan,
)
from apps.citizens.services.referrals import (
    capacity_set,
    programme_create,
    referral_create,
    referral_withdraw,
    special_category_read,
)
from apps.citizens.suggestions import suggest
from apps.organisations.permissions import require_coordinator, require_coordinator_somewhere
from apps.organisations.selectors import organisations_coordinated_by
from kernel.http import AuthedHttpRequest

Side = CitizenMatch.Side


def _refusal(request: HttpRequest, refusal: ValidationError) -> None:
    messages.error(request, " ".join(refusal.messages))


# --- coordinators ------------------------------------------------------------------------


@login_required
def referral_list(request: AuthedHttpRequest) -> HttpResponse:
    organisations = require_coordinator_somewhere(request.user)
    context = {
        "referrals": referrals_for_coordinators(organisations=organisations),
        "programmes": programmes_of(organisations=organisations),
        "checkins": checkins_due(organisations=organisations, today=timezone.localdate()),
    }
    return render(request, "citizens/referral_list.html", context)


@login_required
def programme_new(request: AuthedHttpRequest) -> HttpResponse:
    organisations = require_coordinator_somewhere(request.user)
    form = ProgrammeForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme_create(
                actor=request.user,
                organisation=data["organisation"],
                name=data["name"],
                description=data["description"],
                required_steps=data["required_steps"],
                funder=data["funder"],
                grant_starts_on=data["grant_starts_on"],
                grant_ends_on=data["grant_ends_on"],
                checkin_months=data["checkin_months"],
                allows_self_referral=data["allows_self_referral"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The programme is open for referrals."))
            return redirect("citizens-referrals")
    status = 400 if request.method == "POST" else 200
    return render(request, "citizens/programme_form.html", {"form": form}, status=status)


@login_required
def withdraw(request: AuthedHttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral(request, referral_id)
    if request.method == "POST":
        try:
            referral_withdraw(actor=request.user, referral=referral)
        except ValidationError as refusal:
            _refusal(request, refusal)
        else:
            messages.success(request, _("The referral is withdrawn."))
            return redirect("citizens-referrals")
    return redirect("citizens-referral", referral.pk)


def _referral(request: AuthedHttpRequest, referral_id: int) -> Referral:
    referral = get_object_or_404(
        Referral.objects.select_related("programme__organisation"), pk=referral_id
    )
    require_coordinator(request.user, referral.programme.organisation)
    return referral


def _detail(
    request: AuthedHttpRequest, referral: Referral, special: str | None = None
) -> HttpResponse:
    match = open_match(referral=referral)
    waiting = referral.status == Referral.Status.NEW
    answer_url = ""
    if match and match.status == CitizenMatch.Status.MEETING_PLANNED:
        answer_url = request.build_absolute_uri(
            reverse("citizens-answer", args=[answer_token(match=match)])
        )
    suggestions = suggest(referral) if waiting else []
    loads = workloads(user_ids=[s.candidate.user_id for s in suggestions], now=timezone.now())
    context = {
        "referral": referral,
        "match": match,
        "suggestions": [(s, loads[s.candidate.user_id]) for s in suggestions],
        "checkins": checkins_of(match=match) if match else [],
        "concerns": concerns_of(match=match) if match else [],
        "checkin_form": CheckInForm(),
        "may_read_special": referral.has_special_category
        and may_read_special_category(user=request.user, programme=referral.programme),
        "special": special,
        "meeting_form": MeetingForm(),
        "end_form": EndForm(),
        "answer_url": answer_url,
        "after_meeting": bool(match and match.meeting_at and match.meeting_at <= timezone.now()),
        "citizen_evaluations": [
            (e, request.build_absolute_uri(reverse("citizens-evaluation-link", args=[token])))
            for e in evaluations_waiting_for_citizen(referral=referral)
            for token in [evaluation_token(evaluation=e)]
        ],
    }
    return render(request, "citizens/referral.html", context)


@login_required
def referral_detail(request: AuthedHttpRequest, referral_id: int) -> HttpResponse:
    return _detail(request, _referral(request, referral_id))


@login_required
def special_category(request: AuthedHttpRequest, referral_id: int) -> HttpResponse:
    """A POST, so that reading (and its audit row) is a deliberate act, never a prefetch."""
    referral = _referral(request, referral_id)
    if request.method != "POST":
        return redirect("citizens-referral", referral.pk)
    try:
        text = special_category_read(actor=request.user, referral=referral)
    except PermissionDenied as refused:  # not one of the programme's own coordinators
        raise Http404 from refused
    return _detail(request, referral, special=text)


@login_required
def propose(request: AuthedHttpRequest, referral_id: int, user_id: int) -> HttpResponse:
    referral = _referral(request, referral_id)
    if request.method == "POST":
        volunteer = get_object_or_404(User, pk=user_id, is_active=True)
        try:
            match_propose(actor=request.user, referral=referral, volunteer=volunteer)
        except ValidationError as refusal:
            _refusal(request, refusal)
        else:
            messages.success(
                request,
                _("%(name)s has been asked and will answer on their page.")
                % {"name": volunteer.full_name},
            )
    return redirect("citizens-referral", referral.pk)


def _coordinated_match(request: AuthedHttpRequest, match_id: int) -> CitizenMatch:
    match = get_object_or_404(
        CitizenMatch.objects.select_related("referral__programme__organisation", "volunteer"),
        pk=match_id,
    )
    require_coordinator(request.user, match.referral.programme.organisation)
    return match


@login_required
def meeting(request: AuthedHttpRequest, match_id: int) -> HttpResponse:
    match = _coordinated_match(request, match_id)
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                meeting_plan(
                    actor=request.user,
                    match=match,
                    starts_at=form.cleaned_data["starts_at"],
                    place=form.cleaned_data["place"],
                )
            except ValidationError as refusal:
                _refusal(request, refusal)
            else:
                messages.success(request, _("The meeting is planned and the invitations sent."))
        else:
            messages.error(request, _("Give a time and a place for the meeting."))
    return redirect("citizens-referral", match.referral_id)


@login_required
def citizen_answer_by_coordinator(request: AuthedHttpRequest, match_id: int) -> HttpResponse:
    match = _coordinated_match(request, match_id)
    if request.method == "POST":
        try:
            match_confirm(
                match=match,
                side=Side.CITIZEN,
                yes=request.POST.get("answer") == "yes",
                actor=request.user,
                via="coordinator",
            )
        except ValidationError as refusal:
            _refusal(request, refusal)
    return redirect("citizens-referral", match.referral_id)


@login_required
def end(request: AuthedHttpRequest, match_id: int) -> HttpResponse:
    """Ending by the coordinator (from the referral) or the volunteer (from their page)."""
    match = get_object_or_404(
        CitizenMatch.objects.select_related("referral__programme__organisation"), pk=match_id
    )
    coordinates = match.volunteer_id != request.user.pk
    if coordinates:
        require_coordinator(request.user, match.referral.programme.organisation)
    if request.method == "POST":
        form = EndForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Choose a reason."))
            match_end(actor=request.user, match=match, reason=form.cleaned_data["reason"])
        except ValidationError as refusal:
            _refusal(request, refusal)
        else:
            messages.success(request, _("The match has ended."))
    if coordinates:
        return redirect("citizens-referral", match.referral_id)
    return redirect("citizens-proposal", match.pk)


# --- the referral form: coordinators and referrers ----------------------------------------


def _programmes_for(user: User) -> list[Programme]:
    if is_referrer(user=user):
        return list(open_programmes())
    organisations = organisations_coordinated_by(user=user)
    if not organisations:
        raise Http404
    return list(programmes_of(organisations=organisations).filter(is_open=True))


@login_required
def referral_new(request: AuthedHttpRequest) -> HttpResponse:
    programmes = _programmes_for(request.user)
    queryset = Programme.objects.filter(pk__in=[p.pk for p in programmes])
    form = ReferralForm(request.POST or None, programmes=queryset)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_create(
                actor=request.user,
                programme=form.cleaned_data["programme"],
                data=form.referral_data(),
                special_category=form.cleaned_data["special_category"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            if referral.source == Referral.Source.COORDINATOR:
                return redirect("citizens-referral", referral.pk)
            return redirect("citizens-referral-received")
    status = 400 if request.method == "POST" else 200
    return render(request, "citizens/referral_form.html", {"form": form}, status=status)


@login_required
def referral_received(request: AuthedHttpRequest) -> HttpResponse:
    _programmes_for(request.user)  # referrers and coordinators only
    return render(request, "citizens/referral_received.html")


# --- volunteers ----------------------------------------------------------------------------


@login_required
def my_matches(request: AuthedHttpRequest) -> HttpResponse:
    limit = MatchCapacity.objects.filter(user=request.user).values_list("max_matches", flat=True)
    initial = limit.first()
    form = CapacityForm(
        request.POST or None,
        initial={"max_matches": MatchCapacity.DEFAULT if initial is None else initial},
    )
    if request.method == "POST" and form.is_valid():
        capacity_set(actor=request.user, max_matches=form.cleaned_data["max_matches"])
        messages.success(request, _("Saved."))
        return redirect("citizens-mine")
    context = {
        "matches": matches_of_volunteer(user=request.user),
        "resting": MatchCapacity.objects.filter(
            user=request.user, resting_since__isnull=False
        ).exists(),
        "form": form,
        "workload": workloads(user_ids=[request.user.pk], now=timezone.now())[request.user.pk],
    }
    return render(request, "citizens/my_matches.html", context)


def _own_match(request: AuthedHttpRequest, match_id: int) -> CitizenMatch:
    match = get_object_or_404(
        CitizenMatch.objects.select_related("referral__programme__organisation"),
        pk=match_id,
        volunteer=request.user,
    )
    return match


@login_required
def proposal(request: AuthedHttpRequest, match_id: int) -> HttpResponse:
    """The volunteer's page of one proposal or match: what they need of the citizen, and
    the answer the match waits for from them."""
    match = _own_match(request, match_id)
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if match.status == CitizenMatch.Status.PROPOSED:
                match_answer(actor=request.user, match=match, accept=answer == "yes")
            else:
                match_confirm(
                    match=match, side=Side.VOLUNTEER, yes=answer == "yes", actor=request.user
                )
        except NotTheVolunteer as refused:
            raise Http404 from refused
        except ValidationError as refusal:
            _refusal(request, refusal)
        return redirect("citizens-proposal", match.pk)
    context = {
        "match": match,
        "citizen": volunteer_view(referral=match.referral),
        "after_meeting": bool(match.meeting_at and match.meeting_at <= timezone.now()),
        "end_form": EndForm(),
        "concern_form": ConcernForm(),
        "evaluation": evaluation_of_volunteer(match=match),
    }
    return render(request, "citizens/proposal.html", context)


# --- the citizen, without signing in -----------------------------------------------------------


def citizen_answer(request: HttpRequest, token: str) -> HttpResponse:
    match = match_for_token(token)
    if match is None:
        return render(request, "citizens/answer_spent.html", status=404)
    done = ""
    if request.method == "POST":
        yes = request.POST.get("answer") == "yes"
        try:
            match_confirm(match=match, side=Side.CITIZEN, yes=yes, via="link")
        except ValidationError as refusal:
            _refusal(request, refusal)
        else:
            done = "yes" if yes else "no"
    answered = bool(match.citizen_confirmed_at)
    context = {"match": match, "done": done, "answered": answered}
    return render(request, "citizens/answer.html", context)
