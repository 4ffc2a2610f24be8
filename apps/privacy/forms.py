"""Privacy: forms."""

# --- retention ---------------------------------------------------------------------------

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.privacy.models import RetentionSettings


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
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = RetentionSettings
        fields = [
            "inactive_months",
            "warning_days",
            "application_months",
            "evaluation_months",
            "message_months",
        ]

    def to_confirm(self) -> "RetentionSettingsForm":
        """The same values, hidden, with confirm set: what is confirmed is what was shown."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        form = RetentionSettingsForm(initial={**values, "confirm": True})
        for field in form.fields.values():
            field.widget = forms.HiddenInput()
        return form
