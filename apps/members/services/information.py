"""GDPR art. 14: a person an organisation registers (from a file, or by hand) is told who
holds their data, what, why, where it came from and their rights, by an essential mail;
that they were told is recorded (apps.legal's Consent, basis information)."""

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.legal.models import Consent, Document
from apps.legal.selectors import current_version
from apps.legal.services import information_record
from apps.members.messages import INFORMATION_NOTICE
from apps.organisations.models import Organisation
from kernel import messages


def information_notice_send(
    *, actor: User, organisation: Organisation, user_ids: list[int], method: str
) -> int:
    """One Message for the whole batch (an import of 10,000 is one row and 10,000
    deliveries) and one information row per person. Call inside the creating service's
    transaction: the mails go when it commits. Returns how many people were told."""
    if not user_ids:
        return 0
    source = "import" if method == Consent.Method.IMPORT else "coordinator"
    message = messages.send(
        INFORMATION_NOTICE,
        to=user_ids,
        dedupe_key=information_dedupe_key(organisation, user_ids),
        params={"organisation_id": organisation.pk, "source": source},
        organisation_id=organisation.pk,
    )
    audit_record(
        actor=actor,
        action="members.informed",
        target=organisation,
        people=len(user_ids),
        method=method,
        message=getattr(message, "pk", None),
    )
    return information_record(
        user_ids=user_ids,
        method=method,
        version=current_version(document=Document.PRIVACY),
        channel="email",
        sent_message_id=getattr(message, "pk", None),
        organisation_name=organisation.name,
    )


def information_dedupe_key(organisation: Organisation, user_ids: list[int]) -> str:
    """New people's ids are new, so the same batch gives the same key (sent once)."""
    return f"information:{organisation.pk}:{min(user_ids)}-{max(user_ids)}:{len(user_ids)}"
