"""The demo admins' second factor: an authenticator app with the published demo key and
the published recovery codes (demo/management/commands/_demo_logins.py), so a newcomer
can sign in as admin@nyborg.dk with the password and a code. Safe to run again: the app
keeps its key, used recovery codes come back."""

from base64 import b32decode

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.twofactor.models import APP_DEVICE_NAME, RECOVERY_DEVICE_NAME
from demo.management.commands._demo_logins import DEMO_RECOVERY_CODES, DEMO_TOTP_KEY


def seed_second_factor(*, admin: User) -> None:
    key = b32decode(DEMO_TOTP_KEY).hex()
    TOTPDevice.objects.update_or_create(
        user=admin, name=APP_DEVICE_NAME, defaults={"key": key, "confirmed": True}
    )
    codes, _created = StaticDevice.objects.get_or_create(
        user=admin, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    present = set(codes.token_set.values_list("token", flat=True))
    StaticToken.objects.bulk_create(
        StaticToken(device=codes, token=token)
        for token in DEMO_RECOVERY_CODES
        if token not in present
    )
