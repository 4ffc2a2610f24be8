"""A person's GDPR rights (export, erasure), retention and the controller's records."""

# --- erasure (apps.privacy.services.erasure) ---

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
