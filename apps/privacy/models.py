"""A person's GDPR rights (export, erasure), retention and the controller's records."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
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
