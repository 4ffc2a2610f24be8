"""A plan change in the middle of a month, billed day by day (issue 14, item 7).

Each day of a month is billed on the plan in force that day (PlanChange rows): on monthly
plans the base price is split by days in the month, rounded half up to whole øre per part,
e.g. a change on the 15th of a 31-day month bills 14/31 of the old base and 17/31 of the
new. Extra volunteers and SMS are billed on the plan in force on the month's last day.

Yearly plans are not split (the rule, docs/billing.md): a change to or from a yearly plan
takes effect on the first of the next month. The old plan's month (or its paid year) is
billed as it was, with no refund; a new yearly plan's billing year starts on that first,
and its base is billed in full on that month's invoice.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from billing.models import InvoiceLine, Plan, PlanChange, Subscription
from billing.selectors import month_end, month_start, next_month


@dataclass(frozen=True)
class Segment:
    plan: Plan
    first: date
    last: date  # inclusive

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Preview:
    """What a plan change means for this month's base price, before it is confirmed."""

    effective_on: date
    prorated: bool  # split by days (monthly plans); False: the yearly rule
    lines: list[InvoiceLine]
    net: int
    vat: int

    @property
    def gross(self) -> int:
        return self.net + self.vat


def prorate(amount: int, days: int, days_in_month: int) -> int:
    """amount * days / days_in_month in whole øre, rounded half up."""
    return (2 * amount * days + days_in_month) // (2 * days_in_month)


def change_effective_on(*, old: Plan, new: Plan, today: date) -> date:
    """Monthly to monthly: from today. Anything yearly: from the first of next month."""
    if Plan.Period.YEARLY in (old.period, new.period):
        return next_month(today)
    return today


def plan_on(day: date, plan: Plan, changes: list[PlanChange]) -> Plan:
    """The plan in force on `day`: the latest change on or before it, else the plan the
    first change left (the subscription was on it before), else the current plan."""
    before = [change for change in changes if change.effective_on <= day]
    if before:
        return before[-1].new_plan
    return changes[0].old_plan if changes else plan


def segments(subscription: Subscription, first: date, changes: list[PlanChange]) -> list[Segment]:
    """The month cut where the plan changes (at most one piece per change)."""
    last = month_end(first)
    cuts = sorted({c.effective_on for c in changes if first < c.effective_on <= last})
    starts = [first, *cuts]
    ends = [cut - timedelta(days=1) for cut in cuts] + [last]
    return [
        Segment(plan_on(start, subscription.plan, changes), start, end)
        for start, end in zip(starts, ends, strict=True)
    ]


def changes_for(subscription: Subscription) -> list[PlanChange]:
    if subscription.pk is None:
        return []
    return list(
        PlanChange.objects.filter(subscription=subscription)
        .select_related("old_plan", "new_plan")
        .order_by("effective_on", "pk")
    )


def base_lines(
    subscription: Subscription, first: date, changes: list[PlanChange]
) -> list[InvoiceLine]:
    """The base price lines of a month: one per plan in force in it, by its days."""
    lines = []
    pieces = segments(subscription, first, changes)
    days_in_month = calendar.monthrange(first.year, first.month)[1]
    for piece in pieces:
        plan = piece.plan
        if plan.period == Plan.Period.YEARLY:
            if _year_starts(subscription, plan, first, changes):
                label = _("%(plan)s, year from %(month)s")
                lines.append(_base(label % {"plan": plan.name, "month": f"{first:%m/%Y}"}, plan))
            continue
        if piece.days == days_in_month:
            label = _("%(plan)s, %(month)s") % {"plan": plan.name, "month": f"{first:%m/%Y}"}
            lines.append(_base(label, plan))
            continue
        amount = prorate(plan.base_price, piece.days, days_in_month)
        label = _("%(plan)s, %(first)s–%(last)s (%(days)s of %(month_days)s days)") % {
            "plan": plan.name,
            "first": f"{piece.first:%d.%m}",
            "last": f"{piece.last:%d.%m.%Y}",
            "days": piece.days,
            "month_days": days_in_month,
        }
        lines.append(_base(label, plan, amount))
    return lines


def _year_starts(
    subscription: Subscription, plan: Plan, first: date, changes: list[PlanChange]
) -> bool:
    """A yearly plan's base is billed in the month its billing year starts: from the change
    that put the subscription on it, else from the subscription's first paid day."""
    into = [c.effective_on for c in changes if c.new_plan_id == plan.pk and c.effective_on <= first]
    anchor = into[-1] if into else subscription.current_period_start
    assert anchor is not None
    return first.month == anchor.month and first >= month_start(anchor)


def _base(description: str, plan: Plan, amount: int | None = None) -> InvoiceLine:
    price = plan.base_price if amount is None else amount
    return InvoiceLine(
        kind=InvoiceLine.Kind.BASE,
        description=description[:200],
        quantity=1,
        unit_price=price,
        amount=price,
    )


def plan_change_preview(*, subscription: Subscription, plan: Plan, today: date) -> Preview:
    """This month's base price if the subscription moved to `plan` today (by the rule
    above), with its VAT; nothing is saved."""
    from billing.services import vat_of  # services imports this module

    old = subscription.plan
    effective = change_effective_on(old=old, new=plan, today=today)
    first = month_start(today)
    change = PlanChange(old_plan=old, new_plan=plan, effective_on=effective)
    lines = base_lines(subscription, first, [*changes_for(subscription), change])
    net = sum(line.amount for line in lines)
    return Preview(
        effective_on=effective,
        prorated=effective == today,
        lines=lines,
        net=net,
        vat=vat_of(net),
    )
