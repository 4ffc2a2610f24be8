"""Roll call and check-in at the regatta's kiosk: Frida and Bo are on the morning shift
(10:00 to 13:00); Nanna coordinates; Kim (another association) may not mark anyone."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from apps.attendance.models import Attendance
from apps.attendance.selectors import no_shows_per_volunteer
from apps.attendance.services import (
    Code,
    check_in,
    check_out,
    hours_correct,
    roll_call_mark,
    shift_token,
    token_check,
    token_valid,
)
from apps.audit.models import AuditEvent
from apps.shifts.models import SignUp
from apps.shifts.services._common import Refused
from apps.shifts.services.signups import shift_sign_up
from tests.personas import make_shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def frida_on(morning, frida) -> SignUp:
    return shift_sign_up(shift_id=morning.pk, user=frida)


@pytest.fixture
def bo_on(morning, bo) -> SignUp:
    return shift_sign_up(shift_id=morning.pk, user=bo)


def refusal_code(excinfo) -> str:
    return excinfo.value.code


# --- the code ---------------------------------------------------------------------------


def test_a_token_is_valid_only_for_its_own_shift(morning, kiosk):
    other = make_shift(kiosk, start=morning.ends_at)
    assert token_valid(morning.pk, shift_token(morning.pk))
    assert not token_valid(morning.pk, shift_token(other.pk))
    assert not token_valid(morning.pk, "forged")


def test_the_code_rotates_and_the_previous_one_is_taken_as_grace(morning, settings):
    settings.ATTENDANCE_CODE_MINUTES = 2
    start = morning.starts_at.replace(second=0, microsecond=0)
    window_start = start - timedelta(minutes=start.minute % 2)
    shown = shift_token(morning.pk, at=window_start)
    assert shift_token(morning.pk, at=window_start + timedelta(seconds=119)) == shown
    assert shift_token(morning.pk, at=window_start + timedelta(minutes=2)) != shown
    assert token_check(morning.pk, shown, window_start + timedelta(minutes=3)) is Code.VALID
    assert token_check(morning.pk, shown, window_start + timedelta(minutes=4)) is Code.EXPIRED
    assert token_check(morning.pk, shown, window_start + timedelta(hours=5)) is Code.EXPIRED


def test_an_old_code_is_refused_with_its_own_reason(morning, frida, frida_on):
    photo = shift_token(morning.pk, at=morning.starts_at - timedelta(minutes=30))
    with pytest.raises(Refused) as old:
        check_in(user=frida, shift_id=morning.pk, token=photo, now=morning.starts_at)
    assert refusal_code(old) == "expired"
    assert not Attendance.objects.exists()


def test_a_scan_remembered_from_before_signing_in_is_checked_at_its_moment(
    morning, frida, frida_on
):
    scanned = morning.starts_at - timedelta(minutes=5)
    token = shift_token(morning.pk, at=scanned)
    attendance = check_in(
        user=frida, shift_id=morning.pk, token=token, now=morning.starts_at, scanned_at=scanned
    )
    assert attendance.checked_in_at == morning.starts_at


def test_a_static_code_from_before_rotation_no_longer_works(morning):
    from django.core import signing
    from django.db import connection

    salt = f"attendance.shift-code:{connection.schema_name}"
    printed = signing.Signer(salt=salt).sign(str(morning.pk)).split(":", 1)[1]
    assert token_check(morning.pk, printed) is Code.WRONG


def test_a_code_made_on_visitaarhus_is_refused_in_nyborg(morning, aarhus):
    from django_tenants.utils import tenant_context

    with tenant_context(aarhus):  # the same shift id may exist there
        foreign = shift_token(morning.pk)
    assert token_check(morning.pk, foreign) is Code.WRONG


# --- check-in rules ---------------------------------------------------------------------


def test_check_in_opens_an_hour_before_the_start(morning, frida, frida_on):
    with pytest.raises(Refused) as early:
        check_in(
            user=frida,
            shift_id=morning.pk,
            token=shift_token(morning.pk, at=morning.starts_at - timedelta(minutes=61)),
            now=morning.starts_at - timedelta(minutes=61),
        )
    assert refusal_code(early) == "too_early"
    assert "09:00" in early.value.messages[0]

    attendance = check_in(
        user=frida,
        shift_id=morning.pk,
        token=shift_token(morning.pk, at=morning.starts_at - timedelta(minutes=60)),
        now=morning.starts_at - timedelta(minutes=60),
    )
    assert attendance.status == Attendance.Status.PRESENT
    assert attendance.hours == Decimal("3.00")


def test_check_in_after_the_end_is_too_late(morning, frida, frida_on):
    with pytest.raises(Refused) as late:
        check_in(
            user=frida,
            shift_id=morning.pk,
            token=shift_token(morning.pk, at=morning.ends_at + timedelta(minutes=1)),
            now=morning.ends_at + timedelta(minutes=1),
        )
    assert refusal_code(late) == "too_late"
    assert "13:00" in late.value.messages[0]
    assert not Attendance.objects.exists()


def test_check_in_after_the_start_is_late(morning, frida, frida_on):
    attendance = check_in(
        user=frida,
        shift_id=morning.pk,
        token=shift_token(morning.pk, at=morning.starts_at + timedelta(minutes=20)),
        now=morning.starts_at + timedelta(minutes=20),
    )
    assert attendance.status == Attendance.Status.LATE


def test_a_code_of_another_shift_is_refused(morning, kiosk, frida, frida_on):
    other = make_shift(kiosk, start=morning.ends_at)
    with pytest.raises(Refused) as wrong:
        check_in(
            user=frida,
            shift_id=morning.pk,
            token=shift_token(other.pk, at=morning.starts_at),
            now=morning.starts_at,
        )
    assert refusal_code(wrong) == "wrong_shift"
    assert "en anden vagt" in wrong.value.messages[0]


def test_checking_in_twice_says_when(morning, frida, frida_on):
    first = morning.starts_at - timedelta(minutes=5)
    check_in(user=frida, shift_id=morning.pk, token=shift_token(morning.pk, at=first), now=first)
    with pytest.raises(Refused) as twice:
        check_in(
            user=frida,
            shift_id=morning.pk,
            token=shift_token(morning.pk, at=morning.starts_at),
            now=morning.starts_at,
        )
    assert refusal_code(twice) == "twice"
    assert "allerede tjekket ind kl. 09:55" in twice.value.messages[0]
    assert Attendance.objects.get().checked_in_at == first


def test_only_people_on_the_shift_check_in(morning, bo):
    with pytest.raises(Refused) as stranger:
        check_in(
            user=bo,
            shift_id=morning.pk,
            token=shift_token(morning.pk, at=morning.starts_at),
            now=morning.starts_at,
        )
    assert refusal_code(stranger) == "not_signed_up"
    assert "koordinatoren" in stranger.value.messages[0]


def test_a_cancelled_sign_up_cannot_check_in(morning, frida, frida_on):
    SignUp.objects.filter(pk=frida_on.pk).update(status=SignUp.Status.CANCELLED)
    with pytest.raises(Refused) as gone:
        check_in(
            user=frida,
            shift_id=morning.pk,
            token=shift_token(morning.pk, at=morning.starts_at),
            now=morning.starts_at,
        )
    assert refusal_code(gone) == "not_signed_up"


# --- check-out --------------------------------------------------------------------------


def test_hours_come_from_check_in_and_out(morning, frida, frida_on):
    check_in(
        user=frida,
        shift_id=morning.pk,
        token=shift_token(morning.pk, at=morning.starts_at),
        now=morning.starts_at,
    )
    attendance = check_out(
        user=frida,
        shift_id=morning.pk,
        token=shift_token(morning.pk, at=morning.starts_at + timedelta(hours=2, minutes=15)),
        now=morning.starts_at + timedelta(hours=2, minutes=15),
    )
    assert attendance.hours == Decimal("2.25")
    assert AuditEvent.objects.filter(action="attendance.check_out").count() == 1


def test_check_out_closes_three_hours_after_the_end(morning, frida, frida_on):
    check_in(
        user=frida,
        shift_id=morning.pk,
        token=shift_token(morning.pk, at=morning.starts_at),
        now=morning.starts_at,
    )
    with pytest.raises(Refused) as late:
        check_out(
            user=frida,
            shift_id=morning.pk,
            token=shift_token(morning.pk, at=morning.ends_at + timedelta(hours=3, minutes=1)),
            now=morning.ends_at + timedelta(hours=3, minutes=1),
        )
    assert refusal_code(late) == "too_late"
    assert "16:00" in late.value.messages[0]


def test_check_out_needs_a_check_in(morning, frida, frida_on):
    with pytest.raises(Refused) as never:
        check_out(
            user=frida,
            shift_id=morning.pk,
            token=shift_token(morning.pk, at=morning.ends_at),
            now=morning.ends_at,
        )
    assert refusal_code(never) == "not_checked_in"


# --- roll call and corrections ----------------------------------------------------------


def test_roll_call_sets_default_hours(morning, nanna, frida_on, bo_on):
    present = roll_call_mark(actor=nanna, signup_id=frida_on.pk, status=Attendance.Status.PRESENT)
    absent = roll_call_mark(actor=nanna, signup_id=bo_on.pk, status=Attendance.Status.NO_SHOW)
    assert present.hours == Decimal("3.00")
    assert absent.hours == Decimal("0")
    assert present.marked_by == nanna
    assert AuditEvent.objects.filter(action="attendance.no_show", actor=nanna.email).exists()


def test_another_organisations_coordinator_may_not_mark(morning, kim, frida_on):
    with pytest.raises(PermissionDenied):
        roll_call_mark(actor=kim, signup_id=frida_on.pk, status=Attendance.Status.PRESENT)
    with pytest.raises(PermissionDenied):
        hours_correct(actor=kim, signup_id=frida_on.pk, hours=Decimal("1"), reason="no")
    assert not Attendance.objects.exists()


def test_a_correction_needs_a_reason_and_is_recorded(morning, nanna, frida_on):
    roll_call_mark(actor=nanna, signup_id=frida_on.pk, status=Attendance.Status.PRESENT)
    with pytest.raises(Refused) as bare:
        hours_correct(actor=nanna, signup_id=frida_on.pk, hours=Decimal("2"), reason="  ")
    assert refusal_code(bare) == "reason"

    attendance = hours_correct(
        actor=nanna, signup_id=frida_on.pk, hours=Decimal("2.5"), reason="Left early"
    )
    assert (attendance.hours, attendance.corrected_by, attendance.correction_reason) == (
        Decimal("2.5"),
        nanna,
        "Left early",
    )
    assert attendance.corrected_at is not None
    # A later tick keeps the corrected hours.
    again = roll_call_mark(actor=nanna, signup_id=frida_on.pk, status=Attendance.Status.LATE)
    assert again.hours == Decimal("2.50")
    row = AuditEvent.objects.get(action="attendance.hours_corrected")
    assert row.data["reason"] == "Left early"


def test_no_shows_are_counted_per_volunteer(morning, kiosk, roklub, nanna, kim, frida, bo):
    later = make_shift(kiosk, start=morning.ends_at)
    for shift in (morning, later):
        signup = shift_sign_up(shift_id=shift.pk, user=frida)
        roll_call_mark(actor=nanna, signup_id=signup.pk, status=Attendance.Status.NO_SHOW)
    came = shift_sign_up(shift_id=morning.pk, user=bo)
    roll_call_mark(actor=nanna, signup_id=came.pk, status=Attendance.Status.PRESENT)

    counted = [(p.email, p.no_shows) for p in no_shows_per_volunteer(organisations=[roklub])]
    assert counted == [("frida@example.dk", 2)]
    assert list(no_shows_per_volunteer(organisations=[kim.roles.get().organisation])) == []
