"""Write paths of the needs board: post and close a need, invite helpers, their answer.

A need becomes a shift through the shifts app's own services, so members with an account
sign up to it as to any shift: the crisis has one event in `crisis.organisation` (made with
the first need, found again through the needs' shifts; the crisis row's lock makes sure two
first needs do not make two events), each need gets a task and one shift whose capacity
starts at `wanted`. The event is **members only** (`Event.Visibility.MEMBERS`): the public
comes in through the crisis's own registration form and the invitations, and a need may
name a place (a shelter, an address) that should not be on the open marketplace.

Places: a need is full when accepted invitations plus the shift's confirmed and offered
sign-ups reach `wanted`. Every acceptance locks the need, then its shift (the order every
path here takes; the shift services lock only the shift), so at most `wanted` are ever
accepted; an accepted helper takes one of the shift's places (its capacity becomes
`wanted` minus those accepted), so the normal sign-up services never overbook it either.
A helper who answers yes to a full need is told so and their invitation is recorded as **declined**
(`full=True` in the audit row): they are not kept waiting, and the coordinator sees that
they were willing.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.crisis.models import Crisis, Helper, Invite, Need, Skill
from apps.organisations.permissions import require_coordinator
from apps.shifts.models import Event, Shift
from apps.shifts.services.planning import (
    event_create,
    event_publish,
    event_update,
    shift_cancel,
    shift_create,
    task_create,
)
from kernel import messages

MAX_INVITES = 100  # one click invites at most this many helpers


class NeedRefused(ValidationError):
    """The need cannot be posted, closed or answered; the message is for the person."""


# --- posting and closing --------------------------------------------------------------


def need_post(
    *,
    crisis: Crisis,
    title: str,
    place: str,
    postcode: str,
    starts_at: datetime,
    ends_at: datetime,
    wanted: int,
    skills: list[str],
    description: str = "",
    by: User,
) -> Need:
    require_coordinator(by, crisis.organisation)
    if ends_at <= starts_at:
        raise NeedRefused(_("A need must end after it starts."), code="times")
    if wanted < 1:
        raise NeedRefused(_("Ask for at least one helper."), code="wanted")
    known = set(Skill.values)
    skills = [s for s in dict.fromkeys(skills) if s in known]
    with transaction.atomic():
        # The crisis row is the lock that makes "the crisis's event, or a new one" safe.
        locked = Crisis.objects.select_for_update().get(pk=crisis.pk)
        if not locked.is_active:
            raise NeedRefused(_("Crisis mode has ended."), code="ended")
        event = _crisis_event(locked, starts_at=starts_at, ends_at=ends_at, by=by)
        task = task_create(
            actor=by,
            event=event,
            title=title,
            description=description,
            meeting_point=place,
            skills=", ".join(str(Skill(s).label) for s in skills),
        )
        shift = shift_create(
            actor=by, task=task, starts_at=starts_at, ends_at=ends_at, capacity=wanted
        )
        if event.status != Event.Status.PUBLISHED:
            event_publish(actor=by, event=event)
        need = Need.objects.create(
            crisis=locked,
            title=title,
            description=description,
            place=place,
            postcode=postcode,
            starts_at=starts_at,
            ends_at=ends_at,
            wanted=wanted,
            skills=skills,
            shift=shift,
            created_by=by,
        )
        audit_record(
            actor=by, action="crisis.need_posted", target=need, shift=shift.pk, wanted=wanted
        )
    return need


def _crisis_event(crisis: Crisis, *, starts_at: datetime, ends_at: datetime, by: User) -> Event:
    """The crisis's one event (made on its first need); its span grows to hold every need."""
    event = (
        Event.objects.filter(tasks__shifts__crisis_need__crisis=crisis)
        .order_by("pk")
        .select_related("organisation")
        .first()
    )
    if event is None:
        return event_create(
            actor=by,
            organisation=crisis.organisation,
            title=crisis.title,
            starts_at=starts_at,
            ends_at=ends_at,
            description=crisis.public_text,
            visibility=Event.Visibility.MEMBERS,
        )
    if starts_at < event.starts_at or ends_at > event.ends_at:
        event = event_update(
            actor=by,
            event=event,
            starts_at=min(starts_at, event.starts_at),
            ends_at=max(ends_at, event.ends_at),
        )
    return event


def need_close(*, need: Need, by: User) -> Need:
    """No more invitations or answers; its shift is cancelled, so nobody signs up to it
    any more and members with a place are told (the shift services' own notice)."""
    require_coordinator(by, need.crisis.organisation)
    with transaction.atomic():
        locked = Need.objects.select_for_update().get(pk=need.pk)
        if locked.closed_at is not None:
            return locked
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
        if locked.shift_id is not None:
            shift_cancel(actor=by, shift_id=locked.shift_id, reason=_("The need was closed."))
        audit_record(actor=by, action="crisis.need_closed", target=locked)
    return locked


def is_expired(need: Need, now: datetime | None = None) -> bool:
    """Closed, or over: its invitations can no longer be answered."""
    return need.closed_at is not None or need.ends_at <= (now or timezone.now())


# --- invitations --------------------------------------------------------------------


def invite_send(*, need: Need, helper_ids: list[int], by: User) -> list[Invite]:
    """Invite helpers of the need's crisis; one invitation per helper and need (a second
    click makes and sends nothing). Their messages are queued on commit, by SMS and mail,
    whichever the helper gave. Returns the invitations made now."""
    require_coordinator(by, need.crisis.organisation)
    ids = list(dict.fromkeys(int(i) for i in helper_ids))[:MAX_INVITES]
    with transaction.atomic():
        locked = Need.objects.select_for_update().get(pk=need.pk)
        if is_expired(locked):
            raise NeedRefused(_("This need is closed."), code="expired")
        helpers = Helper.objects.filter(crisis_id=locked.crisis_id, pk__in=ids).in_bulk()
        # The need's lock serialises clicks: whoever is not invited yet is, once.
        already = set(
            Invite.objects.filter(need=locked, helper_id__in=list(helpers)).values_list(
                "helper_id", flat=True
            )
        )
        fresh = Invite.objects.bulk_create(
            [
                Invite(need=locked, helper=helper, invited_by=by)
                for pk, helper in helpers.items()
                if pk not in already
            ]
        )
        for invite in fresh:
            audit_record(actor=by, action="crisis.invited", target=invite, helper=invite.helper_id)
            invite_message_send(invite=invite, need=locked)
    return fresh


class Answer:
    ACCEPTED = "accepted"
    DECLINED = "declined"
    FULL = "full"
    EXPIRED = "expired"
    UNCHANGED = "unchanged"


def invite_answer(*, token: str, accept: bool) -> tuple[Invite, str]:
    """The helper's yes or no from the link: (the invitation, what happened: an `Answer`).

    Idempotent: the same answer again changes nothing. A yes may turn into a no while the
    need is open (a place is freed); a no into a yes if there is a place. A yes to a full
    need records a no (see the module's docstring)."""
    with transaction.atomic():
        invite = Invite.objects.select_related("helper").filter(token=token).first()
        if invite is None:
            raise Invite.DoesNotExist
        need = Need.objects.select_for_update().get(pk=invite.need_id)
        invite = Invite.objects.select_for_update().select_related("helper").get(pk=invite.pk)
        invite.need = need
        if is_expired(need) or invite.status == Invite.Status.WITHDRAWN:
            return invite, Answer.EXPIRED
        wanted_status = Invite.Status.ACCEPTED if accept else Invite.Status.DECLINED
        if invite.status == wanted_status:
            return invite, Answer.UNCHANGED
        shift = _locked_shift(need)
        accepted = need.invites.filter(status=Invite.Status.ACCEPTED).count()
        outcome = Answer.ACCEPTED if accept else Answer.DECLINED
        if accept:
            taken = accepted + (shift.confirmed_count + shift.offered_count if shift else 0)
            if taken >= need.wanted:
                outcome, wanted_status = Answer.FULL, Invite.Status.DECLINED
                if invite.status == Invite.Status.DECLINED:
                    return invite, Answer.FULL
            else:
                accepted += 1
        elif invite.status == Invite.Status.ACCEPTED:
            accepted -= 1
        invite.status, invite.answered_at = wanted_status, timezone.now()
        invite.save(update_fields=["status", "answered_at"])
        if shift is not None:
            # Accepted helpers hold shift places, so the sign-up services see what is left.
            Shift.objects.filter(pk=shift.pk).update(capacity=max(need.wanted - accepted, 0))
        audit_record(
            actor=None,
            action=f"crisis.invite_{invite.status}",
            target=invite,
            helper=invite.helper_id,
            full=outcome == Answer.FULL,
        )
    return invite, outcome


def _locked_shift(need: Need) -> Shift | None:
    if need.shift_id is None:
        return None
    return Shift.objects.select_for_update().filter(pk=need.shift_id).first()


def invite_withdraw(*, invite: Invite, by: User) -> Invite:
    require_coordinator(by, invite.need.crisis.organisation)
    with transaction.atomic():
        need = Need.objects.select_for_update().get(pk=invite.need_id)
        shift = _locked_shift(need)
        locked = Invite.objects.select_for_update().get(pk=invite.pk)
        if locked.status == Invite.Status.WITHDRAWN:
            return locked
        locked.status = Invite.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        if shift is not None:
            accepted = need.invites.filter(status=Invite.Status.ACCEPTED).count()
            Shift.objects.filter(pk=shift.pk).update(capacity=max(need.wanted - accepted, 0))
        audit_record(actor=by, action="crisis.invite_withdrawn", target=locked)
    return locked


def invite_message_send(*, invite: Invite, need: Need) -> None:
    """The invitation by SMS and mail, whichever the helper gave, through the outbox (in
    the caller's transaction: it goes when the invitation is committed)."""
    to = [("sms", invite.helper.phone), ("email", invite.helper.email)]
    messages.send_to_addresses(
        "crisis_need_invite",
        to=[(channel, address) for channel, address in to if address],
        dedupe_key=f"crisis.invite.{invite.pk}",
        params={"invite_id": invite.pk},
        organisation_id=need.crisis.organisation_id,
    )
