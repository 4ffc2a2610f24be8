"""The volunteer's request for a reference, and the coordinator's reference."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.credentials.references import MAX_TEXT
from apps.organisations.models import OrganisationRole


class ReferenceAskForm(forms.Form):
    coordinator = forms.ChoiceField(label=_("Whom to ask"))
    note = forms.CharField(
        label=_("A few words to them (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, roles: list[OrganisationRole], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles = {f"{role.organisation_id}:{role.user_id}": role for role in roles}
        self.fields["coordinator"].choices = [  # type: ignore[attr-defined]
            (key, f"{role.user.full_name} ({role.organisation.name})")
            for key, role in self.roles.items()
        ]

    def role(self) -> OrganisationRole:
        return self.roles[self.cleaned_data["coordinator"]]


class ReferenceWriteForm(forms.Form):
    text = forms.CharField(
        label=_("The reference"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A few lines about the volunteer's work with you."),
    )
    author_name = forms.CharField(label=_("Your name"), max_length=200)
    author_role = forms.CharField(label=_("Your role"), max_length=200)
