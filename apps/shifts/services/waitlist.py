"""Free places go to the people in line: promoted directly, or offered for a limited time.

Each place is filled in a transaction of its own, under the shift's row lock, and only
while the shift has a free place: so running the fill twice, or from two workers at once,
promotes nobody twice and never overbooks.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.shifts.models import Shift, SignUp
from apps.shifts.notifications import coordinators_tell_free_place, signup_notice_send
from apps.shifts.services._common import (
    FILL_WAITLIST,
    Refused,
    clashing_signup,
    lock_user,
    locked_shift,
    tenant_policy,
)
from apps.webhooks.services import event_emit
from kernel.tasks import enqueue_on_commit
from kernel.times import now_or


def waitlist_fill(*, shift_id: int, now: datetime | None = None) -> list[SignUp]:
    """Fill every free place from the line; returns who was promoted or offered a place."""
    now = now_or(now)
    changed = []
    while (signup := _fill_one_place(shift_id, now)) is not None:
        changed.append(signup)
    return changed


def promotion_closes_at(shift: Shift) -> datetime:
    return shift.starts_at - timedelta(hours=tenant_policy().waitlist_stop_hours)


def _fill_one_place(shift_id: int, now: datetime) -> SignUp | None:
    with transaction.atomic():
        shift = locked_shift(shift_id)
        if shift.is_cancelled or not shift.free_places or not shift.waitlist_count:
            return None
        if now >= promotion_closes_at(shift):
            # Too close to the start to move people automatically: a human decides.
            coordinators_tell_free_place(shift=shift)
            return None
        candidate = _first_free_candidate(shift)
        if candidate is None:
            return None
        _give_place(candidate, shift, now)
        kind = "promoted" if candidate.status == SignUp.Status.CONFIRMED else candidate.status
        signup_notice_send(signup=candidate, status=kind)
        return candidate


def _first_free_candidate(shift: Shift) -> SignUp | None:
    line = SignUp.objects.filter(shift=shift, status=SignUp.Status.WAITLISTED).order_by(
        "waitlisted_at", "pk"
    )
    for candidate in line.iterator(chunk_size=50):
        # People busy at the same time elsewhere keep their place in line but are passed over.
        if clashing_signup(candidate.user_id, shift) is None:
            lock_user(candidate.user_id)
            if clashing_signup(candidate.user_id, shift) is None:
                return candidate
    return None


def _give_place(signup: SignUp, shift: Shift, now: datetime) -> None:
    if shift.waitlist_policy == Shift.Policy.OFFER:
        signup.status = SignUp.Status.OFFERED
        deadline = now + timedelta(hours=shift.offer_hours)
        signup.offer_expires_at = min(deadline, promotion_closes_at(shift))
        counters = {"offered_count": F("offered_count") + 1}
    else:
        signup.status, signup.confirmed_at = SignUp.Status.CONFIRMED, now
        counters = {"confirmed_count": F("confirmed_count") + 1}
    signup.save(update_fields=["status", "offer_expires_at", "confirmed_at"])
    Shift.objects.filter(pk=shift.pk).update(waitlist_count=F("waitlist_count") - 1, **counters)
    audit_record(actor=None, action=f"waitlist.{signup.status}", target=signup)
    event_emit(
        kind="waitlist.promoted",
        organisation_id=shift.task.event.organisation_id,
        payload={
            "signup": signup.pk,
            "shift": shift.pk,
            "person": signup.user_id,
            "status": signup.status,
            "offer_expires_at": signup.offer_expires_at,
        },
    )


def offer_accept(*, signup_id: int, user: User, now: datetime | None = None) -> SignUp:
    now = now_or(now)
    with transaction.atomic():
        shift = locked_shift(SignUp.objects.values_list("shift_id", flat=True).get(pk=signup_id))
        signup = SignUp.objects.select_for_update().get(pk=signup_id, user=user)
        if signup.status == SignUp.Status.CONFIRMED:
            return signup  # accepted already
        if signup.status != SignUp.Status.OFFERED or now >= (signup.offer_expires_at or now):
            raise Refused(_("This offer has expired or was withdrawn."), code="offer_gone")
        signup.status, signup.confirmed_at = SignUp.Status.CONFIRMED, now
        signup.save(update_fields=["status", "confirmed_at"])
        Shift.objects.filter(pk=shift.pk).update(
            offered_count=F("offered_count") - 1, confirmed_count=F("confirmed_count") + 1
        )
        audit_record(actor=user, action="waitlist.accepted", target=signup)
    return signup


def offer_decline(*, signup_id: int, user: User, now: datetime | None = None) -> SignUp:
    return _close_offer(signup_id, status=SignUp.Status.DECLINED, user=user, now=now_or(now))[0]


def offers_expire(*, now: datetime | None = None) -> int:
    """Close every offer past its time; each closed offer moves the line on."""
    now = now_or(now)
    expired = SignUp.objects.filter(status=SignUp.Status.OFFERED, offer_expires_at__lte=now)
    ids = list(expired.values_list("pk", flat=True))
    return sum(_close_offer(pk, status=SignUp.Status.EXPIRED, user=None, now=now)[1] for pk in ids)


def _close_offer(
    signup_id: int, *, status: str, user: User | None, now: datetime
) -> tuple[SignUp, bool]:
    """Returns the sign-up and whether this call closed the offer."""
    with transaction.atomic():
        shift = locked_shift(SignUp.objects.values_list("shift_id", flat=True).get(pk=signup_id))
        mine = SignUp.objects if user is None else SignUp.objects.filter(user=user)
        signup = mine.select_for_update().get(pk=signup_id)
        if signup.status != SignUp.Status.OFFERED:
            return signup, False  # accepted, declined or expired already: nothing to do twice
        if status == SignUp.Status.EXPIRED and now < (signup.offer_expires_at or now):
            return signup, False
        signup.status, signup.ended_at = status, now
        signup.save(update_fields=["status", "ended_at"])
        Shift.objects.filter(pk=shift.pk).update(offered_count=F("offered_count") - 1)
        audit_record(actor=user, action=f"waitlist.{status}", target=signup)
        enqueue_on_commit(FILL_WAITLIST, shift.pk)
    return signup, True
