from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class CorrectionForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours"), min_value=Decimal("0"), max_value=Decimal("24"), decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)
