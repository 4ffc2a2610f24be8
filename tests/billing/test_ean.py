import pytest
from django.core.exceptions import ValidationError

from billing.ean import gs1_check_digit, is_valid_ean, validate_ean

# 5798000416604 from a municipality's invoicing instructions; the others are GLNs with the
# Danish 579 prefix and a correct check digit.
PUBLIC_EANS = ["5798000416604", "5798000420229", "5790000000005"]


@pytest.mark.parametrize("ean", PUBLIC_EANS)
def test_it_accepts_valid_public_eans(ean: str) -> None:
    assert is_valid_ean(ean)
    validate_ean(ean)


def test_it_accepts_spaces_people_copy() -> None:
    validate_ean("5798 0004 16604")


@pytest.mark.parametrize(
    "ean",
    [
        "5798000416605",  # check digit off by one
        "5798000416640",  # two digits swapped
        "579800041660",  # 12 digits
        "57980004166040",  # 14 digits
        "579800041660x",
        "５７９８０００４１６６０４",  # full-width digits are digits to Python, not to GS1
        "",
    ],
)
def test_it_refuses_invalid_eans(ean: str) -> None:
    assert not is_valid_ean(ean)
    with pytest.raises(ValidationError) as raised:
        validate_ean(ean)
    assert raised.value.code == "invalid_ean"


def test_it_computes_the_gs1_check_digit() -> None:
    # GS1's worked example: 629104150021 -> 3
    assert gs1_check_digit("629104150021") == 3
    assert gs1_check_digit("579800041660") == 4
