"""Passkeys (django-otp-webauthn) on each tenant's own host.

A passkey is bound to its relying party, the host name: one made on nyborg.example is
useless on visitaarhus.example, and the credential row lives in Nyborg's schema anyway.
The package reads a fixed origin list from settings; every tenant has its own host, so
the helper answers with the request's own origin (a host ALLOWED_HOSTS and the tenant
middleware already accepted)."""

from django.http import HttpRequest
from django_otp_webauthn.helpers import WebAuthnHelper


def rp_id(request: HttpRequest) -> str:
    return request.get_host().split(":", 1)[0]


def rp_name(request: HttpRequest) -> str:
    tenant = getattr(request, "tenant", None)
    return str(getattr(tenant, "name", "") or "Tovholder")


class TenantWebAuthnHelper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        return [f"{self.request.scheme}://{self.request.get_host()}"]
