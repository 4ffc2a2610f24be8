"""Write paths for accounts."""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.legal.models import DocumentVersion
from apps.legal.services import privacy_consent_record
from kernel import messages
from tenants.selectors import current_tenant, tenant_url


def owner_admin_create(*, email: str, full_name: str, actor: object | None) -> User:
    """Create a system-owner admin in the current tenant schema and queue the invitation."""
    with transaction.atomic():
        user = User.objects.create_user(email, full_name=full_name, is_owner_admin=True)
        audit_record(actor=actor, action="user.invited", target=user, role="owner_admin")
    return user


class LimitedTokenGenerator(PasswordResetTokenGenerator):
    """A one-time token (its hash holds the password and the last sign-in, so using it once
    spends it) that lives `timeout_setting` seconds instead of PASSWORD_RESET_TIMEOUT."""

    timeout_setting = "PASSWORD_RESET_TIMEOUT"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not super().check_token(user, token):  # also refuses anything older than a week
            return False
        try:
            made = base36_to_int(str(token).split("-")[0])
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - made
        return age <= getattr(settings, self.timeout_setting)


class InvitationTokenGenerator(LimitedTokenGenerator):
    """An admin's invitation. Django's default salt on purpose: invitations mailed before
    the sign-in links got their own generator keep working until their natural end."""

    timeout_setting = "INVITATION_TIMEOUT"


class EmailLinkTokenGenerator(LimitedTokenGenerator):
    """Sign-in links: 15 minutes, once (signing in changes last_login), and only the newest
    (`sign_in_links` counts the links asked for)."""

    key_salt = "tovholder.accounts.email_link"
    timeout_setting = "EMAIL_LINK_TIMEOUT"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        count = getattr(user, "sign_in_links", 0)
        # 0 adds nothing, so a link mailed before the counter existed still works for its
        # last minutes (its 15 minutes are counted from when it was made).
        return super()._make_hash_value(user, timestamp) + (str(count) if count else "")


class WelcomeLinkTokenGenerator(EmailLinkTokenGenerator):
    """The sign-in link in the mail of someone a coordinator added (a member, a new
    coordinator): an invitation, unexpected, so it keeps an invitation's week."""

    key_salt = "tovholder.accounts.welcome_link"
    timeout_setting = "INVITATION_TIMEOUT"


invitation_tokens = InvitationTokenGenerator()
email_link_tokens = EmailLinkTokenGenerator()
welcome_link_tokens = WelcomeLinkTokenGenerator()


def invitation_url(*, user: User) -> str:
    path = reverse(
        "invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
        urlconf=settings.ROOT_URLCONF,
    )
    return tenant_url(current_tenant(), path)


def invitation_send(*, user: User) -> None:
    """Put the invitation in the outbox; its link is made when the mail is rendered (a
    live token is never stored). Twice in the same minute is once."""
    messages.send(
        "invitation",
        to=[user.pk],
        dedupe_key=f"invitation:{user.pk}:{timezone.now():%Y%m%d%H%M}",
        params={"user_id": user.pk},
    )
    audit_record(actor=None, action="user.invitation_sent", target=user)


def volunteer_register(
    *,
    full_name: str,
    email: str,
    phone: str,
    next_path: str,
    privacy_version: DocumentVersion | None = None,
) -> User:
    """Create the person (or find them) and mail a link that signs them in.

    The same mail goes to a new and an existing address, so the form does not tell
    strangers who has an account. A new person's consent records the version of the
    privacy notice they were shown (none before a tenant has one: it gets one at
    provisioning, so that is only an old tenant's page or a test).
    """
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, full_name=full_name.strip(), phone=phone.strip(), consented_at=timezone.now()
            )
            audit_record(actor=user, action="user.registered", target=user, consent=True)
            if privacy_version is not None:
                privacy_consent_record(user=user, version=privacy_version)
        email_link_send(user=user, next_path=next_path)
    return user


def email_link_url(*, user: User, next_path: str, invited: bool = False) -> str:
    tokens = welcome_link_tokens if invited else email_link_tokens
    path = reverse(
        "email-link",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": tokens.make_token(user),
        },
        urlconf=settings.ROOT_URLCONF,
    )
    return tenant_url(current_tenant(), f"{path}?{urlencode({'next': next_path})}")


def email_link_send(*, user: User, next_path: str, invited: bool = False) -> None:
    """Put a sign-in link in the outbox; the token is minted when the mail is rendered.
    Asking twice in the same minute sends one mail. Asking again makes the links mailed
    before stop working: one valid link at a time. `invited`: someone else added the
    person (a coordinator), so the link lives as long as an invitation."""
    User.objects.filter(pk=user.pk).update(sign_in_links=F("sign_in_links") + 1)
    stamp = hashlib.sha256(next_path.encode()).hexdigest()[:12]
    params: dict[str, object] = {"user_id": user.pk, "next_path": next_path}
    if invited:
        params["invited"] = True
    messages.send(
        "email_link",
        to=[user.pk],
        dedupe_key=f"email-link:{user.pk}:{stamp}:{int(invited)}:{timezone.now():%Y%m%d%H%M}",
        params=params,
    )


def email_link_use(*, uidb64: str, token: str) -> User | None:
    """The person the link is for, now with a verified address; None if the link is spent."""
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()), is_active=True)
    except (ValueError, User.DoesNotExist):
        return None
    if not (
        email_link_tokens.check_token(user, token) or welcome_link_tokens.check_token(user, token)
    ):
        return None
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        audit_record(actor=user, action="user.email_verified", target=user)
    return user


def email_link_request(*, email: str, next_path: str) -> None:
    """Mail a sign-in link if the address has an account; say nothing either way."""
    user = User.objects.filter(
        email=User.objects.normalize_email(email).lower(), is_active=True
    ).first()
    if user is not None:
        email_link_send(user=user, next_path=next_path)


def sign_in_lock_record(*, email: str, ip: str, limit: str, minutes: int) -> None:
    """Audit a lock of password sign-ins as it starts (apps.accounts.throttle).

    On the account when the lock is about one that exists (a lock per IP concerns many, so
    it names none); the attempted address is not stored when it has no account, as it may
    be someone's mistyped address. The client's IP is kept: it is what an admin looking
    into an attack needs.
    """
    scope = limit.removeprefix("ratelimit_signin_")
    user = None
    if scope != "ip":
        user = User.objects.filter(email=User.objects.normalize_email(email).lower()).first()
    with transaction.atomic():
        audit_record(
            actor=None,
            action="user.sign_in_locked",
            target=user,
            scope=scope,
            minutes=minutes,
            ip=ip,
        )
