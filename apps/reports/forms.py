from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.reports.figures import Period
from kernel import dates
from kernel.forms import DayField

# A period longer than this is most likely a typing error, and would be slow to chart.
MAX_DAYS = 5 * 366


class PeriodForm(forms.Form):
    """A whole year, or from one day to another (both included), and an organisation."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    start = DayField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = DayField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, organisations=(), sees_all=False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(o.pk), o.name) for o in organisations]
        if sees_all:
            choices.insert(0, ("", _("All organisations")))
        self.fields["organisation"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            raise ValidationError(_("Give both a first and a last day, or a year."))
        if start and end:
            if end < start:
                # On the field, so it is marked and read out with it; the input stays as typed.
                self.add_error(
                    "end",
                    ValidationError(
                        _(
                            "The last day (%(end)s) comes before the first (%(start)s). "
                            "Swap them, or choose a year."
                        ),
                        code="reversed",
                        params={
                            "start": dates.show(start, "full_date"),
                            "end": dates.show(end, "full_date"),
                        },
                    ),
                )
                return data
            if (end - start).days >= MAX_DAYS:
                raise ValidationError(_("Choose a period of at most five years."))
        return data

    def period(self, today: date) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") and data.get("end"):
            return Period(data["start"], data["end"])
        return Period.year(data.get("year") or today.year)
