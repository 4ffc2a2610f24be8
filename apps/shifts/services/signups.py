"""Volunteers join and leave shifts; coordinators add and remove them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.organisations.permissions import require_coordinator
from apps.organisations.selectors import can_coordinate
from apps.shifts.models import Event, Shift, SignUp
from apps.shifts.notifications import signup_notice_send
from apps.shifts.selectors import is_member_of
from apps.shifts.services._common import (
    FILL_WAITLIST,
    Refused,
    lock_user_limits,
    locked_shift,
    tenant_policy,
)
from apps.webhooks.services import event_emit
from kernel import dates
from kernel.tasks import enqueue_on_commit
from kernel.times import now_or
from tenants.selectors import tenant_localtime, tenant_zone

COUNTER: dict[str, str] = {
    SignUp.Status.CONFIRMED: "confirmed_count",
    SignUp.Status.OFFERED: "offered_count",
    SignUp.Status.WAITLISTED: "waitlist_count",
}


def shift_sign_up(
    *,
    shift_id: int,
    user: User,
    added_by: User | None = None,
    now: datetime | None = None,
    over_workload_ok: bool = False,
) -> SignUp:
    """A confirmed place when one is free and nobody is in line; else a place in line.

    A sign-up that would pass the workload the volunteer chose is refused with the code
    "over_workload" until they confirm it (over_workload_ok); coordinators then see it."""
    now = now_or(now)
    try:
        with transaction.atomic():
            shift = locked_shift(shift_id)
            limits = lock_user_limits(user.pk)
            by_coordinator = added_by is not None and added_by.pk != user.pk
            organisation = shift.task.event.organisation
            if by_coordinator and added_by is not None:
                require_coordinator(added_by, organisation)
            standing = check_can_sign_up(shift, user, now=now, by_coordinator=by_coordinator)
            over = workload_passed(limits, standing, shift)
            if over and not over_workload_ok and not by_coordinator:
                raise Refused(over, code="over_workload")
            signup = _take_place(shift, user, now=now, added_by=added_by, over_workload=bool(over))
    except IntegrityError as exc:
        # The constraints are the last word if two requests slip past the checks at once.
        raise Refused(_("You are already signed up for this shift."), code="duplicate") from exc
    if signup.status == SignUp.Status.WAITLISTED and shift.free_places:
        enqueue_on_commit(FILL_WAITLIST, shift.pk)  # a place is free: the line moves up
    return signup


def _take_place(
    shift: Shift, user: User, *, now: datetime, added_by: User | None, over_workload: bool
) -> SignUp:
    # Someone already in line goes first, even when a place has just become free.
    if shift.free_places and not shift.waitlist_count:
        status, extra = SignUp.Status.CONFIRMED, {"confirmed_at": now}
    else:
        status, extra = SignUp.Status.WAITLISTED, {"waitlisted_at": now}
    signup = SignUp.objects.create(
        shift=shift,
        user=user,
        status=status,
        changed_by=added_by,
        over_workload=over_workload,
        **extra,
    )
    counter = COUNTER[status]
    Shift.objects.filter(pk=shift.pk).update(**{counter: F(counter) + 1})
    # The row is locked by this transaction, so its counters are ours to know: no re-read.
    setattr(shift, counter, getattr(shift, counter) + 1)
    audit_record(actor=added_by or user, action=f"signup.{status}", target=signup)
    event_emit(
        kind="signup.created",
        organisation_id=shift.task.event.organisation_id,
        payload={"signup": signup.pk, "shift": shift.pk, "person": user.pk, "status": status},
    )
    signup_notice_send(signup=signup, status=status)
    return signup


@dataclass(frozen=True)
class Standing:
    """The person's active sign-ups as a new one on `shift` meets them (one query)."""

    duplicate: bool  # an active sign-up on this very shift
    clash_id: int | None  # a confirmed or offered place at an overlapping time
    month_shifts: int  # confirmed or offered places in the shift's month, this one left out
    month_time: timedelta


def standing_of(user: User, shift: Shift) -> Standing:
    """Each sign-up rule's look at the person's other sign-ups, in one pass over them (the
    (user, status) index): read after the person's row is locked, so it sees every
    sign-up of theirs that was committed while this one waited."""
    start = timezone.localtime(shift.starts_at)
    placed = Q(status__in=(SignUp.Status.CONFIRMED, SignUp.Status.OFFERED)) & ~Q(shift=shift)
    overlapping = Q(
        shift__starts_at__lt=shift.ends_at,
        shift__ends_at__gt=shift.starts_at,
        shift__is_cancelled=False,
    )
    same_month = Q(shift__starts_at__year=start.year, shift__starts_at__month=start.month)
    found = SignUp.objects.filter(user=user, status__in=SignUp.ACTIVE).aggregate(
        duplicate=Count("pk", filter=Q(shift=shift)),
        clash=Min("pk", filter=placed & overlapping),
        month_shifts=Count("pk", filter=placed & same_month),
        month_time=Sum(F("shift__ends_at") - F("shift__starts_at"), filter=placed & same_month),
    )
    return Standing(
        duplicate=bool(found["duplicate"]),
        clash_id=found["clash"],
        month_shifts=found["month_shifts"],
        month_time=found["month_time"] or timedelta(),
    )


def workload_passed(limits: tuple[int | None, int | None], standing: Standing, shift: Shift) -> str:
    """Why this shift would pass the workload the person chose for its month ("" if not)."""
    limit_shifts, limit_hours = limits
    if not (limit_shifts or limit_hours):
        return ""
    shifts = standing.month_shifts + 1
    hours = (standing.month_time + (shift.ends_at - shift.starts_at)) / timedelta(hours=1)
    if limit_shifts and shifts > limit_shifts:
        text = _("This would be shift number %(n)s this month; you chose at most %(max)s.")
        return text % {"n": shifts, "max": limit_shifts}
    if limit_hours and hours > limit_hours:
        text = _("This would make %(h)s hours this month; you chose at most %(max)s.")
        return text % {"h": round(hours), "max": limit_hours}
    return ""


def check_can_sign_up(shift: Shift, user: User, *, now: datetime, by_coordinator: bool) -> Standing:
    """Each rule, in the order a volunteer would want to hear them; returns the person's
    standing for the workload rule, which comes after."""
    event = shift.task.event
    if shift.is_cancelled or event.status != Event.Status.PUBLISHED:
        raise Refused(_("This shift is not open for sign-up."), code="closed")
    # A coordinator may add a walk-in while the shift runs; nobody once it is over.
    if now >= (shift.ends_at if by_coordinator else shift.starts_at):
        raise Refused(_("This shift has already started."), code="started")
    if shift.signup_deadline and now > shift.signup_deadline and not by_coordinator:
        deadline = dates.show(shift.signup_deadline, "datetime", zone=tenant_zone())
        raise Refused(_("The sign-up deadline was %(when)s.") % {"when": deadline}, code="deadline")
    standing = standing_of(user, shift)
    if standing.duplicate:
        raise Refused(_("You are already signed up for this shift."), code="duplicate")
    members_only = event.visibility == Event.Visibility.MEMBERS and not by_coordinator
    if members_only and not is_member_of(user=user, event=event):
        raise Refused(
            _("This event is for members of %(name)s only.") % {"name": event.organisation},
            code="members_only",
        )
    _check_requirements(shift, user)
    if standing.clash_id is not None:
        clash = SignUp.objects.select_related("shift__task__event").get(pk=standing.clash_id)
        raise Refused(
            _("You already have a shift at the same time: %(other)s.")
            % {"other": _describe(clash)},
            code="overlap",
        )
    return standing


def _check_requirements(shift: Shift, user: User) -> None:
    task = shift.task
    if task.min_age:
        if not user.birth_year:
            raise Refused(
                _("This task has a minimum age of %(age)s. Add your birth year to your profile.")
                % {"age": task.min_age},
                code="age_unknown",
            )
        if tenant_localtime(shift.starts_at).year - user.birth_year < task.min_age:
            raise Refused(
                _("You must be at least %(age)s years old for this task.") % {"age": task.min_age},
                code="too_young",
            )
    valid_until, day = user.child_check_valid_until, tenant_localtime(shift.starts_at).date()
    if task.needs_child_check and (not valid_until or valid_until < day):
        raise Refused(
            _("This task needs a valid child-protection check. Ask the coordinator about it."),
            code="child_check",
        )


def _describe(signup: SignUp) -> str:
    start = dates.show(signup.shift.starts_at, "short_datetime", zone=tenant_zone())
    return f"{signup.shift.task.event.title} ({start})"


def signup_cancel(
    *, signup_id: int, actor: User, reason: str = "", now: datetime | None = None
) -> SignUp:
    """Leave a shift or the line. After the tenant's deadline it still works but counts as late."""
    now = now_or(now)
    with transaction.atomic():
        shift_id = SignUp.objects.values_list("shift_id", flat=True).get(pk=signup_id)
        shift = locked_shift(shift_id)
        signup = SignUp.objects.select_for_update().get(pk=signup_id)
        by_coordinator = _check_may_cancel(signup, shift, actor, now)
        if signup.status not in SignUp.ACTIVE:
            return signup  # cancelled already: a second click changes nothing
        _end(signup, shift, actor=actor, reason=reason, now=now, by_coordinator=by_coordinator)
    if signup.status != SignUp.Status.WAITLISTED:
        enqueue_on_commit(FILL_WAITLIST, shift.pk)
    return signup


def _check_may_cancel(signup: SignUp, shift: Shift, actor: User, now: datetime) -> bool:
    organisation = shift.task.event.organisation
    if signup.user_id != actor.pk:
        require_coordinator(actor, organisation)
        return True
    started = now >= shift.starts_at and signup.status == SignUp.Status.CONFIRMED
    if started and not can_coordinate(user=actor, organisation=organisation):
        raise Refused(_("The shift has started. Please call the coordinator."), code="started")
    return False


def _end(
    signup: SignUp, shift: Shift, *, actor: User, reason: str, now: datetime, by_coordinator: bool
) -> None:
    previous = signup.status
    late_after = shift.starts_at - timedelta(hours=tenant_policy().cancel_deadline_hours)
    signup.status = SignUp.Status.REMOVED if by_coordinator else SignUp.Status.CANCELLED
    signup.is_late = previous == SignUp.Status.CONFIRMED and now > late_after and not by_coordinator
    signup.reason, signup.ended_at, signup.changed_by = reason[:500], now, actor
    signup.save(update_fields=["status", "is_late", "reason", "ended_at", "changed_by"])
    Shift.objects.filter(pk=shift.pk).update(**{COUNTER[previous]: F(COUNTER[previous]) - 1})
    audit_record(
        actor=actor,
        action=f"signup.{signup.status}",
        target=signup,
        was=previous,
        late=signup.is_late,
    )
    event_emit(
        kind="signup.cancelled",
        organisation_id=shift.task.event.organisation_id,
        payload={
            "signup": signup.pk,
            "shift": shift.pk,
            "person": signup.user_id,
            "status": signup.status,
            "was": previous,
            "late": signup.is_late,
        },
    )
    if by_coordinator:
        signup_notice_send(signup=signup, status=signup.status)


def waitlist_position(signup: SignUp) -> int | None:
    """1 for the first in line; None when not in line."""
    if signup.status != SignUp.Status.WAITLISTED or signup.waitlisted_at is None:
        return None
    earlier = Q(waitlisted_at__lt=signup.waitlisted_at) | Q(
        waitlisted_at=signup.waitlisted_at, pk__lt=signup.pk
    )
    line = SignUp.objects.filter(shift_id=signup.shift_id, status=SignUp.Status.WAITLISTED)
    return line.filter(earlier).count() + 1
