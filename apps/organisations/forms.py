from django import forms
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation, OrganisationRole


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=OrganisationRole.Role.choices)


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person to add"))
    full_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("For someone new here: they get an account and a sign-in link by email."),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
