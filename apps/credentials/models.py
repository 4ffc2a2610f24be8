"""A volunteer record the volunteer owns (frivilligbevis): a signed W3C Verifiable
Credential, and the tenant's Ed25519 key that signs it (docs/architecture.md)."""

import uuid

from django.conf import settings
from django.db import models


class SigningKey(models.Model):
    """The tenant's one signing key, made on first use. The public half is published
    (/bevis/noegle.json); the private half is stored encrypted with a key derived from
    settings and the schema name (apps.citizens.crypto), never in clear text."""

    public_key = models.CharField(max_length=64)  # raw 32 bytes, base64url without padding
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"key {self.pk}"


class IssuedRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="issued_records"
    )
    # The signed credential as issued: the public page shows its subject, nothing else.
    credential = models.JSONField()
    # SHA-256 of the JCS bytes of the credential without its proof: a pasted copy must match.
    content_hash = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return str(self.id)
