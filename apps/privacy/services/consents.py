"""Withdrawing a consent, and stopping what it allowed (legal keeps the rows; the apps
above it own what the consent switched on)."""

from django.db import transaction

from apps.accounts.models import User
from apps.legal.models import Consent
from apps.legal.services import consent_withdraw
from apps.messaging.services.preferences import sms_off
from apps.reserve.services import reserve_sms_off


def consent_withdraw_and_honour(*, user: User, consent_id: int) -> Consent:
    """Withdraw one of the person's own consents (ValidationError when it is information or
    already withdrawn; Consent.DoesNotExist when it is not theirs) and switch off what it
    allowed, in one transaction."""
    with transaction.atomic():
        consent = consent_withdraw(user=user, consent_id=consent_id)
        if consent.purpose == Consent.Purpose.SMS:
            sms_off(user=user)
            reserve_sms_off(user=user)
    return consent
