"""Write paths for the legal pages: publish a version, the standard texts, consent."""

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.legal.models import Document, DocumentVersion, PrivacyConsent
from kernel import dates
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
        audit_record(
            actor=user, action="legal.privacy_accepted", target=user, version=version.number
        )
    return consent
