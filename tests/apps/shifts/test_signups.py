from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied

from apps.shifts.models import Event, Shift, SignUp
from apps.shifts.services._common import Refused
from apps.shifts.services.signups import shift_sign_up, signup_cancel, waitlist_position
from tests.personas import in_days, make_shift, person

pytestmark = pytest.mark.django_db


def sign_up(shift, user, **kw):
    return shift_sign_up(shift_id=shift.pk, user=user, **kw)


def refusal(shift, user, **kw) -> str:
    with pytest.raises(Refused) as caught:
        sign_up(shift, user, **kw)
    return caught.value.code or ""


def test_it_confirms_while_places_are_free_then_opens_the_waitlist(
    morning, frida, bo, carl, dorthe
):
    statuses = [sign_up(morning, p).status for p in (frida, bo, carl, dorthe)]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    morning.refresh_from_db()
    assert (morning.confirmed_count, morning.waitlist_count, morning.free_places) == (2, 2, 0)


def test_it_tells_each_person_their_place_in_line(morning, frida, bo, carl, dorthe):
    signups = [sign_up(morning, p) for p in (frida, bo, carl, dorthe)]
    assert [waitlist_position(s) for s in signups] == [None, None, 1, 2]


def test_it_mails_a_confirmation(morning, frida, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(morning, frida)
    (message,) = mail.outbox
    assert message.to == ["frida@example.dk"] and "Nyborg Regatta" in message.subject
    assert "/mine-vagter/" in message.body


def test_it_refuses_a_second_sign_up_for_the_same_shift(morning, frida):
    sign_up(morning, frida)
    assert refusal(morning, frida) == "duplicate"


def test_it_refuses_overlapping_shifts_with_the_other_shift_named(kiosk, morning, frida):
    sign_up(morning, frida)
    overlapping = make_shift(kiosk, start=morning.starts_at + timedelta(hours=1))
    with pytest.raises(Refused) as caught:
        sign_up(overlapping, frida)
    assert "Nyborg Regatta" in caught.value.message
    back_to_back = make_shift(kiosk, start=morning.ends_at)
    assert sign_up(back_to_back, frida).status == "confirmed"


def test_it_refuses_after_the_deadline_unless_a_coordinator_adds(kiosk, frida, nanna):
    shift = make_shift(kiosk, signup_deadline=in_days(-1))
    assert refusal(shift, frida) == "deadline"
    assert sign_up(shift, frida, added_by=nanna).status == "confirmed"


def test_it_does_not_let_a_coordinator_of_another_organisation_add_people(morning, frida, kim):
    with pytest.raises(PermissionDenied):
        sign_up(morning, frida, added_by=kim)


def test_it_refuses_started_cancelled_and_unpublished_shifts(kiosk, regatta, frida):
    started = make_shift(kiosk)
    with time_machine.travel(started.starts_at + timedelta(minutes=5)):
        assert refusal(started, frida) == "started"
    assert refusal(make_shift(kiosk, is_cancelled=True, start=in_days(11)), frida) == "closed"
    Event.objects.filter(pk=regatta.pk).update(status=Event.Status.DRAFT)
    assert refusal(make_shift(kiosk, start=in_days(12)), frida) == "closed"


def test_it_checks_the_minimum_age(kiosk, frida, carl):
    kiosk.min_age = 30
    kiosk.save()
    shift = make_shift(kiosk)
    assert refusal(shift, carl) == "too_young"  # born 2000
    assert refusal(shift, person("Ukendt")) == "age_unknown"
    assert sign_up(shift, frida).status == "confirmed"


def test_it_requires_a_valid_child_protection_check(kiosk, frida, bo):
    kiosk.needs_child_check = True
    kiosk.save()
    shift = make_shift(kiosk)
    bo.child_check_valid_until = shift.starts_at.date() + timedelta(days=30)
    bo.save()
    assert refusal(shift, frida) == "child_check"
    assert sign_up(shift, bo).status == "confirmed"


def test_it_explains_refusals_in_danish(morning, frida):
    sign_up(morning, frida)
    with pytest.raises(Refused) as caught:
        sign_up(morning, frida)
    assert caught.value.message == "Du er allerede tilmeldt denne vagt."


def test_it_flags_a_cancellation_after_the_tenants_deadline_as_late(morning, frida, bo):
    early = signup_cancel(signup_id=sign_up(morning, frida).pk, actor=frida)
    with time_machine.travel(morning.starts_at - timedelta(hours=3)):
        late = signup_cancel(signup_id=sign_up(morning, bo).pk, actor=bo, reason="Syg")
    assert (early.status, early.is_late) == ("cancelled", False)
    assert (late.status, late.is_late, late.reason) == ("cancelled", True, "Syg")


def test_it_lets_a_second_cancel_click_change_nothing(morning, frida):
    signup = sign_up(morning, frida)
    signup_cancel(signup_id=signup.pk, actor=frida)
    signup_cancel(signup_id=signup.pk, actor=frida)
    morning.refresh_from_db()
    assert morning.confirmed_count == 0


def test_it_lets_only_the_person_or_a_coordinator_cancel(morning, frida, bo, nanna, kim):
    signup = sign_up(morning, frida)
    for stranger in (bo, kim):
        with pytest.raises(PermissionDenied):
            signup_cancel(signup_id=signup.pk, actor=stranger)
    removed = signup_cancel(signup_id=signup.pk, actor=nanna, reason="Dobbeltbooket")
    assert removed.status == "removed" and not removed.is_late


def test_it_keeps_the_database_from_overbooking_even_without_the_services(morning):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError, match="shift_never_overbooked"), transaction.atomic():
        Shift.objects.filter(pk=morning.pk).update(confirmed_count=3)
    # Written past the services on purpose: the constraints are what is tested. Only the
    # second row may raise, or the block would pass for the wrong reason.
    anna = person("A")
    SignUp.objects.create(shift=morning, user=anna, status="confirmed")
    with pytest.raises(IntegrityError, match="one_active_signup_per_shift"), transaction.atomic():
        SignUp.objects.create(shift=morning, user=anna, status="waitlisted")


def test_it_keeps_members_only_events_for_the_organisations_members(
    regatta, morning, roklub, frida, bo, kim, nyborg, nyborg_client
):
    from datetime import date

    from apps.members.models import Membership
    from tests.conftest import signed_in

    regatta.visibility = Event.Visibility.MEMBERS
    regatta.save()
    Membership.objects.create(user=frida, organisation=roklub, started_on=date(2024, 1, 1))
    assert sign_up(morning, frida).status == SignUp.Status.CONFIRMED
    assert refusal(morning, bo) == "members_only"  # signed in, but not a member
    path = f"/arrangementer/{regatta.pk}/"
    # Non-members see whose event it is and may ask to join, not the event (403).
    assert signed_in(nyborg_client, bo, nyborg).get(path).status_code == 403
    assert signed_in(nyborg_client, frida, nyborg).get(path).status_code == 200
    assert signed_in(nyborg_client, kim, nyborg).get(path).status_code == 403  # other org
