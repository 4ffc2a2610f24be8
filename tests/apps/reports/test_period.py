"""A period the report cannot use is said so, on the field, with the input kept: never the
figures of another period in its place, on the page or in a download."""

import pytest

from apps.reports.forms import PeriodForm
from tests.conftest import host_client, signed_in

pytestmark = pytest.mark.django_db

REVERSED = {"start": "2024-05-01", "end": "2024-01-01"}
MESSAGE = "Den sidste dag (1. januar 2024) ligger før den første (1. maj 2024)."


def test_it_marks_a_reversed_period_on_the_last_day_in_danish(in_nyborg):
    form = PeriodForm(REVERSED)
    assert not form.is_valid()
    (error,) = form.errors["end"]
    assert error.startswith(MESSAGE)


def test_it_says_a_reversed_period_is_wrong_and_keeps_what_was_typed(nanna, nyborg):
    client = signed_in(host_client("nyborg.localhost"), nanna, nyborg)
    response = client.get("/rapporter/", REVERSED)
    body = response.content.decode()
    assert response.status_code == 400
    assert MESSAGE in body and 'role="alert"' in body
    assert 'value="2024-05-01"' in body and 'value="2024-01-01"' in body
    assert 'aria-invalid="true"' in body
    assert "Nøgletal" not in body and "/rapporter/eksport/" not in body
    assert "Ret perioden for at se tallene." in body


def test_it_refuses_to_download_a_reversed_period(nanna, nyborg):
    client = signed_in(host_client("nyborg.localhost"), nanna, nyborg)
    response = client.get("/rapporter/eksport/csv/", REVERSED)
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
