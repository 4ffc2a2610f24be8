"""A person's choices of which messages they get, by email and by SMS."""

from django.db import transaction

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.legal.models import Consent, Document
from apps.legal.selectors import current_version
from apps.legal.services import consent_record, consent_withdraw_purpose
from apps.messaging.models import Preference, switchable_kind


def preferences_save(*, user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store (email, sms) per kind; kinds not named keep what they had."""
    with transaction.atomic():
        for kind, (email, sms) in choices.items():
            switchable_kind(kind)  # essential kinds have no switch to store
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"email": email, "sms": sms}
            )
        audit_record(actor=user, action="messaging.preferences", target=user)
        _sms_consent_follow(user=user)


def _sms_consent_follow(*, user: User) -> None:
    """Text messages go only with consent: switching SMS on for any kind gives it (a row the
    person sees and can withdraw on their account page); switching every one off withdraws it."""
    if Preference.objects.filter(user=user, sms=True).exists():
        consent_record(
            user=user,
            purpose=Consent.Purpose.SMS,
            method=Consent.Method.ACCOUNT_PAGE,
            version=current_version(document=Document.PRIVACY),
        )
    else:
        consent_withdraw_purpose(user=user, purpose=Consent.Purpose.SMS)


def sms_off(*, user: User) -> int:
    """The person withdrew their consent to text messages: no kind goes by SMS any more
    (called by apps.privacy in the withdrawal's transaction). Returns switches changed."""
    changed = Preference.objects.filter(user=user, sms=True).update(sms=False)
    if changed:
        audit_record(actor=user, action="messaging.sms_off", target=user, switches=changed)
    return changed


def unsubscribe(*, user_id: int, kind: str) -> bool:
    """One-click unsubscribe (RFC 8058) from one kind of mail. True when the user exists."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    switchable_kind(kind)
    with transaction.atomic():
        preference, _created = Preference.objects.get_or_create(user=user, kind=kind)
        if preference.email:
            preference.email = False
            preference.save(update_fields=["email", "updated_at"])
            audit_record(actor=user, action="messaging.unsubscribe", target=user, kind=kind)
    return True
