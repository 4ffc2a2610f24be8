"""What a past-due tenant's admins are told on every page of their site (the banner).

The banner must cost no database query: every page of an admin's session would otherwise
pay one more (and the pages' query counts are held exact in the tests). So the notice is
kept in the cache, under the tenant's own key (django-tenants puts the schema in every
key): written when the subscription goes past due, removed when it leaves, and rewritten by
the nightly dunning run, which also repairs a cache that lost it.
"""

import logging
from dataclasses import asdict, dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min, Sum
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import Invoice, Subscription
from kernel.cache import CACHE_ERRORS, cache_get, cache_set
from tenants.models import Tenant

logger = logging.getLogger(__name__)
KEY = "billing:past-due-notice"
TIMEOUT = 60 * 60 * 24 * 3  # the nightly run rewrites it; gone by itself if that stops


@dataclass(frozen=True)
class PastDueNotice:
    amount: int  # øre incl. VAT, the unpaid invoices past their due date (0: unknown to us)
    due_on: date | None  # the oldest unpaid invoice's due date
    grace_until: date  # the last day before the site is suspended
    contact: str  # the vendor's billing address

    def days_left(self, today: date) -> int:
        return max(0, (self.grace_until - today).days)


def past_due_notice_for(*, subscription: Subscription, today: date) -> PastDueNotice | None:
    """The notice for a past-due subscription from its rows (public schema)."""
    if subscription.status != Subscription.Status.PAST_DUE or subscription.grace_until is None:
        return None
    overdue = Invoice.objects.filter(
        subscription=subscription, status=Invoice.Status.ISSUED, due_on__lt=today
    ).aggregate(amount=Sum("gross_total"), due_on=Min("due_on"))
    return PastDueNotice(
        amount=overdue["amount"] or 0,
        due_on=overdue["due_on"],
        grace_until=subscription.grace_until,
        contact=settings.BILLING_SELLER["email"],
    )


def past_due_notice_refresh(*, tenant: Tenant, today: date | None = None) -> None:
    """Write the tenant's notice to the cache, or remove it when it is not past due."""
    today = today or timezone.localdate()
    with schema_context("public"):
        subscription = Subscription.objects.filter(tenant=tenant).first()
        notice = subscription and past_due_notice_for(subscription=subscription, today=today)
    with schema_context(tenant.schema_name):  # the key carries the tenant's schema
        if notice:
            cache_set(KEY, asdict(notice), TIMEOUT)
            return
        try:
            cache.delete(KEY)
        except CACHE_ERRORS as error:  # Redis down: the nightly run removes it later
            logger.warning("Cache unavailable, removing %s: %r", KEY, error)


def past_due_notice_cached() -> PastDueNotice | None:
    """The current tenant's notice (the connection is in its schema), from the cache only."""
    found = cache_get(KEY)  # Redis down: no banner, the page still answers
    return PastDueNotice(**found) if found else None
