"""EAN location numbers (GLN, GS1 EAN-13) of Danish public bodies.

Municipalities and regions receive invoices through NemHandel at an EAN number: 13 digits,
the last a GS1 mod-10 check digit. A typo in one digit is caught by the check digit, which
matters because an invoice sent to a wrong but existing EAN lands at another authority.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EAN_LENGTH = 13


def gs1_check_digit(digits: str) -> int:
    """The GS1 check digit for the digits before it (weights 3, 1, 3, ... from the right)."""
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(digits))
    )
    return (10 - total % 10) % 10


def is_valid_ean(value: str) -> bool:
    return (
        len(value) == EAN_LENGTH
        and value.isascii()
        and value.isdigit()
        and gs1_check_digit(value[:-1]) == int(value[-1])
    )


def normalise_ean(value: str) -> str:
    """People copy EAN numbers with spaces or dashes ("5798 0004 16604")."""
    return "".join(value.split()).replace("-", "")


def validate_ean(value: str) -> None:
    """Django validator for an EAN (GLN) field: 13 digits with a valid check digit."""
    if not is_valid_ean(normalise_ean(value)):
        raise ValidationError(
            _("Enter a valid EAN number: 13 digits, the last one a check digit."),
            code="invalid_ean",
        )
