from django import forms
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.webhooks import guard
from apps.webhooks.models import Kind

SITE_WIDE = "site"


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the events are posted, e.g. https://intranet.example.dk/tovholder."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Event kinds"), choices=Kind.choices, widget=forms.CheckboxSelectMultiple
    )
    organisation = forms.ChoiceField(label=_("Organisation"))

    def __init__(
        self, *args: object, organisations: list[Organisation], site_wide: bool, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices: list[tuple[str, str]] = (
            [(SITE_WIDE, str(_("Every organisation")))] if site_wide else []
        )
        choices += [(str(o.pk), o.name) for o in organisations]
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        self.organisations = {str(o.pk): o for o in organisations}

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            guard.checked_address(url)
        except guard.Refused as error:
            raise forms.ValidationError(str(error)) from error
        return url

    def chosen_organisation(self) -> Organisation | None:
        return self.organisations.get(self.cleaned_data["organisation"])
