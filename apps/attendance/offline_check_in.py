"""Check-ins and check-outs a volunteer made by the shift's code without network, sent when
it came back (an item's `action`: "in", the default, or "out").

The scan page queues the check-in on the phone with an id it makes itself and the time
of the tap (static/js/check-in-offline.js) and sends it later. Here it goes through
`check_in` with the time of the tap as both `now` and `scanned_at`, so the code's
rotating window, the opening hour and lateness are judged at the scan, not at the
arrival. Its own rules, those of the roll call's queue (apps.attendance.offline):

- once: the client's id is stored in `OfflineTick` (unique), so a check-in sent twice
  counts once and gets its first answer back;
- the later change wins: when a coordinator ticked or corrected the attendance after the
  tap, the check-in is not applied;
- too old: a check-in made more than MAX_AGE before it arrives is refused (a phone left
  in a drawer for days does not write hours into last week).

A check-out goes through `check_out` at the time of its tap (so the hours run from the
check-in to the tap, not to the arrival). A phone's batch is applied in the order made,
so a check-in and a check-out queued together apply in that order. Already checked out:
`unchanged`; marked a no-show after the tap: `conflict`; not checked in: refused.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.attendance.models import Attendance, OfflineTick
from apps.attendance.offline import _changed_at
from apps.attendance.services import check_in, check_out
from apps.shifts.models import SignUp
from apps.shifts.services._common import Refused

MAX_AGE = timedelta(hours=12)
# The page was opened (the code seen) at most this long before the tap: as a scan
# remembered in the session online (views.SCAN_KEPT).
SEEN_KEPT = timedelta(minutes=15)
MAX_BATCH = 20  # a phone's own check-ins of a day


@dataclass(frozen=True)
class QueuedCheckIn:
    client_id: uuid.UUID
    shift_id: int
    token: str
    made_at: datetime
    seen_at: datetime | None = None  # the page with the code opened, if before the tap
    action: str = "in"  # "in" or "out"


@dataclass(frozen=True)
class CheckInResult:
    client_id: str
    shift_id: int
    outcome: str  # OfflineTick.Outcome
    message: str
    checked_in_at: datetime | None = None
    action: str = "in"
    checked_out_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "shift": self.shift_id,
            "action": self.action,
            "outcome": self.outcome,
            "message": self.message,
            "checked_in_at": self.checked_in_at.isoformat() if self.checked_in_at else None,
            "checked_out_at": self.checked_out_at.isoformat() if self.checked_out_at else None,
        }


def check_ins_parse(raw: object) -> list[QueuedCheckIn]:
    """The queue as the page sends it; Refused (in the user's language) when malformed."""
    if not isinstance(raw, list) or not raw:
        raise Refused(_("Nothing to save."), code="empty")
    if len(raw) > MAX_BATCH:
        raise Refused(_("At most %(n)s check-ins at a time.") % {"n": MAX_BATCH}, code="too_many")
    items = []
    for item in raw:
        try:
            client_id = uuid.UUID(str(item["client_id"]))
            shift_id = int(item["shift"])
            token = str(item["token"])[:100]
            made_at = parse_datetime(str(item["made_at"]))
            seen_at = parse_datetime(str(item["seen_at"])) if item.get("seen_at") else None
            action = str(item.get("action") or "in")
        except (KeyError, TypeError, ValueError, AttributeError):
            raise Refused(_("A check-in could not be read."), code="malformed") from None
        if any(m is not None and timezone.is_naive(m) for m in (made_at, seen_at)):
            raise Refused(_("A check-in could not be read."), code="malformed")
        if made_at is None or action not in ("in", "out"):
            raise Refused(_("A check-in could not be read."), code="malformed")
        items.append(QueuedCheckIn(client_id, shift_id, token, made_at, seen_at, action))
    return items


def _apply_one(*, user: User, item: QueuedCheckIn, now: datetime) -> CheckInResult:
    def result(
        outcome: str, message: str = "", attendance: Attendance | None = None
    ) -> CheckInResult:
        return CheckInResult(
            str(item.client_id),
            item.shift_id,
            outcome,
            message,
            attendance.checked_in_at if attendance else None,
            item.action,
            attendance.checked_out_at if attendance else None,
        )

    # Lock this person's sign-up first: a second sending of the same id waits, then sees it.
    signup = (
        SignUp.objects.select_for_update(of=("self",))
        .filter(shift_id=item.shift_id, user=user, status=SignUp.Status.CONFIRMED)
        .first()
    )
    seen = OfflineTick.objects.filter(client_id=item.client_id).first()
    if seen is not None:
        if seen.made_by_id != user.pk:  # somebody else's id: tell nothing about it
            return result(OfflineTick.Outcome.REFUSED, _("This check-in could not be saved."))
        stored = Attendance.objects.filter(signup_id=seen.signup_id).first()
        return result(seen.outcome, seen.message, stored)
    if signup is None:
        text = _("You are not signed up for this shift. Please see the coordinator.")
        return result(OfflineTick.Outcome.REFUSED, text)
    # A phone whose clock runs ahead must not beat the coordinator's later corrections.
    made_at = min(item.made_at, now)
    outcome, message = OfflineTick.Outcome.APPLIED, ""
    attendance = Attendance.objects.select_for_update().filter(signup=signup).first()
    if now - made_at > MAX_AGE:
        outcome = OfflineTick.Outcome.REFUSED
        message = _(
            "This check-in was made more than %(hours)s hours ago and was not saved. "
            "Please see the coordinator."
        ) % {"hours": int(MAX_AGE / timedelta(hours=1))}
    elif item.action == "out":
        outcome, message, attendance = _check_out(
            user=user, item=item, made_at=made_at, attendance=attendance
        )
    elif attendance is not None and attendance.checked_in_at is not None:
        outcome = OfflineTick.Outcome.UNCHANGED  # already in: by the code, online or queued
    elif attendance is not None and _changed_at(attendance) > made_at:
        # The coordinator ticked or corrected after the scan: theirs stands.
        outcome = OfflineTick.Outcome.UNCHANGED
        if attendance.status == Attendance.Status.NO_SHOW:
            outcome = OfflineTick.Outcome.CONFLICT
            message = _("The coordinator has since marked you as a no-show. Please see them.")
    else:
        scanned_at = _scanned_at(item, made_at)
        try:
            attendance = check_in(
                user=user,
                shift_id=item.shift_id,
                token=item.token,
                now=made_at,
                scanned_at=scanned_at,
            )
        except Refused as refusal:
            outcome, message = OfflineTick.Outcome.REFUSED, " ".join(refusal.messages)
    OfflineTick.objects.create(
        client_id=item.client_id,
        signup=signup,
        # What the check-in made (or found); "" when nothing was written.
        status=attendance.status if attendance is not None and attendance.pk else "",
        made_at=made_at,
        made_by=user,
        outcome=outcome,
        message=message,
    )
    return result(outcome, message, attendance)


def _check_out(
    *, user: User, item: QueuedCheckIn, made_at: datetime, attendance: Attendance | None
) -> tuple[OfflineTick.Outcome, str, Attendance | None]:
    """A check-out queued on the phone, at the time of its tap (the attendance is locked)."""
    if attendance is not None and attendance.checked_out_at is not None:
        return OfflineTick.Outcome.UNCHANGED, "", attendance  # out already
    if (
        attendance is not None
        and attendance.status == Attendance.Status.NO_SHOW
        and _changed_at(attendance) > made_at
    ):
        text = _("The coordinator has since marked you as a no-show. Please see them.")
        return OfflineTick.Outcome.CONFLICT, text, attendance
    scanned_at = _scanned_at(item, made_at)
    try:
        attendance = check_out(
            user=user,
            shift_id=item.shift_id,
            token=item.token,
            now=made_at,
            scanned_at=scanned_at,
        )
    except Refused as refusal:
        return OfflineTick.Outcome.REFUSED, " ".join(refusal.messages), attendance
    return OfflineTick.Outcome.APPLIED, "", attendance


def offline_check_ins_apply(
    *, user: User, items: list[QueuedCheckIn], now: datetime | None = None
) -> list[CheckInResult]:
    """Apply a phone's queued check-ins, each once, in the order made, each in its own
    transaction (one refused does not undo the others)."""
    moment = now or timezone.now()
    results = []
    for item in sorted(items, key=lambda i: i.made_at):
        with transaction.atomic():
            results.append(_apply_one(user=user, item=item, now=moment))
    return results


def _scanned_at(item: QueuedCheckIn, made_at: datetime) -> datetime:
    """The code is judged when the page showed it (as the session's remembered scan
    online), if that was shortly before the tap; else at the tap."""
    shown = item.seen_at
    return shown if shown and made_at - SEEN_KEPT <= shown <= made_at else made_at
