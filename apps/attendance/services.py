"""Roll call by the coordinator, self check-in and check-out by the shift's QR code.

Hours come from the shift's length, or from check-in to check-out when both exist; a
coordinator may correct them with a reason, recorded with who and when.
"""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.conf import settings
from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.attendance.models import Attendance
from apps.audit.services import audit_record
from apps.organisations.permissions import require_coordinator
from apps.shifts.models import Shift, SignUp
from apps.shifts.services._common import Refused
from kernel import dates
from kernel.times import now_or
from tenants.models import Tenant
from tenants.selectors import current_tenant, tenant_zone

SALT = "attendance.shift-code"
OPENS_BEFORE = timedelta(minutes=60)
CHECK_OUT_AFTER = timedelta(hours=3)


class Code(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"  # this shift's code, from a window that is over
    WRONG = "wrong"  # another shift's, another site's, a printed static code, or made up


def _window_seconds() -> int:
    return int(settings.ATTENDANCE_CODE_MINUTES) * 60


def _window(moment: datetime) -> int:
    return int(moment.timestamp()) // _window_seconds()


def _mac(shift_id: int, window: int) -> str:
    # The schema is in the key: shift ids repeat across tenants, their codes must not. An
    # HMAC of (shift, time window) needs no table: any server can make and check it.
    schema = getattr(connection, "schema_name", "public")
    value = f"{shift_id}:{window}"
    return salted_hmac(f"{SALT}:{schema}", value, algorithm="sha256").hexdigest()[:20]


def shift_token(shift_id: int, at: datetime | None = None) -> str:
    """The code on the coordinator's screen: it changes every ATTENDANCE_CODE_MINUTES, so a
    photo of it sent home stops working within minutes."""
    window = _window(at or timezone.now())
    return f"{window}-{_mac(shift_id, window)}"


def token_check(shift_id: int, token: str, at: datetime | None = None) -> Code:
    """Valid in its own window and the one after it (grace for the walk from the screen to
    the button, and for a screen that refreshes every 30 seconds); one window ahead is
    taken too, for servers whose clocks differ by a little."""
    window_text, _dash, mac = token.partition("-")
    if not window_text.isdigit() or not constant_time_compare(
        mac, _mac(shift_id, int(window_text))
    ):
        return Code.WRONG
    age = _window(at or timezone.now()) - int(window_text)
    return Code.VALID if -1 <= age <= 1 else Code.EXPIRED


def token_valid(shift_id: int, token: str, at: datetime | None = None) -> bool:
    return token_check(shift_id, token, at) is Code.VALID


def _hours_between(start: datetime, end: datetime) -> Decimal:
    hours = Decimal((end - start) / timedelta(hours=1))
    return max(Decimal("0"), hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def default_hours(attendance: Attendance, shift: Shift) -> Decimal:
    if attendance.status == Attendance.Status.NO_SHOW:
        return Decimal("0")
    if attendance.checked_in_at and attendance.checked_out_at:
        return _hours_between(attendance.checked_in_at, attendance.checked_out_at)
    return _hours_between(shift.starts_at, shift.ends_at)


def _locked(signup_id: int) -> tuple[SignUp, Attendance]:
    signup = (
        SignUp.objects.select_for_update(of=("self",))
        .select_related("shift__task__event__organisation")
        .get(pk=signup_id)
    )
    attendance = Attendance.objects.select_for_update().filter(signup=signup).first()
    return signup, attendance or Attendance(signup=signup)


def _local_time(moment: datetime) -> str:
    return dates.show(moment, "clock", zone=tenant_zone())


def _local_moment(moment: datetime) -> str:
    return dates.show(moment, "month_day_time", zone=tenant_zone())


@transaction.atomic
def roll_call_mark(*, actor: User, signup_id: int, status: str) -> Attendance:
    """The coordinator ticks one person present, late or no-show."""
    signup, attendance = _locked(signup_id)
    require_coordinator(actor, signup.shift.task.event.organisation)
    if status not in Attendance.Status.values:
        raise Refused(_("Choose present, late or no-show."), code="status")
    if signup.status != SignUp.Status.CONFIRMED:
        raise Refused(_("Only people on the shift can be marked."), code="not_confirmed")
    attendance.status = status
    attendance.marked_by = actor
    if status == Attendance.Status.NO_SHOW and attendance.corrected_at is not None:
        # Nobody earns hours by not coming: a correction made before goes (the audit keeps it).
        attendance.corrected_by, attendance.corrected_at = None, None
        attendance.correction_reason, attendance.hours_override = "", False
    if attendance.corrected_at is None:  # a correction with a reason stands
        attendance.hours = default_hours(attendance, signup.shift)
    attendance.save()
    audit_record(actor=actor, action=f"attendance.{status}", target=attendance)
    return attendance


def _hours_text(hours: Decimal) -> str:
    whole = hours == hours.to_integral_value()
    return formats.number_format(hours.quantize(Decimal("1")) if whole else hours)


def hours_limit(shift: Shift, tenant: Tenant | None = None) -> Decimal:
    """The most hours a correction may give without an override: the shift's length plus
    the tenant's margin."""
    margin = (tenant or current_tenant()).hours_margin
    return _hours_between(shift.starts_at, shift.ends_at) + Decimal(margin)


@transaction.atomic
def hours_correct(
    *, actor: User, signup_id: int, hours: Decimal, reason: str, override: bool = False
) -> Attendance:
    """The coordinator sets the hours that count, and says why. Up to the shift's length
    plus the tenant's margin; beyond that only with `override` (stored and audited, the
    reason saying why); never on a no-show."""
    signup, attendance = _locked(signup_id)
    require_coordinator(actor, signup.shift.task.event.organisation)
    reason = reason.strip()
    if not reason:
        raise Refused(_("Give a reason for the correction."), code="reason")
    limit = hours_limit(signup.shift)
    if hours < 0:
        raise Refused(_("Hours cannot be negative."), code="hours")
    if attendance.status == Attendance.Status.NO_SHOW and hours > 0:
        raise Refused(
            _(
                "%(name)s is marked as a no-show, so no hours count. "
                "Mark them present or late first."
            )
            % {"name": signup.user.full_name},
            code="no_show",
        )
    if hours > limit and not override:
        raise Refused(
            _(
                "At most %(limit)s hours: the shift's length plus the site's margin of "
                "%(margin)s hours. To give more, tick the override and say why in the reason."
            )
            % {
                "limit": _hours_text(limit),
                "margin": current_tenant().hours_margin,
            },
            code="over_limit",
        )
    if hours > max(limit, Decimal("24")):
        raise Refused(
            _("At most %(n)s hours.") % {"n": _hours_text(max(limit, Decimal("24")))}, code="hours"
        )
    if attendance.pk is None:
        attendance.status = Attendance.Status.PRESENT
    before = attendance.hours if attendance.pk else None
    attendance.hours = hours
    attendance.hours_override = hours > limit
    attendance.corrected_by = actor
    attendance.corrected_at = timezone.now()
    attendance.correction_reason = reason
    attendance.save()
    audit_record(
        actor=actor,
        action="attendance.hours_corrected",
        target=attendance,
        before=str(before) if before is not None else None,
        hours=str(hours),
        reason=reason,
        limit=str(limit),
        override=attendance.hours_override,
    )
    return attendance


def _scan(*, user: User, shift_id: int, token: str, scanned_at: datetime) -> tuple[Shift, SignUp]:
    code = token_check(shift_id, token, scanned_at)
    if code is Code.EXPIRED:
        text = _("This code has expired. Scan the code on the coordinator's screen again.")
        raise Refused(text, code="expired")
    if code is not Code.VALID:
        raise Refused(_("This code belongs to another shift."), code="wrong_shift")
    shift = Shift.objects.select_related("task__event").filter(pk=shift_id).first()
    if shift is None or shift.is_cancelled:
        raise Refused(_("This shift is cancelled."), code="cancelled")
    signup = (
        SignUp.objects.select_for_update(of=("self",))
        .filter(shift=shift, user=user, status=SignUp.Status.CONFIRMED)
        .first()
    )
    if signup is None:
        raise Refused(
            _("You are not signed up for this shift. Please see the coordinator."),
            code="not_signed_up",
        )
    return shift, signup


@transaction.atomic
def check_in(
    *,
    user: User,
    shift_id: int,
    token: str,
    now: datetime | None = None,
    scanned_at: datetime | None = None,
) -> Attendance:
    """The volunteer scans the code at the venue: present, or late after the start.
    `scanned_at`: when this person's session saw the code valid (they signed in between);
    the code is checked at that moment, else now."""
    now = now_or(now)
    shift, signup = _scan(user=user, shift_id=shift_id, token=token, scanned_at=scanned_at or now)
    attendance = Attendance.objects.select_for_update().filter(signup=signup).first()
    if attendance is not None and attendance.checked_in_at is not None:
        text = _("You are already checked in at %(time)s.")
        raise Refused(text % {"time": _local_time(attendance.checked_in_at)}, code="twice")
    opens = shift.starts_at - OPENS_BEFORE
    if now < opens:
        text = _("Too early: check-in opens %(when)s.")
        raise Refused(text % {"when": _local_moment(opens)}, code="too_early")
    if now > shift.ends_at:
        text = _("Too late: check-in closed %(when)s.")
        raise Refused(text % {"when": _local_moment(shift.ends_at)}, code="too_late")
    attendance = attendance or Attendance(signup=signup)
    attendance.checked_in_at = now
    if attendance.pk is None or attendance.status != Attendance.Status.NO_SHOW:
        late = now > shift.starts_at
        attendance.status = Attendance.Status.LATE if late else Attendance.Status.PRESENT
    else:  # marked no-show too soon; the scan shows they came
        attendance.status = Attendance.Status.LATE
    if attendance.corrected_at is None:
        attendance.hours = default_hours(attendance, shift)
    attendance.save()
    audit_record(actor=user, action="attendance.check_in", target=attendance)
    return attendance


@transaction.atomic
def check_out(
    *,
    user: User,
    shift_id: int,
    token: str,
    now: datetime | None = None,
    scanned_at: datetime | None = None,
) -> Attendance:
    """The volunteer scans again when leaving; the hours become check-in to check-out."""
    now = now_or(now)
    shift, signup = _scan(user=user, shift_id=shift_id, token=token, scanned_at=scanned_at or now)
    attendance = Attendance.objects.select_for_update().filter(signup=signup).first()
    if attendance is None or attendance.checked_in_at is None:
        raise Refused(_("You have not checked in on this shift."), code="not_checked_in")
    if attendance.checked_out_at is not None:
        text = _("You are already checked out at %(time)s.")
        raise Refused(text % {"time": _local_time(attendance.checked_out_at)}, code="twice")
    closes = shift.ends_at + CHECK_OUT_AFTER
    if now > closes:
        text = _("Too late: check-out closed %(when)s.")
        raise Refused(text % {"when": _local_moment(closes)}, code="too_late")
    attendance.checked_out_at = max(now, attendance.checked_in_at)
    if attendance.corrected_at is None:
        attendance.hours = default_hours(attendance, shift)
    attendance.save()
    audit_record(actor=user, action="attendance.check_out", target=attendance)
    return attendance
