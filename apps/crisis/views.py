"""Pages of crisis mode: the public landing page with its "I want to help" form (no
account, no JavaScript), the admin's switch, the coordinators' list of helpers, and the
stand-down's account offer. The load bench posts to the landing page: keep it lean."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.services import volunteer_register
from apps.accounts.throttle import ip_flooding, too_many_requests
from apps.crisis import selectors, services
from apps.crisis.forms import AccountForm, CrisisStartForm, HelperFilterForm, HelperForm
from apps.crisis.models import Crisis, Helper
from apps.legal.models import Document
from apps.legal.selectors import current_version
from kernel.forms import is_a_bot
from kernel.http import AuthedHttpRequest, require_site_admin


def landing(request: HttpRequest) -> HttpResponse:
    """GET: the form; POST: register (303 to the thanks page) or the form again (200).
    Not throttled per IP: in a crisis many register from one network (a school, a
    shelter, a carrier's NAT), and the load bench posts 5,000 from one machine; a
    registration is idempotent per phone and email, and bots meet the hidden trap."""
    crisis = selectors.active_crisis()
    if crisis is None:
        return render(request, "crisis/closed.html", status=404)
    form = HelperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if is_a_bot(request.POST):  # the trap for bots: nothing is saved
            return _see_other(reverse("crisis:thanks"))
        data = form.cleaned_data
        try:
            services.helper_register(
                crisis=crisis,
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                postcode=data["postcode"],
                skills=data["skills"],
                availability=data["availability"],
            )
        except services.CrisisRefused as refusal:
            form.add_error(None, refusal)
        else:
            return _see_other(reverse("crisis:thanks"))
    return render(request, "crisis/landing.html", {"crisis": crisis, "form": form})


def _see_other(url: str) -> HttpResponse:
    """303: the browser fetches the thanks page with GET (a reload does not post again)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "crisis/thanks.html", {"crisis": selectors.active_crisis()})


@login_required
def control(request: AuthedHttpRequest) -> HttpResponse:
    """The site admin switches crisis mode on and off, and sees past crises."""
    require_site_admin(request)
    form = CrisisStartForm(request.POST if request.POST.get("action") == "start" else None)
    if request.method == "POST" and request.POST.get("action") == "start" and form.is_valid():
        try:
            crisis = services.crisis_start(
                organisation=form.cleaned_data["organisation"],
                title=form.cleaned_data["title"],
                public_text=form.cleaned_data["public_text"],
                stand_down_days=form.cleaned_data["stand_down_days"],
                by=request.user,
            )
        except services.CrisisRefused as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("Crisis mode is on: %(title)s.") % {"title": crisis.title})
            return redirect("crisis:control")
    active = selectors.active_crisis()
    crises = list(selectors.crises_with_counts())
    for crisis in crises:
        crisis.purge_on = services.purge_date(crisis)  # type: ignore[attr-defined]
        crisis.left = crisis.helper_count - crisis.account_count  # type: ignore[attr-defined]
    context = {"active": active, "form": form, "crises": crises}
    return render(request, "crisis/control.html", context)


@login_required
@require_POST
def end(request: AuthedHttpRequest, crisis_id: int) -> HttpResponse:
    require_site_admin(request)
    try:
        crisis = services.crisis_end(crisis_id=crisis_id, by=request.user)
    except services.CrisisRefused as refusal:
        messages.error(request, refusal.messages[0])
    except Crisis.DoesNotExist:
        raise Http404 from None
    else:
        messages.success(
            request,
            _("Crisis mode is off: %(title)s. The helpers are being thanked.")
            % {"title": crisis.title},
        )
    return redirect("crisis:control")


@login_required
def helpers(request: AuthedHttpRequest) -> HttpResponse:
    """The crisis's helpers for its organisation's coordinators: filter, count, pages."""
    crisis = selectors.crisis_for_coordinator(user=request.user)
    if crisis is None:
        raise Http404
    form = HelperFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.helpers_of(
        crisis=crisis, skill=filters.get("skill", ""), postcode=filters.get("postcode", "")
    )
    page = Paginator(rows, selectors.HELPERS_PER_PAGE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    context = {"crisis": crisis, "form": form, "page": page, "query": query.urlencode()}
    return render(request, "crisis/helpers.html", context)


def account(request: HttpRequest, token: str) -> HttpResponse:
    """The stand-down mail's link: make a normal account (the usual sign-in link by mail
    proves the address) and keep what the helper told us; signed in, one click links it."""
    helper = Helper.objects.select_related("crisis").filter(account_token=token).first()
    if helper is None or helper.crisis.purged_at is not None:
        return render(request, "crisis/account.html", {"gone": True}, status=404)
    user = request.user
    if request.method == "POST" and user.is_authenticated:
        try:
            services.helper_account_claim(account_token=token, user=user)
        except services.CrisisRefused as refusal:
            messages.error(request, refusal.messages[0])
        else:
            messages.success(request, _("Thank you: what you told us is kept with your account."))
        return redirect("crisis:account", token=token)
    form = AccountForm(request.POST or None, initial={"email": helper.email})
    sent = False
    if request.method == "POST" and form.is_valid():
        if flood := ip_flooding(request, "RATELIMIT_REGISTER_IP"):  # as the sign-up form
            return too_many_requests(request, flood)
        volunteer_register(  # the same mail for a new and a known address
            full_name=helper.name,
            email=form.cleaned_data["email"],
            phone=helper.phone,
            next_path=request.path,
            privacy_version=current_version(document=Document.PRIVACY),
        )
        sent = True
    context = {"helper": helper, "form": form, "sent": sent, "linked": helper.user_id is not None}
    return render(request, "crisis/account.html", context)
