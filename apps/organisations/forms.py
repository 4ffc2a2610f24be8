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
