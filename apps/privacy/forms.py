"""Privacy: forms."""

# --- Data export: a staff member records an access request made by phone or letter ---------

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.privacy.models import DataExport
from apps.shifts.forms import DateInput


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} <{obj.email}>"


class AccessRequestForm(forms.Form):
    user = PersonChoice(label=_("Person"), queryset=User.objects.none())
    channel = forms.ChoiceField(
        label=_("Request received"),
        choices=[c for c in DataExport.Channel.choices if c[0] != DataExport.Channel.SELF],
    )
    received_on = forms.DateField(
        label=_("Date received"),
        help_text=_("The person must have the copy within 30 days of this date."),
        widget=DateInput,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: object, people: QuerySet[User], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["user"].queryset = people  # type: ignore[attr-defined]
        self.fields["received_on"].initial = timezone.localdate

    def clean_received_on(self) -> object:
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return received
