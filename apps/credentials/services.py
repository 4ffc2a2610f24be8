"""Issuing, revoking and checking volunteer records (frivilligbevis)."""

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.credentials import signing
from apps.credentials.models import IssuedRecord
from apps.credentials.selectors import record_parts
from tenants.selectors import tenant_url

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
SIGNATURE_FAILED = gettext_noop(
    "The signature does not match: the record has been changed or was not signed by %(issuer)s."
)
GENUINE = gettext_noop(
    "The signature matches, nothing has been changed and the volunteer has not withdrawn it."
)
_RECORD_PATH = re.compile(r"/bevis/([0-9a-f-]{36})/$")


class RecordRefused(ValueError):
    """The choice cannot be issued; the message is for the volunteer."""


def _tenant_name() -> str:
    return str(connection.tenant.name)  # type: ignore[attr-defined]


def _url(path: str) -> str:
    return tenant_url(connection.tenant, path)  # type: ignore[attr-defined]


def record_issue(*, holder: User, keys: list[str]) -> IssuedRecord:
    """Sign a record of exactly the parts `keys` names (each must be the holder's own)."""
    parts = {part.key: part for part in record_parts(user=holder)}
    chosen = [parts[key] for key in dict.fromkeys(keys) if key in parts]
    if not chosen or len(chosen) != len(set(keys)):
        raise RecordRefused(_("Choose at least one thing from your own list to put in the record."))
    record_id = uuid.uuid4()
    now = timezone.now().replace(microsecond=0)
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "name": holder.full_name}
    for kind, field in (
        ("hours", "hours"),
        ("role", "roles"),
        ("onboarding", "onboarding"),
        ("reference", "references"),
    ):
        claims = [part.claim for part in chosen if part.kind == kind]
        if claims:
            subject[field] = claims
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": _url(f"/bevis/{record_id}/"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Frivilligbevis",
        "issuer": {"id": _url("/"), "type": ["Profile"], "name": _tenant_name()},
        "validFrom": now.isoformat().replace("+00:00", "Z"),
        "credentialSubject": subject,
    }
    key = signing.signing_key()
    options = {
        "@context": CONTEXT,
        "type": "DataIntegrityProof",
        "cryptosuite": signing.CRYPTOSUITE,
        "created": document["validFrom"],
        "verificationMethod": _url("/bevis/noegle.json") + "#key-1",
        "proofPurpose": "assertionMethod",
    }
    document["proof"] = {
        **options,
        "proofValue": signing.sign(document, key=key, proof_options=options),
    }
    with transaction.atomic():
        record = IssuedRecord.objects.create(
            id=record_id,
            holder=holder,
            credential=document,
            content_hash=signing.content_hash(document),
            issued_at=now,
        )
        audit_record(
            actor=holder, action="credential.issued", target=record, parts=list(parts_keys(chosen))
        )
    return record


def parts_keys(parts: list[Any]) -> list[str]:
    return [part.key for part in parts]


def record_revoke(*, holder: User, record_id: uuid.UUID | str) -> IssuedRecord:
    """The holder withdraws a record; anyone checking it from now on is told so. Twice is once."""
    with transaction.atomic():
        record = (
            IssuedRecord.objects.select_for_update().filter(pk=record_id, holder=holder).first()
        )
        if record is None:
            raise IssuedRecord.DoesNotExist
        if record.revoked_at is None:
            record.revoked_at = timezone.now()
            record.save(update_fields=["revoked_at"])
            audit_record(actor=holder, action="credential.revoked", target=record)
    return record


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    code: str  # for machines: genuine, malformed, unknown, signature, changed, withdrawn
    reason: str  # for people, in the page's language
    record: IssuedRecord | None = None


def record_verify(*, document: object) -> Verdict:
    """Whether `document` is a record this tenant issued, unaltered and not revoked."""
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        return Verdict(False, "malformed", _("This is not a volunteer record."))
    match = _RECORD_PATH.search(document["id"])
    try:
        record_id = uuid.UUID(match.group(1)) if match else None
    except ValueError:
        record_id = None
    record = IssuedRecord.objects.filter(pk=record_id).first() if record_id else None
    if record is None or document["id"] != record.credential.get("id"):
        return Verdict(
            False,
            "unknown",
            _("%(issuer)s has not issued this record.") % {"issuer": _tenant_name()},
        )
    key = signing.signing_key()
    if not signing.signature_valid(document, public_key=key.public_key):
        return Verdict(
            False,
            "signature",
            _(SIGNATURE_FAILED) % {"issuer": _tenant_name()},
        )
    if signing.content_hash(document) != record.content_hash:
        return Verdict(False, "changed", _("The record differs from the one that was issued."))
    if record.revoked_at is not None:
        return Verdict(
            False,
            "withdrawn",
            _("The volunteer withdrew this record on %(day)s.")
            % {"day": timezone.localdate(record.revoked_at).isoformat()},
            record,
        )
    return Verdict(
        True,
        "genuine",
        _(GENUINE),
        record,
    )
