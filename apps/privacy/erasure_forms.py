"""Forms for erasure: the person's own confirmation, the admin's request and legal hold."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User


class SelfEraseForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        required=False,
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that my account is deleted and cannot be restored"),
        required=True,
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user
        if user.has_usable_password():
            self.fields["password"].required = True
        else:
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."))
        return password


class FindPersonForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("The person's email"))


class AdminEraseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (e.g. the person's request and its date)"),
        max_length=500,
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I have checked that this is the right person"), required=True
    )


class LegalHoldForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for the legal hold"), max_length=500)
