"""The reserve pool (beredskab): volunteers who may be called in an emergency, the site
admin's call-outs to them, and each person's yes or no.

A call-out is sent once to everyone in the pool (services.callout_send): one message in
the outbox (essential, at a lifted rate), and one CalloutAnswer per person, whose random
token is the person's own answer link (/beredskab/svar/<token>/, no sign-in needed).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReserveEnrolment(models.Model):
    """One person in the pool, and by which channels they may be called."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reserve_enrolment"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    email = models.BooleanField(_("by email"), default=True)
    sms = models.BooleanField(_("by text message"), default=False)

    def __str__(self) -> str:
        return f"{self.user_id} email={self.email} sms={self.sms}"


class Callout(models.Model):
    """What, where, when and a line of text, sent once to the pool."""

    title = models.CharField(_("what"), max_length=120)
    place = models.CharField(_("where"), max_length=160, blank=True)
    when = models.CharField(_("when"), max_length=120, blank=True)
    body = models.TextField(_("message"), max_length=1000, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def dedupe_key(self) -> str:
        return f"reserve.callout.{self.pk}"


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits: the link is the only key


class CalloutAnswer(models.Model):
    """One person's row for one call-out: their link, and their answer (None: not yet)."""

    callout = models.ForeignKey(Callout, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="callout_answers"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    yes = models.BooleanField(null=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["callout", "user"], name="one_answer_per_callout")
        ]

    def __str__(self) -> str:
        return f"{self.callout_id} {self.user_id} {self.yes}"
