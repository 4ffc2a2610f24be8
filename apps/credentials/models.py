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


class Reference(models.Model):
    """A coordinator's short reference for a volunteer (a few lines, their name and role).

    The volunteer asks a coordinator of an organisation they volunteered for; the
    coordinator writes it from a page; the volunteer then chooses, record by record,
    whether it goes in (a part "reference:<id>", selectors.record_parts). Issued records
    keep the signed copy of the text: a later edit changes only records issued after it."""

    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="references_asked"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    # Who was asked; kept empty when that person's account is erased (the text stays the
    # volunteer's, under the name and role the coordinator signed it with).
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="references_to_write",
    )
    note = models.CharField(max_length=500, blank=True)  # the volunteer's request
    text = models.TextField(blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    author_role = models.CharField(max_length=200, blank=True)
    asked_at = models.DateTimeField()
    written_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-pk"]
        constraints = [
            # Asking twice while the first request is open is one request.
            models.UniqueConstraint(
                fields=["volunteer", "organisation", "coordinator"],
                condition=models.Q(written_at__isnull=True),
                name="credentials_reference_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"reference {self.pk}"
