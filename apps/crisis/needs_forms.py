"""The needs board's form: it parses and explains; the services decide."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from apps.crisis.models import Skill
from apps.shifts.forms import local_datetime_field
from kernel.forms import bound

MAX_WANTED = 500


class NeedForm(forms.Form):
    title = forms.CharField(label=_("What is needed"), max_length=200)
    place = forms.CharField(label=_("Where"), max_length=200)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("A Danish postcode has four digits."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    starts_at = local_datetime_field(_("From"))
    ends_at = local_datetime_field(_("To"))
    wanted = forms.IntegerField(label=_("How many helpers"), min_value=1)
    skills = forms.MultipleChoiceField(
        label=_("Skills wanted"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound(self.fields["wanted"], max_value=MAX_WANTED)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            raise ValidationError({"ends_at": _("A need must end after it starts.")})
        return data
