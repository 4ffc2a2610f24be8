from django import forms
from django.utils.translation import gettext_lazy as _

from apps.shifts.models import Category
from apps.shifts.selectors import EventFilters
from kernel.forms import ID_MAX, DayField


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
    )
    area = forms.CharField(label=_("Area or postcode"), required=False, max_length=100)
    date_from = DayField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DayField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    free_now = forms.BooleanField(label=_("Free places now"), required=False)
    beginners = forms.BooleanField(label=_("Suitable without experience"), required=False)
    organisation = forms.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, widget=forms.HiddenInput
    )

    def has_filters(self) -> bool:
        """Any filter beyond the search words, so the folded filters open when in use."""
        f = self.filters()
        return any((f.category, f.area, f.date_from, f.date_to, f.free_now, f.beginners))

    def is_filtered(self) -> bool:
        """Any filter at all (search words included): an empty list is then the filters'."""
        return self.filters() != EventFilters()

    def filters(self) -> EventFilters:
        # The fields that are valid still filter (a bad date leaves the search words).
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        category = data.get("category")
        return EventFilters(
            q=(data.get("q") or "").strip(),
            category=category.slug if category else "",
            organisation=data.get("organisation"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            area=(data.get("area") or "").strip(),
            free_now=bool(data.get("free_now")),
            beginners=bool(data.get("beginners")),
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class MembershipRequestForm(forms.Form):
    message = forms.CharField(
        label=_("A few words to the coordinators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
