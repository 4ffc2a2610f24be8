"""A match from proposal to its end, with a human at every step:

proposed (by a coordinator, to a volunteer who has done the programme's onboarding steps
and has room under their own limit) → accepted or declined (by the volunteer) → first
meeting planned (by a coordinator, who is there; both get an invitation with a calendar
file) → both sides say yes after the meeting (the volunteer themself; the citizen through
the coordinator or a no-sign-in link) → active → ended, with a reason from a short list;
ending an active match asks both sides for a short evaluation (services/evaluations.py),
and a volunteer who ends one themself rests until they ask for a new match.

A "no" after the meeting ends the match (not a good fit) and the referral waits for a
new volunteer. The database holds the invariants (one open match per referral, an active
match has both yeses, an ended one a reason); the services take row locks on the referral
and the volunteer so that two coordinators cannot overfill anyone.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.citizens.models import CitizenMatch, MatchCapacity, Programme, Referral
from apps.citizens.notifications import (
    first_meeting_send,
    match_proposed_send,
    meeting_reminder_send,
)
from apps.citizens.selectors import missing_steps
from apps.citizens.services._common import NotTheVolunteer, Refused
from apps.citizens.services.evaluations import evaluations_ask
from apps.citizens.services.followups import checkins_schedule
from apps.citizens.services.referrals import rest_start
from apps.members.models import Membership
from apps.organisations.permissions import require_coordinator
from apps.organisations.selectors import can_coordinate
from kernel.times import now_or

Status = CitizenMatch.Status
Side = CitizenMatch.Side


def _referral_to(referral_id: int, status: str, now: datetime) -> None:
    ended = now if status in (Referral.Status.ENDED, Referral.Status.WITHDRAWN) else None
    Referral.objects.filter(pk=referral_id).update(
        status=status, status_changed_at=now, ended_at=ended
    )


def _locked(match: CitizenMatch) -> CitizenMatch:
    return (
        CitizenMatch.objects.select_for_update(of=("self",))
        .select_related("referral__programme__organisation")
        .get(pk=match.pk)
    )


def match_propose(
    *, actor: User, referral: Referral, volunteer: User, now: datetime | None = None
) -> CitizenMatch:
    now = now_or(now)
    programme: Programme = referral.programme
    require_coordinator(actor, programme.organisation)
    is_member = Membership.objects.filter(
        user=volunteer, organisation_id=programme.organisation_id, status=Membership.Status.ACTIVE
    ).exists()
    if not volunteer.is_active or not is_member:
        raise Refused(_("Only the organisation's active members can be proposed."))
    missing = missing_steps(programme=programme, user_ids=[volunteer.pk])[volunteer.pk]
    if missing:
        labels = ", ".join(str(Programme.Step(step).label) for step in missing)
        raise Refused(_("Onboarding not done yet: %(steps)s.") % {"steps": labels})
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != Referral.Status.NEW:
            raise Refused(_("The referral already has a match under way, or is closed."))
        # The volunteer's row is the lock for their capacity: proposals to one person
        # queue here, so two coordinators cannot both take their last place.
        User.objects.select_for_update().filter(pk=volunteer.pk).first()
        capacity = MatchCapacity.objects.filter(user=volunteer).first()
        if capacity is not None and capacity.resting_since is not None:
            raise Refused(
                _("%(name)s ended a match and has not yet asked for a new one.")
                % {"name": volunteer.full_name}
            )
        limit = MatchCapacity.DEFAULT if capacity is None else capacity.max_matches
        carrying = CitizenMatch.objects.filter(volunteer=volunteer, status__in=CitizenMatch.OPEN)
        if carrying.count() >= limit:
            raise Refused(
                _("%(name)s already has as many citizens as they can carry.")
                % {"name": volunteer.full_name}
            )
        if CitizenMatch.objects.filter(
            referral=locked, volunteer=volunteer, status=Status.DECLINED
        ).exists():
            raise Refused(_("%(name)s has declined this citizen.") % {"name": volunteer.full_name})
        match = CitizenMatch.objects.create(
            referral=locked, volunteer=volunteer, proposed_by=actor, proposed_at=now
        )
        _referral_to(locked.pk, Referral.Status.PROPOSED, now)
        audit_record(actor=actor, action="citizen_match.proposed", target=match)
        match_proposed_send(match=match)
    return match


def match_answer(
    *, actor: User, match: CitizenMatch, accept: bool, now: datetime | None = None
) -> CitizenMatch:
    """The volunteer's yes or no to a proposal; a no sends the referral back to waiting."""
    now = now_or(now)
    if match.volunteer_id != actor.pk:
        raise NotTheVolunteer
    with transaction.atomic():
        locked = _locked(match)
        if locked.status != Status.PROPOSED:
            raise Refused(_("The proposal has already been answered."))
        locked.status = Status.ACCEPTED if accept else Status.DECLINED
        locked.answered_at = now
        locked.save(update_fields=["status", "answered_at"])
        if not accept:
            _referral_to(locked.referral_id, Referral.Status.NEW, now)
        audit_record(
            actor=actor,
            action="citizen_match.accepted" if accept else "citizen_match.declined",
            target=locked,
        )
    return locked


def meeting_plan(
    *,
    actor: User,
    match: CitizenMatch,
    starts_at: datetime,
    place: str,
    now: datetime | None = None,
) -> CitizenMatch:
    """The first meeting, with the coordinator present; planning it again moves it (and
    asks both sides again)."""
    now = now_or(now)
    require_coordinator(actor, match.referral.programme.organisation)
    if starts_at <= now:
        raise Refused({"starts_at": _("Choose a time in the future.")})
    with transaction.atomic():
        locked = _locked(match)
        if locked.status not in (Status.ACCEPTED, Status.MEETING_PLANNED):
            raise Refused(_("A first meeting is planned once the volunteer has said yes."))
        locked.status = Status.MEETING_PLANNED
        locked.meeting_at, locked.meeting_place = starts_at, place.strip()
        locked.meeting_planned_by = actor
        locked.volunteer_confirmed_at = locked.citizen_confirmed_at = None
        locked.citizen_confirmed_via = ""
        locked.save()
        _referral_to(locked.referral_id, Referral.Status.MEETING, now)
        audit_record(
            actor=actor,
            action="citizen_match.meeting_planned",
            target=locked,
            starts_at=starts_at.isoformat(),
        )
        first_meeting_send(match=locked)
    return locked


def match_confirm(
    *,
    match: CitizenMatch,
    side: str,
    yes: bool,
    actor: User | None = None,
    via: str = "",
    now: datetime | None = None,
) -> CitizenMatch:
    """One side's answer after the first meeting. The volunteer answers for themself; the
    citizen through a coordinator (`actor`, via "coordinator") or the signed link (no
    actor, via "link": the view has checked the token). Both yes: the match is active."""
    now = now_or(now)
    _check_who(match, side, actor, via)
    with transaction.atomic():
        locked = _locked(match)
        if locked.status != Status.MEETING_PLANNED or locked.meeting_at is None:
            raise Refused(_("The match is not waiting for answers."))
        if now < locked.meeting_at:
            raise Refused(_("Answer after the first meeting."))
        if not yes:
            _end(locked, reason=CitizenMatch.EndReason.NOT_A_FIT, by=side, now=now)
            audit_record(actor=actor, action="citizen_match.said_no", target=locked, side=side)
            return locked
        if side == Side.VOLUNTEER:
            locked.volunteer_confirmed_at = locked.volunteer_confirmed_at or now
        else:
            locked.citizen_confirmed_at = locked.citizen_confirmed_at or now
            locked.citizen_confirmed_via = locked.citizen_confirmed_via or via
        if locked.volunteer_confirmed_at and locked.citizen_confirmed_at:
            locked.status, locked.started_at = Status.ACTIVE, now
            _referral_to(locked.referral_id, Referral.Status.ACTIVE, now)
        locked.save()
        if locked.status == Status.ACTIVE:
            checkins_schedule(match=locked)
        audit_record(
            actor=actor, action="citizen_match.said_yes", target=locked, side=side, via=via
        )
    return locked


def _check_who(match: CitizenMatch, side: str, actor: User | None, via: str) -> None:
    if side == Side.VOLUNTEER:
        if actor is None or match.volunteer_id != actor.pk:
            raise NotTheVolunteer
    elif side == Side.CITIZEN and via == "coordinator":
        if actor is None:
            raise NotTheVolunteer
        require_coordinator(actor, match.referral.programme.organisation)
    elif not (side == Side.CITIZEN and via == "link" and actor is None):
        raise ValueError(f"unknown side {side!r} via {via!r}")


def _end(locked: CitizenMatch, *, reason: str, by: str, now: datetime) -> bool:
    """Returns whether the match had been active (and so is evaluated)."""
    was_active = locked.status == Status.ACTIVE
    locked.status, locked.end_reason, locked.ended_by, locked.ended_at = (
        Status.ENDED,
        reason,
        by,
        now,
    )
    locked.save(update_fields=["status", "end_reason", "ended_by", "ended_at"])
    # An ended active match ends the referral; one that never started lets it wait again.
    _referral_to(
        locked.referral_id, Referral.Status.ENDED if was_active else Referral.Status.NEW, now
    )
    return was_active


def match_end(
    *, actor: User, match: CitizenMatch, reason: str, now: datetime | None = None
) -> CitizenMatch:
    """End an open match: by the coordinator, or by the volunteer themself."""
    now = now_or(now)
    if reason not in CitizenMatch.EndReason.values:
        raise Refused({"reason": _("Choose a reason.")})
    organisation = match.referral.programme.organisation
    if can_coordinate(user=actor, organisation=organisation):
        by = Side.COORDINATOR
    elif match.volunteer_id == actor.pk:
        by = Side.VOLUNTEER
    else:
        require_coordinator(actor, organisation)  # raises: neither
        by = Side.COORDINATOR
    with transaction.atomic():
        locked = _locked(match)
        if not locked.is_open:
            raise Refused(_("The match has already ended."))
        was_active = _end(locked, reason=reason, by=by, now=now)
        if was_active:
            evaluations_ask(match=locked, now=now)
        if by == Side.VOLUNTEER and locked.volunteer_id is not None:
            rest_start(volunteer_id=locked.volunteer_id, now=now)
        audit_record(actor=actor, action="citizen_match.ended", target=locked, reason=reason)
    return locked


REMIND_BEFORE = timedelta(days=1)


def meeting_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the volunteer and the coordinator of each first meeting in the coming day;
    safe to run twice (each reminder's dedupe key names the match and the meeting time)."""
    now = now_or(now)
    due = CitizenMatch.objects.filter(
        status=Status.MEETING_PLANNED, meeting_at__gt=now, meeting_at__lte=now + REMIND_BEFORE
    ).select_related("referral__programme")
    sent = 0
    with transaction.atomic():
        for match in due:
            meeting_reminder_send(match=match)
            sent += 1
    return sent
