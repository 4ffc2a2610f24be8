"""Single sign-on with OpenID Connect providers, configured per tenant.

A provider's settings live in the tenant's own schema (like everything else a tenant owns),
so one tenant's provider cannot be found, let alone used, from another tenant's site. The
vendor edits them from the console under the tenant's schema. The client secret is never in
the database: `client_secret_file` names a file in settings.SSO_SECRETS_DIR (a mounted
Kubernetes secret), read when a sign-in needs it.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

SECRET_FILE_NAME = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Only the file's name (letters, digits, dot, dash, underscore), no folders."),
)
CLAIM_REQUIREMENT = RegexValidator(
    r"^[A-Za-z0-9_:.\-]+=\S.*$",
    _("Write it as claim=value, e.g. amr=mfa."),
)


class Provider(models.Model):
    class Kind(models.TextChoices):
        MITID_BROKER = "mitid_broker", _("MitID broker (citizens)")
        ENTRA_ID = "entra_id", _("Microsoft Entra ID (staff)")
        OTHER = "other", _("Other OpenID Connect provider")

    class Grant(models.TextChoices):
        # Deliberately few: a provider can make volunteers, or give one well-defined role.
        VOLUNTEER = "volunteer", _("Volunteer only")
        OWNER_ADMIN = "owner_admin", _("System-owner admin")
        COORDINATOR = "coordinator", _("Coordinator of one organisation")

    name = models.CharField(_("name on the button"), max_length=60)
    slug = models.SlugField(_("short name in addresses"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    is_enabled = models.BooleanField(_("enabled"), default=False)
    issuer = models.URLField(_("issuer URL"), max_length=300)
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret_file = models.CharField(
        _("client secret file"), max_length=100, validators=[SECRET_FILE_NAME]
    )
    scopes = models.CharField(_("scopes"), max_length=200, default="openid email profile")
    email_claim = models.CharField(_("email claim"), max_length=100, default="email")
    email_verified_claim = models.CharField(
        _("email verified claim"), max_length=100, default="email_verified"
    )
    name_claim = models.CharField(_("name claim"), max_length=100, default="name")
    # An organisation's own directory (Entra ID with verified domains) vouches for every
    # address it sends even without an email_verified claim.
    trust_email = models.BooleanField(_("trust every email it sends"), default=False)
    create_accounts = models.BooleanField(_("create accounts for new people"), default=True)
    grant = models.CharField(
        _("role it may grant"), max_length=20, choices=Grant, default="volunteer"
    )
    grant_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The role is granted only to people whose token carries this value in this claim
    # (an Entra app role, say), never to everyone the provider knows.
    role_claim = models.CharField(_("role claim"), max_length=100, default="roles")
    role_claim_value = models.CharField(_("role claim value"), max_length=100, blank=True)
    counts_as_second_factor = models.BooleanField(
        _("its sign-in counts as the second factor"), default=False
    )
    # "claim=value" the ID token must carry for that (amr=mfa, an NSIS level in acr): the
    # provider may do MFA for some sign-ins only. Empty: every sign-in through it counts.
    second_factor_claim = models.CharField(
        _("claim that proves the second factor"),
        max_length=300,
        blank=True,
        validators=[CLAIM_REQUIREMENT],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sign-in provider")
        verbose_name_plural = _("sign-in providers")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(grant="coordinator")
                | models.Q(grant_organisation__isnull=False),
                name="sso_coordinator_has_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(grant="volunteer") | ~models.Q(role_claim_value=""),
                name="sso_role_needs_claim_value",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def proves_second_factor(self, claims: dict) -> bool:
        """Whether a sign-in with these ID-token claims counts as the second factor."""
        if not self.counts_as_second_factor:
            return False
        if not self.second_factor_claim:
            return True
        name, _sep, wanted = self.second_factor_claim.partition("=")
        value = claims.get(name)
        return wanted in value if isinstance(value, list) else value == wanted


class Link(models.Model):
    """This person is `subject` at `issuer`: how they are found again, whatever their email
    or name becomes. Nothing else from the provider is kept (no CPR number, ever)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_links"
    )
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The provider's role was given through this link (not by hand): a later sign-in whose
    # token no longer carries the role's claim value takes it back.
    granted_role = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_one_link_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.provider}"
