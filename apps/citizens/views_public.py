"""The public form where a citizen asks for a volunteer themself, without an account, into
an open programme that takes such requests (Programme.allows_self_referral). Throttled
per IP (RATELIMIT_SELF_REFERRAL_IP, apps/accounts/throttle.py); a filled-in hidden field
marks a bot, which gets the receipt and nothing is saved. A bad submit shows the form
again with everything typed (the sensitive field included) and the errors in Danish."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.accounts.throttle import ip_flooding, too_many_requests
from apps.citizens.forms import SelfReferralForm
from apps.citizens.models import Programme
from apps.citizens.services.referrals import self_referral_create
from kernel.forms import is_a_bot


def self_referral(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.filter(is_open=True, allows_self_referral=True).select_related(
        "organisation"
    )
    form = SelfReferralForm(request.POST or None, programmes=programmes)
    if request.method == "POST":
        if flood := ip_flooding(request, "RATELIMIT_SELF_REFERRAL_IP"):
            return too_many_requests(request, flood)
        if form.is_valid():
            if is_a_bot(request.POST):
                return redirect("citizens-self-referral-received")
            try:
                self_referral_create(
                    programme=form.cleaned_data["programme"],
                    data=form.referral_data(),
                    special_category=form.cleaned_data["special_category"],
                )
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                return redirect("citizens-self-referral-received")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "any_programme": programmes.exists()}
    return render(request, "citizens/self_referral.html", context, status=status)


def self_referral_received(request: HttpRequest) -> HttpResponse:
    return render(request, "citizens/self_referral_received.html")
