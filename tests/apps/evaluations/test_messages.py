"""The one kind of evaluation mail (see tests/apps/messaging/kinds.py for what it checks),
through the sweep that sends it."""

import pytest

from tests.apps.evaluations.conftest import sweep
from tests.apps.messaging.kinds import (
    CASE_IDS,
    CASES,
    assert_kind,
    prepare,
    switch_everything_off,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("locale,switched_off", CASES, ids=CASE_IDS)
def test_evaluation(nyborg, came, rule, frida, locale, switched_off):
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(frida)
    sweep(came, hours=3)
    sweep(came, hours=3, minutes=10)  # the next sweep finds nothing new
    assert_kind(
        "evaluation", tenant=nyborg, to=frida, switched_off=switched_off, moment=came.starts_at
    )
