from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.legal.models import Document, DocumentVersion
from apps.legal.selectors import document_version
from kernel.forms import ID_MAX


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class RegisterForm(forms.Form):
    """Just enough to take a shift; the rest of the profile can wait."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the organisers store my name and contact details to plan volunteering."
        ),
        error_messages={"required": _("We need your consent to sign you up.")},
    )
    # The version of the privacy notice linked beside the box: the one the person accepts.
    privacy_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=ID_MAX
    )

    def __init__(self, *args: Any, privacy_notice: DocumentVersion | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.privacy_notice = privacy_notice
        if privacy_notice is not None:
            self.fields["privacy_version"].initial = privacy_notice.number
            self.fields["consent"].help_text = format_html(
                '<a href="{}">{}</a>',
                reverse("privacy-notice-version", args=[privacy_notice.number]),
                _("Read the privacy notice (version %(number)s)")
                % {"number": privacy_notice.number},
            )

    def clean_privacy_version(self) -> DocumentVersion | None:
        """The version the page showed; a notice published meanwhile is not the one the
        person read. Without a number (no notice yet, or an old page), the current one."""
        number = self.cleaned_data.get("privacy_version")
        if number is None:
            return self.privacy_notice
        version = document_version(document=Document.PRIVACY, number=number)
        if version is None:  # on top of the form: the field itself is hidden
            self.add_error(None, _("Reload the page and try again."))
        return version


class EmailLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
