from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.forms import EmailLinkForm, RegisterForm, SignInForm
from apps.accounts.services import (
    email_link_request,
    email_link_use,
    invitation_tokens,
    volunteer_register,
)
from apps.accounts.throttle import (
    ThrottledSignInMixin,
    address_may_get_mail,
    ip_flooding,
    too_many_requests,
)
from apps.legal.models import Document
from apps.legal.selectors import consents, current_version
from kernel.http import AuthedHttpRequest


class SignInView(ThrottledSignInMixin, auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    extra_context = {"link_form": EmailLinkForm(auto_id="link_%s")}

    def get_default_redirect_url(self) -> str:
        return reverse("dashboard")  # the person's home (apps.home), unless `next` says otherwise

    def get_redirect_url(self) -> str:
        return _chosen_next(super().get_redirect_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if "lockout" in kwargs:  # the way out the lockout names, with the address filled in
            initial = {"email": self.throttle.email}
            context["link_form"] = EmailLinkForm(auto_id="link_%s", initial=initial)
        return context


class InvitationView(auth_views.PasswordResetConfirmView):
    """An invited admin chooses a password, which also proves the email address."""

    template_name = "accounts/invitation.html"
    token_generator = invitation_tokens
    post_reset_login = True
    success_url = reverse_lazy("dashboard")  # where the set-up checklist waits


@login_required
def account(request: AuthedHttpRequest) -> HttpResponse:
    context = {"consents": list(consents(user_id=request.user.pk))}
    return render(request, "accounts/account.html", context)


def register(request: HttpRequest) -> HttpResponse:
    next_path = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = RegisterForm(
        request.POST or None, privacy_notice=current_version(document=Document.PRIVACY)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if flood := ip_flooding(request, "RATELIMIT_REGISTER_IP"):
            return too_many_requests(request, flood)
        # An address that has had its mails for now gets the same page, and nothing more
        # (it registered with the first of them).
        email = data["email"].lower()
        if address_may_get_mail(email):
            email = volunteer_register(
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                next_path=next_path,
                privacy_version=data["privacy_version"],
            ).email
        context = {"email": email, "registering": True}  # step 2 of registering
        return render(request, "accounts/check_email.html", context)
    status = 400 if form.errors else 200
    return render(
        request, "accounts/register.html", {"form": form, "next": next_path}, status=status
    )


def email_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = email_link_use(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/link_spent.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(_safe_next(request, request.GET.get("next")))


def _safe_next(request: HttpRequest, target: str | None) -> str:
    # Only paths on this host: a link in a mail must not become an open redirect.
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return _chosen_next(target if allowed else "") or reverse("dashboard")


def _chosen_next(target: str | None) -> str:
    """`next`, unless it is only the front page: the header's "Sign in" link names the page
    it was on, and from the front page a person signing in wants their home (apps.home)."""
    return "" if not target or target == reverse("home") else target


@require_POST
def email_link_ask(request: HttpRequest) -> HttpResponse:
    """Sign in without a password: a one-time link by mail (volunteers often have none)."""
    next_path = _safe_next(request, request.POST.get("next"))
    form = EmailLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the email address you signed up with."))
        return redirect(f"{reverse('login')}?{urlencode({'next': next_path})}")
    email = form.cleaned_data["email"]
    if flood := ip_flooding(request, "RATELIMIT_LINK_IP"):
        return too_many_requests(request, flood)
    # Over the address's share: the same answer without a mail, so the page tells nobody
    # whether the address has an account (its owner already has the earlier links).
    if address_may_get_mail(email):
        email_link_request(email=email, next_path=next_path)
    return render(request, "accounts/check_email.html", {"email": email})
