# The devices' admin pages are django-otp's own (otp_totp, otp_static); nothing to add.
