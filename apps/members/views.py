"""The member register's pages: a volunteer's own profile; for coordinators, an
organisation's page with its members, requests to join and roles, and one member's notes.
Whoever may not coordinate the organisation gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.legal.selectors import informed
from apps.members.forms import AddMemberForm, NoteForm, ProfileForm
from apps.members.models import Membership, MembershipRequest, Profile
from apps.members.selectors import pending_membership_requests
from apps.members.services import profile_update
from apps.members.services.join_requests import membership_request_answer
from apps.members.services.memberships import member_invite, member_note_add, member_notes
from apps.organisations.forms import InviteForm
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from apps.organisations.services.roles import is_org_admin
from kernel.http import AuthedHttpRequest


@login_required
def profile(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    mine, _created = Profile.objects.get_or_create(user=user)
    form = ProfileForm(request.POST or None, initial=_initial(user, mine))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile_update(
            user=user,
            tags=[*data["skills"], *data["interests"], *data["languages"]],
            availability=data["availability"],
            pause=data["pause"],
            full_name=data["full_name"],
            phone=data["phone"],
            birth_year=data["birth_year"],
            postcode=data["postcode"],
            area=data["area"],
            max_shifts_per_month=data["max_shifts_per_month"],
            max_hours_per_month=data["max_hours_per_month"],
            emergency_contact_name=data["emergency_contact_name"],
            emergency_contact_phone=data["emergency_contact_phone"],
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    return render(
        request,
        "members/profile.html",
        {"form": form, "profile": mine},
        status=400 if form.errors else 200,
    )


def _initial(user, profile: Profile) -> dict:
    tags = list(profile.tags.all())
    return {
        "full_name": user.full_name,
        "phone": user.phone,
        "birth_year": user.birth_year,
        "postcode": profile.postcode,
        "area": profile.area,
        "skills": [t for t in tags if t.kind == "skill"],
        "interests": [t for t in tags if t.kind == "interest"],
        "languages": [t for t in tags if t.kind == "language"],
        "availability": profile.availability,
        "max_shifts_per_month": profile.max_shifts_per_month,
        "max_hours_per_month": profile.max_hours_per_month,
        "emergency_contact_name": profile.emergency_contact_name,
        "emergency_contact_phone": profile.emergency_contact_phone,
        "pause": profile.status == Profile.Status.PAUSED,
    }


@login_required
def organisation_page(request: AuthedHttpRequest, org_id: int) -> HttpResponse:
    org = _coordinated(request, org_id)
    members = (
        Membership.objects.filter(organisation=org)
        .select_related("user")
        .order_by("user__full_name")
    )
    context = {
        "org": org,
        "members": members,
        "roles": org.roles.select_related("user").order_by("role", "user__full_name"),
        "join_requests": pending_membership_requests(organisation=org),
        "is_admin": is_org_admin(request.user, org),
        "invite_form": InviteForm(),
        "member_form": AddMemberForm(),
    }
    return render(request, "members/organisation.html", context)


@login_required
@require_POST
def organisation_add_member(request: AuthedHttpRequest, org_id: int) -> HttpResponse:
    org = _coordinated(request, org_id)
    form = AddMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the email address of the person to add."))
        return redirect("organisation", org.pk)
    membership = member_invite(actor=request.user, organisation=org, **form.cleaned_data)
    messages.success(request, _("%(name)s is a member.") % {"name": membership.user.full_name})
    return redirect("organisation", org.pk)


@login_required
@require_POST
def membership_request_answer_view(request: AuthedHttpRequest, request_id: int) -> HttpResponse:
    join_request = get_object_or_404(
        MembershipRequest.objects.select_related("organisation", "user"), pk=request_id
    )
    org = _coordinated(request, join_request.organisation_id)  # others: 404, as elsewhere here
    approve = request.POST.get("answer") == "approve"
    try:
        membership_request_answer(actor=request.user, request_id=join_request.pk, approve=approve)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        name = join_request.user.full_name or join_request.user.email
        text = (
            _("%(name)s is now a member.") if approve else _("The request of %(name)s is declined.")
        )
        messages.success(request, text % {"name": name})
    return redirect("organisation", org.pk)


@login_required
def member_page(request: AuthedHttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=membership_id
    )
    _coordinated(request, membership.organisation_id)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member_note_add(actor=request.user, membership=membership, text=form.cleaned_data["text"])
        return redirect("member", membership.pk)
    notes = member_notes(actor=request.user, membership=membership)
    context = {
        "m": membership,
        "notes": notes,
        "form": form,
        "informed": informed(user_ids=[membership.user_id]).get(membership.user_id),
    }
    return render(request, "members/member.html", context)


def _coordinated(request: AuthedHttpRequest, org_id: int) -> Organisation:
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None:
        raise Http404
    require_coordinator(request.user, org)
    return org
