from django import forms
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.shifts.models import Category


class SnippetForm(forms.Form):
    """Which opportunities the snippet shows: the query of the embed page's address."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_approved=True).order_by("name"),
        required=False,
        empty_label=_("All organisations"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
    )

    def filters(self) -> list[tuple[str, str]]:
        organisation = self.cleaned_data.get("organisation")
        category = self.cleaned_data.get("category")
        chosen = [("organisation", str(organisation.pk) if organisation else "")]
        chosen.append(("category", category.slug if category else ""))
        return [(key, value) for key, value in chosen if value]
