from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from apps.accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class InvitationView(auth_views.PasswordResetConfirmView):
    """An invited admin chooses a password, which also proves the email address."""

    template_name = "accounts/invitation.html"
    post_reset_login = True
    success_url = reverse_lazy("account")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html")
