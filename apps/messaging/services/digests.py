"""The digest of new events from the organisations and categories a person follows: once
a day, one message through the outbox per person with news (moved here from
organisations, which only keeps who follows what)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.messaging.messages import DIGEST
from apps.messaging.selectors import email_turned_off
from apps.organisations.models import Follow
from apps.shifts.models import Event
from kernel import messages


def digest_events_for(user: User, *, since: datetime, until: datetime) -> list[Event]:
    follows = Follow.objects.filter(user=user)
    orgs = [f.organisation_id for f in follows if f.organisation_id]
    categories = [f.category_id for f in follows if f.category_id]
    if not orgs and not categories:
        return []
    return list(
        Event.objects.filter(
            Q(organisation_id__in=orgs) | Q(category_id__in=categories),
            status=Event.Status.PUBLISHED,
            visibility=Event.Visibility.PUBLIC,
            published_at__gt=since,
            published_at__lte=until,
            ends_at__gt=until,
        )
        .select_related("organisation")
        .order_by("starts_at")
    )


def digest_send(*, user_id: int, now: datetime | None = None) -> int:
    """Put one person's digest of the events published since their last one in the
    outbox; safe to run twice (the second run finds nothing new)."""
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        since = user.digest_sent_at or (now - timedelta(days=1))
        events = digest_events_for(user, since=since, until=now)
        user.digest_sent_at = now
        user.save(update_fields=["digest_sent_at"])
        if events:
            messages.send(
                DIGEST,
                to=[user.pk],
                dedupe_key=f"digest:{user.pk}:{now.timestamp():.0f}",
                params={"user_id": user.pk, "event_ids": [event.pk for event in events]},
            )
    return len(events)


def digest_recipients() -> list[int]:
    """Followers, except those who switched the digest off in their message settings."""
    followers = Follow.objects.exclude(user_id__in=email_turned_off(kind=DIGEST.slug))
    return list(followers.values_list("user_id", flat=True).distinct().order_by("user_id"))
