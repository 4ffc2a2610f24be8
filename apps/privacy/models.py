"""A person's GDPR rights (export, erasure), retention and the controller's records."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- Data export (articles 15 and 20): apps/privacy/services/export.py ---------------------


EXPORT_ANSWER_DAYS = 30  # art. 12(3): answer an access request within one month
EXPORT_LINK_DAYS = 7  # the one-time link lives a week


class DataExport(models.Model):
    """One ZIP with everything the site holds about `user`, downloadable once by
    `requested_by` (the person, or the staff member answering a request by phone or letter)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        DOWNLOADED = "downloaded", _("Downloaded")

    class Channel(models.TextChoices):
        SELF = "self", _("On the website")
        PHONE = "phone", _("By phone")
        LETTER = "letter", _("By letter")
        EMAIL = "email", _("By email")
        IN_PERSON = "in_person", _("In person")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("request received"), max_length=10, choices=Channel)
    received_on = models.DateField(_("date received"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    file = models.FileField(upload_to="privacy/exports/", blank=True, max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"

    @property
    def deadline(self) -> date:
        return self.received_on + timedelta(days=EXPORT_ANSWER_DAYS)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_for_staff(self) -> bool:
        return self.requested_by_id != self.user_id


# --- erasure (apps.privacy.services.erasure) ---


class LegalHold(models.Model):
    """The site's admin holds a person's data (a complaint, a case, a court order): while it
    is set, the person cannot be erased, neither on request nor by retention."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="legal_hold"
    )
    reason = models.CharField(_("reason"), max_length=500)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"hold on {self.user_id}: {self.reason[:40]}"


# --- retention (apps.privacy.services.retention) ---


class RetentionSettings(models.Model):
    """One row per tenant schema (pk 1): how long the site keeps what (Danish defaults)."""

    inactive_months = models.PositiveSmallIntegerField(
        _("warn volunteers inactive for (months)"), default=24
    )
    warning_days = models.PositiveSmallIntegerField(
        _("anonymise this many days after the warning"), default=30
    )
    application_months = models.PositiveSmallIntegerField(
        _("delete rejected or withdrawn applications after (months)"), default=6
    )
    evaluation_months = models.PositiveSmallIntegerField(
        _("delete evaluation invitations after (months)"), default=12
    )
    message_months = models.PositiveSmallIntegerField(
        _("blank the text of sent messages after (months)"), default=12
    )
    referral_months = models.PositiveSmallIntegerField(
        _("delete a citizen's referral after it ended (months)"), default=12
    )

    class Meta:
        verbose_name = _("retention settings")
        verbose_name_plural = _("retention settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(inactive_months__gte=6, inactive_months__lte=120),
                name="retention_inactive_6_to_120_months",
            ),
            models.CheckConstraint(
                condition=Q(warning_days__gte=14, warning_days__lte=180),
                name="retention_warning_14_to_180_days",
            ),
            models.CheckConstraint(
                condition=Q(application_months__gte=1, application_months__lte=60),
                name="retention_applications_1_to_60_months",
            ),
            models.CheckConstraint(
                condition=Q(evaluation_months__gte=1, evaluation_months__lte=120),
                name="retention_evaluations_1_to_120_months",
            ),
            models.CheckConstraint(
                condition=Q(referral_months__gte=1, referral_months__lte=60),
                name="retention_referrals_1_to_60_months",
            ),
            models.CheckConstraint(
                condition=Q(message_months__gte=1, message_months__lte=120),
                name="retention_messages_1_to_120_months",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Retention settings"))

    @classmethod
    def load(cls) -> "RetentionSettings":
        return cls.objects.get_or_create(pk=1)[0]


class RetentionNotice(models.Model):
    """One warning to an inactive person. Open while neither resolved (they came back)
    nor erased; at most one open notice per person, so a run twice warns once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    warned_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["warned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(resolved_at__isnull=True, erased_at__isnull=True),
                name="retention_one_open_notice_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.warned_at:%Y-%m-%d}"
