"""Privacy: forms."""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.privacy.models import DataExport, RetentionSettings
from apps.shifts.forms import DateInput
from kernel.forms import DayField

# --- Data export: a staff member records an access request made by phone or letter ---------


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} <{obj.email}>"


class AccessRequestForm(forms.Form):
    user = PersonChoice(label=_("Person"), queryset=User.objects.none())
    channel = forms.ChoiceField(
        label=_("Request received"),
        choices=[c for c in DataExport.Channel.choices if c[0] != DataExport.Channel.SELF],
    )
    received_on = DayField(
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


# --- retention ---------------------------------------------------------------------------


class RetentionSettingsForm(forms.ModelForm):
    """The site's retention periods; bounds are the model's check constraints."""

    inactive_months = forms.IntegerField(
        label=_("Warn volunteers inactive for (months)"),
        help_text=_("No sign-in, no shift and no active membership for this long."),
        min_value=6,
        max_value=120,
    )
    warning_days = forms.IntegerField(
        label=_("Anonymise this many days after the warning"), min_value=14, max_value=180
    )
    application_months = forms.IntegerField(
        label=_("Delete rejected or withdrawn applications after (months)"),
        min_value=1,
        max_value=60,
    )
    evaluation_months = forms.IntegerField(
        label=_("Delete evaluation invitations after (months)"), min_value=1, max_value=120
    )
    message_months = forms.IntegerField(
        label=_("Blank the text of sent messages after (months)"), min_value=1, max_value=120
    )
    referral_months = forms.IntegerField(
        label=_("Delete a citizen's referral after it ended (months)"),
        help_text=_("The referral's personal data; the anonymous counts for reports stay."),
        min_value=1,
        max_value=60,
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = RetentionSettings
        fields = [
            "inactive_months",
            "warning_days",
            "application_months",
            "evaluation_months",
            "message_months",
            "referral_months",
        ]

    def to_confirm(self) -> "RetentionSettingsForm":
        """The same values, hidden, with confirm set: what is confirmed is what was shown."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        form = RetentionSettingsForm(initial={**values, "confirm": True})
        for field in form.fields.values():
            field.widget = forms.HiddenInput()
        return form
