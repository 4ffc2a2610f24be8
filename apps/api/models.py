"""API keys: a name, a scope (read or write, one organisation or the whole site), shown once.

Only a prefix (to find the row) and an HMAC-SHA256 of the whole key (keyed with SECRET_KEY)
are stored; a stolen database dump cannot be replayed against the API. A key works while
it is neither revoked nor expired, and while the person who made it still holds the role
that let them make it (apps/api/auth.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation


class ApiKey(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    name = models.CharField(_("name"), max_length=100)
    # The first characters after "tvh_": the look-up key, shown in lists so people can tell
    # their keys apart. Unique, so a look-up finds one row at most.
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(_("access"), max_length=5, choices=Scope, default=Scope.READ)
    # None: the whole site (only the system owner's admins make those).
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Written at most once a minute (auth.py), not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"API key {self.name} ({self.prefix})"

    @property
    def writes(self) -> bool:
        return self.scope == self.Scope.WRITE
