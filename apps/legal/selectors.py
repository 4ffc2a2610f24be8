"""Reads for the legal pages."""

from dataclasses import dataclass

from django.db.models import QuerySet

from apps.legal.models import Consent, Document, DocumentVersion, PrivacyConsent


def current_version(*, document: str) -> DocumentVersion | None:
    """The newest published version of a document, or None before the first."""
    return (
        DocumentVersion.objects.filter(document=document)
        .select_related("published_by")
        .order_by("-number")
        .first()
    )


def document_version(*, document: str, number: int) -> DocumentVersion | None:
    return (
        DocumentVersion.objects.filter(document=document, number=number)
        .select_related("published_by")
        .first()
    )


def document_versions(*, document: str) -> QuerySet[DocumentVersion]:
    """Every version, newest first, without the texts (for the list of versions)."""
    return (
        DocumentVersion.objects.filter(document=document).defer("body_markdown").order_by("-number")
    )


def privacy_consents(*, user_id: int) -> QuerySet[PrivacyConsent]:
    return PrivacyConsent.objects.filter(user_id=user_id).select_related("version")


def consents(*, user_id: int) -> QuerySet[Consent]:
    """What a person was told and agreed to, newest first (one query with the versions)."""
    return (
        Consent.objects.filter(user_id=user_id)
        .select_related("version")
        .defer("version__body_markdown")
    )


def informed(*, user_ids: list[int]) -> dict[int, Consent]:
    """The newest art. 14 information given to each of these people (for member pages)."""
    rows = (
        Consent.objects.filter(user_id__in=user_ids, purpose=Consent.Purpose.INFORMATION_NOTICE)
        .select_related("version")
        .defer("version__body_markdown")
        .order_by("user_id", "-given_at")
        .distinct("user_id")
    )
    return {row.user_id: row for row in rows}


def has_consent(*, user_id: int, purpose: str) -> bool:
    return Consent.objects.filter(
        user_id=user_id, purpose=purpose, basis=Consent.Basis.CONSENT, withdrawn_at__isnull=True
    ).exists()


@dataclass(frozen=True)
class SetupStatus:
    """For the admin's set-up checklist.

    Every tenant gets the standard texts as version 1 when it is provisioned (so a person
    who registers always has a notice to read and accept), but those texts still have
    [placeholders] for contact details. A page counts as published when the admin has
    published a version of their own; *_version is the version on the site either way.
    """

    privacy_published: bool
    accessibility_published: bool
    privacy_version: DocumentVersion | None
    accessibility_version: DocumentVersion | None

    @property
    def done(self) -> bool:
        return self.privacy_published and self.accessibility_published


def setup_status() -> SetupStatus:
    """In the current tenant's schema: has the admin published each legal page? One query
    (the checklist on the admin's home asks on every visit)."""
    newest = DocumentVersion.objects.defer("body_markdown").order_by("document", "-number")
    current = {version.document: version for version in newest.distinct("document")}

    def published(version: DocumentVersion | None) -> bool:
        return version is not None and not version.is_standard

    return SetupStatus(
        privacy_published=published(current.get(Document.PRIVACY)),
        accessibility_published=published(current.get(Document.ACCESSIBILITY)),
        privacy_version=current.get(Document.PRIVACY),
        accessibility_version=current.get(Document.ACCESSIBILITY),
    )
