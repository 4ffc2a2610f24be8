"""Messages about sign-ups and shifts, put in the outbox (kernel.messages.send) inside the
caller's transaction: they go out when it commits, rendered in the tenant's language and
time zone. Each dedupe key names the event it is about, so a rerun sends nothing twice."""

import hashlib
from datetime import datetime

from django.utils import timezone

from apps.organisations.selectors import coordinators
from apps.shifts.messages import CHANGED, FREE_PLACE, OFFER, SIGNUP_KINDS
from apps.shifts.models import Shift, SignUp
from kernel import messages


def _moment(signup: SignUp, status: str) -> datetime | None:
    """When this happened to the sign-up: a later sign-up, promotion or offer is news."""
    moments = {
        "confirmed": signup.confirmed_at,
        "promoted": signup.confirmed_at,
        "waitlisted": signup.waitlisted_at,
        "offered": signup.offer_expires_at,
        "removed": signup.ended_at,
    }
    return moments.get(status)


def signup_notice_send(*, signup: SignUp, status: str) -> None:
    """Tell the person what happened to their sign-up (essential); an offered place also
    goes by text message to those who asked for one."""
    moment = _moment(signup, status)
    stamp = f"{moment.timestamp():.0f}" if moment else ""
    messages.send(
        SIGNUP_KINDS[status],
        to=[signup.user_id],
        dedupe_key=f"signup:{signup.pk}:{status}:{stamp}",
        params={"signup_id": signup.pk},
        organisation_id=_organisation_id(signup.shift),
        shift_id=signup.shift_id,
    )
    if status == SignUp.Status.OFFERED:
        messages.send(
            OFFER,
            to=[signup.user_id],
            dedupe_key=f"offer:{signup.pk}:{stamp}",
            params={"shift_id": signup.shift_id},
            organisation_id=_organisation_id(signup.shift),
            shift_id=signup.shift_id,
        )


def _organisation_id(shift: Shift) -> int:
    return shift.task.event.organisation_id


def coordinators_tell_free_place(*, shift: Shift) -> None:
    """A place is free too close to the start to move the line by itself: the
    coordinators decide. Once a day per state of the shift (free places and line)."""
    if not shift.free_places or not shift.waitlist_count:
        return
    organisation = shift.task.event.organisation
    state = f"{timezone.localdate().isoformat()}:{shift.free_places}:{shift.waitlist_count}"
    messages.send(
        FREE_PLACE,
        to=coordinators(organisation=organisation),
        dedupe_key=f"free-place:{shift.pk}:{state}",
        params={"shift_id": shift.pk},
        organisation_id=organisation.pk,
        shift_id=shift.pk,
    )


def shift_changes_send(
    *, key: str, organisation_id: int, changes: list[list], groups: list[list]
) -> None:
    """One essential message per group of people with the same moved shifts: each person
    gets one mail naming each of their shifts at its new time and at the one it had."""
    was = {shift_id: [start, end] for shift_id, start, end in changes}
    for shift_ids, user_ids in groups:
        digest = hashlib.sha256(",".join(map(str, shift_ids)).encode()).hexdigest()[:16]
        messages.send(
            CHANGED,
            to=user_ids,
            dedupe_key=f"changed:{key}:{digest}",
            params={"was": {str(pk): was[pk] for pk in shift_ids}},
            organisation_id=organisation_id,
            shift_id=shift_ids[0] if len(shift_ids) == 1 else None,
        )
