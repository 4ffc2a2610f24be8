from datetime import timedelta

import pytest

from apps.members.models import Profile
from apps.shifts.services._common import Refused
from apps.shifts.services.signups import shift_sign_up
from tests.conftest import signed_in
from tests.personas import make_shift

pytestmark = pytest.mark.django_db


def test_it_asks_before_passing_the_shifts_a_month_a_volunteer_chose(kiosk, morning, frida):
    Profile.objects.create(user=frida, max_shifts_per_month=1)
    shift_sign_up(shift_id=morning.pk, user=frida)
    second = make_shift(kiosk, start=morning.starts_at + timedelta(hours=5))
    with pytest.raises(Refused) as caught:
        shift_sign_up(shift_id=second.pk, user=frida)
    assert caught.value.code == "over_workload" and "højst 1" in caught.value.message
    signup = shift_sign_up(shift_id=second.pk, user=frida, over_workload_ok=True)
    assert signup.status == "confirmed" and signup.over_workload


def test_it_counts_hours_too(kiosk, frida):
    Profile.objects.create(user=frida, max_hours_per_month=4)
    long = make_shift(kiosk, hours=5)
    with pytest.raises(Refused, match="5 timer"):
        shift_sign_up(shift_id=long.pk, user=frida)


def test_it_lets_a_coordinator_add_without_asking_but_shows_it(morning, frida, nanna):
    Profile.objects.create(user=frida, max_hours_per_month=1)
    signup = shift_sign_up(shift_id=morning.pk, user=frida, added_by=nanna)
    assert signup.over_workload


def test_it_asks_on_the_page_and_signs_up_when_confirmed(
    morning, regatta, frida, nyborg, nyborg_client
):
    Profile.objects.create(user=frida, max_hours_per_month=1)
    browser = signed_in(nyborg_client, frida, nyborg)
    question = browser.post(f"/vagter/{morning.pk}/tilmeld/")
    assert question.status_code == 200 and "Ja, tilmeld mig" in question.content.decode()
    done = browser.post(f"/vagter/{morning.pk}/tilmeld/", {"over_workload_ok": "1"}, follow=True)
    assert "Du er tilmeldt" in done.content.decode()
