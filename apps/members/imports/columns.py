"""Which column holds what: headers matched by name (Danish and English), or chosen by hand."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Our fields, in the order the preview shows them.
FIELDS = {
    "full_name": gettext_lazy("Full name"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "postcode": gettext_lazy("Postcode"),
    "area": gettext_lazy("Town"),
    "birth_year": gettext_lazy("Birth year"),
}

# Header names as the replaced systems and hand-made spreadsheets write them, normalised
# by `_key` (lower case, letters and digits only: "E-mail" and "e mail" are both "email").
SYNONYMS = {
    "full_name": ["navn", "fuldenavn", "fuldtnavn", "name", "fullname", "medlem", "frivillig"],
    "first_name": ["fornavn", "fornavne", "firstname", "givenname"],
    "last_name": ["efternavn", "lastname", "surname", "familyname"],
    "email": [
        "email",
        "mail",
        "emailadresse",
        "mailadresse",
        "emailaddress",
        "epost",
    ],
    "phone": [
        "telefon",
        "telefonnummer",
        "telefonnr",
        "tlf",
        "tlfnr",
        "mobil",
        "mobilnummer",
        "mobilnr",
        "mobiltelefon",
        "phone",
        "phonenumber",
        "mobile",
        "mobilephone",
        "telephone",
        "cellphone",
    ],
    "postcode": ["postnummer", "postnr", "postcode", "postalcode", "zip", "zipcode"],
    "area": ["by", "bynavn", "postdistrikt", "city", "town"],
    "birth_year": ["fødselsår", "født", "årgang", "birthyear", "yearofbirth", "born"],
}
_LOOKUP = {synonym: name for name, synonyms in SYNONYMS.items() for synonym in synonyms}

Mapping = dict[str, int]  # field → column index (0-based); fields without a column are absent


def _key(header: str) -> str:
    return re.sub(r"[^0-9a-zæøå]", "", header.casefold())


def guess_mapping(headers: list[str]) -> Mapping:
    """Each field to the first column whose header is one of its names."""
    mapping: Mapping = {}
    for index, header in enumerate(headers):
        name = _LOOKUP.get(_key(header))
        if name and name not in mapping:
            mapping[name] = index
    return mapping


def check_mapping(mapping: Mapping, headers: list[str]) -> list[str]:
    """What is wrong with a mapping, in words; an empty list when it can be imported."""
    problems = []
    if "email" not in mapping:
        problems.append(_("No column holds the email address."))
    if "full_name" not in mapping and "first_name" not in mapping:
        problems.append(_("No column holds the name (a full name, or a first name)."))
    used: dict[int, str] = {}
    for name, index in mapping.items():
        if not 0 <= index < len(headers):
            raise ValidationError(_("The chosen column does not exist."), code="bad_column")
        if index in used:
            problems.append(
                _("The column “%(column)s” is chosen for both %(one)s and %(other)s.")
                % {
                    "column": column_label(headers, index),
                    "one": FIELDS[used[index]],
                    "other": FIELDS[name],
                }
            )
        used[index] = name
    return problems


def column_label(headers: list[str], index: int) -> str:
    """As a spreadsheet user finds the column: its letter and its header."""
    return f"{column_letter(index)}: {headers[index]}" if headers[index] else column_letter(index)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
