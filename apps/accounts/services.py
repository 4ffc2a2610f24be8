"""Write paths for accounts."""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

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


def invitation_url(*, user: User) -> str:
    path = reverse(
        "invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
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


class EmailLinkTokenGenerator(PasswordResetTokenGenerator):
    """One-time sign-in links: a token stops working once the person has signed in."""

    key_salt = "tovholder.accounts.email_link"


email_link_tokens = EmailLinkTokenGenerator()


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


def email_link_url(*, user: User, next_path: str) -> str:
    path = reverse(
        "email-link",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_link_tokens.make_token(user),
        },
        urlconf=settings.ROOT_URLCONF,
    )
    return tenant_url(current_tenant(), f"{path}?{urlencode({'next': next_path})}")


def email_link_send(*, user: User, next_path: str) -> None:
    """Put a sign-in link in the outbox; the token is minted when the mail is rendered.
    Asking twice in the same minute sends one mail."""
    stamp = hashlib.sha256(next_path.encode()).hexdigest()[:12]
    messages.send(
        "email_link",
        to=[user.pk],
        dedupe_key=f"email-link:{user.pk}:{stamp}:{timezone.now():%Y%m%d%H%M}",
        params={"user_id": user.pk, "next_path": next_path},
    )


def email_link_use(*, uidb64: str, token: str) -> User | None:
    """The person the link is for, now with a verified address; None if the link is spent."""
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()), is_active=True)
    except (ValueError, User.DoesNotExist):
        return None
    if not email_link_tokens.check_token(user, token):
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
