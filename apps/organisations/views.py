"""Organisations: the system owner approves them; their admins invite coordinators;
coordinators keep the member list and notes. Everyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.http import AuthedHttpRequest
from apps.members.models import Membership
from apps.organisations.forms import AddMemberForm, InviteForm, NoteForm, OrganisationForm
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from apps.organisations.selectors import (
    organisations_coordinated_by,
    pending_membership_requests,
)
from apps.organisations.services.join_requests import membership_request_answer
from apps.organisations.services.members import member_invite, member_note_add, member_notes
from apps.organisations.services.roles import (
    is_org_admin,
    organisation_approve,
    organisation_register,
    role_invite,
)


@login_required
def organisation_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    pending = Organisation.objects.filter(is_approved=False) if user.is_owner_admin else []
    context = {"mine": organisations_coordinated_by(user=user), "pending": pending}
    return render(request, "organisations/list.html", context)


@login_required
def organisation_new(request: AuthedHttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = organisation_register(actor=request.user, **form.cleaned_data)
        text = (
            _("%(name)s is registered.")
            if org.is_approved
            else _("%(name)s is registered and waits for the municipality's approval.")
        )
        messages.success(request, text % {"name": org.name})
        return redirect("organisation", org.pk)
    return render(
        request, "organisations/new.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def organisation_approve_view(request: AuthedHttpRequest, org_id: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=org_id)
    try:
        organisation_approve(actor=request.user, organisation=org)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("%(name)s is approved.") % {"name": org.name})
    return redirect("organisations")


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
    return render(request, "organisations/page.html", context)


@login_required
@require_POST
def organisation_invite(request: AuthedHttpRequest, org_id: int) -> HttpResponse:
    org = _coordinated(request, org_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a name, an email and a role."))
        return redirect("organisation", org.pk)
    try:
        role_invite(actor=request.user, organisation=org, **form.cleaned_data)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request, _("%(email)s is invited and gets a sign-in link.") % form.cleaned_data
    )
    return redirect("organisation", org.pk)


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
    from apps.members.models import MembershipRequest

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
    return render(
        request, "organisations/member.html", {"m": membership, "notes": notes, "form": form}
    )


def _coordinated(request: AuthedHttpRequest, org_id: int) -> Organisation:
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None:
        raise Http404
    require_coordinator(request.user, org)
    return org
