// apps.twofactor: after django-otp-webauthn has saved a new passkey, show the page again,
// with the passkey in its list (the package only writes a status message).
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
