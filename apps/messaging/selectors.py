"""Reads for messaging: who an audience is, by which channel, and how a message went."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.groups.models import Group
from apps.groups.selectors import group_members_by_id, group_organisation
from apps.members.models import Membership
from apps.messaging.models import Delivery, Kind, Message, Preference
from apps.organisations.models import Organisation
from apps.organisations.selectors import coordinators
from apps.shifts.models import Event, Shift, SignUp, Task
from kernel import dates, messages
from tenants.selectors import current_tenant

ON_SHIFT = (SignUp.Status.CONFIRMED, SignUp.Status.OFFERED)


def audience_organisation(*, kind: str, audience_id: int) -> Organisation | None:
    """The organisation that owns an audience, or None when it does not exist."""
    owner: Event | Task | Shift | None
    if kind in (Message.Audience.EVENT, Message.Audience.SHIFTS):
        owner = Event.objects.select_related("organisation").filter(pk=audience_id).first()
        return owner.organisation if owner else None
    if kind == Message.Audience.TASK:
        owner = Task.objects.select_related("event__organisation").filter(pk=audience_id).first()
        return owner.event.organisation if owner else None
    if kind in (Message.Audience.SHIFT, Message.Audience.WAITLIST):
        owner = (
            Shift.objects.select_related("task__event__organisation").filter(pk=audience_id).first()
        )
        return owner.task.event.organisation if owner else None
    if kind == Message.Audience.MEMBERS:
        return Organisation.objects.filter(pk=audience_id).first()
    if kind == Message.Audience.GROUP:
        return group_organisation(group_id=audience_id)
    return None


@dataclass(frozen=True)
class AudienceSummary:
    """What the compose page says under "To": whom exactly, and how many."""

    what: str  # the shift, task, event ... by name and time; "" when the label says it all
    people: int  # everyone in the audience now
    mail_off: int  # of them, those who switched info mails off (or have no address)


def audience_summary(
    *, kind: str, audience_id: int, tag_id: int | None = None, shift_ids: Iterable[int] = ()
) -> AudienceSummary:
    users = audience_users(kind=kind, audience_id=audience_id, tag_id=tag_id, shift_ids=shift_ids)
    mail = users.exclude(email="").exclude(pk__in=email_turned_off(kind=Kind.INFO))
    people = users.count()
    return AudienceSummary(_audience_name(kind, audience_id), people, people - mail.count())


def _audience_name(kind: str, audience_id: int) -> str:
    if kind in (Message.Audience.SHIFT, Message.Audience.WAITLIST):
        shift = Shift.objects.select_related("task__event").filter(pk=audience_id).first()
        if shift is None:
            return ""
        start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
        until = f"{end:%H:%M}" if end.date() == start.date() else _day_and_time(end)
        when = f"{_day_and_time(start)}–{until}"
        return f"{shift.task.title} · {shift.task.event.title} · {when}"
    if kind == Message.Audience.TASK:
        task = Task.objects.select_related("event").filter(pk=audience_id).first()
        return f"{task.title} · {task.event.title}" if task else ""
    if kind == Message.Audience.EVENT:
        event = Event.objects.filter(pk=audience_id).first()
        if event is None:
            return ""
        return f"{event.title} · {_day_and_time(timezone.localtime(event.starts_at))}"
    if kind == Message.Audience.GROUP:
        group = Group.objects.filter(pk=audience_id).first()
        return group.name if group else ""
    return ""


def _day_and_time(moment: datetime) -> str:
    return dates.show(moment, "datetime")


def audience_users(
    *, kind: str, audience_id: int, tag_id: int | None = None, shift_ids: Iterable[int] = ()
) -> QuerySet[User]:
    """Active users in the audience, once each. For chosen shifts (`shift_ids`, of the
    event `audience_id`): everyone signed up, offered a place or waiting on any of them."""
    if kind == Message.Audience.SHIFTS:
        return _active(
            chosen_shifts_signups(event_id=audience_id, shift_ids=shift_ids).values("user_id")
        )
    if kind == Message.Audience.MEMBERS:
        members = Membership.objects.filter(
            organisation_id=audience_id, status=Membership.Status.ACTIVE
        )
        if tag_id is not None:
            members = members.filter(user__profile__tags=tag_id)
        return _active(members.values("user_id"))
    if kind == Message.Audience.COORDINATORS:
        organisation = Organisation.objects.filter(pk=audience_id).first()
        return coordinators(organisation=organisation) if organisation else User.objects.none()
    if kind == Message.Audience.GROUP:
        return group_members_by_id(group_id=audience_id)
    return _active(_signups(kind, audience_id).values("user_id"))


def _signups(kind: str, audience_id: int) -> QuerySet[SignUp]:
    signups = SignUp.objects.all()
    if kind == Message.Audience.EVENT:
        return signups.filter(shift__task__event_id=audience_id, status__in=ON_SHIFT)
    if kind == Message.Audience.TASK:
        return signups.filter(shift__task_id=audience_id, status__in=ON_SHIFT)
    if kind == Message.Audience.SHIFT:
        return signups.filter(shift_id=audience_id, status__in=ON_SHIFT)
    if kind == Message.Audience.WAITLIST:
        return signups.filter(shift_id=audience_id, status=SignUp.Status.WAITLISTED)
    return signups.none()


def chosen_shifts_signups(*, event_id: int, shift_ids: Iterable[int]) -> QuerySet[SignUp]:
    return SignUp.objects.filter(
        shift__task__event_id=event_id, shift_id__in=list(shift_ids), status__in=SignUp.ACTIVE
    )


def chosen_shifts_of(*, event_id: int, shift_ids: Iterable[int]) -> list[Shift]:
    """The event's shifts among `shift_ids`, in time order (others are left out)."""
    return list(
        Shift.objects.filter(task__event_id=event_id, pk__in=list(shift_ids))
        .select_related("task")
        .order_by("starts_at", "task_id", "id")
    )


def _active(user_ids: QuerySet) -> QuerySet[User]:
    return User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk")


def channel_recipients(
    *, message: Message, users: QuerySet[User]
) -> Iterator[tuple[str, QuerySet]]:
    """(channel, rows of (user id, address)) for everyone in `users` who wants this kind
    of message by that channel: email unless switched off (essential kinds cannot be);
    SMS only when asked for, the tenant sends SMS, the kind is one SMS is used for, and
    there is a phone number. A kind with its own opt-in (`MessageKind.opt_in`: the reserve
    pool's enrolment) asks it instead of the preferences, for both channels."""
    message_kind = messages.kind(message.kind)
    switch = message_kind.preference or message_kind.slug
    opt_in = message_kind.opt_in  # a kind with its own opt-in (the reserve pool)
    emails = users.exclude(email="")
    if opt_in is not None:
        emails = emails.filter(pk__in=opt_in(Delivery.Channel.EMAIL))
    elif message_kind.switchable:
        emails = emails.exclude(pk__in=email_turned_off(kind=switch))
    yield Delivery.Channel.EMAIL, emails.values_list("pk", "email")
    if "sms" in message_kind.channels and current_tenant().sms_enabled:
        wanted = (
            opt_in(Delivery.Channel.SMS)
            if opt_in is not None
            else Preference.objects.filter(kind=switch, sms=True).values("user_id")
        )
        phones = users.exclude(phone="").filter(pk__in=wanted)
        yield Delivery.Channel.SMS, phones.values_list("pk", "phone")


def switchable_kinds(*, coordinator: bool) -> list[messages.MessageKind]:
    """The kinds this person may switch off, in the order the settings page shows them."""
    wanted = (messages.EVERYONE, messages.COORDINATORS) if coordinator else (messages.EVERYONE,)
    return [
        k for k in messages.kinds() if k.switchable and not k.preference and k.switch_off in wanted
    ]


def preferences_of(*, user: User) -> dict[str, Preference]:
    """The person's choice per kind, with the defaults where they have not chosen."""
    chosen = {p.kind: p for p in Preference.objects.filter(user=user)}
    return {
        k.slug: chosen.get(k.slug) or Preference(user=user, kind=k.slug, email=True, sms=False)
        for k in messages.kinds()
        if k.switchable
    }


def email_turned_off(*, kind: str) -> QuerySet:
    """Ids of the people who switched this kind of mail off, as a subquery (to leave them
    out before anything is made for them: the follow digest)."""
    return Preference.objects.filter(kind=kind, email=False).values("user_id")


def delivery_counts(*, message: Message) -> dict[str, int]:
    counts = dict.fromkeys(Delivery.Status.values, 0)
    rows = message.deliveries.values("status").annotate(n=Count("id")).order_by()
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def delivery_failures(*, message: Message, limit: int = 200) -> QuerySet[Delivery]:
    failed = Q(status=Delivery.Status.FAILED) | Q(status=Delivery.Status.PENDING, attempts__gt=0)
    return message.deliveries.filter(failed).order_by("id")[:limit]


def sent_by(*, organisations: Iterable[Organisation]) -> QuerySet[Message]:
    """What the organisations sent to an audience, newest first; one person's own mails
    (a confirmation, a sign-in link) would bury them, so only listed kinds."""
    listed = [kind.slug for kind in messages.kinds() if kind.listed]
    return Message.objects.filter(organisation__in=organisations, kind__in=listed).select_related(
        "organisation"
    )
