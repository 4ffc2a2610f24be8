"""No models of its own: the devices are django-otp's, in each tenant's schema.

- `otp_totp.TOTPDevice`: an authenticator app (the QR code at set-up), throttled per device;
- `otp_static.StaticDevice` named `RECOVERY_DEVICE_NAME` with ten `StaticToken`s: the
  recovery codes, each consumed on use.

A device belongs to a user row of one tenant's schema, so a device (or a session marked
verified by it) can never stand for anybody on another tenant's site.
"""

RECOVERY_DEVICE_NAME = "recovery"
APP_DEVICE_NAME = "app"
RECOVERY_CODE_COUNT = 10
