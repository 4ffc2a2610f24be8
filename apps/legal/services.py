"""Write paths for the legal pages: publish a version, the standard texts, consent."""

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.legal.models import Consent, Document, DocumentVersion, PrivacyConsent
from kernel import dates
from kernel.bulk import bulk_insert
from tenants.models import Tenant
from tenants.selectors import tenant_url

if TYPE_CHECKING:  # accounts builds on legal (registration accepts the privacy notice)
    from apps.accounts.models import User

MAX_LENGTH = 100_000
# "[Indsæt e-mail]" and the like, left in a standard text for the admin; not a Markdown link.
PLACEHOLDER = re.compile(r"\[[^\]\n]+\](?![(\[])")


def placeholders(text: str) -> list[str]:
    """The bracketed placeholders still in a text, in order, each once."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def standard_text(
    document: str, *, name: str, site_url: str, kind: str = Tenant.Kind.MUNICIPALITY
) -> str:
    """The Danish template for a document, filled in with what the tenant registry knows;
    contact details it does not know are left as [placeholders] for the admin."""
    context = {
        "name": name,
        "site_url": site_url,
        "is_municipality": kind == Tenant.Kind.MUNICIPALITY,
        "today": dates.show(timezone.localdate(), "full_date"),
    }
    text = render_to_string(f"legal/standard/{Document(document).value}.md", context)
    return text.strip() + "\n"


def tenant_standard_text(document: str, *, tenant: Tenant) -> str:
    # The standard texts are Danish (as the law they answer to); dates in Danish too.
    with timezone.override(tenant.timezone), translation.override("da"):
        return standard_text(
            document, name=tenant.name, site_url=tenant_url(tenant), kind=tenant.kind
        )


def document_publish(
    *,
    document: str,
    body_markdown: str,
    actor: "User | None",
    is_standard: bool = False,
) -> DocumentVersion:
    """Publish a new version of a legal page in the current tenant; older ones stay as they
    were. Numbers go 1, 2, 3 ... per document with no gaps, also when two admins publish at
    the same moment (a table lock serialises publishers; readers are not blocked)."""
    document = Document(document).value
    body = body_markdown.replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body_markdown": _("Write the text before you publish it.")})
    if len(body) > MAX_LENGTH:
        raise ValidationError({"body_markdown": _("The text is too long.")})
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {DocumentVersion._meta.db_table} IN SHARE ROW EXCLUSIVE MODE"
            )
        current = DocumentVersion.objects.filter(document=document).order_by("-number").first()
        if current is not None and current.body_markdown.strip() == body:
            raise ValidationError(
                {"body_markdown": _("The text is the same as the published version.")}
            )
        version = DocumentVersion.objects.create(
            document=document,
            number=(current.number + 1) if current else 1,
            body_markdown=body + "\n",
            published_at=timezone.now(),
            published_by=actor,
            is_standard=is_standard,
        )
        audit_record(
            actor=actor,
            action="legal.published",
            target=version,
            document=document,
            number=version.number,
            standard=is_standard,
        )
    return version


def standard_versions_publish(*, tenant: Tenant) -> list[DocumentVersion]:
    """Version 1 of each document from the standard text, for a new tenant (called in its
    schema at provisioning); a document that already has a version is left alone."""
    published = []
    for document in Document.values:
        if DocumentVersion.objects.filter(document=document).exists():
            continue
        text = tenant_standard_text(document, tenant=tenant)
        published.append(
            document_publish(document=document, body_markdown=text, actor=None, is_standard=True)
        )
    return published


def privacy_consent_record(*, user: "User", version: DocumentVersion) -> PrivacyConsent:
    """The person accepted this version of the privacy notice (at registration)."""
    if version.document != Document.PRIVACY:
        raise ValueError("consent is given to the privacy notice")
    with transaction.atomic():
        consent = PrivacyConsent.objects.create(
            user=user, version=version, accepted_at=timezone.now()
        )
        consent_record(
            user=user,
            purpose=Consent.Purpose.PRIVACY_NOTICE,
            method=Consent.Method.REGISTRATION,
            version=version,
            given_at=consent.accepted_at,
        )
        audit_record(
            actor=user, action="legal.privacy_accepted", target=user, version=version.number
        )
    return consent


def consent_record(
    *,
    user: "User",
    purpose: str,
    method: str,
    version: DocumentVersion | None = None,
    given_at=None,
) -> Consent:
    """Record what the person was told or agreed to. A consent already given (and not
    withdrawn) is not given twice: the existing row is returned."""
    purpose = Consent.Purpose(purpose).value
    basis = Consent.BASIS[Consent.Purpose(purpose)]
    if version is not None and version.document != Document.PRIVACY:
        raise ValueError("a consent refers to a version of the privacy notice")
    with transaction.atomic():
        if basis == Consent.Basis.CONSENT:
            active = Consent.objects.filter(
                user=user, purpose=purpose, withdrawn_at__isnull=True
            ).first()
            if active is not None:
                return active
        consent = Consent.objects.create(
            user=user,
            purpose=purpose,
            basis=basis,
            version=version,
            given_at=given_at or timezone.now(),
            method=Consent.Method(method).value,
        )
        audit_record(
            actor=user
            if method in (Consent.Method.REGISTRATION, Consent.Method.ACCOUNT_PAGE)
            else None,
            action="legal.consent_given" if basis == Consent.Basis.CONSENT else "legal.informed",
            target=user,
            purpose=purpose,
            method=consent.method,
            version=version.number if version else None,
        )
    return consent


def consent_withdraw(*, user: "User", consent_id: int) -> Consent:
    """The person withdraws a consent of their own. What it allowed must stop: the caller
    (apps.privacy) switches off what depends on it in the same transaction. Information
    cannot be withdrawn, nor a consent twice."""
    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(pk=consent_id, user=user).first()
        if consent is None:
            raise Consent.DoesNotExist
        if consent.basis != Consent.Basis.CONSENT:
            raise ValidationError(
                _("This is information you were given, not a consent; it cannot be withdrawn.")
            )
        if consent.withdrawn_at is not None:
            raise ValidationError(_("You have already withdrawn this consent."))
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit_record(
            actor=user,
            action="legal.consent_withdrawn",
            target=user,
            purpose=consent.purpose,
            consent=consent.pk,
        )
    return consent


def consent_withdraw_purpose(*, user: "User", purpose: str) -> int:
    """Withdraw the person's active consent for a purpose (they switched the thing off
    themselves, e.g. every text message in their message settings). Returns rows changed."""
    with transaction.atomic():
        changed = Consent.objects.filter(
            user=user, purpose=purpose, basis=Consent.Basis.CONSENT, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        if changed:
            audit_record(actor=user, action="legal.consent_withdrawn", target=user, purpose=purpose)
    return changed


def information_record(
    *,
    user_ids: Iterable[int],
    method: str,
    version: DocumentVersion | None,
    channel: str,
    sent_message_id: int | None,
    organisation_name: str,
) -> int:
    """Art. 14: these people were told (by `channel`, in outbox message `sent_message_id`)
    that an organisation registered data about them. One INSERT per 5,000 people."""
    # kernel.bulk_insert: the person is the only column that differs (an import of 50,000
    # people would otherwise spend seconds building Consent objects).
    ids = bulk_insert(
        Consent,
        {"user_id": list(user_ids)},
        constants={
            "purpose": Consent.Purpose.INFORMATION_NOTICE.value,
            "basis": Consent.Basis.INFORMATION.value,
            "version": version.pk if version else None,
            "given_at": timezone.now(),
            "method": Consent.Method(method).value,
            "channel": channel,
            "sent_message_id": sent_message_id,
            "organisation_name": organisation_name[:200],
        },
    )
    return len(ids)
