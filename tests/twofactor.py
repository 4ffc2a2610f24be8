"""Second factors for the suite's staff personas (apps.twofactor).

`signed_in` (tests/conftest.py) gives every person it signs in an authenticator app and a
session verified by it, as after a real sign-in with a code. Tests of a session *without*
a verified second factor pass `verified=False`. The browser tests type a real code:
`code_now` computes it from the device's key, as the phone would.
"""

from binascii import unhexlify

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User

# The app of the suite's personas; a fixed key so that a browser test can compute its codes.
TEST_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, hex


def app_device(user: User, *, key: str = TEST_KEY) -> TOTPDevice:
    """The person's confirmed authenticator app (made if missing), in the current schema."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="app", key=key, confirmed=True)


def code_now(key: str = TEST_KEY, *, offset: int = 0) -> str:
    """The six digits an app with `key` shows now (offset: time steps later or earlier)."""
    return f"{totp(unhexlify(key), step=30, t0=0, digits=6, drift=offset):06d}"


def fresh(device: TOTPDevice) -> TOTPDevice:
    """Forget the last code used and any throttle, so the current code is accepted again
    (django-otp refuses a code twice in its 30 seconds: signing in twice in a test would)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    return device


__all__ = ["TEST_KEY", "app_device", "code_now", "fresh"]
