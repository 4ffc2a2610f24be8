"""Forms of crisis mode: the public "I want to help" form (each field says why it is
asked), the admin's switch, the coordinators' filter of helpers, and the account offer."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.crisis.models import Availability, Crisis, Skill
from apps.crisis.services import CrisisRefused, clean_phone
from apps.organisations.models import Organisation

POSTCODE = re.compile(r"\d{4}")


class HelperForm(forms.Form):
    """No JavaScript, a handful of fields: made for a cheap phone on a bad connection."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        help_text=_("So the coordinator knows who they are calling or writing to."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("To call or text you when we need help. A phone or an e-mail is enough."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("To write to you when we need help. A phone or an e-mail is enough."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=4,
        help_text=_("To ask you for help near where you are. No street address."),
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": "4"}
        ),
    )
    skills = forms.MultipleChoiceField(
        label=_("What you can help with"),
        choices=Skill.choices,
        required=False,
        help_text=_("So we ask you for what you are good at. Choose any that fit."),
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label=_("When you can help"),
        choices=Availability.choices,
        required=False,
        help_text=_("So we ask you only when you can come."),
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label=_("I agree that these data are kept to ask me for help in this crisis"),
        help_text=_(
            "Only the coordinators of the crisis see them. When the crisis is over we thank "
            "you and offer you an account; if you do not take it, your data are deleted. "
            "You can ask us to delete them at any time."
        ),
        error_messages={"required": _("We need your consent to keep the data.")},
    )

    def clean_phone(self) -> str:
        try:
            return clean_phone(self.cleaned_data["phone"])
        except CrisisRefused as refusal:
            raise ValidationError(refusal.messages[0]) from None

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        if not POSTCODE.fullmatch(postcode):
            raise ValidationError(_("Enter a postcode of four digits, e.g. 5800."))
        return postcode

    def clean(self) -> dict:
        data = super().clean() or {}
        if "phone" in data and "email" in data and not (data["phone"] or data["email"]):
            self.add_error("phone", _("Give a phone number or an e-mail address."))
        return data


class CrisisStartForm(forms.ModelForm):
    class Meta:
        model = Crisis
        fields = ["organisation", "title", "public_text", "stand_down_days"]
        labels = {"organisation": _("Organisation that coordinates the crisis")}
        help_texts = {
            "organisation": _("Its coordinators see the helpers and post the needs."),
            "public_text": _("Shown above the form: what has happened and what help is needed."),
            "stand_down_days": _(
                "After the crisis ends, helpers who do not take an account are deleted after "
                "this many days."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["stand_down_days"].min_value = 1
        self.fields["stand_down_days"].widget.attrs.update(min=1, max=365)

    def clean_stand_down_days(self) -> int:
        days = self.cleaned_data["stand_down_days"]
        if not 1 <= days <= 365:
            raise ValidationError(_("Choose between 1 and 365 days."))
        return days


class HelperFilterForm(forms.Form):
    skill = forms.ChoiceField(
        label=_("Skill"), choices=[("", _("Any skill")), *Skill.choices], required=False
    )
    postcode = forms.CharField(
        label=_("Postcode (or its first digits)"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "4"}),
    )

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not postcode.isdigit():
            raise ValidationError(_("Digits only."))
        return postcode


class AccountForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail"),
        help_text=_("We send a link there: it signs you in and proves the address is yours."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
