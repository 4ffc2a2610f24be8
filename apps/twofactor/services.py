"""Set up, verify, remove and reset second factors. Every change is audited."""

import re
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.twofactor.models import APP_DEVICE_NAME, RECOVERY_CODE_COUNT, RECOVERY_DEVICE_NAME
from apps.twofactor.selectors import may_reset

APP_CODE = re.compile(r"^\d{6}$")


class WrongCode(Exception):
    """The code matched no device."""


class Throttled(Exception):
    """Too many wrong codes in a row: the next try waits until `until`."""

    def __init__(self, until: datetime | None) -> None:
        super().__init__(until)
        self.until = until


class LastDevice(Exception):
    """Staff who must use a second factor cannot remove their only authenticator app."""


def code_clean(token: str) -> str:
    # People type "123 456" or "ABCD-EFGH"; codes are stored without spaces, lower case.
    return re.sub(r"[\s-]", "", token).lower()


@transaction.atomic
def app_setup_start(*, user: User) -> TOTPDevice:
    """The unconfirmed app device the set-up page shows as a QR code; the same one on a
    reload, so a code scanned a minute ago still works."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False, name=APP_DEVICE_NAME)
        .order_by("pk")
        .first()
    )
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def app_setup_confirm(*, user: User, device_id: int, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the app with its first code. Returns the device and, if the person had no
    recovery codes yet, ten new ones (shown once). Raises WrongCode or Throttled after the
    transaction, so the throttle's count and the audit row are kept."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(
            pk=device_id, user=user, confirmed=False
        )
        allowed, details = device.verify_is_allowed()
        if not allowed:
            throttled = Throttled(_until(details))
        elif device.verify_token(code_clean(token)):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(actor=user, action="twofactor.device_added", target=user, kind="app")
            codes = [] if recovery_device_confirmed(user=user) else recovery_codes_new(user=user)
            return device, codes
        else:
            audit_record(actor=user, action="twofactor.verification_failed", target=user)
            throttled = None
    raise throttled or WrongCode


def recovery_device_confirmed(*, user: User) -> bool:
    return StaticToken.objects.filter(
        device__user=user, device__name=RECOVERY_DEVICE_NAME, device__confirmed=True
    ).exists()


@transaction.atomic
def recovery_codes_new(*, user: User) -> list[str]:
    """Ten new one-time recovery codes; the old ones stop working."""
    device, _created = StaticDevice.objects.select_for_update().get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="twofactor.recovery_codes_new", target=user)
    return codes


def second_factor_verify(*, user: User, token: str) -> Device:
    """The device that accepts the code: six digits go to the person's apps, anything
    else to their recovery codes (a used one is gone). Wrong codes are throttled per device
    (django-otp: waits of 1, 2, 4, 8 ... seconds) and audited; WrongCode and Throttled are
    raised after the transaction, so the throttle's count and the audit row are kept."""
    token = code_clean(token)
    with transaction.atomic():
        devices = _devices_for(user=user, token=token)
        allowed = [device for device in devices if device.verify_is_allowed()[0]]
        if devices and not allowed:
            failure: Exception = Throttled(_locked_until(devices))
        else:
            for device in allowed:
                if device.verify_token(token):
                    if isinstance(device, StaticDevice):
                        left = device.token_set.count()
                        audit_record(
                            actor=user,
                            action="twofactor.recovery_code_used",
                            target=user,
                            left=left,
                        )
                    return device
            audit_record(actor=user, action="twofactor.verification_failed", target=user)
            failure = WrongCode()
    raise failure


def _devices_for(*, user: User, token: str) -> list[Device]:
    if APP_CODE.match(token):
        return list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
    return list(
        StaticDevice.objects.select_for_update().filter(
            user=user, confirmed=True, name=RECOVERY_DEVICE_NAME
        )
    )


@transaction.atomic
def app_remove(*, user: User, device_id: int, required: bool) -> None:
    """Remove one of the person's authenticator apps (see `_factor_remove`)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device_id, user=user)
    _factor_remove(user=user, device=device, required=required, kind="app")


@transaction.atomic
def passkey_remove(*, user: User, device_id: int, required: bool) -> None:
    """Remove one of the person's passkeys (see `_factor_remove`)."""
    device = WebAuthnCredential.objects.select_for_update().get(pk=device_id, user=user)
    _factor_remove(user=user, device=device, required=required, kind="passkey")


def _factor_remove(*, user: User, device: Device, required: bool, kind: str) -> None:
    # Removing the last app or passkey turns the second factor off (recovery codes go
    # too) — not allowed for those who must use it.
    apps = TOTPDevice.objects.filter(user=user, confirmed=True)
    keys = WebAuthnCredential.objects.filter(user=user, confirmed=True)
    others = apps.exclude(pk=device.pk) if kind == "app" else keys.exclude(pk=device.pk)
    left = others.count() + (keys if kind == "app" else apps).count()
    if required and device.confirmed and not left:
        raise LastDevice
    device.delete()
    if not left:
        StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=user, action="twofactor.device_removed", target=user, kind=kind)


def passkey_added(*, device: WebAuthnCredential) -> None:
    """Called when django-otp-webauthn saves a new passkey (apps.twofactor.receivers)."""
    audit_record(
        actor=device.user, action="twofactor.device_added", target=device.user, kind="passkey"
    )


@transaction.atomic
def second_factor_reset(*, actor: User, person: User) -> None:
    """Lost phone: an admin removes the person's apps, passkeys and recovery codes. Their sessions
    lose their verification at once (the device is gone); if they must use a second factor,
    their next page is the set-up."""
    if not may_reset(actor=actor, person=person):
        raise PermissionDenied
    devices_delete(user=person)
    audit_record(actor=actor, action="twofactor.reset", target=person)


def devices_delete(*, user: User) -> None:
    """Every second factor of `user`: apps (their secret keys), passkeys, recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _until(details: dict | None) -> datetime | None:
    if details and details.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return details.get("locked_until")
    return None


def _locked_until(devices: list[Device]) -> datetime | None:
    moments = [_until(details) for _allowed, details in (d.verify_is_allowed() for d in devices)]
    return min((moment for moment in moments if moment), default=None)
