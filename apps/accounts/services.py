"""Write paths for accounts."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.models import User
from apps.audit.services import audit_record
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
    """Email the invitation link; sent in the tenant's language and branding."""
    tenant = current_tenant()
    with translation.override(tenant.locale):
        context = {"user": user, "tenant": tenant, "url": invitation_url(user=user)}
        subject = render_to_string("emails/invitation_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("emails/invitation.txt", context),
            to=[user.email],
        )
        message.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
        message.send()
    audit_record(actor=None, action="user.invitation_sent", target=user)
