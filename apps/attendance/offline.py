"""Roll-call ticks made without network, applied when the device is back online.

The roll-call page queues each tick on the device with an id it makes itself and the time
of the tap, and sends the queue as a batch (static/js/roll-call-offline.js). Here each tick
goes through `roll_call_mark`, like an online tap, with two rules of its own:

- once: the client's id is stored (unique), so a batch sent again after a lost answer
  changes nothing and gets the first answer back;
- the later change wins: when the attendance was changed after the tap (another
  coordinator's tick or correction, the volunteer's own check-in), the tick is not applied
  and the answer says so, for the page to show.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.attendance.models import Attendance, OfflineTick
from apps.attendance.services import _local_time, _locked, roll_call_mark
from apps.audit.services import audit_record
from apps.organisations.permissions import require_coordinator
from apps.shifts.models import Shift, SignUp
from apps.shifts.services._common import Refused

MAX_BATCH = 200  # a roll call of a big shift, with room; more is not a device's queue


@dataclass(frozen=True)
class Tick:
    client_id: uuid.UUID
    signup_id: int
    status: str
    made_at: datetime


@dataclass(frozen=True)
class TickResult:
    client_id: str
    signup_id: int
    outcome: str  # OfflineTick.Outcome
    status: str  # what is stored now ("" when nothing)
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "signup": self.signup_id,
            "outcome": self.outcome,
            "status": self.status,
            "message": self.message,
        }


def ticks_parse(raw: object) -> list[Tick]:
    """The batch as the page sends it; Refused (in the user's language) when malformed."""
    if not isinstance(raw, list) or not raw:
        raise Refused(_("Nothing to save."), code="empty")
    if len(raw) > MAX_BATCH:
        raise Refused(_("At most %(n)s ticks at a time.") % {"n": MAX_BATCH}, code="too_many")
    ticks = []
    for item in raw:
        try:
            client_id = uuid.UUID(str(item["client_id"]))
            signup_id = int(item["signup"])
            status = str(item["status"])
            made_at = parse_datetime(str(item["made_at"]))
        except (KeyError, TypeError, ValueError):
            raise Refused(_("A tick could not be read."), code="malformed") from None
        if made_at is None or timezone.is_naive(made_at):
            raise Refused(_("A tick could not be read."), code="malformed")
        ticks.append(Tick(client_id, signup_id, status, made_at))
    return ticks


def _changed_by(attendance: Attendance, made_at: datetime) -> str:
    if attendance.checked_in_at and attendance.checked_in_at > made_at:
        return attendance.signup.user.full_name  # they checked in by the code themselves
    if attendance.corrected_at and attendance.corrected_at > made_at and attendance.corrected_by:
        return attendance.corrected_by.full_name
    return attendance.marked_by.full_name if attendance.marked_by else _("someone")


def _changed_at(attendance: Attendance) -> datetime:
    """When the attendance last changed in the world: for a tick sent from a queue, the
    moment of the tap, not of its arrival (or the next queued tick would lose to it)."""
    last = (
        OfflineTick.objects.filter(signup_id=attendance.signup_id, outcome="applied")
        .order_by("-received_at")
        .first()
    )
    if last is not None and last.received_at >= attendance.updated_at:
        return last.made_at
    return attendance.updated_at


def _apply_one(*, actor: User, shift: Shift, tick: Tick) -> TickResult:
    def result(outcome: str, status: str, message: str = "") -> TickResult:
        return TickResult(str(tick.client_id), tick.signup_id, outcome, status, message)

    try:
        signup, attendance = _locked(tick.signup_id)
    except SignUp.DoesNotExist:
        signup = None
    # After the lock: a second sending of the same tick waits for the first, then sees it.
    seen = OfflineTick.objects.filter(client_id=tick.client_id).first()
    if seen is not None:
        stored = Attendance.objects.filter(signup_id=seen.signup_id).first()
        return TickResult(
            str(seen.client_id),
            seen.signup_id,
            seen.outcome,
            stored.status if stored else "",
            seen.message,
        )
    if signup is None or signup.shift_id != shift.pk:
        return result(OfflineTick.Outcome.REFUSED, "", _("This person is not on the shift."))
    # A device whose clock runs ahead must not beat the corrections made after it.
    made_at = min(tick.made_at, timezone.now())
    outcome, message = OfflineTick.Outcome.APPLIED, ""
    if attendance.pk and _changed_at(attendance) > made_at:
        # Already so since: nothing written (and not the last change, for _changed_at).
        outcome = OfflineTick.Outcome.UNCHANGED
        if attendance.status != tick.status:
            outcome = OfflineTick.Outcome.CONFLICT
            message = _(
                "%(name)s was not changed: %(who)s set %(status)s at %(time)s, after your "
                "tick at %(made)s."
            ) % {
                "name": signup.user.full_name,
                "who": _changed_by(attendance, made_at),
                "status": attendance.get_status_display().lower(),
                "time": _local_time(_changed_at(attendance)),
                "made": _local_time(made_at),
            }
            audit_record(
                actor=actor,
                action="attendance.offline_conflict",
                target=attendance,
                client_id=str(tick.client_id),
                status=tick.status,
                made_at=made_at.isoformat(),
                kept=attendance.status,
            )
    else:
        try:
            attendance = roll_call_mark(actor=actor, signup_id=signup.pk, status=tick.status)
        except Refused as refusal:
            outcome, message = OfflineTick.Outcome.REFUSED, " ".join(refusal.messages)
    OfflineTick.objects.create(
        client_id=tick.client_id,
        signup=signup,
        status=tick.status if tick.status in Attendance.Status.values else "",
        made_at=made_at,
        made_by=actor,
        outcome=outcome,
        message=message,
    )
    return result(outcome, attendance.status if attendance.pk else "", message)


def offline_ticks_apply(*, actor: User, shift_id: int, ticks: list[Tick]) -> list[TickResult]:
    """Apply a device's queued ticks for one shift's roll call, each once, in the order made.

    Each tick in a transaction of its own: one refused tick does not undo the others."""
    shift = Shift.objects.select_related("task__event__organisation").get(pk=shift_id)
    require_coordinator(actor, shift.task.event.organisation)
    results = []
    for tick in sorted(ticks, key=lambda t: t.made_at):
        with transaction.atomic():
            results.append(_apply_one(actor=actor, shift=shift, tick=tick))
    return results
