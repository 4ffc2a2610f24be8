"""Recruitment pages. Thin: parse, check who may, call one service, answer.

Public: the open postings, a posting, the application form (signed-in people only).
Coordinators: the pipeline board, an application with its moves and log, the onboarding
checklist. Everyone who may not coordinate the organisation gets 404, as if it did not
exist; the volunteer sees their own checklist and may accept the agreement and declaration.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator, require_coordinator_somewhere
from apps.organisations.selectors import can_coordinate, organisations_coordinated_by
from apps.recruitment.forms import (
    ApplicationForm,
    CheckForm,
    DateForm,
    InterviewForm,
    MeetingForm,
    MoveForm,
    PolicyForm,
    PostingForm,
    TrialEndForm,
    availability_labels,
)
from apps.recruitment.models import (
    AgreementTemplate,
    Application,
    Onboarding,
    Posting,
    RecruitmentSettings,
)
from apps.recruitment.selectors import board as board_columns
from apps.recruitment.selectors import open_postings, posting_for_page, postings_of
from apps.recruitment.services.interviews import SCHEDULABLE, interview_schedule
from apps.recruitment.services.onboarding import (
    default_agreement_text,
    introduction_record,
    must_see_onboarding,
    onboarding_accept,
    record_check_set,
    status_meeting_add,
    trial_end_set,
)
from apps.recruitment.services.pipeline import (
    allowed_moves,
    application_move,
    application_submit,
    application_withdraw,
    posting_is_open,
)
from apps.recruitment.services.policy import agreement_template_save, recruitment_settings_update
from apps.recruitment.services.postings import posting_create, posting_publish
from kernel.forms import add_service_error
from kernel.http import AuthedHttpRequest, require_site_admin


def _refusal(error: ValidationError) -> str:
    return " ".join(error.messages)


def _coordinated(request: HttpRequest) -> list[Organisation]:
    if not request.user.is_authenticated:
        return []
    return organisations_coordinated_by(user=request.user)


def _application(request: AuthedHttpRequest, application_id: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("posting__organisation", "user", "membership"),
        pk=application_id,
    )
    require_coordinator(request.user, application.posting.organisation)
    return application


# --- public ---------------------------------------------------------------------------------


def posting_list(request: HttpRequest) -> HttpResponse:
    return render(request, "recruitment/posting_list.html", {"postings": open_postings()})


def posting_page(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = posting_for_page(posting_id=posting_id, coordinated=_coordinated(request))
    if posting is None:
        raise Http404
    context = {"posting": posting, "is_open": posting_is_open(posting)}
    return render(request, "recruitment/posting.html", context)


def apply(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = get_object_or_404(
        Posting.objects.select_related("organisation"),
        pk=posting_id,
        status=Posting.Status.PUBLISHED,
    )
    here = reverse("recruitment-apply", args=[posting.pk])
    if not request.user.is_authenticated:
        # Registration e-mails a link that proves the address, then brings them back here.
        return redirect(f"{reverse('register')}?{urlencode({'next': here})}")
    if not posting_is_open(posting):
        messages.error(request, _("This posting is not open for applications."))
        return redirect("recruitment-posting", posting.pk)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_submit(user=request.user, posting=posting, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Thank you for your application. The organisation will contact you."),
            )
            return redirect("recruitment-posting", posting.pk)
    status = 400 if form.errors else 200
    return render(
        request, "recruitment/apply.html", {"posting": posting, "form": form}, status=status
    )


# --- coordinators ---------------------------------------------------------------------------


@login_required
def board(request: AuthedHttpRequest) -> HttpResponse:
    organisations = require_coordinator_somewhere(request.user)
    postings = list(postings_of(organisations=organisations))
    try:
        chosen = int(request.GET.get("opslag") or 0)
    except ValueError:
        chosen = 0
    if chosen and chosen not in {p.pk for p in postings}:
        raise Http404
    columns = board_columns(organisations=organisations, posting_id=chosen or None)
    context = {
        "postings": postings,
        "chosen": chosen,
        "columns": [
            (status, label, columns[status]) for status, label in Application.Status.choices
        ],
        "organisations": organisations,
    }
    return render(request, "recruitment/board.html", context)


@login_required
def posting_new(request: AuthedHttpRequest) -> HttpResponse:
    organisations = require_coordinator_somewhere(request.user)
    choices = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
    form = PostingForm(request.POST or None, organisations=choices)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            posting = posting_create(
                actor=request.user,
                organisation=data["organisation"],
                title=data["title"],
                description=data["description"],
                skills=data["skills"],
                hours_per_month=data["hours_per_month"],
                place=data["place"],
                contact_person=data["contact_person"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                needs_criminal_record_check=data["needs_criminal_record_check"],
                needs_child_check=data["needs_child_check"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The posting is saved as a draft. Publish it when ready."))
            return redirect(f"{reverse('recruitment-board')}?opslag={posting.pk}")
    status = 400 if form.errors else 200
    return render(request, "recruitment/posting_form.html", {"form": form}, status=status)


@login_required
def posting_publish_view(request: AuthedHttpRequest, posting_id: int) -> HttpResponse:
    posting = get_object_or_404(Posting.objects.select_related("organisation"), pk=posting_id)
    require_coordinator(request.user, posting.organisation)
    if request.method == "POST":
        try:
            posting_publish(actor=request.user, posting=posting)
        except ValidationError as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(request, _("The posting is published."))
    return redirect(f"{reverse('recruitment-board')}?opslag={posting.pk}")


@login_required
def application_detail(request: AuthedHttpRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    # Reading an application is reading personal data: it is logged.
    audit_record(actor=request.user, action="application.read", target=application)
    moves = [
        (status, Application.Status(status).label) for status in allowed_moves(application.status)
    ]
    context = {
        "application": application,
        "posting": application.posting,
        "availability": availability_labels(application.availability),
        "moves": moves,
        "events": application.events.select_related("actor"),
        "interviews": application.interviews.all(),
        "can_book": application.status in SCHEDULABLE,
        "interview_form": InterviewForm(),
        "onboarding": Onboarding.objects.filter(application=application).first(),
    }
    return render(request, "recruitment/application.html", context)


@login_required
def application_move_view(request: AuthedHttpRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    back = reverse("recruitment-application", args=[application.pk])
    if request.method != "POST":
        return redirect(back)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose where the application goes."))
        return redirect(back)
    to = form.cleaned_data["to"]
    try:
        application_move(
            actor=request.user, application=application, to=to, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(
            request,
            _("The application is moved to “%(to)s”.") % {"to": Application.Status(to).label},
        )
    return redirect(back)


@login_required
def interview_new(request: AuthedHttpRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    back = reverse("recruitment-application", args=[application.pk])
    if request.method != "POST":
        return redirect(back)
    form = InterviewForm(request.POST)
    if form.is_valid():
        try:
            interview_schedule(actor=request.user, application=application, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The interview is booked. The invitation is on its way."))
            return redirect(back)
    for problems in form.errors.values():
        for problem in problems:
            messages.error(request, str(problem))
    return redirect(back)


# --- onboarding -----------------------------------------------------------------------------

ONBOARDING_ACTIONS = (
    "agreement",
    "confidentiality",
    "introduction",
    "trial_end",
    "check",
    "meeting",
)


@login_required
def onboarding_page(request: AuthedHttpRequest, onboarding_id: int) -> HttpResponse:
    onboarding = get_object_or_404(
        Onboarding.objects.select_related("organisation", "user", "contact_person", "application"),
        pk=onboarding_id,
    )
    me = request.user
    must_see_onboarding(me, onboarding)
    coordinates = can_coordinate(user=me, organisation=onboarding.organisation)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ONBOARDING_ACTIONS:
            raise Http404
        try:
            _onboarding_change(request, onboarding, action)
        except ValidationError as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(request, _("Saved."))
        return redirect("recruitment-onboarding", onboarding.pk)
    if coordinates:
        audit_record(actor=me, action="onboarding.read", target=onboarding)
    context = {
        "onboarding": onboarding,
        "coordinates": coordinates,
        "checks": onboarding.checks.select_related("checked_by"),
        "meetings": onboarding.meetings.select_related("author"),
        "check_form": CheckForm(),
        "meeting_form": MeetingForm(),
        "trial_form": TrialEndForm(initial={"ends_on": onboarding.trial_ends_on}),
    }
    return render(request, "recruitment/onboarding.html", context)


def _onboarding_change(request: AuthedHttpRequest, onboarding: Onboarding, action: str) -> None:
    me = request.user
    form_class = {
        "agreement": DateForm,
        "confidentiality": DateForm,
        "introduction": DateForm,
        "trial_end": TrialEndForm,
        "check": CheckForm,
        "meeting": MeetingForm,
    }[action]
    form = form_class(request.POST)
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
    data = form.cleaned_data
    if action in ("agreement", "confidentiality"):
        onboarding_accept(actor=me, onboarding=onboarding, what=action, on=data["on"])
    elif action == "introduction":
        introduction_record(actor=me, onboarding=onboarding, done_on=data["on"])
    elif action == "trial_end":
        trial_end_set(actor=me, onboarding=onboarding, ends_on=data["ends_on"])
    elif action == "check":
        record_check_set(actor=me, onboarding=onboarding, **data)
    else:
        status_meeting_add(actor=me, onboarding=onboarding, **data)


# --- the system owner's policy ---------------------------------------------------------------


@login_required
def policy(request: AuthedHttpRequest) -> HttpResponse:
    require_site_admin(request)
    me = request.user
    current = RecruitmentSettings.load()
    template = AgreementTemplate.objects.filter(organisation__isnull=True).first()
    initial = {
        "check_renewal_months": current.check_renewal_months,
        "trial_months": current.trial_months,
        "agreement_text": template.text if template else default_agreement_text(),
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                recruitment_settings_update(
                    actor=me,
                    check_renewal_months=data["check_renewal_months"],
                    trial_months=data["trial_months"],
                )
                agreement_template_save(actor=me, text=data["agreement_text"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The recruitment settings are saved."))
            return redirect("recruitment-policy")
    status = 400 if form.errors else 200
    return render(request, "recruitment/policy.html", {"form": form}, status=status)


# --- the volunteer's own ----------------------------------------------------------------------


@login_required
def my_applications(request: AuthedHttpRequest) -> HttpResponse:
    applications = (
        Application.objects.filter(user=request.user)
        .select_related("posting__organisation", "onboarding")
        .order_by("-created_at", "-id")
    )
    return render(request, "recruitment/my_applications.html", {"applications": applications})


@login_required
def my_application_withdraw(request: AuthedHttpRequest, application_id: int) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.select_related("posting__organisation"),
        pk=application_id,
        user=request.user,
    )
    if request.method == "POST":
        try:
            application_withdraw(user=request.user, application=application)
        except ValidationError as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(request, _("Your application is withdrawn."))
    return redirect("recruitment-mine")
