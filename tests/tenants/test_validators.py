import pytest

from tenants.validators import contrast_ratio


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#767676", "#ffffff", 4.54)],
)
def test_it_computes_wcag_contrast_ratios(first, second, expected):
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)
