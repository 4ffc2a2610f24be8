from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from billing.models import Plan, Subscription


class PlanForm(forms.Form):
    """The vendor puts a tenant on a plan (a new subscription starts with the plan's trial)."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), empty_label=None)

    def __init__(self, *args, plans: QuerySet[Plan], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    """The vendor's override of the subscription's status, with a reason for the audit log."""

    status = forms.ChoiceField(label=_("New status"), choices=Subscription.Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)
