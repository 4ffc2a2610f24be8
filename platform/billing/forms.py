from datetime import date

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.ean import normalise_ean
from billing.models import Invoice, Plan, Subscription


class PlanChoiceForm(forms.Form):
    """The vendor puts a tenant on a plan (a new subscription starts with the plan's trial)."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), empty_label=None)

    def __init__(self, *args, plans: QuerySet[Plan], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    """The vendor's override of the subscription's status, with a reason for the audit log."""

    status = forms.ChoiceField(label=_("New status"), choices=Subscription.Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class PlanForm(forms.ModelForm):
    """A plan as the vendor writes it; prices in øre excluding VAT."""

    class Meta:
        model = Plan
        fields = [
            "name",
            "kind",
            "period",
            "base_price",
            "included_volunteers",
            "block_size",
            "block_price",
            "sms_segment_price",
            "trial_days",
            "grace_days",
            "is_active",
        ]


class PaymentForm(forms.ModelForm):
    """How the tenant pays: by card through Stripe, or by e-invoice to its EAN number with
    the order reference and contact person its finance department gave."""

    # Room for the spaces and dashes people copy; the model checks the 13 digits after.
    ean = forms.CharField(label=_("EAN number"), max_length=20, required=False)

    class Meta:
        model = Subscription
        fields = ["payment_method", "ean", "order_reference", "contact_person"]

    def clean_ean(self) -> str:
        return normalise_ean(self.cleaned_data.get("ean") or "")  # "5798 0004 16604" too

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("payment_method") == Subscription.Method.EAN and not cleaned.get("ean"):
            self.add_error("ean", _("An e-invoice needs the EAN number it goes to."))
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")  # what a date field sends and shows


REASON_ERRORS = {"required": _("Write why, for the audit log.")}


class GraceForm(forms.Form):
    """The vendor gives a past-due tenant more days before its site is suspended."""

    prefix = "grace"
    until = forms.DateField(
        label=_("Suspend after"),
        widget=DateInput(),
        error_messages={"required": _("Choose the new last day."), "invalid": _("Write a date.")},
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, error_messages=REASON_ERRORS)


class InvoiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Invoice) -> str:
        return _("%(number)s, due %(date)s") % {
            "number": obj.number,
            "date": obj.due_on.strftime("%d.%m.%Y"),
        }


class MarkPaidForm(forms.Form):
    """The vendor records that an e-invoice was paid (a bank transfer seen by hand)."""

    prefix = "paid"
    invoice = InvoiceChoiceField(
        label=_("Invoice"),
        queryset=Invoice.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose an invoice that waits for payment.")},
    )
    paid_on = forms.DateField(
        label=_("Paid on"),
        widget=DateInput(),
        error_messages={
            "required": _("Choose the day it was paid."),
            "invalid": _("Write a date."),
        },
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, error_messages=REASON_ERRORS)

    def __init__(self, *args, invoices: QuerySet[Invoice], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invoice"].queryset = invoices  # type: ignore[attr-defined]

    def clean_paid_on(self) -> date:
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("A payment cannot be in the future."))
        return paid_on
