"""Outgoing webhooks (docs/webhooks.md): endpoints an admin registers, and one outbox row
per (event, endpoint) that the delivery worker claims, signs, posts and records."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation


class Kind(models.TextChoices):
    SIGNUP_CREATED = "signup.created", _("Sign-up created")
    SIGNUP_CANCELLED = "signup.cancelled", _("Sign-up cancelled")
    WAITLIST_PROMOTED = "waitlist.promoted", _("Moved up from the waiting list")
    SHIFT_CHANGED = "shift.changed", _("Shift changed")
    SHIFT_CANCELLED = "shift.cancelled", _("Shift cancelled")
    MEMBER_CREATED = "member.created", _("New member")
    EVALUATION_ANSWERED = "evaluation.answered", _("Evaluation answered")


class Endpoint(models.Model):
    url = models.URLField(_("address"), max_length=500)
    # Shown once when the endpoint is made; kept in clear because signing needs it.
    secret = models.CharField(max_length=64)
    kinds = ArrayField(models.CharField(max_length=40, choices=Kind.choices))
    # None: every organisation's events (only the system owner's admins make those).
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("organisation"),
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Webhook endpoint {self.url}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Given up")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # One id per event, the same for every endpoint it goes to: receivers drop repeats by it.
    event_id = models.UUIDField(default=uuid.uuid4)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhooks_delivery_waiting",
                condition=models.Q(status__in=["pending", "sending"]),
            )
        ]

    def __str__(self) -> str:
        return f"Webhook {self.kind} → {self.endpoint_id} ({self.status})"
