"""One reading of a phone number, for everything that stores or texts one."""

import re

import phonenumbers

# A Danish number as most lists write it (12345678, 12 34 56 78, +45 12345678): read without
# phonenumbers' full parse, which is most of the time a 50,000-row import spends per row.
_DANISH = re.compile(r"(?:\+45)?([1-9]\d{7})")


def normalise_phone(raw: str, default_region: str = "DK") -> str | None:
    """The number in E.164 (+4512345678), or None when it cannot be a phone number.

    "Possible" (the right length for its country), not "valid" (in a range the regulator
    has allocated, as phonenumbers' metadata knew it when released): stale metadata must
    not silence a real new number, and the provider refuses unallocated ones anyway.
    """
    if default_region == "DK":
        plain = _DANISH.fullmatch(raw.replace(" ", ""))
        if plain:
            return "+45" + plain.group(1)
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
