"""Dunning: an unpaid invoice moves the subscription to past due; the tenant's admins are
reminded on days 0, 7 and 14; after the grace period the site is suspended (the existing
suspended page, data intact); paying the invoice opens it again by itself.

Everything is keyed on the subscription's status, not on how it got there: an e-invoice
past its due date (here) or a failed card payment (the Stripe side calls
subscription_transition(status=PAST_DUE)) start the same clock (past_due_since).
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, tenant_context

from apps.accounts.selectors import owner_admins
from apps.audit.services import audit_record
from billing.messages import PAST_DUE
from billing.models import DunningNotice, Invoice, Subscription
from billing.notice import past_due_notice_for, past_due_notice_refresh
from billing.services import subscription_transition
from kernel import messages
from tenants.models import Tenant

S = Subscription.Status
DAYS = (0, 7, 14)  # reminders, in days after the subscription went past due


def overdue_invoices(*, subscription: Subscription, today: date) -> list[Invoice]:
    """Issued (not paid, not void) invoices whose due date has passed."""
    return list(
        Invoice.objects.filter(
            subscription=subscription, status=Invoice.Status.ISSUED, due_on__lt=today
        )
        .defer("einvoice_xml")
        .order_by("due_on", "number")
    )


def dunning_candidates(*, today: date) -> list[int]:
    """Tenants the nightly run looks at: past due ones, and active EAN ones with an e-invoice
    past its due date (a card tenant goes past due by Stripe's word, not ours)."""
    with schema_context("public"):
        past_due = Subscription.objects.filter(status=S.PAST_DUE).values_list(
            "tenant_id", flat=True
        )
        overdue = Invoice.objects.filter(
            status=Invoice.Status.ISSUED,
            due_on__lt=today,
            subscription__status=S.ACTIVE,
            subscription__payment_method=Subscription.Method.EAN,
        ).values_list("tenant_id", flat=True)
        return sorted(set(past_due) | set(overdue))


def dunning_run(*, tenant: Tenant, today: date) -> str:
    """One tenant's night: go past due, remind, or suspend; what happened (for the log).
    Safe to run twice a day: each step looks at the status and the notices already sent."""
    with schema_context("public"):
        done = "past_due" if _overdue_goes_past_due(tenant, today) else "nothing"
        subscription = Subscription.objects.select_related("plan", "tenant").get(tenant=tenant)
        if subscription.status == S.PAST_DUE:
            if _suspend_after_grace(tenant, today):
                done = "suspended"
            elif past_due_remind(subscription=_fresh(subscription), today=today):
                done = "reminded" if done == "nothing" else done
    past_due_notice_refresh(tenant=tenant, today=today)  # repairs a cache that lost it
    return done


def _fresh(subscription: Subscription) -> Subscription:
    subscription.refresh_from_db(fields=["status", "past_due_since", "grace_until"])
    return subscription


def _overdue_goes_past_due(tenant: Tenant, today: date) -> bool:
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(tenant=tenant)
        if subscription.status != S.ACTIVE or subscription.payment_method != "ean":
            return False
        late = overdue_invoices(subscription=subscription, today=today)
        if not late:
            return False
        subscription_transition(
            tenant=tenant,
            status=S.PAST_DUE,
            actor=None,
            reason=_("Invoice %(number)s was due on %(date)s and is not paid.")
            % {"number": late[0].number, "date": late[0].due_on.isoformat()},
        )
    return True


def _suspend_after_grace(tenant: Tenant, today: date) -> bool:
    """Under the row's lock, so a payment or an extension that just came in wins."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().select_related("plan").get(tenant=tenant)
        )
        if subscription.status != S.PAST_DUE:
            return False
        if subscription.grace_until is None:  # went past due without the clock (by hand)
            subscription.past_due_since = today
            subscription.grace_until = today + timedelta(days=subscription.plan.grace_days)
            subscription.save(update_fields=["past_due_since", "grace_until", "updated_at"])
            return False
        if today <= subscription.grace_until:
            return False
        subscription_transition(
            tenant=tenant,
            status=S.SUSPENDED,
            actor=None,
            reason=_("The grace period ended on %(date)s.")
            % {"date": subscription.grace_until.isoformat()},
        )
    return True


def past_due_remind(*, subscription: Subscription, today: date) -> bool:
    """Mail the tenant's admins the latest reminder that is due (day 0, 7 or 14), once: a
    notice row per (subscription, past_due_since, day) records it. A night the task did not
    run is not made up for with an old reminder: only the latest due one goes."""
    since = subscription.past_due_since
    if since is None:
        return False
    due = [day for day in DAYS if since + timedelta(days=day) <= today]
    if not due:
        return False
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if locked.status != S.PAST_DUE or locked.past_due_since != since:
            return False  # moved on since it was read
        notice, created = DunningNotice.objects.get_or_create(
            subscription=locked, past_due_since=since, day=due[-1]
        )
        if not created:
            return False
        notice.recipients = _mail_admins(locked, today, due[-1])
        notice.save(update_fields=["recipients"])
        audit_record(
            actor=None,
            action="billing.dunning_notice",
            target=locked.tenant,
            day=due[-1],
            past_due_since=since.isoformat(),
            recipients=notice.recipients,
        )
    return True


def _mail_admins(subscription: Subscription, today: date, day: int) -> int:
    notice = past_due_notice_for(subscription=subscription, today=today)
    assert notice is not None
    with tenant_context(subscription.tenant):  # the outbox is the tenant's
        admins = list(owner_admins().values_list("pk", flat=True))
        messages.send(
            PAST_DUE,
            to=admins,
            dedupe_key=f"billing-past-due:{subscription.pk}:{subscription.past_due_since}:{day}",
            params={
                "day": day,
                "amount": notice.amount,
                "due_on": notice.due_on.isoformat() if notice.due_on else "",
                "grace_until": notice.grace_until.isoformat(),
                "days_left": notice.days_left(today),
                "contact": notice.contact,
            },
        )
    return len(admins)


def subscription_extend_grace(
    *, tenant: Tenant, until: date, actor: object | None, reason: str, today: date
) -> Subscription:
    """The vendor gives a past-due tenant until `until` (a later day) before suspension."""
    if not reason.strip():
        raise ValidationError(_("Write why, for the audit log."), code="reason")
    with transaction.atomic(), schema_context("public"):
        subscription = Subscription.objects.select_for_update().get(tenant=tenant)
        if subscription.status != S.PAST_DUE or subscription.grace_until is None:
            raise ValidationError(
                _("Only a past-due subscription has a grace period to extend."), code="status"
            )
        if until <= max(subscription.grace_until, today):
            raise ValidationError(
                _("Choose a day after %(date)s.")
                % {"date": max(subscription.grace_until, today).strftime("%d.%m.%Y")},
                code="until",
            )
        old = subscription.grace_until
        subscription.grace_until = until
        subscription.save(update_fields=["grace_until", "updated_at"])
        audit_record(
            actor=actor,
            action="billing.grace_extended",
            target=tenant,
            old=old.isoformat(),
            new=until.isoformat(),
            reason=reason,
        )
        transaction.on_commit(lambda: past_due_notice_refresh(tenant=tenant, today=today))
    return subscription


def invoice_mark_paid(
    *, invoice: Invoice, actor: object | None, reason: str, paid_on: date
) -> Invoice:
    """An issued invoice is paid. When the subscription then owes nothing overdue and was
    past due or suspended, it is active again and the tenant's site opens by itself."""
    if not reason.strip():
        raise ValidationError(_("Write why, for the audit log."), code="reason")
    with transaction.atomic(), schema_context("public"):
        locked = Invoice.objects.select_for_update().select_related("tenant").get(pk=invoice.pk)
        if locked.status != Invoice.Status.ISSUED:
            raise ValidationError(
                _("Invoice %(number)s is %(status)s, not waiting for payment.")
                % {"number": locked.number, "status": locked.get_status_display()},
                code="status",
            )
        locked.status = Invoice.Status.PAID
        locked.paid_on = paid_on
        locked.save(update_fields=["status", "paid_on"])
        audit_record(
            actor=actor,
            action="billing.invoice_paid",
            target=locked.tenant,
            number=locked.number,
            paid_on=paid_on.isoformat(),
            reason=reason,
        )
        subscription = Subscription.objects.get(pk=locked.subscription_id)
        today = max(paid_on, timezone.localdate())
        still_owed = overdue_invoices(subscription=subscription, today=today)
        tenant = locked.tenant
        transaction.on_commit(lambda: past_due_notice_refresh(tenant=tenant))  # the amount
        if subscription.status in (S.PAST_DUE, S.SUSPENDED) and not still_owed:
            subscription_transition(
                tenant=locked.tenant,
                status=S.ACTIVE,
                actor=actor,
                reason=_("Invoice %(number)s is paid.") % {"number": locked.number},
            )
    return locked
