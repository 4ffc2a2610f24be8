from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.sso.models import Provider


class ProviderForm(forms.ModelForm):
    """The console's form for one provider; build it (and render it) in the tenant's schema,
    where its organisations are."""

    issuer = forms.URLField(
        label=_("issuer URL"),
        max_length=300,
        assume_scheme="https",
        help_text=_(
            "Exactly as the provider's discovery document says, e.g. "
            "https://login.microsoftonline.com/<tenant id>/v2.0"
        ),
    )

    class Meta:
        model = Provider
        fields = [
            "name",
            "slug",
            "kind",
            "is_enabled",
            "issuer",
            "client_id",
            "client_secret_file",
            "scopes",
            "email_claim",
            "email_verified_claim",
            "name_claim",
            "trust_email",
            "create_accounts",
            "grant",
            "grant_organisation",
            "role_claim",
            "role_claim_value",
            "counts_as_second_factor",
            "second_factor_claim",
        ]
        help_texts = {
            "client_secret_file": _(
                "The name of the file holding the client secret in the mounted secrets folder. "
                "The secret itself is never stored here."
            ),
            "trust_email": _(
                "Only for a directory the system owner controls: its addresses count as "
                "verified even without an email_verified claim."
            ),
            "role_claim_value": _(
                "The role is granted only to people whose token has this value in the role "
                "claim (e.g. an Entra app role). Required unless it makes volunteers only."
            ),
            "counts_as_second_factor": _(
                "Only for a provider that itself demands a second factor (Entra ID with MFA)."
            ),
            "second_factor_claim": _(
                "What the ID token must say for that, as claim=value: amr=mfa (Entra ID), "
                "or acr=https://data.gov.dk/concept/core/nsis/loa/Substantial (MitID). "
                "Empty: every sign-in through the provider counts."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grant_organisation"].queryset = Organisation.objects.filter(is_approved=True)  # type: ignore[attr-defined]

    def clean_issuer(self) -> str:
        issuer = str(self.cleaned_data["issuer"]).strip()
        if not issuer.startswith("https://") and not _is_loopback(issuer):
            raise ValidationError(_("The issuer must be an https:// address."))
        return issuer

    def clean(self) -> dict:
        data = super().clean() or {}
        grant = data.get("grant")
        if grant == Provider.Grant.COORDINATOR and not data.get("grant_organisation"):
            self.add_error("grant_organisation", _("Choose the organisation it coordinates."))
        if grant != Provider.Grant.COORDINATOR:
            data["grant_organisation"] = None
        if grant and grant != Provider.Grant.VOLUNTEER and not data.get("role_claim_value"):
            self.add_error(
                "role_claim_value",
                _("Name the claim value that gives this role, or choose volunteer only."),
            )
        scopes = str(data.get("scopes") or "").split()
        if scopes and "openid" not in scopes:
            self.add_error("scopes", _("The scopes must include openid."))
        return data


def _is_loopback(url: str) -> bool:
    # A provider on this machine (development, tests) may speak plain http.
    return url.startswith(("http://127.0.0.1:", "http://localhost:"))
