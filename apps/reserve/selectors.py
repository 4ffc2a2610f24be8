"""Reads of the reserve pool: who is in it, the call-outs and how they were answered."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from apps.accounts.models import User
from apps.members.models import Membership
from apps.reserve.models import Callout, CalloutAnswer, ReserveEnrolment


def may_join(*, user: User) -> bool:
    """Volunteers: people with an active membership of an organisation on the site."""
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).exists()


def enrolment_of(*, user: User) -> ReserveEnrolment | None:
    return ReserveEnrolment.objects.filter(user=user).first()


def pool_people() -> QuerySet[User]:
    """Everyone a call-out goes to now: in the pool, with an account that still works."""
    return User.objects.filter(
        reserve_enrolment__isnull=False, is_active=True, erased_at__isnull=True
    ).order_by("pk")


@dataclass(frozen=True)
class PoolSize:
    people: int
    email: int
    sms: int


def pool_size() -> PoolSize:
    """One query: how many are in the pool, and how many by each channel."""
    counts = ReserveEnrolment.objects.filter(
        user__is_active=True, user__erased_at__isnull=True
    ).aggregate(
        people=Count("pk"),
        email=Count("pk", filter=Q(email=True)),
        sms=Count("pk", filter=Q(sms=True)),
    )
    return PoolSize(**counts)


def callouts_recent(*, limit: int = 50) -> QuerySet[Callout]:
    """The call-outs, newest first, each with its counts (one query)."""
    return Callout.objects.annotate(
        people=Count("answers"),
        said_yes=Count("answers", filter=Q(answers__yes=True)),
        said_no=Count("answers", filter=Q(answers__yes=False)),
    ).order_by("-sent_at", "-pk")[:limit]


def callout_by_id(*, callout_id: int) -> Callout | None:
    return Callout.objects.select_related("sent_by").filter(pk=callout_id).first()


@dataclass(frozen=True)
class Counts:
    yes: int
    no: int
    waiting: int


def callout_counts(*, callout: Callout) -> Counts:
    """Yes, no and not answered, in one query."""
    counts = CalloutAnswer.objects.filter(callout=callout).aggregate(
        said_yes=Count("pk", filter=Q(yes=True)),
        said_no=Count("pk", filter=Q(yes=False)),
        waiting=Count("pk", filter=Q(yes__isnull=True)),
    )
    return Counts(yes=counts["said_yes"], no=counts["said_no"], waiting=counts["waiting"])


def callout_yes_people(*, callout: Callout) -> QuerySet[CalloutAnswer]:
    """Who said yes, first answer first, with the phone to call them on (one query)."""
    return (
        CalloutAnswer.objects.filter(callout=callout, yes=True)
        .select_related("user")
        .only("answered_at", "user__full_name", "user__phone", "user__email")
        .order_by("answered_at", "pk")
    )


def answer_by_token(*, token: str) -> CalloutAnswer | None:
    return CalloutAnswer.objects.select_related("callout").filter(token=token).first()
