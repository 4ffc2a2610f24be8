from django import forms
from django.utils.translation import gettext_lazy as _
from django_otp.forms import OTPAuthenticationForm


class ConsoleSignInForm(OTPAuthenticationForm):
    """Email and password; plus a one-time code once the staff member has a device."""

    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    otp_token = forms.CharField(
        label=_("One-time code"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Only if you have set up two-factor sign-in."),
    )


class StatusForm(forms.Form):
    ACTIONS = {"suspend": "suspended", "resume": "active", "archive": "archived"}
    action = forms.ChoiceField(choices=[(key, key) for key in ACTIONS])
