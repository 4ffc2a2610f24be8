"""A tenant's legal pages: the privacy notice and the accessibility statement.

Each publish is a new immutable version (a database trigger refuses UPDATE and DELETE, so
not even the admin site or a data fix in psql can rewrite what a person accepted). The
version a person accepted at registration is kept in PrivacyConsent.
"""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from kernel.markdown import markdown_to_html


class Document(models.TextChoices):
    PRIVACY = "privacy", _("Privacy notice")
    ACCESSIBILITY = "accessibility", _("Accessibility statement")


class DocumentVersion(models.Model):
    document = models.CharField(_("document"), max_length=20, choices=Document)
    number = models.PositiveIntegerField(_("version"))
    body_markdown = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"))
    # None with is_standard: the standard text published when the tenant was provisioned.
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    is_standard = models.BooleanField(_("standard text"), default=False)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="legal_version_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="legal_version_positive"
            ),
        ]
        verbose_name = _("legal page version")
        verbose_name_plural = _("legal page versions")

    def __str__(self) -> str:
        return f"{self.get_document_display()} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A published version is immutable; publish a new one.")
        super().save(*args, **kwargs)

    @cached_property
    def body_html(self) -> str:
        """Sanitised as messages are: Markdown, then nh3 with a small allow-list."""
        return markdown_to_html(self.body_markdown)


class PrivacyConsent(models.Model):
    """Which version of the privacy notice a person accepted, and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_consents"
    )
    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("accepted"))

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("privacy consent")
        verbose_name_plural = _("privacy consents")

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.version}"
