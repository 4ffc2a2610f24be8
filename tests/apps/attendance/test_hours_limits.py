"""Issue 10, defect 6: corrected hours are bounded by the shift's length plus the tenant's
margin (an override with a reason goes further, recorded), and a no-show earns none.

The morning shift is 3 hours; Nyborg's margin is the default 2 hours."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.attendance.models import Attendance
from apps.attendance.services import hours_correct, roll_call_mark
from apps.audit.models import AuditEvent
from apps.shifts.services._common import Refused
from apps.shifts.services.signups import shift_sign_up
from tenants.models import Tenant
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def frida_on(morning, frida):
    return shift_sign_up(shift_id=morning.pk, user=frida)


def correct(nanna, signup, hours: str, **extra):
    return hours_correct(
        actor=nanna, signup_id=signup.pk, hours=Decimal(hours), reason="Ryddede op", **extra
    )


def test_it_refuses_more_than_the_shifts_length_plus_the_margin(nanna, frida_on):
    roll_call_mark(actor=nanna, signup_id=frida_on.pk, status=Attendance.Status.PRESENT)
    with pytest.raises(Refused) as caught:
        correct(nanna, frida_on, "20")
    assert caught.value.code == "over_limit"
    assert "Højst 5 timer" in caught.value.message
    assert Attendance.objects.get(signup=frida_on).hours == Decimal("3.00")
    assert correct(nanna, frida_on, "5").hours == Decimal("5")


def test_it_follows_the_margin_the_tenant_sets(nyborg, nanna, frida_on):
    nyborg.hours_margin = 0
    nyborg.save(update_fields=["hours_margin"])
    with pytest.raises(Refused):
        correct(nanna, frida_on, "3.5")
    assert correct(nanna, frida_on, "3").hours == Decimal("3")


def test_it_lets_a_coordinator_go_beyond_with_an_override_that_is_recorded(nanna, frida_on):
    attendance = correct(nanna, frida_on, "9", override=True)
    assert (attendance.hours, attendance.hours_override) == (Decimal("9"), True)
    row = AuditEvent.objects.filter(action="attendance.hours_corrected").latest("id")
    assert (row.data["override"], row.data["reason"], row.data["limit"]) == (
        True,
        "Ryddede op",
        "5.00",
    )
    # Within the limit the flag is off again, even when the box is ticked.
    assert correct(nanna, frida_on, "4", override=True).hours_override is False


def test_it_refuses_hours_on_a_no_show(nanna, frida_on):
    roll_call_mark(actor=nanna, signup_id=frida_on.pk, status=Attendance.Status.NO_SHOW)
    with pytest.raises(Refused) as caught:
        correct(nanna, frida_on, "2")
    assert caught.value.code == "no_show"
    with pytest.raises(Refused):
        correct(nanna, frida_on, "2", override=True)
    assert Attendance.objects.get(signup=frida_on).hours == 0


def test_it_drops_corrected_hours_when_someone_is_marked_a_no_show(nanna, frida_on):
    correct(nanna, frida_on, "4")
    absent = roll_call_mark(actor=nanna, signup_id=frida_on.pk, status=Attendance.Status.NO_SHOW)
    assert (absent.hours, absent.corrected_at) == (0, None)


def test_it_explains_on_the_form_in_danish_and_keeps_the_input(
    nyborg, nanna, frida_on, nyborg_client
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    url = reverse("attendance-correct", args=[frida_on.pk])
    response = browser.post(url, {"hours": "20", "reason": "Blev hele dagen"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Højst 5 timer" in page
    assert 'value="20"' in page and "Blev hele dagen" in page
    assert Attendance.objects.filter(signup=frida_on).count() == 0

    accepted = browser.post(url, {"hours": "20", "reason": "Blev hele dagen", "override": "on"})
    assert accepted.status_code == 302
    attendance = Attendance.objects.get(signup=frida_on)
    assert (attendance.hours, attendance.hours_override) == (Decimal("20"), True)

    roll_call_mark(actor=nanna, signup_id=frida_on.pk, status=Attendance.Status.NO_SHOW)
    refused = browser.post(url, {"hours": "2", "reason": "Kom alligevel"}).content.decode()
    assert "udeblevet" in refused and "Kom alligevel" in refused


def test_the_system_owners_admin_sets_the_margin(nyborg, nanna, nyborg_client):
    browser = signed_in(nyborg_client, nanna, nyborg)
    assert (
        "timer en rettelse må lægge til" in browser.get("/indstillinger/").content.decode().lower()
    )
    data = {
        "cancel_deadline_hours": "24",
        "waitlist_stop_hours": "2",
        "reminder_hours": "24",
        "unfilled_alert_hours": "48",
        "hours_margin": "1",
        "staff_idle_minutes": "60",
    }
    assert browser.post("/indstillinger/", data).status_code == 302
    assert Tenant.objects.get(pk=nyborg.pk).hours_margin == 1
