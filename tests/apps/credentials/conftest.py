"""Frida rowed at the regatta: 6 hours in Nyborg Roklub, the kiosk, an onboarding."""

from datetime import date
from decimal import Decimal

import pytest

from apps.attendance.models import Attendance
from apps.recruitment.models import Onboarding
from tests.personas import make_shift, place


@pytest.fixture
def fridas_history(frida, roklub, kiosk, morning):
    afternoon = make_shift(kiosk, start=morning.ends_at)
    for shift in (morning, afternoon):
        signup = place(shift, frida)  # through the service: the shift's counters kept
        Attendance.objects.create(
            signup=signup, status=Attendance.Status.PRESENT, hours=Decimal("3")
        )
    onboarding = Onboarding.objects.create(
        organisation=roklub,
        user=frida,
        starts_on=date(2025, 1, 1),
        agreement_accepted_on=date(2025, 1, 2),
        introduction_done_on=date(2025, 1, 9),
    )
    return {
        "hours": f"hours:{roklub.pk}",
        "role": f"role:{kiosk.pk}",
        "onboarding": f"onboarding:{onboarding.pk}",
    }
