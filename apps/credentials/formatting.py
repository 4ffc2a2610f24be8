"""Hours as people read them in the active language: "12,5" in Danish, "12.5" in English,
"6" for whole hours. The signed record keeps its decimal text ("12.50"); only what is
shown is localised (Django's number formatting, the language's own format module)."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format


def show_hours(value: object) -> str:
    """`value` (decimal text or a Decimal) without trailing zeros, in the active language;
    anything that is not a number is shown as it is."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return number_format(number, use_l10n=True)
