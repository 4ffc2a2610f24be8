"""Info mails from coordinators, and their outbox: one Delivery row per recipient.

The unique (message, user) pair is what makes expanding an audience idempotent; the
delivery's status is what makes sending it at most once per claim (see tasks.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation


class Message(models.Model):
    class Audience(models.TextChoices):
        EVENT = "event", _("Everyone signed up for an event")
        TASK = "task", _("Everyone signed up for a task")
        SHIFT = "shift", _("Everyone signed up for a shift")
        WAITLIST = "waitlist", _("The waitlist of a shift")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body_markdown = models.TextField(_("message"))
    audience_kind = models.CharField(max_length=10, choices=Audience)
    audience_id = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    send_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Unsubscribed")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    email = models.EmailField()  # the address when the audience was expanded
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="one_delivery_per_recipient")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.email} ({self.status})"


class Unsubscribe(models.Model):
    class Kind(models.TextChoices):
        INFO = "info", _("Info mails")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unsubscribes"
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.INFO)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_unsubscribe_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.kind})"
