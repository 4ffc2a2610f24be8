"""Plans, subscriptions, metered usage and invoices (public schema). Money in øre (DKK)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.ean import validate_ean
from tenants.models import Tenant

VAT_PERCENT = 25  # Danish VAT (moms)


class Plan(models.Model):
    class Period(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        YEARLY = "yearly", _("Yearly")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("for tenants of kind"), max_length=20, choices=Tenant.Kind)
    period = models.CharField(_("billing period"), max_length=10, choices=Period)
    base_price = models.PositiveIntegerField(_("base price (øre, excl. VAT)"))
    included_volunteers = models.PositiveIntegerField(_("included active volunteers"))
    block_size = models.PositiveIntegerField(
        _("volunteers per extra block"), default=50, validators=[MinValueValidator(1)]
    )
    block_price = models.PositiveIntegerField(_("price per extra block (øre)"), default=0)
    sms_segment_price = models.PositiveIntegerField(_("price per SMS segment (øre)"), default=0)
    trial_days = models.PositiveSmallIntegerField(_("trial days"), default=30)
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=21)
    is_active = models.BooleanField(_("offered"), default=True)
    # Stripe's plan (and its product) for card tenants, created the first time it is needed.
    stripe_plan_id = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.CheckConstraint(condition=Q(block_size__gte=1), name="plan_block")]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    class Status(models.TextChoices):
        TRIAL = "trial", _("Trial")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Past due")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    class Method(models.TextChoices):
        CARD = "card", _("Card (Stripe)")
        EAN = "ean", _("E-invoice to an EAN number")

    tenant = models.OneToOneField(Tenant, on_delete=models.PROTECT, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.TRIAL)
    trial_ends_on = models.DateField(_("trial ends"), null=True, blank=True)
    current_period_start = models.DateField(null=True, blank=True)
    current_period_end = models.DateField(null=True, blank=True)
    next_invoice_on = models.DateField(_("next invoice"), null=True, blank=True)
    payment_method = models.CharField(
        _("payment method"), max_length=5, choices=Method, default=Method.CARD
    )
    ean = models.CharField(
        _("EAN number"),
        max_length=13,
        blank=True,
        validators=[validate_ean],  # 13 digits with a valid GS1 check digit
    )
    # Dunning (billing.dunning): the day the subscription last went past due, kept while it
    # is past due or suspended, cleared when it is active again; and the last day before
    # suspension (past_due_since + the plan's grace days, or later if the vendor extends).
    past_due_since = models.DateField(_("past due since"), null=True, blank=True)
    grace_until = models.DateField(_("grace period ends"), null=True, blank=True)
    order_reference = models.CharField(_("order reference"), max_length=100, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    # A card tenant's customer and subscription at Stripe, and the subscription's status as
    # Stripe last told it (its own words: active, incomplete, past_due, canceled, ...).
    stripe_customer_id = models.CharField(max_length=100, blank=True, editable=False)
    stripe_subscription_id = models.CharField(max_length=100, blank=True, editable=False)
    stripe_status = models.CharField(max_length=30, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["trial", "active", "past_due", "suspended", "cancelled"]),
                name="subscription_status_known",
            ),
            models.CheckConstraint(
                condition=Q(payment_method__in=["card", "ean"]), name="subscription_method_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant} – {self.plan} ({self.status})"


class UsageMonth(models.Model):
    """What a tenant used in one calendar month (its own time zone); computed once per run,
    overwritten by a rerun (update_or_create), never added to."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="usage_months")
    month = models.DateField(_("month"))  # the first day
    active_volunteers = models.PositiveIntegerField(_("active volunteers"))
    sms_segments = models.PositiveIntegerField(_("SMS segments"))
    computed_at = models.DateTimeField(auto_now=True)
    # When the month's extra usage went to Stripe as invoice items (card tenants), once.
    stripe_pushed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["tenant_id", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "month"], name="usage_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="usage_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant} {self.month:%Y-%m}"


class InvoiceSeries(models.Model):
    """The last number given in a series; locked (SELECT … FOR UPDATE) in the transaction
    that creates the invoice, so numbers have no gaps and no duplicates."""

    name = models.CharField(max_length=20, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_number}"


class Invoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    number = models.PositiveIntegerField(_("number"), unique=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="invoices")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="invoices"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ISSUED)
    issued_on = models.DateField(_("issued"))
    due_on = models.DateField(_("due"))
    paid_on = models.DateField(_("paid"), null=True, blank=True)
    net_total = models.PositiveBigIntegerField(_("net (øre)"))
    vat_total = models.PositiveBigIntegerField(_("VAT (øre)"))
    gross_total = models.PositiveBigIntegerField(_("total (øre)"))
    # The e-invoice (Peppol BIS Billing 3.0) as sent to the tenant's EAN, kept as sent.
    einvoice_xml = models.BinaryField(blank=True, editable=False)
    einvoice_reference = models.CharField(max_length=300, blank=True, editable=False)
    einvoice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "issued", "paid", "void"]),
                name="invoice_status_known",
            ),
            models.CheckConstraint(
                condition=Q(gross_total=models.F("net_total") + models.F("vat_total")),
                name="invoice_gross_is_net_plus_vat",
            ),
            # One invoice per tenant and period (a rerun of the month issues nothing new).
            models.UniqueConstraint(
                fields=["tenant", "period_start"],
                condition=~Q(status="void"),
                name="invoice_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}"


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        BASE = "base", _("Subscription")
        VOLUNTEERS = "volunteers", _("Extra active volunteers")
        SMS = "sms", _("SMS segments")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=12, choices=Kind)
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_price = models.PositiveIntegerField()  # øre, excl. VAT
    amount = models.PositiveBigIntegerField()  # quantity times unit_price

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount=models.F("quantity") * models.F("unit_price")),
                name="invoice_line_amount",
            )
        ]

    def __str__(self) -> str:
        return self.description


class DunningNotice(models.Model):
    """A reminder mail the tenant's admins got while past due: one per (subscription, the day
    it went past due, day 0/7/14), so a rerun of the nightly task sends nothing twice."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="dunning_notices"
    )
    past_due_since = models.DateField()
    day = models.PositiveSmallIntegerField()  # 0, 7 or 14 days after past_due_since
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subscription_id", "past_due_since", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "past_due_since", "day"], name="dunning_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.past_due_since} +{self.day}"


class PlanChange(models.Model):
    """A subscription moved from one plan to another from a day on. invoice_issue reads these
    to bill each day of a month on the plan in force that day (billing.proration)."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="plan_changes"
    )
    old_plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    new_plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField(_("from"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subscription_id", "effective_on", "pk"]

    def __str__(self) -> str:
        return f"{self.old_plan} → {self.new_plan} ({self.effective_on})"


class StripeInvoice(models.Model):
    """A card tenant's invoice as Stripe last showed it: a mirror, rewritten from Stripe's
    current state on each of its events. Stripe numbers these; the gapless series above is
    the vendor's own (EAN e-invoices)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        PAID = "paid", _("Paid")
        UNCOLLECTIBLE = "uncollectible", _("Uncollectible")
        VOID = "void", _("Void")

    stripe_id = models.CharField(max_length=100, unique=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="stripe_invoices")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="stripe_invoices"
    )
    number = models.CharField(_("number"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=Status)
    amount_due = models.PositiveBigIntegerField(_("due (øre)"))
    amount_paid = models.PositiveBigIntegerField(_("paid (øre)"))
    currency = models.CharField(max_length=3)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    hosted_invoice_url = models.URLField(max_length=500, blank=True)
    stripe_created = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-stripe_created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "paid", "uncollectible", "void"]),
                name="stripe_invoice_status_known",
            )
        ]

    def __str__(self) -> str:
        return self.number or self.stripe_id


class StripeEvent(models.Model):
    """Every webhook event Stripe sent, stored once by its id (a replay or a concurrent
    duplicate inserts nothing), handled once by a Celery task."""

    id = models.CharField(primary_key=True, max_length=100)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.id} {self.type}"
