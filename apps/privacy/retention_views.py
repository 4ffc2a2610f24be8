"""The site admin's retention page (/privatliv/opbevaring/): the settings, what the next
daily run will do and when, and the people anonymised soonest. A change first shows its
dry run ("with this setting, N people would be warned ...") and is saved only on confirm.
Only the system owner's admins; everyone else gets 404, as for the site settings.
Coordinators have their own page: when their closed referrals of citizens are deleted."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.organisations.permissions import require_coordinator_somewhere
from apps.privacy.forms import RetentionSettingsForm
from apps.privacy.models import RetentionSettings
from apps.privacy.services.retention import (
    SETTING_FIELDS,
    anonymised_soonest,
    next_run_at,
    referral_deletions,
    retention_run,
    retention_settings_update,
)
from kernel.http import AuthedHttpRequest, require_site_admin


@login_required
def retention_settings(request: AuthedHttpRequest) -> HttpResponse:
    require_site_admin(request)
    current = RetentionSettings.load()
    when = next_run_at()
    form = RetentionSettingsForm(
        # The form fills its instance while it validates; the preview compares with `current`.
        request.POST or None,
        instance=copy.copy(current),
    )
    proposed = None
    changes: list[tuple[object, int, int]] = []
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in SETTING_FIELDS}
        if form.cleaned_data["confirm"]:
            retention_settings_update(actor=request.user, **values)
            messages.success(request, _("The retention settings are saved."))
            return redirect("privacy-retention")
        proposed = retention_run(now=when, dry_run=True, rules=RetentionSettings(pk=1, **values))
        changes = [
            (form.fields[name].label, getattr(current, name), values[name])
            for name in SETTING_FIELDS
            if getattr(current, name) != values[name]
        ]
        form = form.to_confirm()
    context = {
        "form": form,
        "settings": current,
        "next_run": when,
        "report": retention_run(now=when, dry_run=True, rules=current),
        "proposed": proposed,
        "changes": changes,
        "soonest": anonymised_soonest(rules=current),
    }
    status = 400 if form.errors else 200
    return render(request, "privacy/retention.html", context, status=status)


@login_required
def referral_deletions_page(request: AuthedHttpRequest) -> HttpResponse:
    """A coordinator's view of retention: which of their organisations' closed referrals of
    citizens still hold personal data, and when the daily run deletes it."""
    organisations = require_coordinator_somewhere(request.user)
    context = {
        "deletions": referral_deletions(organisations=organisations),
        "months": RetentionSettings.load().referral_months,
    }
    return render(request, "privacy/referral_deletions.html", context)
