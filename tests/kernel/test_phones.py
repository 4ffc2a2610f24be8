"""kernel.phones.normalise_phone: the one reading of a phone number (import and SMS)."""

import pytest

from kernel.phones import normalise_phone


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("12345678", "+4512345678"),
        ("12 34 56 78", "+4512345678"),
        ("+45 12-34-56-78", "+4512345678"),
        ("004512345678", "+4512345678"),
        ("4512345678", "+4512345678"),
        ("+46 70 123 45 67", "+46701234567"),
        ("1234", None),
        ("+45 123 45", None),  # a plus and seven digits, but too short for Denmark
        ("+1234567", None),
    ],
)
def test_it_normalises_danish_and_foreign_numbers_to_e164(raw, normalised):
    assert normalise_phone(raw) == normalised
