"""Small helpers that every app's views and forms share."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext as _

from kernel import dates


def add_service_error(
    form: forms.BaseForm, error: ValidationError, field_for: Mapping[str, str] | None = None
) -> None:
    """Put a service's refusal on the form: on its field when the form has one (after
    `field_for` renames a model field to a form field), else on top of the form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, errors in error.error_dict.items():
        name = (field_for or {}).get(field, field)
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        for message in ValidationError(errors).messages:
            form.add_error(target, message)


# The largest value of a PositiveSmallIntegerField's column (PostgreSQL smallint): a form
# field for one must say so, or 99999 reaches the database and fails there (a 500).
SMALLINT_MAX = 32767
ID_MAX = 2**63 - 1  # a primary key (bigint): more than this cannot be looked up


class DayField(forms.DateField):
    """A date within kernel.dates' bounds (1900 to 2199); outside them, a form error that
    names the bounds rather than an overflow further on (9999-12-31 plus a day)."""

    def to_python(self, value: Any) -> Any:
        day = super().to_python(value)
        if day is not None and not dates.FIRST_DAY <= day <= dates.LAST_DAY:
            raise ValidationError(
                _("Choose a date between %(first)s and %(last)s.")
                % {"first": dates.FIRST_DAY.year, "last": dates.LAST_DAY.year},
                code="out_of_bounds",
            )
        return day


class MomentField(forms.DateTimeField):
    """A date and time within the same bounds as DayField."""

    def to_python(self, value: Any) -> Any:
        try:
            moment = super().to_python(value)
        except OverflowError:  # year 1 in a zone east of UTC
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if moment is not None and not dates.FIRST_DAY <= moment.date() <= dates.LAST_DAY:
            raise ValidationError(
                _("Choose a date between %(first)s and %(last)s.")
                % {"first": dates.FIRST_DAY.year, "last": dates.LAST_DAY.year},
                code="out_of_bounds",
            )
        return moment


def bound(field: forms.Field, *, max_value: int) -> None:
    """Give a model form's integer field an upper bound (its model field has none of its
    own short of the column's size): the validator, and the browser's `max`."""
    assert isinstance(field, forms.IntegerField)
    field.max_value = max_value
    field.validators.append(MaxValueValidator(max_value))
    field.widget.attrs["max"] = str(max_value)


def is_a_bot(data: Mapping[str, Any]) -> bool:
    """A public form's hidden `website` input (templates/includes/bot_trap.html) was filled
    in: people never see it, so only a bot does. Not a form field: never shown again."""
    return bool(str(data.get("website", "")).strip())
