from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.api.models import ApiKey
from apps.organisations.models import Organisation
from kernel.forms import DayField

SITE_WIDE = "site"  # not empty: a required choice refuses ""


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, e.g. the municipality's website."),
    )
    scope = forms.ChoiceField(label=_("Access"), choices=ApiKey.Scope.choices)
    organisation = forms.ChoiceField(label=_("Organisation"))
    expires_on = DayField(
        label=_("Expires"),
        required=False,
        help_text=_("The last day the key works. Empty: until it is revoked."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self, *args: object, organisations: list[Organisation], site_wide: bool, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices: list[tuple[str, str]] = (
            [(SITE_WIDE, str(_("The whole site")))] if site_wide else []
        )
        choices += [(str(o.pk), o.name) for o in organisations]
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        self.organisations = {str(o.pk): o for o in organisations}

    def clean_expires_on(self) -> object:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day

    def chosen_organisation(self) -> Organisation | None:
        return self.organisations.get(self.cleaned_data["organisation"])

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.max))
