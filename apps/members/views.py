from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts.http import AuthedHttpRequest
from apps.members.forms import ProfileForm
from apps.members.models import Profile
from apps.members.services import profile_update


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
