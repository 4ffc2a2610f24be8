"""Reads for billing: a tenant's metered usage, its subscription and invoices."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django_tenants.utils import tenant_context

from apps.attendance.models import Attendance
from apps.members.models import Membership
from apps.messaging.models import Delivery
from apps.shifts.models import SignUp
from billing.models import (
    DunningNotice,
    Invoice,
    Plan,
    PlanChange,
    StripeInvoice,
    Subscription,
    UsageMonth,
)
from tenants.models import Tenant
from tenants.selectors import tenant_zone


@dataclass(frozen=True)
class Usage:
    active_volunteers: int
    sms_segments: int


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    """The last day of the month that `month` is in."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: date) -> date:
    return month_end(month) + timedelta(days=1)


def month_bounds(tenant: Tenant, month: date) -> tuple[datetime, datetime]:
    """The month as moments: from local midnight of its first day to local midnight of the
    next month's first day, on the tenant's wall clock. A shift at 23:30 on the 31st in
    Copenhagen belongs to that month, and one at 00:30 on the 1st to the next, though in
    UTC both are on the same side of midnight."""
    zone = tenant_zone(tenant)
    first = month_start(month)
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(next_month(first), time.min, tzinfo=zone),
    )


def usage_for_month(*, tenant: Tenant, month: date) -> Usage:
    """Count a tenant's usage in a calendar month from its own tables.

    An *active volunteer* is a distinct person who, in the month,
    - attended a shift: an attendance marked present or late, on a sign-up that is still
      confirmed (a cancelled or removed sign-up never counts, even if it was marked), for a
      shift that was not cancelled and starts within the month on the tenant's wall clock; or
    - had a membership in force on at least one day of the month: it started on or before
      the month's last day, and it is active with no end date, or active/ended with an end
      date (``ended_on``) on or after the month's first day. A paused membership does not
      count (it keeps no dates; the person counts when they attend).
    Each person counts once, however many shifts and memberships they have.

    *SMS segments* are those of SMS deliveries sent within the month (their ``sent_at``), as
    the gateway counted them; an SMS sent before the count was kept counts as one.
    """
    first = month_start(month)
    last = month_end(first)
    start, end = month_bounds(tenant, first)
    with tenant_context(tenant):
        attended = Attendance.objects.filter(
            status__in=(Attendance.Status.PRESENT, Attendance.Status.LATE),
            signup__status=SignUp.Status.CONFIRMED,
            signup__shift__is_cancelled=False,
            signup__shift__starts_at__gte=start,
            signup__shift__starts_at__lt=end,
        ).values("signup__user_id")
        members = Membership.objects.filter(
            Q(status=Membership.Status.ACTIVE, ended_on__isnull=True)
            | Q(
                status__in=(Membership.Status.ACTIVE, Membership.Status.ENDED), ended_on__gte=first
            ),
            started_on__lte=last,
        ).values("user_id")
        people = attended.union(members)  # UNION (not ALL): each person once
        volunteers = people.count()
        sms = Delivery.objects.filter(
            channel=Delivery.Channel.SMS,
            status=Delivery.Status.SENT,
            sent_at__gte=start,
            sent_at__lt=end,
        ).aggregate(segments=Coalesce(Sum(Coalesce("segments", 1)), 0))
    return Usage(active_volunteers=volunteers, sms_segments=sms["segments"])


def subscription_for(*, tenant: Tenant) -> Subscription | None:
    return Subscription.objects.select_related("plan").filter(tenant=tenant).first()


def invoices_for(*, tenant: Tenant) -> QuerySet[Invoice]:
    # The kept e-invoice documents are read one at a time, when downloaded.
    return Invoice.objects.filter(tenant=tenant).defer("einvoice_xml").order_by("-number")


def usage_months_for(*, tenant: Tenant) -> QuerySet[UsageMonth]:
    return UsageMonth.objects.filter(tenant=tenant).order_by("-month")


def plans_for(*, tenant: Tenant) -> QuerySet[Plan]:
    """The plans the vendor may put this tenant on: offered ones for its kind."""
    return Plan.objects.filter(is_active=True, kind=tenant.kind).order_by("name")


def stripe_invoices_for(*, tenant: Tenant) -> QuerySet[StripeInvoice]:
    """The card tenant's invoices as Stripe last showed them, newest first."""
    return StripeInvoice.objects.filter(tenant=tenant).order_by("-stripe_created")


def unpaid_ean_invoices(*, tenant: Tenant) -> QuerySet[Invoice]:
    """Issued e-invoices waiting for payment: what the vendor may mark paid by hand."""
    return (
        Invoice.objects.filter(
            tenant=tenant,
            status=Invoice.Status.ISSUED,
            subscription__payment_method=Subscription.Method.EAN,
        )
        .defer("einvoice_xml")
        .order_by("due_on", "number")
    )


def plan_changes_for(*, tenant: Tenant) -> list[PlanChange]:
    return list(
        PlanChange.objects.filter(subscription__tenant=tenant)
        .select_related("old_plan", "new_plan")
        .order_by("-effective_on", "-pk")[:12]
    )


def dunning_notices_for(*, subscription: Subscription | None) -> list[DunningNotice]:
    """The reminders of the current past-due spell (none asked for when it is not in one)."""
    if subscription is None or subscription.past_due_since is None:
        return []
    return list(
        DunningNotice.objects.filter(
            subscription=subscription, past_due_since=subscription.past_due_since
        ).order_by("day")
    )
