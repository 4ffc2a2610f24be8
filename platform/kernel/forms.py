"""Small helpers that every app's views and forms share."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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
