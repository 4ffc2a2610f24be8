"""The daily digest of new events from the organisations and categories a person follows
(the follows themselves are apps.organisations.services.following)."""

from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts.models import User
from apps.messaging.models import Kind
from apps.messaging.selectors import email_turned_off
from apps.organisations.models import Follow
from apps.shifts.models import Event
from tenants.selectors import current_tenant, tenant_locale, tenant_url


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
    """Mail one person the events published since their last digest; safe to run twice."""
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        since = user.digest_sent_at or (now - timedelta(days=1))
        events = digest_events_for(user, since=since, until=now)
        user.digest_sent_at = now
        user.save(update_fields=["digest_sent_at"])
        if events:
            transaction.on_commit(lambda: _mail_digest(user, events))
    return len(events)


def _mail_digest(user: User, events: list[Event]) -> None:
    tenant = current_tenant()
    with tenant_locale(tenant):
        context = {"user": user, "events": events, "tenant": tenant, "base": tenant_url(tenant, "")}
        subject = render_to_string("emails/digest_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject=subject, body=render_to_string("emails/digest.txt", context), to=[user.email]
        )
        message.send()


def digest_recipients() -> list[int]:
    """Followers, except those who switched the digest off in their message settings."""
    followers = Follow.objects.exclude(user_id__in=email_turned_off(kind=Kind.DIGEST))
    return list(followers.values_list("user_id", flat=True).distinct().order_by("user_id"))
