from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class CorrectionForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)
    override = forms.BooleanField(
        label=_("Beyond the limit: I know these hours are more than the shift allows"),
        required=False,
        help_text=_("The reason is stored with the hours and shown in the history."),
    )

    # Which field a service refusal belongs to, so it is shown where the input is.
    FIELD_FOR_REFUSAL = {"reason": "reason", "override": "override"}

    def add_refusal(self, code: str | None, message: str) -> None:
        self.add_error(self.FIELD_FOR_REFUSAL.get(code or "", "hours"), message)
