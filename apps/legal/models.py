"""A tenant's legal pages: the privacy notice and the accessibility statement.

Each publish is a new immutable version (a database trigger refuses UPDATE and DELETE, so
not even the admin site or a data fix in psql can rewrite what a person accepted). The
version a person accepted at registration is kept in PrivacyConsent (kept as it was) and,
with everything else a person was told or agreed to, in Consent.
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


class Consent(models.Model):
    """One thing a person was told or agreed to: what, on which legal basis, which version
    of the privacy notice, when, how. Rows are never deleted; a consent is withdrawn by
    stamping `withdrawn_at` (information given cannot be withdrawn: it was given)."""

    class Purpose(models.TextChoices):
        # Art. 13: the notice shown, and acknowledged, when the person registered.
        PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")
        # Art. 14: told about data an organisation registered about them (import, coordinator).
        INFORMATION_NOTICE = "information_notice", _("Information about your data (art. 14)")
        # Art. 6(1)(a): text messages to their phone number.
        SMS = "sms", _("Text messages (SMS)")

    class Basis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        INFORMATION = "information", _("Information")

    class Method(models.TextChoices):
        REGISTRATION = "registration", _("Registration form")
        IMPORT = "import", _("Import by an organisation")
        COORDINATOR = "coordinator", _("Added by a coordinator")
        ACCOUNT_PAGE = "account", _("My account")
        EARLIER = "earlier", _("Recorded before this list")

    BASIS = {
        Purpose.PRIVACY_NOTICE: Basis.INFORMATION,
        Purpose.INFORMATION_NOTICE: Basis.INFORMATION,
        Purpose.SMS: Basis.CONSENT,
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose)
    basis = models.CharField(_("legal basis"), max_length=20, choices=Basis)
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy notice version"),
    )
    given_at = models.DateTimeField(_("when"))
    method = models.CharField(_("how"), max_length=20, choices=Method)
    # What the information went out as (art. 14): channel and the outbox message's id
    # (apps.messaging is above legal, so an id, not a key).
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    sent_message_id = models.BigIntegerField(null=True, blank=True)
    organisation_name = models.CharField(_("from"), max_length=200, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        indexes = [models.Index(fields=["user", "purpose"], name="legal_consent_user_purpose")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(basis="consent") | models.Q(withdrawn_at__isnull=True),
                name="legal_consent_only_consent_withdrawn",
            ),
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=models.Q(basis="consent", withdrawn_at__isnull=True),
                name="legal_consent_one_active",
            ),
        ]
        verbose_name = _("consent or information")
        verbose_name_plural = _("consents and information")

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {self.given_at:%Y-%m-%d}"

    @property
    def withdrawable(self) -> bool:
        return self.basis == self.Basis.CONSENT and self.withdrawn_at is None
