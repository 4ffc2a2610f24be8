"""What accounts does when something happens below it (connected in AccountsConfig.ready)."""

from typing import Any

from apps.accounts.services import owner_admin_create
from apps.accounts.tasks import send_invitation
from apps.audit.services import audit_record
from kernel.tasks import enqueue_on_commit


def first_admin_invite(*, admin_email: str, admin_name: str, actor: object, **_: Any) -> None:
    """tenants.signals.tenant_provisioned, in the new tenant's schema: its first system-owner
    admin, and the invitation mailed once the provisioning commits."""
    admin = owner_admin_create(email=admin_email, full_name=admin_name.strip(), actor=actor)
    enqueue_on_commit(send_invitation, admin.pk)


def signed_in(*, sender: Any, request: Any, user: Any, **_: Any) -> None:
    """django.contrib.auth's user_logged_in: one audit row per successful sign-in, in the
    schema of the site signed in to."""
    audit_record(actor=user, action="user.signed_in", target=user)


def sign_in_failed(*, sender: Any, credentials: dict[str, Any], **_: Any) -> None:
    """django.contrib.auth's user_login_failed: the attempted username, never the password
    (nor any other credential)."""
    attempted = str(credentials.get("username") or credentials.get("email") or "")[:254]
    audit_record(actor=attempted or None, action="user.sign_in_failed", username=attempted)
