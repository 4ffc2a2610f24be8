"""Write paths for single sign-on: starting a sign-in, finishing it (finding, linking or
creating the person, granting the one role the provider may give), and the console's edits.

Who someone is: first the provider's subject (`iss` + `sub`, in a Link), then a verified
email address; never a name. A provider's claims are cleaned of anything CPR-like before
anything here looks at them, and only the email, the name (for a new account) and the role
claim are read.
"""

import re
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.organisations.models import OrganisationRole
from apps.sso import oidc
from apps.sso.models import Link, Provider
from kernel.tasks import enqueue_on_commit

SESSION_KEY = "sso_pending"
SECOND_FACTOR_KEY = "second_factor_sso"  # read by apps.twofactor
MAX_PENDING = 5  # sign-ins started in other tabs and not finished
CPR_NAME = re.compile(r"cpr|personnummer|civilregistration", re.IGNORECASE)
CPR_VALUE = re.compile(r"(?<!\d)[0-3]\d[01]\d\d\d-?\d{4}(?!\d)")

# Why a sign-in was refused, as the person is told (never which check failed in detail).
REFUSALS = {
    "unknown_provider": _("This way of signing in is not available on this site."),
    "provider_unreachable": _("We could not reach the sign-in provider. Try again in a moment."),
    "provider_error": _("The sign-in provider did not sign you in."),
    "unavailable": _("Signing in this way is not possible right now. Try again in a few minutes."),
    "bad_state": _(
        "This sign-in was not started here, or it has already been used. Start again from "
        "the sign-in page."
    ),
    "replayed": _("This sign-in has already been used. Start again from the sign-in page."),
    "expired": _("The sign-in took too long and has expired. Start again from the sign-in page."),
    "email_unverified": _(
        "The sign-in provider has not confirmed your email address, so we cannot tell which "
        "account is yours. Sign in with your password or a sign-in link instead."
    ),
    "no_email": _("The sign-in provider did not tell us your email address."),
    "no_account": _("There is no account for you here. Ask the site's administrator."),
    "inactive": _("Your account here is closed."),
    "misconfigured": _(
        "Sign-in with this provider is not set up correctly. The site's administrator has "
        "been told."
    ),
}
# Anything else (a bad signature, wrong audience, no ID token ...): one message.
REFUSED = _("The sign-in could not be confirmed. Start again from the sign-in page.")


class SsoRefused(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(REFUSALS.get(self.reason, REFUSED))


def client_secret(provider: Provider) -> str:
    """The secret from its mounted file; the name was validated to be a bare file name."""
    path = Path(settings.SSO_SECRETS_DIR) / provider.client_secret_file
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SsoRefused("misconfigured", f"secret file {provider.client_secret_file}") from exc
    if not secret:
        raise SsoRefused("misconfigured", f"secret file {provider.client_secret_file} is empty")
    return secret


def _client(provider: Provider, redirect_uri: str) -> oidc.Client:
    return oidc.Client(
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=client_secret(provider),
        scopes=provider.scopes,
        redirect_uri=redirect_uri,
    )


def sign_in_start(*, session: Any, provider: Provider, redirect_uri: str, next_path: str) -> str:
    """Remember state, nonce and PKCE verifier in the session; the provider's address."""
    try:
        url, pending = oidc.authorization_start(_client(provider, redirect_uri))
    except oidc.OidcError as exc:
        _refusal_record(provider, SsoRefused(exc.reason, str(exc)), stage="start")
        raise SsoRefused(exc.reason, str(exc)) from exc
    except SsoRefused as exc:
        _refusal_record(provider, exc, stage="start")
        raise
    started = dict(session.get(SESSION_KEY) or {})
    started[pending.state] = {
        **asdict(pending),
        "provider": provider.pk,
        "next": next_path,
        "started": int(time.time()),
    }
    session[SESSION_KEY] = dict(list(started.items())[-MAX_PENDING:])
    return url


def _refusal_record(provider: Provider, refusal: "SsoRefused", *, stage: str) -> None:
    audit_record(
        actor=None,
        action="sso.refused",
        target=provider,
        reason=refusal.reason,
        stage=stage,
        detail=_clean_text(str(refusal))[:300],
    )


def sign_in_finish(
    *, session: Any, provider: Provider, redirect_uri: str, params: dict[str, str]
) -> tuple[User, str, bool]:
    """Check the provider's answer against what the session remembers, trade the code, and
    return the person, where to send them, and whether this sign-in was the second factor.
    Refusals are audited and raised."""
    try:
        return _finish(session=session, provider=provider, redirect_uri=redirect_uri, params=params)
    except SsoRefused as exc:
        _refusal_record(provider, exc, stage="callback")
        raise


def _finish(
    *, session: Any, provider: Provider, redirect_uri: str, params: dict[str, str]
) -> tuple[User, str, bool]:
    started = dict(session.get(SESSION_KEY) or {})
    # Spent now, whatever follows: the same answer twice finds nothing the second time.
    pending = started.pop(params.get("state", ""), None)
    session[SESSION_KEY] = started
    if pending is None or pending.get("provider") != provider.pk:
        raise SsoRefused("bad_state")
    if time.time() - pending.get("started", 0) > settings.SSO_PENDING_SECONDS:
        raise SsoRefused("expired", "the sign-in was started too long ago")
    if params.get("error"):
        raise SsoRefused("provider_error", params["error"][:100])
    if not params.get("code"):
        raise SsoRefused("bad_state", "no code")
    if params.get("iss") and params["iss"] != provider.issuer:  # RFC 9207 mix-up defence
        raise SsoRefused("bad_claims", "iss parameter")
    try:
        claims = oidc.code_exchange(
            _client(provider, redirect_uri),
            oidc.Pending(
                state=pending["state"],
                nonce=pending["nonce"],
                code_verifier=pending["code_verifier"],
            ),
            params["code"],
        )
    except oidc.OidcError as exc:
        raise SsoRefused(exc.reason, str(exc)) from exc
    user = person_for(provider=provider, claims=claims_clean(claims))
    return user, str(pending.get("next") or ""), provider.proves_second_factor(claims)


def claims_clean(claims: dict[str, Any]) -> dict[str, Any]:
    """The claims without anything that names or looks like a CPR number (MitID brokers
    may send one); nothing CPR-like may reach an account, a link or the audit log."""
    kept: dict[str, Any] = {}
    for name, value in claims.items():
        if CPR_NAME.search(name) or _has_cpr(value):
            continue
        kept[name] = value
    return kept


def _has_cpr(value: Any) -> bool:
    if isinstance(value, str):
        return bool(CPR_VALUE.search(value))
    if isinstance(value, list | tuple):
        return any(_has_cpr(item) for item in value)
    if isinstance(value, dict):
        return any(_has_cpr(item) for item in value.values())
    return False


def _clean_text(text: str) -> str:
    return CPR_VALUE.sub("[removed]", text)


def _email_of(provider: Provider, claims: dict[str, Any]) -> tuple[str, bool]:
    email = claims.get(provider.email_claim)
    if not isinstance(email, str) or "@" not in email:
        return "", False
    verified = claims.get(provider.email_verified_claim)
    trusted = provider.trust_email or verified is True or verified == "true"
    return User.objects.normalize_email(email.strip()).lower(), trusted


def person_for(*, provider: Provider, claims: dict[str, Any]) -> User:
    """The person these (clean) claims are: by subject, else by verified email; a new
    account if the provider may create them. Then the role the provider may grant."""
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    with transaction.atomic():
        link = Link.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
        if link is not None:
            user = link.user
        else:
            user = _person_by_email(provider=provider, claims=claims)
            link = _link(provider=provider, user=user, issuer=issuer, subject=subject)
        if not user.is_active or user.erased_at is not None:
            raise SsoRefused("inactive")
        Link.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
        _role_follow(provider=provider, link=link, user=user, claims=claims)
        audit_record(actor=user, action="sso.signed_in", target=provider, user_id=user.pk)
    return user


def _person_by_email(*, provider: Provider, claims: dict[str, Any]) -> User:
    email, verified = _email_of(provider, claims)
    if not email:
        raise SsoRefused("no_email")
    if not verified:
        # An unconfirmed address could be anyone's: it must not open an existing account,
        # nor take an address its owner might register later.
        raise SsoRefused("email_unverified")
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    if not provider.create_accounts:
        raise SsoRefused("no_account")
    name = claims.get(provider.name_claim)
    full_name = name.strip()[:200] if isinstance(name, str) and name.strip() else email
    user = User.objects.create_user(email, full_name=full_name, email_verified_at=timezone.now())
    audit_record(actor=user, action="sso.account_created", target=user, provider=provider.slug)
    return user


def _link(*, provider: Provider, user: User, issuer: str, subject: str) -> Link:
    try:
        with transaction.atomic():
            link = Link.objects.create(provider=provider, user=user, issuer=issuer, subject=subject)
    except IntegrityError:  # the same person's two tabs: the other one linked first
        return Link.objects.get(issuer=issuer, subject=subject)
    audit_record(actor=user, action="sso.account_linked", target=user, provider=provider.slug)
    return link


def _role_values(claims: dict[str, Any], name: str) -> list[str]:
    value = claims.get(name)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _role_follow(*, provider: Provider, link: Link, user: User, claims: dict[str, Any]) -> None:
    """The role follows the provider's directory: given when the token carries the
    configured value, taken back when a later token does not, but only if it was this link
    that gave it (a role given by hand stays)."""
    if provider.grant == Provider.Grant.VOLUNTEER:
        return
    if provider.role_claim_value in _role_values(claims, provider.role_claim):
        if _role_grant(provider=provider, user=user):
            Link.objects.filter(pk=link.pk).update(granted_role=True)
    elif link.granted_role:
        _role_revoke(provider=provider, user=user)
        Link.objects.filter(pk=link.pk).update(granted_role=False)


def _role_grant(*, provider: Provider, user: User) -> bool:
    """At most the one role the provider's configuration names; True when it was given now."""
    if provider.grant == Provider.Grant.OWNER_ADMIN and not user.is_owner_admin:
        User.objects.filter(pk=user.pk).update(is_owner_admin=True)
        user.is_owner_admin = True
        audit_record(
            actor=None, action="role.granted", target=user, role="owner_admin", via=provider.slug
        )
        return True
    if provider.grant == Provider.Grant.COORDINATOR and provider.grant_organisation_id:
        role, created = OrganisationRole.objects.get_or_create(
            organisation_id=provider.grant_organisation_id,
            user=user,
            role=OrganisationRole.Role.COORDINATOR,
        )
        if created:
            audit_record(
                actor=None,
                action="role.granted",
                target=role,
                role="coordinator",
                via=provider.slug,
            )
        return created
    return False


def _role_revoke(*, provider: Provider, user: User) -> None:
    if provider.grant == Provider.Grant.OWNER_ADMIN and user.is_owner_admin:
        User.objects.filter(pk=user.pk).update(is_owner_admin=False)
        user.is_owner_admin = False
        audit_record(
            actor=None, action="role.removed", target=user, role="owner_admin", via=provider.slug
        )
    elif provider.grant == Provider.Grant.COORDINATOR and provider.grant_organisation_id:
        gone, _count = OrganisationRole.objects.filter(
            organisation_id=provider.grant_organisation_id,
            user=user,
            role=OrganisationRole.Role.COORDINATOR,
        ).delete()
        if gone:
            audit_record(
                actor=None,
                action="role.removed",
                target=user,
                role="coordinator",
                via=provider.slug,
            )


# --- the console's edits (run in the tenant's schema) ---------------------------------


def provider_save(*, provider: Provider, actor: Any, created: bool) -> Provider:
    """Save a provider's settings (validated by the console's form) and check its discovery
    document in the background. Vendor staff live in the public schema: the audit row in the
    tenant's schema names them by email, with no id of this schema's users."""
    with transaction.atomic():
        provider.full_clean()
        provider.save()
        audit_record(
            actor=f"{getattr(actor, 'email', actor)} (console)",
            action="sso.provider_created" if created else "sso.provider_changed",
            target=provider,
            enabled=provider.is_enabled,
            grant=provider.grant,
        )
        if provider.is_enabled:
            enqueue_on_commit("apps.sso.tasks.provider_metadata_warm", provider.pk)
    return provider
