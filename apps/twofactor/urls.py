from django.urls import include, path

from apps.twofactor import views

urlpatterns = [
    path("", views.overview, name="twofactor"),
    path("opsaet/", views.setup, name="twofactor-setup"),
    path("bekraeft/", views.verify, name="twofactor-verify"),
    path("gendannelseskoder/", views.recovery_codes, name="twofactor-recovery-codes"),
    path("app/<int:device_id>/fjern/", views.app_remove_view, name="twofactor-app-remove"),
    path("personale/", views.staff, name="twofactor-staff"),
    path("personale/<int:user_id>/nulstil/", views.reset, name="twofactor-reset"),
    path(
        "passkey/<int:device_id>/fjern/", views.passkey_remove_view, name="twofactor-passkey-remove"
    ),
    # django-otp-webauthn's JSON endpoints (begin/complete registration and verification).
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
]
