from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user


class ConsoleSignInForm(AuthenticationForm):
    """Email and password; plus a one-time code once the staff member has a device."""

    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    otp_token = forms.CharField(
        label=_("One-time code"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Only if you have set up two-factor sign-in."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        devices = list(devices_for_user(user, confirmed=True)) if user else []
        if devices:
            # django_otp's user_logged_in handler marks the session verified by this device.
            user.otp_device = self._verified_device(devices, cleaned.get("otp_token") or "")  # type: ignore[attr-defined]
        return cleaned

    def _verified_device(self, devices: list[Any], token: str) -> Any:
        if not token:
            raise forms.ValidationError(_("Enter the one-time code from your app."), code="otp")
        for device in devices:
            allowed, _extra = device.verify_is_allowed()
            if allowed and device.verify_token(token):
                return device
        raise forms.ValidationError(_("The one-time code is wrong or has expired."), code="otp")


class StatusForm(forms.Form):
    # "resume" returns to the status the tenant had before it was closed (tenant_resume).
    ACTIONS = {"suspend": "suspended", "resume": "", "archive": "archived"}
    action = forms.ChoiceField(choices=[(key, key) for key in ACTIONS])


class PurgeForm(forms.Form):
    confirm_slug = forms.CharField(
        label=_("Type the short name to confirm"),
        max_length=63,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
