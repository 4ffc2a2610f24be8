"""Erasure pages: the person deletes their own account; the site's system-owner admin
erases a person on request and sets or clears a legal hold. Others get 404."""

from django.contrib import messages as flash
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.privacy.erasure_forms import (
    AdminEraseForm,
    FindPersonForm,
    LegalHoldForm,
    SelfEraseForm,
)
from apps.privacy.models import LegalHold
from apps.privacy.services.erasure import (
    ErasureRefused,
    erasure_blockers,
    legal_hold_clear,
    legal_hold_set,
    person_erase,
)
from kernel.http import AuthedHttpRequest, require_site_admin


@login_required
def erase_self(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    form = SelfEraseForm(request.POST or None, user=user)
    blockers = erasure_blockers(user=user)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            person_erase(actor=user, user=user, reason=_("The person deleted their account"))
        except ErasureRefused as refused:
            blockers = list(refused.messages)
        else:
            logout(request)
            return render(request, "privacy/erasure_done.html")
    status = 400 if form.errors or (request.method == "POST" and blockers) else 200
    context = {"form": form, "blockers": blockers}
    return render(request, "privacy/erasure_self.html", context, status=status)


@login_required
def erase_find(request: AuthedHttpRequest) -> HttpResponse:
    require_site_admin(request)
    form = FindPersonForm(request.GET or None)
    if form.is_valid():
        person = User.objects.filter(
            email__iexact=form.cleaned_data["email"], erased_at__isnull=True
        ).first()
        if person is not None:
            return redirect("privacy-erase-person", user_id=person.pk)
        form.add_error("email", _("Nobody on this site has that email."))
    return render(request, "privacy/erasure_find.html", {"form": form})


@login_required
def erase_person(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    require_site_admin(request)
    person = get_object_or_404(User, pk=user_id)
    form = AdminEraseForm(request.POST or None)
    blockers = erasure_blockers(user=person) if person.erased_at is None else []
    if request.method == "POST" and person.erased_at is None and form.is_valid():
        try:
            person_erase(actor=request.user, user=person, reason=form.cleaned_data["reason"])
        except ErasureRefused as refused:
            blockers = list(refused.messages)
        else:
            flash.success(request, _("The person has been erased."))
            return redirect("privacy-erase-person", user_id=person.pk)
    context = {
        "person": person,
        "form": form,
        "blockers": blockers,
        "hold": LegalHold.objects.filter(user=person).first(),
        "hold_form": LegalHoldForm(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/erasure_person.html", context, status=status)


@login_required
def legal_hold(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    require_site_admin(request)
    person = get_object_or_404(User, pk=user_id, erased_at__isnull=True)
    if request.method != "POST":
        return redirect("privacy-erase-person", user_id=person.pk)
    if request.POST.get("action") == "clear":
        legal_hold_clear(actor=request.user, user=person)
        flash.success(request, _("The legal hold has been lifted."))
        return redirect("privacy-erase-person", user_id=person.pk)
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        legal_hold_set(actor=request.user, user=person, reason=form.cleaned_data["reason"])
        flash.success(request, _("The legal hold has been set."))
        return redirect("privacy-erase-person", user_id=person.pk)
    context = {
        "person": person,
        "form": AdminEraseForm(),
        "blockers": erasure_blockers(user=person),
        "hold": None,
        "hold_form": form,
    }
    return render(request, "privacy/erasure_person.html", context, status=400)
